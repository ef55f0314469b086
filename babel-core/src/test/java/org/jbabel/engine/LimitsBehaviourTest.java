package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

/**
 * The table limits under hostile input (docs/ENGINE.md, "Table limits"): route floods, spoofed neighbours, and what
 * each cap refuses while the routes of honest neighbours stay selected.
 */
class LimitsBehaviourTest {

    private static final RouterId FORGED_ID = new RouterId(0x0BAD_0000_0000_0001L);
    private static final List<String> HONEST = List.of("2001:db8:1::/48", "2001:db8:2::/48", "2001:db8:3::/48");

    /** A node a with an honest neighbour b on eth0, b's routes selected at a. */
    private record Lan(TestNetwork net, TestNetwork.Node a, TestNetwork.Node b) {}

    private static Lan lan(long seed, EngineLimits limits) {
        TestNetwork net = new TestNetwork(seed);
        TestNetwork.Node a = net.node("a", EngineConfig.defaults().withLimits(limits));
        TestNetwork.Node b = net.node("b");
        HONEST.forEach(b::originate);
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(10));
        assertThat(a.fib).hasSize(HONEST.size());
        return new Lan(net, a, b);
    }

    private static IpAddress fake(int k) {
        return IpAddress.v6(0xfe80_0000_0000_0000L, 0xbad0_0000L + k);
    }

    private static void say(Lan l, IpAddress from, List<Tlv> tlvs) {
        l.a.engine.receive(l.net.now, "eth0", from, IpAddress.BABEL_GROUP, Packet.of(tlvs));
        l.net.drain(l.a);
    }

    /** A forged neighbour becomes bidirectional at a: two Hellos and an IHU for a. */
    private static void handshake(Lan l, IpAddress from) {
        say(l, from, List.of(new Tlv.Hello(0, 100, 400, List.of()),
                new Tlv.Ihu(AddressEncoding.IPV6_LINK_LOCAL, 96, 1200, l.a.linkLocal("eth0"), List.of())));
        say(l, from, List.of(new Tlv.Hello(0, 101, 400, List.of())));
    }

    private static Tlv.Update hostRoute(int k) {
        Prefix p = Prefix.host(IpAddress.v6(0x2001_0db8_f000_0000L, k));
        return new Tlv.Update(AddressEncoding.IPV6, 0, p, Prefix.zero(p.family()), 400, 1, 0, FORGED_ID, null,
                List.of());
    }

    /** Announces {@code count} host routes (numbered from {@code first}) from a forged neighbour, 50 per packet. */
    private static void flood(Lan l, IpAddress from, int first, int count) {
        List<Tlv> packet = new ArrayList<>();
        for (int k = first; k < first + count; k++) {
            packet.add(hostRoute(k));
            if (packet.size() == 50 || k == first + count - 1) {
                say(l, from, packet);
                packet = new ArrayList<>();
            }
        }
    }

    private static long routesFrom(Lan l, IpAddress from) {
        return l.a.engine.routes().stream().filter(r -> r.neighbour().equals(from)).count();
    }

    private static void assertHonestRoutesSelected(Lan l) {
        for (String p : HONEST) {
            assertThat(l.a.fib(p)).as(p).isNotNull();
            assertThat(l.a.fib(p).nextHop()).isEqualTo(l.b.linkLocal("eth0"));
        }
    }

    @Test
    void aFloodOfTwoHundredThousandRoutesFromOneNeighbourIsCappedAndLeavesWithoutTouchingTheHonestRoutes() {
        EngineLimits limits = EngineLimits.defaults();
        Lan l = lan(50, limits);
        IpAddress attacker = fake(1);
        handshake(l, attacker);
        flood(l, attacker, 0, 200_000);
        l.net.run(Time.seconds(1));

        int cap = limits.routesPerNeighbour();
        assertThat(cap).as("one neighbour can take a quarter of the table").isEqualTo(limits.routes() / 4);
        assertThat(routesFrom(l, attacker)).isEqualTo(cap);
        assertThat(l.a.engine.counters().get(Counter.ROUTE_LIMIT)).isEqualTo(200_000 - cap);
        assertThat(l.a.fib).hasSize(cap + HONEST.size());
        assertHonestRoutesSelected(l);

        // The attacker falls silent: its routes expire, then the neighbour itself is forgotten.
        l.net.run(Time.seconds(120));
        assertThat(l.a.engine.neighbours()).extracting(NeighbourView::address)
                .containsExactly(l.b.linkLocal("eth0"));
        assertThat(l.a.engine.routes()).hasSize(HONEST.size());
        assertThat(l.a.fib).hasSize(HONEST.size());
        assertHonestRoutesSelected(l);
        assertThat(l.a.engine.counters().get(Counter.REQUEST_TABLE_FULL))
                .as("the lost routes asked for at most the request table's worth of seqno requests")
                .isEqualTo(cap - limits.requests());
        // b heard all of it and let go of it too.
        assertThat(l.b.fib).hasSize(0);
    }

    @Test
    void theRouteTableRefusesNewRoutesWhenFullAndNeverEvictsSelectedOnes() {
        Lan l = lan(51, EngineLimits.defaults().withRoutes(10, 20));
        flood(l, fake(1), 0, 20);
        assertThat(routesFrom(l, fake(1))).isEqualTo(10);
        assertThat(l.a.engine.counters().get(Counter.ROUTE_LIMIT)).isEqualTo(10);
        flood(l, fake(2), 100, 20);
        assertThat(routesFrom(l, fake(2))).as("20 - 3 honest - 10").isEqualTo(7);
        assertThat(l.a.engine.routes()).hasSize(20);
        assertThat(l.a.engine.counters().get(Counter.ROUTE_TABLE_FULL)).isEqualTo(13);
        assertHonestRoutesSelected(l);

        // The honest neighbour's routes are refreshed (and remain) while the table is full.
        l.net.run(Time.seconds(60));
        assertHonestRoutesSelected(l);
    }

    @Test
    void lostRoutesAskForAtMostTheRequestTablesWorthOfSeqnoRequestsAndResends() {
        Lan l = lan(52, EngineLimits.defaults().withRequests(4, 6));
        IpAddress attacker = fake(1);
        handshake(l, attacker);
        flood(l, attacker, 0, 10);
        l.net.run(Time.seconds(1));
        assertThat(l.a.fib).hasSize(10 + HONEST.size());
        int mark = l.a.log.size();

        say(l, attacker, List.of(new Tlv.Update(AddressEncoding.WILDCARD, 0, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT,
                0xFFFF, 2, BabelConstants.INFINITY, FORGED_ID, null, List.of())));
        l.net.run(Time.millis(100));

        long requests = l.a.log.subList(mark, l.a.log.size()).stream()
                .filter(x -> x instanceof Action.Send)
                .flatMap(x -> ((Action.Send) x).tlvs().stream())
                .filter(t -> t instanceof Tlv.SeqnoRequest)
                .count();
        assertThat(requests).isEqualTo(4);
        assertThat(l.a.engine.counters().get(Counter.REQUEST_TABLE_FULL)).isEqualTo(6);
        assertThat(l.a.engine.counters().get(Counter.RESEND_TABLE_FULL)).isEqualTo(4);
        assertHonestRoutesSelected(l);
    }

    @Test
    void aRouteWhoseFeasibilityDistanceFindsNoRoomIsRetractedInsteadOfAnnounced() {
        Lan l = lan(53, EngineLimits.defaults().withSources(8));
        TestNetwork.Node c = l.net.node("c");
        l.net.link("eth1", InterfaceType.WIRED, l.a, c);
        l.net.run(Time.seconds(5));
        assertThat(c.fib).as("b's routes relayed to c take three distances").hasSize(HONEST.size());
        IpAddress attacker = fake(1);
        handshake(l, attacker);
        flood(l, attacker, 0, 10);
        l.net.run(Time.seconds(2));

        assertThat(l.a.fib).as("all are installed").hasSize(10 + HONEST.size());
        assertThat(c.fib).as("only as many as the source table holds are announced").hasSize(8);
        assertThat(sendsSince(l.a, 0).stream().filter(x -> x.ifname().equals("eth1"))
                .flatMap(x -> x.tlvs().stream())
                .filter(t -> t instanceof Tlv.Update u && u.prefix().length() == 128 && u.retraction())
                .map(t -> ((Tlv.Update) t).prefix()).distinct())
                .as("the others are retracted").hasSize(5);
        assertThat(l.a.engine.counters().get(Counter.SOURCE_TABLE_FULL)).isPositive();
    }

    @Test
    void aFullNeighbourTableMakesRoomForANewcomerButNeverForgetsANeighbourCarryingSelectedRoutes() {
        TestNetwork net = new TestNetwork(54);
        TestNetwork.Node a = net.node("a",
                EngineConfig.defaults().withLimits(EngineLimits.defaults().withNeighbours(4, 1000)));
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        HONEST.forEach(b::originate);
        c.originate("2001:db8:c::/48");
        c.running = false;
        net.link("eth0", InterfaceType.WIRED, a, b, c);
        net.run(Time.seconds(10));
        Lan l = new Lan(net, a, b);

        // Fakes fill the table and keep it full; each new one takes the place of the least recently heard fake.
        for (int k = 1; k <= 50; k++) {
            handshake(l, fake(k));
            net.run(Time.millis(50));
        }
        assertThat(a.engine.neighbours()).hasSize(4).extracting(NeighbourView::address)
                .contains(b.linkLocal("eth0"));
        assertThat(a.engine.counters().get(Counter.NEIGHBOUR_EVICTED)).isEqualTo(47);
        assertHonestRoutesSelected(l);

        // A genuine newcomer is admitted at once, and its routes are selected.
        c.running = true;
        c.engine.interfaceUp(net.now, c.ifaces.get("eth0"));
        net.run(Time.seconds(10));
        assertThat(a.neighbour(c, "eth0")).isNotNull();
        assertThat(a.fib("2001:db8:c::/48")).isNotNull();
        assertHonestRoutesSelected(l);

        // When every neighbour carries a selected route, a newcomer is refused.
        for (int k = 100; k < 102; k++) {
            handshake(l, fake(k));
            flood(l, fake(k), k * 10, 1);
        }
        long refusedBefore = a.engine.counters().get(Counter.NEIGHBOUR_LIMIT);
        handshake(l, fake(200));
        assertThat(a.engine.neighbours()).noneMatch(v -> v.address().equals(fake(200)));
        assertThat(a.engine.counters().get(Counter.NEIGHBOUR_LIMIT)).isGreaterThan(refusedBefore);
        assertHonestRoutesSelected(l);
    }

    @Test
    void theTotalNeighbourLimitCountsEveryInterface() {
        TestNetwork net = new TestNetwork(55);
        TestNetwork.Node a = net.node("a",
                EngineConfig.defaults().withLimits(EngineLimits.defaults().withNeighbours(100, 3)));
        TestNetwork.Node b = net.node("b");
        HONEST.forEach(b::originate);
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.link("eth1", InterfaceType.WIRED, a);
        net.run(Time.seconds(10));
        for (int k = 1; k <= 5; k++) {
            a.engine.receive(net.now, "eth1", fake(k), IpAddress.BABEL_GROUP,
                    Packet.of(List.of(new Tlv.Hello(0, 1, 400, List.of()))));
        }
        net.drain(a);
        assertThat(a.engine.neighbours()).hasSize(3).extracting(NeighbourView::address)
                .containsExactly(b.linkLocal("eth0"), fake(4), fake(5));
        assertThat(a.engine.counters().get(Counter.NEIGHBOUR_EVICTED)).isEqualTo(3);
    }

    @Test
    void newNeighboursGetUnicastWelcomesWithinTheBudgetAndTheRestByMulticastAndLater() {
        Lan l = lan(56, EngineLimits.defaults().withWelcome(2, Time.seconds(1)));
        Prefix own = Prefix.parse("2001:db8:a::/48");
        l.a.originate(own.toString());
        l.net.run(Time.seconds(10));
        int mark = l.a.log.size();
        for (int k = 1; k <= 10; k++) {
            handshake(l, fake(k));
        }
        l.net.run(Time.millis(100));

        List<Action.Send> sent = sendsSince(l.a, mark);
        List<IpAddress> unicast = sent.stream().map(Action.Send::destination).filter(d -> !d.isMulticast())
                .distinct().toList();
        assertThat(unicast).as("the budget's burst").containsExactly(fake(1), fake(2));
        assertThat(l.a.engine.counters().get(Counter.UNICAST_WELCOME_DEFERRED)).isEqualTo(8);
        assertThat(sent).as("the others got the table by multicast, once")
                .filteredOn(s -> s.destination().isMulticast() && s.tlvs().stream().anyMatch(
                        t -> t instanceof Tlv.Update u && !u.retraction() && u.prefix().equals(own)))
                .hasSize(1);

        // The wildcard retractions they are owed follow at the budget's pace, one a second.
        mark = l.a.log.size();
        l.net.run(Time.millis(4500));
        List<IpAddress> later = sendsSince(l.a, mark).stream().filter(s -> !s.destination().isMulticast())
                .filter(s -> s.tlvs().stream().anyMatch(t -> t instanceof Tlv.Update u && u.wildcard()))
                .map(Action.Send::destination).toList();
        assertThat(later).containsExactly(fake(3), fake(4), fake(5), fake(6));
        l.net.run(Time.seconds(10));
        assertThat(l.a.engine.counters().get(Counter.UNICAST_WELCOME_DEFERRED)).isEqualTo(8);
    }

    private static List<Action.Send> sendsSince(TestNetwork.Node n, int mark) {
        List<Action.Send> result = new ArrayList<>();
        for (Action x : n.log.subList(mark, n.log.size())) {
            if (x instanceof Action.Send s) {
                result.add(s);
            }
        }
        return result;
    }
}
