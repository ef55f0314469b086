package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

/** Per-interface settings (intervals, rxcost, split horizon, unicast, configured neighbours) and table limits. */
class InterfaceSettingsBehaviourTest {

    private static final String X = "2001:db8:a::/48";

    private static List<Tlv.Hello> hellos(TestNetwork.Node n, String ifname) {
        return n.sends().stream()
                .filter(s -> s.ifname().equals(ifname))
                .flatMap(s -> s.tlvs().stream())
                .filter(t -> t instanceof Tlv.Hello)
                .map(t -> (Tlv.Hello) t)
                .toList();
    }

    @Test
    void helloAndUpdateIntervalsAreAdvertisedAndKeptOnTheWire() {
        TestNetwork net = new TestNetwork(31);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        a.originate(X);
        net.link("eth0", InterfaceType.WIRED, c -> c.withIntervals(Time.seconds(2), Time.seconds(8)), a, b);
        net.run(Time.seconds(1));
        int mark = a.log.size();
        net.run(Time.seconds(40));

        List<Tlv> sent = new ArrayList<>();
        for (Action x : a.log.subList(mark, a.log.size())) {
            if (x instanceof Action.Send s) {
                sent.addAll(s.tlvs());
            }
        }
        List<Tlv.Hello> hellos = sent.stream().filter(t -> t instanceof Tlv.Hello).map(t -> (Tlv.Hello) t).toList();
        assertThat(hellos).allSatisfy(h -> assertThat(h.interval()).isEqualTo(200));
        // 40 s at 2 s ± 25 %: 16 to 27 Hellos (4 s intervals would give at most 14).
        assertThat(hellos).hasSizeBetween(16, 27);
        assertThat(sent).filteredOn(t -> t instanceof Tlv.Ihu).allSatisfy(
                t -> assertThat(((Tlv.Ihu) t).interval()).isEqualTo(600));
        List<Tlv.Update> updates = sent.stream()
                .filter(t -> t instanceof Tlv.Update u && u.prefix().equals(Prefix.parse(X)))
                .map(t -> (Tlv.Update) t).toList();
        assertThat(updates).allSatisfy(u -> assertThat(u.interval()).isEqualTo(800));
        // Periodic updates every 8 s ± 25 %: at least 4 in 40 s (a 16 s interval would give at most 3).
        assertThat(updates).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void configuredRxcostIsWhatNeighboursSeeAsTxcostAndCostAtOnce() {
        TestNetwork net = new TestNetwork(32);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        a.originate(X);
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(20));
        assertThat(b.neighbour(a, "eth0").txcost()).isEqualTo(96);
        a.engine.interfaceUp(net.now, a.ifaces.get("eth0").withRxcost(300));
        net.run(Time.seconds(1));

        assertThat(a.neighbour(b, "eth0").rxcost()).isEqualTo(300);
        assertThat(b.neighbour(a, "eth0").txcost()).isEqualTo(300);
        assertThat(b.neighbour(a, "eth0").cost()).isEqualTo(300);
        assertThat(a.neighbour(b, "eth0").cost()).isEqualTo(96);
        assertThat(b.fib(X).metric()).isEqualTo(300);
        assertThat(a.engine.interfaces()).singleElement().satisfies(v -> assertThat(v.rxcost()).isEqualTo(300));
    }

    @Test
    void aNewRxcostOnALinkQualityInterfaceChangesOurRouteMetricsAtOnce() {
        TestNetwork net = new TestNetwork(42);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        b.originate(X);
        net.link("wlan", InterfaceType.WIRELESS, a, b);
        net.run(Time.seconds(80));
        assertThat(a.fib(X).metric()).isEqualTo(256);

        a.engine.interfaceUp(net.now, a.ifaces.get("wlan").withRxcost(512));
        net.drain(a);
        assertThat(a.neighbour(b, "wlan").rxcost()).isEqualTo(512);
        assertThat(a.fib(X).metric()).isEqualTo(512);
    }

    @Test
    void splitHorizonFollowsTheSettingNotTheType() {
        for (boolean on : new boolean[] {true, false}) {
            TestNetwork net = new TestNetwork(33);
            TestNetwork.Node a = net.node("a");
            TestNetwork.Node b = net.node("b");
            a.originate(X);
            net.link("wlan", InterfaceType.WIRELESS, c -> new InterfaceConfig(c.name(), c.ifindex(), c.linkLocal(),
                    null, c.mtu(), c.type(), c.helloInterval(), c.updateInterval(), c.rxcost(), c.linkQuality(), on,
                    false, List.of()), a, b);
            net.run(Time.seconds(40));

            boolean echoed = b.sentTlvs().stream()
                    .anyMatch(t -> t instanceof Tlv.Update u && !u.wildcard() && u.prefix().equals(Prefix.parse(X))
                            && !u.retraction());
            assertThat(echoed).as("split horizon %s", on).isEqualTo(!on);
            assertThat(b.fib(X)).isNotNull();
        }
    }

    @Test
    void unicastModeSendsEverythingButHellosToEachNeighbour() {
        TestNetwork net = new TestNetwork(34);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        a.originate(X);
        net.link("lan", InterfaceType.WIRED, cfg -> cfg.withUnicast(true), a, b, c);
        net.run(Time.seconds(40));

        assertThat(b.fib(X)).isNotNull();
        assertThat(c.fib(X)).isNotNull();
        assertThat(a.neighbour(b, "lan").cost()).isEqualTo(96);
        int mark = a.log.size();
        net.run(Time.seconds(40));
        List<Action.Send> sends = a.log.subList(mark, a.log.size()).stream()
                .filter(x -> x instanceof Action.Send).map(x -> (Action.Send) x).toList();
        assertThat(sends).filteredOn(s -> s.destination().isMulticast()).isNotEmpty()
                .allSatisfy(s -> assertThat(s.tlvs()).allMatch(t -> t instanceof Tlv.Hello));
        assertThat(sends).filteredOn(s -> s.destination().equals(b.linkLocal("lan")))
                .flatMap(Action.Send::tlvs)
                .anyMatch(t -> t instanceof Tlv.Ihu)
                .anyMatch(t -> t instanceof Tlv.Update);
        assertThat(sends).filteredOn(s -> s.destination().equals(c.linkLocal("lan")))
                .flatMap(Action.Send::tlvs)
                .anyMatch(t -> t instanceof Tlv.Update);
    }

    @Test
    void configuredUnicastNeighboursWorkWithoutMulticastAndAreNotForgotten() {
        TestNetwork net = new TestNetwork(35);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        a.originate(X);
        TestNetwork.Link wg = net.link("wg0", InterfaceType.TUNNEL, a, b);
        wg.multicast = false;
        a.engine.interfaceUp(net.now, a.ifaces.get("wg0").withNeighbours(List.of(b.linkLocal("wg0"))));
        b.engine.interfaceUp(net.now, b.ifaces.get("wg0").withNeighbours(List.of(a.linkLocal("wg0"))));
        net.run(Time.seconds(400));

        NeighbourView ab = a.neighbour(b, "wg0");
        assertThat(ab).isNotNull();
        assertThat(ab.reach()).isZero();
        assertThat(ab.unicastReach()).isEqualTo(0xFFFF);
        assertThat(ab.cost()).isEqualTo(96);
        assertThat(b.fib(X)).isNotNull();
        assertThat(b.fib(X).metric()).isEqualTo(96);
        assertThat(hellos(a, "wg0")).filteredOn(h -> !h.unicast()).hasSizeLessThanOrEqualTo(2);
        assertThat(a.sends()).filteredOn(s -> s.destination().equals(b.linkLocal("wg0")))
                .flatMap(Action.Send::tlvs)
                .anyMatch(t -> t instanceof Tlv.Hello h && h.unicast());
    }

    @Test
    void unicastHellosCarryTheirOwnSeqnoSequencePerNeighbour() {
        TestNetwork net = new TestNetwork(36);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        TestNetwork.Link wg = net.link("wg0", InterfaceType.TUNNEL, a, b, c);
        wg.multicast = false;
        a.engine.interfaceUp(net.now, a.ifaces.get("wg0")
                .withNeighbours(List.of(b.linkLocal("wg0"), c.linkLocal("wg0"))));
        net.run(Time.seconds(30));

        for (TestNetwork.Node to : List.of(b, c)) {
            List<Integer> seqnos = a.sends().stream()
                    .filter(s -> s.destination().equals(to.linkLocal("wg0")))
                    .flatMap(s -> s.tlvs().stream())
                    .filter(t -> t instanceof Tlv.Hello h && h.unicast())
                    .map(t -> ((Tlv.Hello) t).seqno())
                    .toList();
            assertThat(seqnos).hasSizeGreaterThan(5);
            for (int k = 1; k < seqnos.size(); k++) {
                assertThat(seqnos.get(k)).isEqualTo(Seqno.plus(seqnos.get(k - 1), 1));
            }
        }
    }

    @Test
    void reconfiguringARunningInterfaceKeepsItsNeighboursAndRoutes() {
        TestNetwork net = new TestNetwork(37);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        a.engine.originate(net.now, RouteKey.of(Prefix.parse("192.0.2.0/24")), 0);
        a.originate(X);
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(20));
        long neighbourId = b.neighbour(a, "eth0").id();
        List<NeighbourChange> changes = new ArrayList<>();
        b.engine.addListener(new EngineListener() {
            @Override
            public void neighbourChanged(NeighbourChange change) {
                changes.add(change);
            }
        });
        int mark = a.log.size();

        InterfaceConfig changed = a.ifaces.get("eth0").withAddresses(a.linkLocal("eth0"),
                IpAddress.parse("192.0.2.1"), 1400);
        a.ifaces.put("eth0", changed);
        a.engine.interfaceUp(net.now, changed);
        net.run(Time.seconds(5));

        assertThat(a.engine.interfaces()).singleElement().satisfies(v -> {
            assertThat(v.ipv4()).isEqualTo(IpAddress.parse("192.0.2.1"));
            assertThat(v.mtu()).isEqualTo(1400);
            assertThat(v.up()).isTrue();
        });
        assertThat(b.neighbour(a, "eth0").id()).isEqualTo(neighbourId);
        assertThat(b.neighbour(a, "eth0").cost()).isEqualTo(96);
        assertThat(changes).noneMatch(ch -> ch.kind() == ChangeKind.REMOVED);
        assertThat(b.fib(X)).isNotNull();
        assertThat(b.fib("192.0.2.0/24").nextHop()).isEqualTo(IpAddress.parse("192.0.2.1"));
        // No start-up sequence again: no wildcard request or retraction.
        assertThat(a.log.subList(mark, a.log.size())).noneMatch(x -> x instanceof Action.Send s
                && s.tlvs().stream().anyMatch(t -> t instanceof Tlv.RouteRequest r && r.wildcard()));
    }

    @Test
    void aShorterHelloIntervalTakesEffectWithoutWaitingForTheOldOne() {
        TestNetwork net = new TestNetwork(38);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("eth0", InterfaceType.WIRED, c -> c.withIntervals(Time.seconds(60), Time.seconds(240)), a, b);
        net.run(Time.seconds(1));
        a.engine.interfaceUp(net.now, a.ifaces.get("eth0").withIntervals(Time.seconds(1), Time.seconds(4)));
        int mark = a.log.size();
        net.run(Time.seconds(10));

        long count = a.log.subList(mark, a.log.size()).stream()
                .filter(x -> x instanceof Action.Send s)
                .flatMap(x -> ((Action.Send) x).tlvs().stream())
                .filter(t -> t instanceof Tlv.Hello h && h.interval() == 100)
                .count();
        assertThat(count).isGreaterThanOrEqualTo(7);
    }

    @Test
    void helloFloodFromSpoofedAddressesStaysAtTheNeighbourLimitButConfiguredNeighboursAreAdmitted() {
        TestNetwork net = new TestNetwork(39);
        TestNetwork.Node a = net.node("a",
                EngineConfig.defaults().withLimits(EngineLimits.defaults().withNeighbours(3, 1000)));
        net.link("eth0", InterfaceType.WIRED, a);
        net.run(Time.seconds(1));
        for (int k = 1; k <= 10; k++) {
            a.engine.receive(net.now, "eth0", IpAddress.v6(0xfe80_0000_0000_0000L, 0x1000 + k), IpAddress.BABEL_GROUP,
                    Packet.of(List.of(new Tlv.Hello(0, 1, 400, List.of()))));
        }
        net.drain(a);

        assertThat(a.engine.neighbours()).as("each newcomer took the place of the least recently heard one")
                .extracting(NeighbourView::address)
                .containsExactly(IpAddress.v6(0xfe80_0000_0000_0000L, 0x1008),
                        IpAddress.v6(0xfe80_0000_0000_0000L, 0x1009), IpAddress.v6(0xfe80_0000_0000_0000L, 0x100a));
        assertThat(a.engine.counters().get(EngineCounters.Counter.NEIGHBOUR_EVICTED)).isEqualTo(7);

        IpAddress configured = IpAddress.v6(0xfe80_0000_0000_0000L, 0x2000);
        a.engine.interfaceUp(net.now, a.ifaces.get("eth0").withNeighbours(List.of(configured)));
        a.engine.receive(net.now, "eth0", configured, a.linkLocal("eth0"),
                Packet.of(List.of(new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, 1, 400, List.of()))));
        net.drain(a);
        assertThat(a.engine.neighbours()).hasSize(4).anyMatch(v -> v.address().equals(configured));
    }

    @Test
    void routesBeyondTheLimitPerNeighbourAreRefused() {
        TestNetwork net = new TestNetwork(40);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b",
                EngineConfig.defaults().withLimits(EngineLimits.defaults().withRoutes(2, 1000)));
        a.originate("2001:db8:1::/48");
        a.originate("2001:db8:2::/48");
        a.originate("2001:db8:3::/48");
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(20));

        assertThat(b.engine.routes()).hasSize(2);
        assertThat(b.fib).hasSize(2);
        assertThat(b.engine.counters().get(EngineCounters.Counter.ROUTE_LIMIT)).isPositive();
    }

    @Test
    void viewsCarryStableDistinctIds() {
        TestNetwork net = new TestNetwork(41);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        a.originate(X);
        a.originate("2001:db8:2::/48");
        net.link("lan", InterfaceType.WIRED, a, b, c);
        net.run(Time.seconds(10));
        List<Long> routeIds = c.engine.routes().stream().map(RouteView::id).toList();
        List<Long> neighbourIds = c.engine.neighbours().stream().map(NeighbourView::id).toList();
        net.run(Time.seconds(60));

        assertThat(routeIds).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(2);
        assertThat(neighbourIds).doesNotHaveDuplicates().hasSize(2);
        assertThat(c.engine.routes().stream().map(RouteView::id).toList()).isEqualTo(routeIds);
        assertThat(c.engine.neighbours().stream().map(NeighbourView::id).toList()).isEqualTo(neighbourIds);
    }
}
