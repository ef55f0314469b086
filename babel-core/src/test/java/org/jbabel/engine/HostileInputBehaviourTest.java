package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

/**
 * What a hostile (or broken) neighbour can make the engine believe, announce or install: martian prefixes and next
 * hops, routes the kernel will not take, updates faster than the smoothing's one-second step.
 */
class HostileInputBehaviourTest {

    private static final String X = "2001:db8:a::/48";

    /** a — b — c, wired, 20 s in: b has c as a bidirectional neighbour and a's route to X. */
    private static TestNetwork chain(long seed) {
        TestNetwork net = new TestNetwork(seed);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        a.originate(X);
        net.link("ab", InterfaceType.WIRED, a, b);
        net.link("bc", InterfaceType.WIRED, b, c);
        net.run(Time.seconds(20));
        return net;
    }

    private static Tlv.Update update(TestNetwork.Node from, AddressEncoding ae, Prefix prefix, Prefix source,
            IpAddress nextHop) {
        return new Tlv.Update(ae, 0, prefix, source, 400, from.engine.seqno(), 0, from.engine.routerId(), nextHop,
                List.of());
    }

    private static Tlv.Update update(TestNetwork.Node from, Prefix prefix, IpAddress nextHop) {
        AddressEncoding ae = prefix.family() == Family.V6 ? AddressEncoding.IPV6
                : nextHop != null && nextHop.family() == Family.V4 ? AddressEncoding.IPV4 : AddressEncoding.IPV4_VIA_IPV6;
        return update(from, ae, prefix, Prefix.zero(prefix.family()), nextHop);
    }

    private static Prefix v4Mapped(int v4, int length) {
        return new Prefix(IpAddress.v6(0, 0x0000_ffff_0000_0000L | (v4 & 0xffff_ffffL)), length);
    }

    private static List<Tlv.Update> updatesSent(TestNetwork.Node n, int from) {
        List<Tlv.Update> result = new ArrayList<>();
        for (Action a : n.log.subList(from, n.log.size())) {
            if (a instanceof Action.Send s) {
                s.tlvs().stream().filter(t -> t instanceof Tlv.Update u && !u.wildcard())
                        .forEach(t -> result.add((Tlv.Update) t));
            }
        }
        return result;
    }

    @Test
    void martianPrefixesOfEveryClassAreDroppedCountedAndNeverRelayed() {
        TestNetwork net = chain(40);
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        int routes = b.engine.routes().size();
        int mark = b.log.size();
        List<Prefix> martians = new ArrayList<>();
        for (String p : List.of("ff02::/16", "ff00::/8", "fe80::/64", "fe80::/10", "::/128", "::1/128", "0.0.0.0/8",
                "0.0.0.0/32", "127.0.0.0/8", "127.0.0.1/32", "224.0.0.0/4", "239.0.0.0/8", "255.255.255.255/32")) {
            martians.add(Prefix.parse(p));
        }
        martians.add(v4Mapped(0, 96));
        martians.add(v4Mapped(0, 128));
        martians.add(v4Mapped(0x0a00_0000, 104));
        for (Prefix p : martians) {
            b.inject(c, "bc", IpAddress.BABEL_GROUP, update(c, p, null));
        }
        b.inject(c, "bc", IpAddress.BABEL_GROUP, update(c, AddressEncoding.IPV6, Prefix.parse("2001:db8:5::/48"),
                Prefix.parse("fe80::/64"), null));
        net.run(Time.seconds(20));

        assertThat(b.engine.counters().get(EngineCounters.Counter.MARTIAN_PREFIX)).isEqualTo(martians.size() + 1);
        assertThat(b.engine.counters().snapshot()).containsEntry("martian_prefix", martians.size() + 1L);
        assertThat(b.engine.routes()).hasSize(routes);
        assertThat(b.fib).containsOnlyKeys(RouteKey.of(Prefix.parse(X)));
        assertThat(updatesSent(b, mark)).extracting(Tlv.Update::prefix).containsOnly(Prefix.parse(X));
    }

    @Test
    void updatesThroughNextHopsThatCanNeverBeValidAreDroppedCountedAndRetractTheRouteTheyReplace() {
        TestNetwork net = chain(41);
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        List<Tlv.Update> bad = new ArrayList<>();
        for (String nh : List.of("::", "::1", "ff02::1", "ff02::1:6")) {
            bad.add(update(c, Prefix.parse("2001:db8:7::/48"), IpAddress.parse(nh)));
            bad.add(update(c, Prefix.parse("10.7.0.0/16"), IpAddress.parse(nh)));
        }
        IpAddress mapped = IpAddress.v6(0, 0x0000_ffff_0a00_0001L);
        bad.add(update(c, Prefix.parse("2001:db8:7::/48"), mapped));
        for (String nh : List.of("0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.1", "239.1.1.1", "240.0.0.1",
                "255.255.0.3", "255.255.255.255")) {
            bad.add(update(c, Prefix.parse("10.7.0.0/16"), IpAddress.parse(nh)));
        }
        for (Tlv.Update u : bad) {
            b.inject(c, "bc", IpAddress.BABEL_GROUP, u);
        }
        net.run(Time.seconds(5));
        assertThat(b.engine.counters().get(EngineCounters.Counter.MARTIAN_NEXT_HOP)).isEqualTo(bad.size());
        assertThat(b.engine.routes()).noneSatisfy(r -> assertThat(r.key().prefix()).isIn(
                Prefix.parse("2001:db8:7::/48"), Prefix.parse("10.7.0.0/16")));
        assertThat(b.fib).containsOnlyKeys(RouteKey.of(Prefix.parse(X)));

        // A good route first, then the same neighbour moves it to a next hop that can never be valid.
        b.inject(c, "bc", IpAddress.BABEL_GROUP, update(c, Prefix.parse("10.8.0.0/16"), IpAddress.parse("10.0.0.3")));
        net.run(Time.seconds(1));
        assertThat(b.fib("10.8.0.0/16")).isNotNull();
        b.inject(c, "bc", IpAddress.BABEL_GROUP, update(c, Prefix.parse("10.8.0.0/16"), IpAddress.parse("240.0.0.1")));
        net.run(Time.seconds(1));
        assertThat(b.routes("10.8.0.0/16")).as("not left through the old next hop").isNull();
        assertThat(b.engine.selectedRoute(RouteKey.of(Prefix.parse("10.8.0.0/16")))).isEmpty();
    }

    @Test
    void martianLocalRoutesAreNeverOriginatedNorAnnounced() {
        TestNetwork net = new TestNetwork(42);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("ab", InterfaceType.WIRED, a, b);
        List<RouteKey> martians = new ArrayList<>();
        for (String p : List.of("ff02::/16", "fe80::/64", "::1/128", "127.0.0.0/8", "224.0.0.0/4",
                "255.255.255.255/32", "0.0.0.0/8")) {
            martians.add(RouteKey.of(Prefix.parse(p)));
        }
        martians.add(RouteKey.of(v4Mapped(0, 96)));
        martians.add(RouteKey.of(v4Mapped(0x0a00_0000, 104)));
        martians.add(new RouteKey(Prefix.parse("2001:db8:1::/48"), Prefix.parse("ff00::/8")));
        for (RouteKey k : martians) {
            a.engine.originate(net.now, k, 0);
        }
        a.originate(X);
        net.run(Time.seconds(30));

        assertThat(a.engine.counters().get(EngineCounters.Counter.MARTIAN_ORIGINATION)).isEqualTo(martians.size());
        assertThat(a.engine.localRoutes()).extracting(LocalRouteView::key).containsExactly(RouteKey.of(Prefix.parse(X)));
        assertThat(updatesSent(a, 0)).extracting(Tlv.Update::prefix).containsOnly(Prefix.parse(X));
        assertThat(b.fib).containsOnlyKeys(RouteKey.of(Prefix.parse(X)));
    }

    /** s originates X; b hears it from s directly (96) and through c (192); d hears b. */
    private static TestNetwork diamond(long seed) {
        TestNetwork net = new TestNetwork(seed);
        TestNetwork.Node s = net.node("s");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        TestNetwork.Node d = net.node("d");
        s.originate(X);
        net.link("sb", InterfaceType.WIRED, s, b);
        net.link("sc", InterfaceType.WIRED, s, c);
        net.link("bc", InterfaceType.WIRED, b, c);
        net.link("bd", InterfaceType.WIRED, b, d);
        net.run(Time.seconds(30));
        return net;
    }

    private static RouteView routeVia(TestNetwork.Node n, TestNetwork.Node neighbour, String link) {
        return n.engine.routes().stream().filter(r -> r.key().equals(RouteKey.of(Prefix.parse(X)))
                && r.neighbour().equals(neighbour.linkLocal(link))).findFirst().orElseThrow();
    }

    @Test
    void aRouteTheKernelRefusedIsNotInstalledNotAnnouncedAndAnotherRouteTakesItsPlace() {
        TestNetwork net = diamond(43);
        TestNetwork.Node s = net.get("s");
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        TestNetwork.Node d = net.get("d");
        assertThat(b.fib(X).nextHop()).isEqualTo(s.linkLocal("sb"));
        assertThat(d.fib(X).metric()).isEqualTo(192);

        // b's kernel will not take a route through s's address (as Linux refuses a next hop that is one of ours).
        b.kernelRefuses = f -> s.linkLocal("sb").equals(f.nextHop());
        b.engine.kernelRefused(net.now, b.fib(X));
        net.run(Time.millis(100));
        assertThat(b.engine.counters().get(EngineCounters.Counter.KERNEL_REFUSED)).isEqualTo(1);
        assertThat(routeVia(b, s, "sb").installed()).as("shown not installed").isFalse();
        assertThat(d.routes(X)).as("retracted at once").isNull();
        // The route through c was unfeasible (its metric is b's own distance); s answered b's seqno request, and c
        // passes the new seqno on with its next periodic update.
        net.run(Time.seconds(20));
        assertThat(b.fib(X)).as("the route through c instead").isNotNull();
        assertThat(b.fib(X).nextHop()).isEqualTo(c.linkLocal("bc"));
        assertThat(routeVia(b, c, "bc").installed()).isTrue();
        assertThat(d.fib(X).metric()).as("announced with the metric of the route in use").isEqualTo(288);

        // Refreshes of the refused route with the same next hop do not bring it back.
        net.run(Time.seconds(30));
        assertThat(b.fib(X).nextHop()).isEqualTo(c.linkLocal("bc"));
        assertThat(routeVia(b, s, "sb").installed()).isFalse();

        // The kernel refuses the other one too: nothing is installed, and d is told at once.
        b.kernelRefuses = f -> true;
        b.engine.kernelRefused(net.now, b.fib(X));
        int mark = b.log.size();
        net.run(Time.millis(200));
        assertThat(b.fib(X)).isNull();
        assertThat(b.engine.selectedRoute(RouteKey.of(Prefix.parse(X)))).isEmpty();
        assertThat(b.engine.routes()).noneMatch(RouteView::installed);
        assertThat(updatesSent(b, mark)).filteredOn(u -> u.prefix().equals(Prefix.parse(X)))
                .isNotEmpty().allMatch(Tlv.Update::retraction);
        assertThat(d.routes(X)).as("no black hole through b").isNull();
        assertThat(b.engine.counters().get(EngineCounters.Counter.KERNEL_REFUSED)).isEqualTo(2);

        // Once the kernel takes it again, a route that comes back after a retraction is installed and announced.
        b.kernelRefuses = f -> false;
        s.withdraw(X);
        net.run(Time.seconds(2));
        s.originate(X);
        net.run(Time.seconds(2));
        assertThat(b.fib(X)).isNotNull();
        assertThat(b.fib(X).nextHop()).isEqualTo(s.linkLocal("sb"));
        assertThat(routeVia(b, s, "sb").installed()).isTrue();
        assertThat(d.fib(X)).isNotNull();
        assertThat(d.fib(X).metric()).isEqualTo(192);
    }

    @Test
    void anAnswerAboutAnEntryTheKeyNoLongerHasIsIgnored() {
        TestNetwork net = diamond(44);
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        Action.FibUpdate current = b.fib(X);
        Action.FibUpdate stale = new Action.FibUpdate(Action.FibOp.ADD, current.key(), c.linkLocal("bc"), "bc",
                current.metric());
        b.engine.kernelRefused(net.now, stale);
        b.engine.kernelRefused(net.now, new Action.FibUpdate(Action.FibOp.REMOVE, current.key(), current.nextHop(),
                current.ifname(), current.metric()));
        net.run(Time.seconds(1));
        assertThat(b.engine.counters().get(EngineCounters.Counter.KERNEL_REFUSED)).isZero();
        assertThat(b.fib(X)).isEqualTo(current);
    }

    /**
     * babeld's smoothing with a half-life of 4 s: a new route starts at a smoothed metric of 0x7FFF (at least), which
     * halves its distance to the real metric every half-life. A better route refreshed every 0.5 s must be taken once
     * its smoothed metric is below the current route's, after halfLife × log2((0x7FFF − new) / (old − new)) seconds.
     */
    @Test
    void aBetterRouteRefreshedEveryHalfSecondIsSelectedWhenItsSmoothedMetricHasComeDown() {
        TestNetwork net = new TestNetwork(45);
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node far = net.node("far");
        TestNetwork.Node near = net.node("near");
        far.originate(X);
        near.originate(X);
        net.link("wifi", InterfaceType.WIRELESS, far, b);
        net.run(Time.seconds(30));
        int old = b.fib(X).metric();
        assertThat(old).as("about a wireless link's 256").isBetween(256, 300);

        net.link("eth", InterfaceType.WIRED, near, b);
        long usableAt = -1;
        long switchedAt = -1;
        for (int i = 0; i < 240 && switchedAt < 0; i++) {
            b.inject(near, "eth", IpAddress.BABEL_GROUP, new Tlv.Update(AddressEncoding.IPV6, 0, Prefix.parse(X),
                    Prefix.V6_DEFAULT, 50, near.engine.seqno(), 0, near.engine.routerId(), null, List.of()));
            if (usableAt < 0 && routeVia(b, near, "eth").metric() == 96) {
                usableAt = net.now;
            }
            if (b.fib(X).nextHop().equals(near.linkLocal("eth"))) {
                switchedAt = net.now;
            }
            net.run(Time.millis(500));
        }
        assertThat(usableAt).as("the better route became usable").isPositive();
        assertThat(switchedAt).as("the better route was selected").isPositive();
        double halfLife = 4;
        double expected = halfLife * Math.log((0x7FFF - 96) / (old - 96.0)) / Math.log(2);
        double took = (switchedAt - usableAt) / (double) Time.seconds(1);
        assertThat(took).as("seconds from usable to selected, babeld's %.1f", expected)
                .isBetween(expected - 1.0, expected + 1.5);
    }
}
