package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jbabel.config.DaemonConfig;
import org.jbabel.engine.Action;
import org.jbabel.engine.Action.FibOp;
import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelChange;
import org.jbabel.kernel.KernelChanges;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.kernel.Plan;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class FibWriterTest {

    private static final IpAddress NH = IpAddress.parse("fe80::2");
    private static final RouteKey V6 = RouteKey.of(Prefix.parse("2001:db8:1::/48"));

    private static FibWriter writer(KernelMetric metric, String... argv) {
        DaemonConfig c = TestConfigs.of(argv);
        return new FibWriter(metric, c.globals().exportTable(), name -> name.equals("eth0") ? 2 : 0,
                PlacementChoice.plain());
    }

    private static List<KernelChange> changes(FibWriter w, Action.FibUpdate u) {
        return w.changesFor(u).changes();
    }

    private static Action.FibUpdate update(FibOp op, RouteKey key, IpAddress nh, int metric) {
        return new Action.FibUpdate(op, key, nh, "eth0", metric);
    }

    @Test
    void selectedRouteBecomesAnOnLinkProtocol42RouteInTheExportTable() {
        FibWriter w = writer(KernelMetric.DEFAULT, "-t", "100");
        List<KernelChange> c = changes(w, update(FibOp.ADD, V6, NH, 96));
        assertThat(c).containsExactly(FibChange.add(KernelRoute.unicast(V6.prefix(), V6.source(), NH, 2, 0).withTable(100)));
        assertThat(route(c.getFirst()).protocol()).isEqualTo(KernelRoute.PROTOCOL_BABEL);
    }

    @Test
    void ipv4ThroughIpv6NextHopIsWrittenAndThePlainPlacementRefusesSourceSpecificRoutes() {
        FibWriter w = writer(KernelMetric.DEFAULT);
        RouteKey v4 = RouteKey.of(Prefix.parse("10.0.0.0/8"));
        assertThat(route(changes(w, update(FibOp.ADD, v4, NH, 96)).getFirst()).v4ViaV6()).isTrue();
        RouteKey ss = new RouteKey(Prefix.parse("::/0"), Prefix.parse("2001:db8:a::/48"));
        Plan refused = w.changesFor(update(FibOp.ADD, ss, NH, 96));
        assertThat(refused.changes()).isEmpty();
        assertThat(refused.refusal()).hasValueSatisfying(r -> assertThat(r).contains("source-specific"));
        RouteKey ss4 = new RouteKey(Prefix.parse("0.0.0.0/0"), Prefix.parse("10.1.0.0/16"));
        assertThat(changes(w, update(FibOp.ADD, ss4, NH, 96))).isEmpty();
        assertThat(w.counters()).containsEntry("fib_refused_by_placement", 2L)
                .containsEntry("placement_ipv4_none", 1L).containsEntry("placement_ipv6_none", 1L);
        assertThat(w.installed()).containsOnlyKeys(v4);
    }

    @Test
    void changeKeepingThePriorityIsAReplaceAndAMovedPriorityIsRemoveThenAdd() {
        FibWriter plain = writer(KernelMetric.DEFAULT);
        changes(plain, update(FibOp.ADD, V6, NH, 96));
        IpAddress other = IpAddress.parse("fe80::3");
        assertThat(changes(plain, update(FibOp.REPLACE, V6, other, 200))).singleElement()
                .isEqualTo(FibChange.replace(KernelRoute.unicast(V6.prefix(), V6.source(), other, 2, 0)));

        FibWriter reflect = writer(new KernelMetric(0, true));
        changes(reflect, update(FibOp.ADD, V6, NH, 96));
        List<FibChange> c = changes(reflect, update(FibOp.REPLACE, V6, NH, 200)).stream()
                .map(FibChange.class::cast).toList();
        assertThat(c).extracting(FibChange::op).containsExactly(FibChange.Op.REMOVE, FibChange.Op.ADD);
        assertThat(c.get(0).route().priority()).isEqualTo(96);
        assertThat(c.get(1).route().priority()).isEqualTo(200);
    }

    @Test
    void anUnreachableEntryReplacesTheRouteAsBabeldsUnreachableRouteExceptForADefaultRouteWhichGoes() {
        FibWriter w = writer(KernelMetric.DEFAULT, "-t", "100");
        changes(w, update(FibOp.ADD, V6, NH, 96));
        Action.FibUpdate held = new Action.FibUpdate(FibOp.REPLACE, V6, null, null, 0xFFFF, 0, null);
        assertThat(held.unreachable()).isTrue();
        List<FibChange> c = changes(w, held).stream().map(FibChange.class::cast).toList();
        assertThat(c).extracting(FibChange::op).as("another priority: remove, then add")
                .containsExactly(FibChange.Op.REMOVE, FibChange.Op.ADD);
        assertThat(c.get(1).route()).isEqualTo(KernelRoute.unreachable(V6.prefix(), V6.source(),
                KernelMetric.KERNEL_INFINITY).withTable(100));
        assertThat(w.installed().get(V6).type()).isEqualTo(org.jbabel.kernel.RouteType.UNREACHABLE);
        assertThat(changes(w, update(FibOp.REPLACE, V6, NH, 96))).as("a route again")
                .contains(FibChange.add(KernelRoute.unicast(V6.prefix(), V6.source(), NH, 2, 0).withTable(100)));

        RouteKey def = RouteKey.of(Prefix.parse("::/0"));
        changes(w, update(FibOp.ADD, def, NH, 96));
        assertThat(changes(w, new Action.FibUpdate(FibOp.REPLACE, def, null, null, 0xFFFF, 0, null)))
                .as("no unreachable default route").singleElement()
                .satisfies(k -> assertThat(((FibChange) k).op()).isEqualTo(FibChange.Op.REMOVE));
        assertThat(w.installed()).doesNotContainKey(def);
    }

    @Test
    void removeAllTakesOutExactlyWhatWasInstalledAndKernelFailuresAreCounted() {
        FibWriter w = writer(KernelMetric.DEFAULT);
        KernelChange add = changes(w, update(FibOp.ADD, V6, NH, 96)).getFirst();
        changes(w, update(FibOp.ADD, V6, NH, 96));
        RouteKey other = RouteKey.of(Prefix.parse("2001:db8:2::/48"));
        KernelChange refused = changes(w, update(FibOp.ADD, other, NH, 96)).getFirst();
        w.applied(List.of(new KernelChanges.Result(add, 0), new KernelChanges.Result(refused, Errno.EEXIST)));
        assertThat(w.counters()).containsEntry("fib_add_EEXIST", 1L);
        assertThat(w.removeAll()).containsExactlyInAnyOrder(FibChange.remove(route(add)),
                FibChange.remove(route(refused)));
        assertThat(w.installed()).isEmpty();
        assertThat(changes(w, update(FibOp.REMOVE, V6, NH, 96))).as("nothing left to remove").isEmpty();
    }

    @Test
    void tableAndPreferredSourceFromTheEngineAreWritten() {
        FibWriter w = writer(KernelMetric.DEFAULT);
        KernelRoute r = route(changes(w, new Action.FibUpdate(FibOp.ADD, V6, NH, "eth0", 96, 200,
                IpAddress.parse("2001:db8:ff::1"))).getFirst());
        assertThat(r.table()).isEqualTo(200);
        assertThat(r.preferredSource()).isEqualTo(IpAddress.parse("2001:db8:ff::1"));
    }

    private static KernelRoute route(KernelChange c) {
        return ((FibChange) c).route();
    }

    @Test
    void routeThroughAnUnknownInterfaceIsNotWritten() {
        FibWriter w = writer(KernelMetric.DEFAULT);
        assertThat(changes(w, new Action.FibUpdate(FibOp.ADD, V6, NH, "gone0", 96))).isEmpty();
        assertThat(w.counters()).containsEntry("fib_skipped_no_interface", 1L);
    }
}
