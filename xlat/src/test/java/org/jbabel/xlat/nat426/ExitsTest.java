package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jbabel.engine.BabelConstants;
import org.jbabel.engine.ChangeKind;
import org.jbabel.engine.RouteChange;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;
import org.jbabel.xlat.nat64.ExitPrefix;
import org.jbabel.xlat.nat426.Exits.Event;
import org.jbabel.xlat.nat426.Exits.Event.Kind;
import org.junit.jupiter.api.Test;

/** Exit choice from Babel's routes: nearest, gone, back (docs/XLAT.md decisions 3, 3b). */
class ExitsTest {

    static final ExitPrefix MP = new ExitPrefix(Prefix.parse("fd7a:1:2:3::/64"));
    static final Prefix EXIT_RANGE = Prefix.parse("10.255.0.0/24");
    static final int E1 = v4("10.255.0.1");
    static final int E2 = v4("10.255.0.2");
    static final int E3 = v4("10.255.0.3");

    final Counts counts = new Counts();
    final Exits exits = new Exits(MP, EXIT_RANGE, 2, counts);

    static int v4(String s) {
        return IpAddress.parse(s).v4Bits();
    }

    static long u(int e) {
        return e & 0xffff_ffffL;
    }

    static SelectedRoute route(Prefix p, int metric) {
        return new SelectedRoute(RouteKey.of(p), new RouterId(1), 1, metric, IpAddress.parse("fe80::1"), "wg0", false);
    }

    static SelectedRoute exitRoute(int e, int metric) {
        return route(MP.exitPrefix(e), metric);
    }

    static RouteChange change(ChangeKind kind, SelectedRoute r) {
        return new RouteChange(kind, r);
    }

    @Test
    void theNearestExitHasTheSmallestMetric() {
        assertThat(exits.nearest()).isEqualTo(Exits.NONE);
        assertThat(exits.changed(change(ChangeKind.ADDED, exitRoute(E1, 300))))
                .containsExactly(new Event(Kind.BACK, u(E1)), new Event(Kind.NEAREST, u(E1)));
        assertThat(exits.changed(change(ChangeKind.ADDED, exitRoute(E2, 200))))
                .containsExactly(new Event(Kind.BACK, u(E2)), new Event(Kind.NEAREST, u(E2)));
        assertThat(exits.nearest()).isEqualTo(u(E2));
        assertThat(exits.reachable(E1)).isTrue();
        assertThat(exits.metric(E1)).isEqualTo(300);
        // E1's route gets better: it is the nearest now, and nothing appeared or went
        assertThat(exits.changed(change(ChangeKind.CHANGED, exitRoute(E1, 100))))
                .containsExactly(new Event(Kind.NEAREST, u(E1)));
        assertThat(exits.snapshot()).containsExactly(
                java.util.Map.entry(IpAddress.v4(E1), 100), java.util.Map.entry(IpAddress.v4(E2), 200));
    }

    @Test
    void equalMetricsPickTheSmallerAddress() {
        exits.changed(change(ChangeKind.ADDED, exitRoute(E2, 100)));
        exits.changed(change(ChangeKind.ADDED, exitRoute(E1, 100)));
        assertThat(exits.nearest()).isEqualTo(u(E1));
    }

    @Test
    void anExitIsGoneWhenItsRouteIsRemovedOrUnreachableAndBackWhenItReturns() {
        exits.changed(change(ChangeKind.ADDED, exitRoute(E1, 100)));
        exits.changed(change(ChangeKind.ADDED, exitRoute(E2, 200)));
        assertThat(exits.changed(change(ChangeKind.REMOVED, exitRoute(E1, 100))))
                .containsExactly(new Event(Kind.GONE, u(E1)), new Event(Kind.NEAREST, u(E2)));
        assertThat(exits.reachable(E1)).isFalse();
        assertThat(exits.metric(E1)).isEqualTo(BabelConstants.INFINITY);
        // a held retracted route (metric infinity) is no way out either
        assertThat(exits.changed(change(ChangeKind.CHANGED, exitRoute(E2, BabelConstants.INFINITY))))
                .containsExactly(new Event(Kind.GONE, u(E2)), new Event(Kind.NEAREST, Exits.NONE));
        assertThat(exits.nearest()).isEqualTo(Exits.NONE);
        assertThat(exits.changed(change(ChangeKind.ADDED, exitRoute(E1, 100))))
                .containsExactly(new Event(Kind.BACK, u(E1)), new Event(Kind.NEAREST, u(E1)));
        // removing what is not there says nothing
        assertThat(exits.changed(change(ChangeKind.REMOVED, exitRoute(E3, 100)))).isEmpty();
    }

    @Test
    void routesThatAreNotExitsAreIgnored() {
        Prefix outsideRange = MP.exitPrefix(v4("10.254.0.1"));
        Prefix otherMetaprefix = new ExitPrefix(Prefix.parse("fd7a:1:2:4::/64")).exitPrefix(E1);
        Prefix notA96 = new Prefix(MP.exitPrefix(E1).address(), 104);
        SelectedRoute sourceSpecific = new SelectedRoute(new RouteKey(MP.exitPrefix(E1),
                Prefix.parse("2001:db8::/32")), new RouterId(1), 1, 100, IpAddress.parse("fe80::1"), "wg0", false);
        for (SelectedRoute r : List.of(route(outsideRange, 1), route(otherMetaprefix, 1), route(notA96, 1),
                route(Prefix.parse("10.255.0.1/32"), 1), sourceSpecific)) {
            assertThat(exits.changed(change(ChangeKind.ADDED, r))).as(r.toString()).isEmpty();
        }
        assertThat(exits.nearest()).isEqualTo(Exits.NONE);
        assertThat(exits.inExitRange(E3)).isTrue();
        assertThat(exits.inExitRange(v4("10.254.0.1"))).isFalse();
    }

    @Test
    void resetStartsOverAndReportsTheDifference() {
        exits.changed(change(ChangeKind.ADDED, exitRoute(E1, 100)));
        List<Event> events = exits.reset(List.of(exitRoute(E2, 50), route(Prefix.parse("::/0"), 10)));
        assertThat(events).containsExactly(new Event(Kind.GONE, u(E1)), new Event(Kind.BACK, u(E2)),
                new Event(Kind.NEAREST, u(E2)));
    }

    @Test
    void exitsBeyondTheBoundAreRefusedAndCounted() {
        exits.changed(change(ChangeKind.ADDED, exitRoute(E1, 100)));
        exits.changed(change(ChangeKind.ADDED, exitRoute(E2, 100)));
        assertThat(exits.changed(change(ChangeKind.ADDED, exitRoute(E3, 1)))).isEmpty();
        assertThat(exits.reachable(E3)).isFalse();
        assertThat(counts.get("exit_refused")).isEqualTo(1);
    }

    @Test
    void theSlash56LayoutIsReadToo() {
        ExitPrefix mp56 = new ExitPrefix(Prefix.parse("fd7a:1:2:300::/56"));
        Exits e56 = new Exits(mp56, EXIT_RANGE, 8, counts);
        e56.changed(change(ChangeKind.ADDED, route(mp56.exitPrefix(E3), 7)));
        assertThat(e56.nearest()).isEqualTo(u(E3));
        // a /96 with a non-zero u-octet is not an exit's under a /56
        Prefix uOctet = new Prefix(IpAddress.v6(mp56.exitPrefix(E2).address().hi(),
                mp56.exitPrefix(E2).address().lo() | 0x0100_0000_0000_0000L), 96);
        assertThat(e56.changed(change(ChangeKind.ADDED, route(uOctet, 1)))).isEmpty();
    }
}
