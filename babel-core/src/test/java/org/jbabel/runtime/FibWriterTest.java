package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jbabel.config.DaemonConfig;
import org.jbabel.engine.Action;
import org.jbabel.engine.Action.FibOp;
import org.jbabel.engine.RouteKey;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.FibResult;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class FibWriterTest {

    private static final IpAddress NH = IpAddress.parse("fe80::2");
    private static final RouteKey V6 = RouteKey.of(Prefix.parse("2001:db8:1::/48"));

    private static FibWriter writer(KernelMetric metric, String... argv) {
        DaemonConfig c = TestConfigs.of(argv);
        return new FibWriter(metric, c.globals().exportTable(), name -> name.equals("eth0") ? 2 : 0);
    }

    private static Action.FibUpdate update(FibOp op, RouteKey key, IpAddress nh, int metric) {
        return new Action.FibUpdate(op, key, nh, "eth0", metric);
    }

    @Test
    void selectedRouteBecomesAnOnLinkProtocol42RouteInTheExportTable() {
        FibWriter w = writer(KernelMetric.DEFAULT, "-t", "100");
        List<FibChange> c = w.changesFor(update(FibOp.ADD, V6, NH, 96));
        assertThat(c).containsExactly(FibChange.add(KernelRoute.unicast(V6.prefix(), V6.source(), NH, 2, 0).withTable(100)));
        assertThat(c.getFirst().route().protocol()).isEqualTo(KernelRoute.PROTOCOL_BABEL);
    }

    @Test
    void ipv4ThroughIpv6NextHopAndIpv6SourceSpecificRoutesAreWritten() {
        FibWriter w = writer(KernelMetric.DEFAULT);
        RouteKey v4 = RouteKey.of(Prefix.parse("10.0.0.0/8"));
        assertThat(w.changesFor(update(FibOp.ADD, v4, NH, 96)).getFirst().route().v4ViaV6()).isTrue();
        RouteKey ss = new RouteKey(Prefix.parse("::/0"), Prefix.parse("2001:db8:a::/48"));
        assertThat(w.changesFor(update(FibOp.ADD, ss, NH, 96)).getFirst().route().source())
                .isEqualTo(Prefix.parse("2001:db8:a::/48"));
        RouteKey ss4 = new RouteKey(Prefix.parse("0.0.0.0/0"), Prefix.parse("10.1.0.0/16"));
        assertThat(w.changesFor(update(FibOp.ADD, ss4, NH, 96))).isEmpty();
        assertThat(w.counters()).containsEntry("fib_skipped_ipv4_source_specific", 1L);
    }

    @Test
    void changeKeepingThePriorityIsAReplaceAndAMovedPriorityIsRemoveThenAdd() {
        FibWriter plain = writer(KernelMetric.DEFAULT);
        plain.changesFor(update(FibOp.ADD, V6, NH, 96));
        IpAddress other = IpAddress.parse("fe80::3");
        assertThat(plain.changesFor(update(FibOp.REPLACE, V6, other, 200))).singleElement()
                .satisfies(c -> assertThat(c.op()).isEqualTo(FibChange.Op.REPLACE));

        FibWriter reflect = writer(new KernelMetric(0, true));
        reflect.changesFor(update(FibOp.ADD, V6, NH, 96));
        List<FibChange> c = reflect.changesFor(update(FibOp.REPLACE, V6, NH, 200));
        assertThat(c).extracting(FibChange::op).containsExactly(FibChange.Op.REMOVE, FibChange.Op.ADD);
        assertThat(c.get(0).route().priority()).isEqualTo(96);
        assertThat(c.get(1).route().priority()).isEqualTo(200);
    }

    @Test
    void removeAllTakesOutExactlyWhatWasInstalledAndRefusedAddsAreForgotten() {
        FibWriter w = writer(KernelMetric.DEFAULT);
        FibChange add = w.changesFor(update(FibOp.ADD, V6, NH, 96)).getFirst();
        RouteKey other = RouteKey.of(Prefix.parse("2001:db8:2::/48"));
        FibChange refused = w.changesFor(update(FibOp.ADD, other, NH, 96)).getFirst();
        w.applied(List.of(FibResult.ok(add), new FibResult(refused, Errno.EEXIST)));
        assertThat(w.counters()).containsEntry("fib_add_EEXIST", 1L);
        assertThat(w.removeAll()).containsExactly(FibChange.remove(add.route()));
        assertThat(w.installed()).isEmpty();
        assertThat(w.changesFor(update(FibOp.REMOVE, V6, NH, 96))).as("nothing left to remove").isEmpty();
    }

    @Test
    void tableAndPreferredSourceFromTheEngineAreWritten() {
        FibWriter w = writer(KernelMetric.DEFAULT);
        KernelRoute r = w.changesFor(new Action.FibUpdate(FibOp.ADD, V6, NH, "eth0", 96, 200,
                IpAddress.parse("2001:db8:ff::1"))).getFirst().route();
        assertThat(r.table()).isEqualTo(200);
        assertThat(r.preferredSource()).isEqualTo(IpAddress.parse("2001:db8:ff::1"));
    }

    @Test
    void routeThroughAnUnknownInterfaceIsNotWritten() {
        FibWriter w = writer(KernelMetric.DEFAULT);
        assertThat(w.changesFor(new Action.FibUpdate(FibOp.ADD, V6, NH, "gone0", 96))).isEmpty();
        assertThat(w.counters()).containsEntry("fib_skipped_no_interface", 1L);
    }
}
