package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

class RequestBehaviourTest {

    static final String X = "2001:db8:a::/48";
    static final Prefix XP = Prefix.parse(X);
    static final Prefix NONE = Prefix.zero(XP.family());

    private static <T extends Tlv> List<T> sent(TestNetwork.Node n, int from, Class<T> type) {
        return n.log.subList(from, n.log.size()).stream()
                .filter(a -> a instanceof Action.Send).flatMap(a -> ((Action.Send) a).tlvs().stream())
                .filter(type::isInstance).map(type::cast).toList();
    }

    private static List<Action.Send> sends(TestNetwork.Node n, int from) {
        return n.log.subList(from, n.log.size()).stream()
                .filter(a -> a instanceof Action.Send).map(a -> (Action.Send) a).toList();
    }

    private static RouteView routeVia(TestNetwork.Node at, String prefix, IpAddress neighbour) {
        return at.engine.routes().stream()
                .filter(r -> r.key().prefix().equals(Prefix.parse(prefix)) && r.neighbour().equals(neighbour))
                .findFirst().orElseThrow();
    }

    /** a - b - c, converged, a originating X. */
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

    @Test
    void unfeasibleUpdateIsNotSelectedAndTriggersASeqnoRequestThatTheSourceAnswers() {
        TestNetwork net = chain(20);
        TestNetwork.Node a = net.get("a");
        TestNetwork.Node b = net.get("b");
        int seqno = a.engine.seqno();
        int mark = b.log.size();
        // Same source and seqno as b's selected route, but a metric above b's feasibility distance (96).
        b.inject(a, "ab", IpAddress.BABEL_GROUP, new Tlv.Update(AddressEncoding.IPV6, 0, XP, NONE, 1600, seqno,
                500, a.engine.routerId(), null, List.of()));

        assertThat(b.engine.counters().get(EngineCounters.Counter.UNFEASIBLE)).isEqualTo(1);
        assertThat(routeVia(b, X, a.linkLocal("ab")).metric()).as("the unfeasible update is ignored").isEqualTo(96);
        net.run(Time.millis(20));
        List<Action.Send> requests = sends(b, mark).stream()
                .filter(s -> s.tlvs().stream().anyMatch(t -> t instanceof Tlv.SeqnoRequest)).toList();
        assertThat(requests).hasSize(1);
        assertThat(requests.getFirst().destination()).isEqualTo(a.linkLocal("ab"));
        Tlv.SeqnoRequest req = (Tlv.SeqnoRequest) requests.getFirst().tlvs().stream()
                .filter(t -> t instanceof Tlv.SeqnoRequest).findFirst().orElseThrow();
        assertThat(req.seqno()).isEqualTo(Seqno.plus(seqno, 1));
        assertThat(req.hopCount()).isEqualTo(127);
        assertThat(req.routerId()).isEqualTo(a.engine.routerId());

        net.run(Time.millis(100));
        assertThat(a.engine.seqno()).isEqualTo(Seqno.plus(seqno, 1));
        assertThat(routeVia(b, X, a.linkLocal("ab")).seqno()).isEqualTo(Seqno.plus(seqno, 1));
        assertThat(a.log).contains(new Action.StateChanged(a.engine.routerId(), Seqno.plus(seqno, 1)));
    }

    @Test
    void newUnfeasibleRouteIsNotSelected() {
        TestNetwork net = new TestNetwork(21);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        a.originate(X);
        net.link("lan", InterfaceType.WIRED, a, b, c);
        net.run(Time.seconds(20));
        // c claims a's route at a's seqno with a metric b's feasibility distance (96) forbids.
        b.inject(c, "lan", IpAddress.BABEL_GROUP, new Tlv.Update(AddressEncoding.IPV6, 0, XP, NONE, 1600,
                a.engine.seqno(), 96, a.engine.routerId(), null, List.of()));
        assertThat(b.engine.routes()).noneMatch(r -> r.neighbour().equals(c.linkLocal("lan")) && r.metric() < 0xFFFF
                && r.installed());
        assertThat(b.fib(X).nextHop()).isEqualTo(a.linkLocal("lan"));
    }

    @Test
    void seqnoRequestIsForwardedTowardsTheSourceOnceDespiteDuplicates() {
        TestNetwork net = chain(22);
        TestNetwork.Node a = net.get("a");
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        int seqno = a.engine.seqno();
        int mark = b.log.size();
        Tlv.SeqnoRequest req = new Tlv.SeqnoRequest(AddressEncoding.IPV6, Seqno.plus(seqno, 1), 127,
                a.engine.routerId(), XP, NONE, List.of());
        b.inject(c, "bc", b.linkLocal("bc"), req);
        b.inject(c, "bc", b.linkLocal("bc"), req);
        net.run(Time.millis(5));
        b.inject(c, "bc", b.linkLocal("bc"), req);
        net.run(Time.millis(200));

        List<Action.Send> forwarded = sends(b, mark).stream()
                .filter(s -> s.tlvs().stream().anyMatch(t -> t instanceof Tlv.SeqnoRequest)).toList();
        assertThat(forwarded).hasSize(1);
        assertThat(forwarded.getFirst().destination()).isEqualTo(a.linkLocal("ab"));
        assertThat(sent(b, mark, Tlv.SeqnoRequest.class).getFirst().hopCount()).isEqualTo(126);
        assertThat(b.engine.counters().get(EngineCounters.Counter.SEQNO_REQUEST_DROPPED)).isEqualTo(2);
        assertThat(a.engine.seqno()).as("the source increments once").isEqualTo(Seqno.plus(seqno, 1));
        assertThat(routeVia(c, X, b.linkLocal("bc")).seqno()).isEqualTo(Seqno.plus(seqno, 1));
    }

    @Test
    void seqnoRequestWithHopCountOneIsNotForwarded() {
        TestNetwork net = chain(23);
        TestNetwork.Node a = net.get("a");
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        int mark = b.log.size();
        b.inject(c, "bc", b.linkLocal("bc"), new Tlv.SeqnoRequest(AddressEncoding.IPV6,
                Seqno.plus(a.engine.seqno(), 1), 1, a.engine.routerId(), XP, NONE, List.of()));
        net.run(Time.millis(100));
        assertThat(sent(b, mark, Tlv.SeqnoRequest.class)).isEmpty();
        assertThat(b.engine.counters().get(EngineCounters.Counter.SEQNO_REQUEST_DROPPED)).isEqualTo(1);
    }

    @Test
    void seqnoRequestForAnOlderSeqnoIsAnsweredWithAnUpdate() {
        TestNetwork net = chain(24);
        TestNetwork.Node a = net.get("a");
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        int mark = b.log.size();
        b.inject(c, "bc", b.linkLocal("bc"), new Tlv.SeqnoRequest(AddressEncoding.IPV6, a.engine.seqno(), 127,
                a.engine.routerId(), XP, NONE, List.of()));
        net.run(Time.millis(50));
        assertThat(sent(b, mark, Tlv.SeqnoRequest.class)).isEmpty();
        assertThat(sent(b, mark, Tlv.Update.class)).anySatisfy(u -> {
            assertThat(u.prefix()).isEqualTo(XP);
            assertThat(u.seqno()).isEqualTo(a.engine.seqno());
        });
    }

    @Test
    void starvationIsRecoveredByASeqnoRequestThatReachesTheSource() {
        TestNetwork net = new TestNetwork(25);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node d = net.node("d");
        a.originate(X);
        net.link("ab", InterfaceType.WIRED, a, b);
        net.link("ad", InterfaceType.WIRED, a, d);
        net.link("db", InterfaceType.WIRED, d, b);
        net.run(Time.seconds(40));
        assertThat(b.fib(X).nextHop()).isEqualTo(a.linkLocal("ab"));
        int seqno = a.engine.seqno();

        // b's only alternative (via d, advertised metric 96) is not below b's feasibility distance (96).
        net.link("ab").up = false;
        net.run(Time.seconds(20));

        assertThat(a.engine.seqno()).isEqualTo(Seqno.plus(seqno, 1));
        assertThat(b.fib(X)).isNotNull();
        assertThat(b.fib(X).nextHop()).isEqualTo(d.linkLocal("db"));
        assertThat(b.fib(X).metric()).isEqualTo(192);
    }

    /**
     * A neighbour like babeld or FRR sends its table once when it sees our link come back and ignores wildcard
     * requests soon after (here: a's wildcard requests never reach b, and b has no fast start and a minute between
     * periodic updates). After a's interface flapped, a gets b's route back because it asks b, once b is
     * bidirectional again, for exactly the routes it lost with it.
     */
    @Test
    void afterAnInterfaceFlapTheRoutesLostWithANeighbourAreAskedForWhenItIsBack() {
        TestNetwork net = new TestNetwork(31);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b", new EngineConfig(EngineConfig.defaults().smoothingHalfLife(),
                EngineConfig.defaults().kernelPriority(), false));
        a.outgoing = t -> !(t instanceof Tlv.RouteRequest r && r.ae() == AddressEncoding.WILDCARD);
        net.link("ab", InterfaceType.WIRED, c -> c.withIntervals(Time.millis(500), Time.seconds(60)), a, b);
        b.originate("2001:db8:b::/48");
        net.run(Time.seconds(5));
        assertThat(a.fib("2001:db8:b::/48")).isNotNull();

        a.engine.interfaceDown(net.now, "ab");
        net.drain(a);
        assertThat(a.fib("2001:db8:b::/48")).isNull();
        net.run(Time.seconds(1));
        a.engine.interfaceUp(net.now, a.ifaces.get("ab"));
        net.drain(a);
        net.run(Time.seconds(5));

        assertThat(a.fib("2001:db8:b::/48")).as("asked for, not waiting a minute for b's periodic update")
                .isNotNull();
        assertThat(a.sentTlvs()).anySatisfy(t -> assertThat(t).isInstanceOfSatisfying(Tlv.RouteRequest.class,
                r -> assertThat(r.prefix()).isEqualTo(Prefix.parse("2001:db8:b::/48"))));
    }

    /**
     * An interface brought up while its link-local address was tentative sent nothing that arrived; when the address
     * is usable the start-up is repeated: Hellos, a wildcard request, and an IHU for every neighbour heard meanwhile.
     */
    @Test
    void anInterfaceThatBecomesReadyRepeatsItsStartUpAndTellsTheNeighboursItHeard() {
        TestNetwork net = new TestNetwork(32);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("ab", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(10));
        int mark = a.log.size();
        a.engine.interfaceReady(net.now, "ab");
        net.drain(a);
        net.run(Time.millis(50));
        assertThat(sent(a, mark, Tlv.Hello.class)).isNotEmpty();
        assertThat(sent(a, mark, Tlv.RouteRequest.class)).anyMatch(r -> r.ae() == AddressEncoding.WILDCARD);
        assertThat(sent(a, mark, Tlv.Ihu.class)).anySatisfy(i -> assertThat(i.address()).isEqualTo(b.linkLocal("ab")));
    }

    private static boolean isWildcardRequest(Tlv t) {
        return t instanceof Tlv.RouteRequest r && r.ae() == AddressEncoding.WILDCARD;
    }

    /** Whether a packet holds a wildcard request with a Hello before it. */
    private static boolean helloBeforeWildcardRequest(Action.Send s) {
        int request = -1;
        for (int k = 0; k < s.tlvs().size() && request < 0; k++) {
            request = isWildcardRequest(s.tlvs().get(k)) ? k : -1;
        }
        return request > 0 && s.tlvs().subList(0, request).stream().anyMatch(t -> t instanceof Tlv.Hello);
    }

    /**
     * The start-up's wildcard request goes after the second Hello, in its packet (babeld's second round): babeld
     * answers a wildcard request with an IHU at once, and with 2-out-of-3 that IHU says it hears us only once it has
     * two of our Hellos; otherwise its next IHU comes with its next Hello, up to 4 s later.
     */
    @Test
    void theStartUpsWildcardRequestFollowsTheSecondHelloInItsPacket() {
        TestNetwork net = new TestNetwork(33);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("ab", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(10));
        int mark = a.log.size();
        a.engine.interfaceReady(net.now, "ab");
        net.drain(a);
        net.run(Time.millis(100));

        List<Action.Send> withHello = sends(a, mark).stream()
                .filter(s -> s.tlvs().stream().anyMatch(t -> t instanceof Tlv.Hello)).toList();
        assertThat(withHello).hasSizeGreaterThanOrEqualTo(2);
        assertThat(withHello.getFirst().tlvs()).as("the first Hello's packet").noneMatch(RequestBehaviourTest::isWildcardRequest);
        List<Action.Send> requests = sends(a, mark).stream()
                .filter(s -> s.tlvs().stream().anyMatch(RequestBehaviourTest::isWildcardRequest)).toList();
        assertThat(requests).as("one wildcard request, after a Hello in its packet").singleElement()
                .matches(RequestBehaviourTest::helloBeforeWildcardRequest);
    }

    /**
     * A neighbour that appears makes us hurry two Hellos; when it has not told us yet that it hears us, a wildcard
     * request follows the second, so that its IHU comes now rather than with its next Hello. A neighbour that
     * already hears us (here one that asks us for our table) gets the Hellos but no request.
     */
    @Test
    void aHurriedPairOfHellosEndsWithAWildcardRequestOnlyWhileANeighbourDoesNotHearUs() {
        TestNetwork net = new TestNetwork(34);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        b.outgoing = t -> false; // b silent at first: a has no neighbour
        net.link("ab", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(10));
        int mark = a.log.size();
        a.inject(b, "ab", IpAddress.BABEL_GROUP, new Tlv.Hello(0, 7, 400, List.of()));
        net.run(Time.millis(100));
        List<Action.Send> requests = sends(a, mark).stream()
                .filter(s -> s.tlvs().stream().anyMatch(RequestBehaviourTest::isWildcardRequest)).toList();
        assertThat(requests).as("a's request after its hurried pair").singleElement()
                .matches(RequestBehaviourTest::helloBeforeWildcardRequest);
        assertThat(sent(a, mark, Tlv.Hello.class)).hasSizeGreaterThanOrEqualTo(2);

        b.outgoing = t -> true;
        net.run(Time.seconds(20));
        mark = a.log.size();
        a.inject(b, "ab", IpAddress.BABEL_GROUP, new Tlv.RouteRequest(AddressEncoding.WILDCARD, Prefix.V6_DEFAULT,
                Prefix.V6_DEFAULT, List.of()));
        net.run(Time.millis(100));
        assertThat(sent(a, mark, Tlv.Hello.class)).as("the hurried pair").hasSizeGreaterThanOrEqualTo(2);
        assertThat(sends(a, mark)).as("no request: b hears a").noneMatch(
                s -> s.tlvs().stream().anyMatch(RequestBehaviourTest::isWildcardRequest));
    }

    @Test
    void wildcardRouteRequestIsAnsweredWithAnIhuAndTheWholeTable() {
        TestNetwork net = chain(26);
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        c.originate("2001:db8:c::/48");
        net.run(Time.seconds(10));
        int mark = b.log.size();
        b.inject(c, "bc", IpAddress.BABEL_GROUP, new Tlv.RouteRequest(AddressEncoding.WILDCARD, Prefix.V6_DEFAULT,
                Prefix.V6_DEFAULT, List.of()));
        net.run(Time.millis(20));

        assertThat(sent(b, mark, Tlv.Ihu.class)).anySatisfy(i -> assertThat(i.address()).isEqualTo(c.linkLocal("bc")));
        List<Action.Send> toC = sends(b, mark).stream()
                .filter(s -> s.destination().equals(c.linkLocal("bc"))).toList();
        assertThat(toC).flatMap(Action.Send::tlvs).anySatisfy(t -> assertThat(t)
                .isInstanceOfSatisfying(Tlv.Update.class, u -> assertThat(u.prefix()).isEqualTo(XP)));
    }

    @Test
    void specificRouteRequestIsAnsweredWithTheRouteOrARetraction() {
        TestNetwork net = chain(27);
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        int mark = b.log.size();
        Prefix unknown = Prefix.parse("2001:db8:99::/48");
        b.inject(c, "bc", b.linkLocal("bc"), new Tlv.RouteRequest(AddressEncoding.IPV6, XP, NONE, List.of()),
                new Tlv.RouteRequest(AddressEncoding.IPV6, unknown, NONE, List.of()));
        net.run(Time.millis(20));

        List<Tlv.Update> answers = sends(b, mark).stream().filter(s -> s.destination().equals(c.linkLocal("bc")))
                .flatMap(s -> s.tlvs().stream()).filter(t -> t instanceof Tlv.Update).map(t -> (Tlv.Update) t)
                .toList();
        assertThat(answers).anySatisfy(u -> {
            assertThat(u.prefix()).isEqualTo(XP);
            assertThat(u.metric()).isEqualTo(96);
        });
        assertThat(answers).anySatisfy(u -> {
            assertThat(u.prefix()).isEqualTo(unknown);
            assertThat(u.retraction()).isTrue();
        });
    }

    @Test
    void ackRequestIsAnsweredByUnicastAckWithinTheDeadline() {
        TestNetwork net = chain(28);
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        int mark = b.log.size();
        b.inject(c, "bc", b.linkLocal("bc"), new Tlv.AckRequest(0x1234, 10));
        net.run(Time.millis(50));

        List<Action.Send> acks = sends(b, mark).stream()
                .filter(s -> s.tlvs().contains(new Tlv.Ack(0x1234))).toList();
        assertThat(acks).hasSize(1);
        assertThat(acks.getFirst().destination()).isEqualTo(c.linkLocal("bc"));
    }

    @Test
    void updatesWithMartianPrefixesMixedFamiliesOrOurOwnRouterIdAreIgnoredAndCounted() {
        TestNetwork net = chain(29);
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        int before = b.engine.routes().size();
        b.inject(c, "bc", IpAddress.BABEL_GROUP,
                new Tlv.Update(AddressEncoding.IPV6, 0, Prefix.parse("fe80::/64"), NONE, 1600, 1, 0,
                        c.engine.routerId(), null, List.of()),
                new Tlv.Update(AddressEncoding.IPV6, 0, Prefix.parse("2001:db8:5::/48"), Prefix.parse("10.0.0.0/8"),
                        1600, 1, 0, c.engine.routerId(), null, List.of()),
                new Tlv.Update(AddressEncoding.IPV6, 0, Prefix.parse("2001:db8:6::/48"), NONE, 1600, 1, 0,
                        b.engine.routerId(), null, List.of()),
                new Tlv.Update(AddressEncoding.IPV6, 0, Prefix.parse("2001:db8:7::/48"), NONE, 1600, 1, 0, null,
                        null, List.of()),
                new Tlv.Update(AddressEncoding.IPV4, 0, Prefix.parse("10.9.0.0/16"), Prefix.zero(
                        Family.V4), 1600, 1, 0, c.engine.routerId(), null, List.of()));
        EngineCounters k = b.engine.counters();
        assertThat(k.get(EngineCounters.Counter.MARTIAN_PREFIX)).isEqualTo(1);
        assertThat(k.get(EngineCounters.Counter.FAMILY_MISMATCH)).isEqualTo(1);
        assertThat(k.get(EngineCounters.Counter.OWN_ROUTER_ID)).isEqualTo(1);
        assertThat(k.get(EngineCounters.Counter.NO_ROUTER_ID)).isEqualTo(1);
        assertThat(k.get(EngineCounters.Counter.NO_NEXT_HOP)).isEqualTo(1);
        assertThat(b.engine.routes()).hasSize(before);
        assertThat(k.snapshot()).containsEntry("martian_prefix", 1L);
    }
}
