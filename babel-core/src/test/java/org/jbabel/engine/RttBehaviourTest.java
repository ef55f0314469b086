package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.SubTlv;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

/** RFC 9616: timestamps on the wire, RTT samples, smoothing, and the penalty in link costs and route metrics. */
class RttBehaviourTest {

    static final String X = "2001:db8:a::/48";

    // ---------------------------------------------------------------- arithmetic (babel-notes §6)

    @Test
    void workedExampleFromACaptureGivesA152MicrosecondSampleStoredDoubled() {
        long sample = RoundTripTime.sample(0x20112A80L, 0x20112AD3L, 0x202EF81AL, 0x202EF85FL);
        assertThat(sample).isEqualTo(152);
        assertThat(RoundTripTime.smooth(0, false, sample, 42)).isEqualTo(304);
    }

    @Test
    void smoothingWithDecay42RoundsTowardsTheSample() {
        assertThat(RoundTripTime.smooth(10_000, true, 20_000, 42)).isEqualTo(11_641);
        assertThat(RoundTripTime.smooth(20_000, true, 10_000, 42)).isEqualTo(18_359);
        assertThat(RoundTripTime.smooth(50_001, true, 50_000, 42)).isEqualTo(50_000);
        assertThat(RoundTripTime.smooth(49_999, true, 50_000, 42)).isEqualTo(50_000);
    }

    @Test
    void penaltyIsLinearBetweenRttMinAndRttMax() {
        assertThat(RoundTripTime.penalty(20_000, 10_000, 120_000, 96)).isEqualTo(8);
        assertThat(RoundTripTime.penalty(65_000, 10_000, 120_000, 96)).isEqualTo(48);
        assertThat(RoundTripTime.penalty(20_000, 10_000, 120_000, 150)).isEqualTo(13);
        assertThat(RoundTripTime.penalty(65_000, 10_000, 120_000, 150)).isEqualTo(75);
        assertThat(RoundTripTime.penalty(10_000, 10_000, 120_000, 96)).isZero();
        assertThat(RoundTripTime.penalty(120_000, 10_000, 120_000, 96)).isEqualTo(96);
        assertThat(RoundTripTime.penalty(5_000_000, 10_000, 120_000, 96)).isEqualTo(96);
        assertThat(RoundTripTime.penalty(5_000_000, 10_000, 120_000, 0)).isZero();
    }

    @Test
    void samplesWithANegativeOrTooLongWaitingTimeAreDiscardedAndTheClockWraps() {
        assertThat(RoundTripTime.sample(1_000, 0, 0, 999)).as("answer before the question").isEqualTo(-1);
        assertThat(RoundTripTime.sample(0, 0, 600_000_000L, 700_000_000L)).as("held 600 s").isEqualTo(-1);
        assertThat(RoundTripTime.sample(0xFFFF_FF00L, 10, 60, 0x100L)).as("across 2^32").isEqualTo(512 - 50);
        assertThat(RoundTripTime.sample(0, 0, 100, 50)).as("clamped at 0").isZero();
        assertThat(RoundTripTime.wireMicros(Time.seconds(4295) + 1_000)).isEqualTo(32_705L);
        assertThat(RoundTripTime.wireMicros(-1_000)).isEqualTo(0xFFFF_FFFFL);
    }

    // ---------------------------------------------------------------- on the wire

    @Test
    void timestampsAreOffByDefaultExceptOnTunnels() {
        TestNetwork net = new TestNetwork(40);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.link("wg0", InterfaceType.TUNNEL, a, b);
        net.run(Time.seconds(30));

        List<Tlv> wired = sent(a, "eth0");
        List<Tlv> tunnel = sent(a, "wg0");
        assertThat(wired).filteredOn(t -> t instanceof Tlv.Hello || t instanceof Tlv.Ihu)
                .isNotEmpty().allMatch(t -> subTlvs(t).isEmpty());
        assertThat(tunnel).filteredOn(t -> t instanceof Tlv.Hello).isNotEmpty()
                .allMatch(t -> subTlvs(t).stream().anyMatch(s -> s instanceof SubTlv.HelloTimestamp));
        assertThat(tunnel).filteredOn(t -> t instanceof Tlv.Ihu)
                .anyMatch(t -> subTlvs(t).stream().anyMatch(s -> s instanceof SubTlv.IhuTimestamp));
        assertThat(a.neighbour(b, "eth0").rttMicros()).isEqualTo(-1);
        assertThat(a.neighbour(b, "wg0").rttMicros()).as("twice 1 ms, then smoothed towards 2 ms")
                .isBetween(2 * TestNetwork.DELAY / 1000, 4 * TestNetwork.DELAY / 1000);
    }

    @Test
    void helloTimestampIsTheTimeThePacketLeavesNotWhenTheHelloWasQueued() {
        BabelEngine e = new BabelEngine(new RouterId(1), 1, EngineConfig.defaults(), new SplittableRandom(1));
        long t0 = Time.seconds(100);
        e.interfaceUp(t0, InterfaceConfig.of("wg0", 1, IpAddress.parse("fe80::1"), 1420, InterfaceType.TUNNEL));
        assertThat(e.pollActions()).noneMatch(x -> x instanceof Action.Send);
        long flush = t0 + Time.millis(37);
        e.tick(flush);
        List<Tlv.Hello> hellos = e.pollActions().stream().filter(x -> x instanceof Action.Send)
                .flatMap(x -> ((Action.Send) x).tlvs().stream()).filter(t -> t instanceof Tlv.Hello)
                .map(t -> (Tlv.Hello) t).toList();
        assertThat(hellos).isNotEmpty()
                .allMatch(h -> h.subTlvs().equals(List.of(new SubTlv.HelloTimestamp(flush / 1000))));
    }

    @Test
    void ihuEchoesTheNeighboursHelloTimestampAndItsArrivalAndComesWithAnUnscheduledHelloIfNeeded() {
        TestNetwork net = new TestNetwork(41);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("wg0", InterfaceType.TUNNEL, a, b);
        net.run(Time.seconds(20));
        long arrival = net.now;
        // (A unicast Hello, so that the multicast history, hence the rxcost, stays as it is.)
        b.inject(a, "wg0", IpAddress.BABEL_GROUP,
                new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, 7, 400, List.of(new SubTlv.HelloTimestamp(4242))));
        int before = b.log.size();

        // A new nominal rxcost is told at once by IHU, outside the Hello rounds.
        b.engine.interfaceUp(net.now, b.ifaces.get("wg0").withRxcost(200));
        net.drain(b);
        net.run(Time.millis(15));

        List<Action.Send> sends = b.sends().subList(b.sends().size() - countSends(b.log.subList(before, b.log.size())),
                b.sends().size());
        Action.Send withIhu = sends.stream().filter(s -> s.tlvs().stream().anyMatch(t -> t instanceof Tlv.Ihu i
                && i.rxcost() == 200)).findFirst().orElseThrow();
        Tlv.Ihu ihu = (Tlv.Ihu) withIhu.tlvs().stream().filter(t -> t instanceof Tlv.Ihu).findFirst().orElseThrow();
        assertThat(ihu.subTlvs()).containsExactly(new SubTlv.IhuTimestamp(4242, RoundTripTime.wireMicros(arrival)));
        Tlv.Hello hello = (Tlv.Hello) withIhu.tlvs().getFirst();
        assertThat(hello.interval()).as("unscheduled").isZero();
        assertThat(hello.subTlvs()).singleElement().isInstanceOf(SubTlv.HelloTimestamp.class);
    }

    // ---------------------------------------------------------------- measuring and paying

    @Test
    void aPacketWithHelloAndEchoGivesASampleAtItsArrival() {
        TestNetwork net = new TestNetwork(42);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("wg0", InterfaceType.TUNNEL, a, b);
        long t4 = RoundTripTime.wireMicros(net.now);
        long t1 = (t4 - 1_953_247) & 0xFFFF_FFFFL;
        long t2 = 0x20112AD3L;
        long t3 = t2 + 1_953_095;
        // IHU before Hello: the order in the packet does not matter.
        a.inject(b, "wg0", IpAddress.BABEL_GROUP,
                new Tlv.Ihu(org.jbabel.wire.AddressEncoding.IPV6_LINK_LOCAL, 96, 1200, a.linkLocal("wg0"),
                        List.of(new SubTlv.IhuTimestamp(t1, t2))),
                new Tlv.Hello(0, 1, 400, List.of(new SubTlv.HelloTimestamp(t3))));

        NeighbourView v = a.neighbour(b, "wg0");
        assertThat(v.rttMicros()).isEqualTo(304);
        assertThat(v.rttCost()).isZero();

        a.inject(b, "wg0", IpAddress.BABEL_GROUP,
                new Tlv.Ihu(org.jbabel.wire.AddressEncoding.IPV6_LINK_LOCAL, 96, 1200, a.linkLocal("wg0"),
                        List.of(new SubTlv.IhuTimestamp((t4 + 5) & 0xFFFF_FFFFL, t2))),
                new Tlv.Hello(0, 2, 400, List.of(new SubTlv.HelloTimestamp(t3))));
        assertThat(a.engine.counters().get(EngineCounters.Counter.RTT_SAMPLE_DISCARDED)).isEqualTo(1);
        assertThat(a.neighbour(b, "wg0").rttMicros()).isEqualTo(304);
    }

    @Test
    void rttPenaltyIsAddedToTheLinkCostAndToRouteMetrics() {
        TestNetwork net = new TestNetwork(43);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        b.originate(X);
        net.link("wg0", InterfaceType.TUNNEL, a, b).delay = Time.millis(25);
        net.run(Time.seconds(600));

        NeighbourView v = a.neighbour(b, "wg0");
        assertThat(v.rttMicros()).as("50 ms, smoothed down from twice the first sample").isBetween(50_000L, 51_000L);
        assertThat(v.rttCost()).isEqualTo(RoundTripTime.penalty(v.rttMicros(), 10_000, 120_000, 96)).isEqualTo(34);
        assertThat(v.cost()).isEqualTo(96 + 34);
        assertThat(a.fib(X).metric()).isEqualTo(96 + 34);
        assertThat(a.engine.routes()).filteredOn(r -> r.key().equals(RouteKey.of(org.jbabel.wire.Prefix.parse(X))))
                .singleElement().satisfies(r -> assertThat(r.metric()).isEqualTo(130));
    }

    @Test
    void aFastTunnelAndAWiredLinkWithTimestampsButNoPenaltyCostTheirTxcost() {
        TestNetwork net = new TestNetwork(44);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("wg0", InterfaceType.TUNNEL, a, b);
        net.link("eth0", InterfaceType.WIRED, c -> c.withRtt(true, 42, Time.millis(10), Time.millis(120), 0), a, b)
                .delay = Time.millis(100);
        net.run(Time.seconds(60));

        assertThat(a.neighbour(b, "wg0").rttMicros()).isBetween(0L, 10_000L);
        assertThat(a.neighbour(b, "wg0").cost()).isEqualTo(96);
        assertThat(a.neighbour(b, "eth0").rttMicros()).isGreaterThanOrEqualTo(200_000L);
        assertThat(a.neighbour(b, "eth0").rttCost()).isZero();
        assertThat(a.neighbour(b, "eth0").cost()).isEqualTo(96);
    }

    @Test
    void penaltyOnAWiredLinkWithConfiguredTimestampsSteersRoutesToTheFasterPath() {
        TestNetwork net = new TestNetwork(45);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        c.originate(X);
        java.util.function.UnaryOperator<InterfaceConfig> rtt =
                cfg -> cfg.withRtt(true, 42, Time.millis(10), Time.millis(120), 150);
        // a - c directly over a slow link (one hop), or a - b - c over fast ones (two hops).
        net.link("slow", InterfaceType.WIRED, rtt, a, c).delay = Time.millis(100);
        net.link("ab", InterfaceType.WIRED, rtt, a, b);
        net.link("bc", InterfaceType.WIRED, rtt, b, c);
        net.run(Time.seconds(300));

        assertThat(a.neighbour(c, "slow").rttCost()).isEqualTo(150);
        assertThat(a.fib(X).ifname()).isEqualTo("ab");
        assertThat(a.fib(X).metric()).isEqualTo(192);
    }

    @Test
    void rttStopsCountingOneHundredEightySecondsAfterTheLastSample() {
        TestNetwork net = new TestNetwork(46);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("wg0", InterfaceType.TUNNEL, a, b).delay = Time.millis(40);
        net.run(Time.seconds(30));
        assertThat(a.neighbour(b, "wg0").rttCost()).isPositive();

        // b stops sending timestamps (as a babeld without enable-timestamps would).
        InterfaceConfig off = b.ifaces.get("wg0").withRtt(false, 42, Time.millis(10), Time.millis(120), 96);
        b.engine.interfaceUp(net.now, off);
        net.run(Time.seconds(150));
        assertThat(a.neighbour(b, "wg0").rttCost()).as("still valid").isPositive();
        net.run(Time.seconds(40));
        NeighbourView v = a.neighbour(b, "wg0");
        assertThat(v.rttMicros()).isEqualTo(-1);
        assertThat(v.rttCost()).isZero();
        assertThat(v.cost()).isEqualTo(96);
    }

    private static int countSends(List<Action> actions) {
        return (int) actions.stream().filter(x -> x instanceof Action.Send).count();
    }

    private static List<Tlv> sent(TestNetwork.Node n, String ifname) {
        return n.sends().stream().filter(s -> s.ifname().equals(ifname)).flatMap(s -> s.tlvs().stream()).toList();
    }

    private static List<SubTlv> subTlvs(Tlv t) {
        return switch (t) {
            case Tlv.Hello h -> h.subTlvs();
            case Tlv.Ihu i -> i.subTlvs();
            default -> List.of();
        };
    }
}
