package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

/**
 * RFC 9079 in the engine: requests carry the source prefix of the route they are about, and feasibility is kept
 * per (destination, source prefix).
 */
class SourceSpecificRequestTest {

    private static final Prefix X = Prefix.parse("2001:db8:a::/48");
    private static final Prefix S = Prefix.parse("2001:db8:5::/48");
    private static final Prefix S2 = Prefix.parse("2001:db8:6::/48");
    private static final Prefix NONE = Prefix.zero(X.family());
    private static final RouteKey XS = new RouteKey(X, S);

    /** a - b - c, converged, a originating X from S and X without source. */
    private static TestNetwork chain(long seed) {
        TestNetwork net = new TestNetwork(seed);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        a.engine.originate(net.now, XS, 0);
        a.engine.originate(net.now, RouteKey.of(X), 0);
        net.link("ab", InterfaceType.WIRED, a, b);
        net.link("bc", InterfaceType.WIRED, b, c);
        net.run(Time.seconds(20));
        return net;
    }

    private static <T extends Tlv> List<T> sent(TestNetwork.Node n, int from, Class<T> type) {
        return n.log.subList(from, n.log.size()).stream()
                .filter(a -> a instanceof Action.Send).flatMap(a -> ((Action.Send) a).tlvs().stream())
                .filter(type::isInstance).map(type::cast).toList();
    }

    private static Tlv.Update update(TestNetwork.Node origin, Prefix source, int seqno, int metric) {
        return new Tlv.Update(AddressEncoding.IPV6, 0, X, source, 1600, seqno, metric, origin.engine.routerId(),
                null, List.of());
    }

    @Test
    void anUnfeasibleSourceSpecificUpdateTriggersASeqnoRequestCarryingItsSourcePrefix() {
        TestNetwork net = chain(41);
        TestNetwork.Node a = net.get("a");
        TestNetwork.Node b = net.get("b");
        assertThat(b.fib.get(XS).nextHop()).isEqualTo(a.linkLocal("ab"));
        int seqno = a.engine.seqno();
        int mark = b.log.size();
        b.inject(a, "ab", IpAddress.BABEL_GROUP, update(a, S, seqno, 500));

        assertThat(b.engine.counters().get(EngineCounters.Counter.UNFEASIBLE)).isEqualTo(1);
        net.run(Time.millis(20));
        assertThat(sent(b, mark, Tlv.SeqnoRequest.class)).singleElement().satisfies(r -> {
            assertThat(r.prefix()).isEqualTo(X);
            assertThat(r.sourcePrefix()).isEqualTo(S);
            assertThat(r.seqno()).isEqualTo(Seqno.plus(seqno, 1));
        });
        net.run(Time.millis(100));
        assertThat(a.engine.seqno()).isEqualTo(Seqno.plus(seqno, 1));
    }

    @Test
    void feasibilityIsKeptPerDestinationAndSourcePrefix() {
        TestNetwork net = chain(42);
        TestNetwork.Node a = net.get("a");
        TestNetwork.Node b = net.get("b");
        TestNetwork.Node c = net.get("c");
        int seqno = a.engine.seqno();
        // c claims a's routes at a's seqno with a metric above b's feasibility distance for (X, none) and (X, S);
        // (X, S2) has no feasibility distance at b yet, so the same claim for it is feasible.
        b.inject(c, "bc", IpAddress.BABEL_GROUP, update(a, NONE, seqno, 1000), update(a, S, seqno, 1000),
                update(a, S2, seqno, 1000));

        assertThat(b.engine.counters().get(EngineCounters.Counter.UNFEASIBLE)).isEqualTo(2);
        assertThat(b.fib.get(RouteKey.of(X)).nextHop()).isEqualTo(a.linkLocal("ab"));
        assertThat(b.fib.get(XS).nextHop()).isEqualTo(a.linkLocal("ab"));
        assertThat(b.fib.get(new RouteKey(X, S2)).nextHop()).isEqualTo(c.linkLocal("bc"));
    }

    @Test
    void aRouteRequestForASourceSpecificRouteIsAnsweredWithThatRoute() {
        TestNetwork net = chain(43);
        TestNetwork.Node a = net.get("a");
        TestNetwork.Node b = net.get("b");
        int mark = a.log.size();
        a.inject(b, "ab", a.linkLocal("ab"), new Tlv.RouteRequest(AddressEncoding.IPV6, X, S, List.of()));
        net.run(Time.millis(50));

        List<Tlv.Update> answers = sent(a, mark, Tlv.Update.class).stream().filter(u -> u.prefix().equals(X))
                .toList();
        assertThat(answers).isNotEmpty().allSatisfy(u -> assertThat(u.sourcePrefix()).isEqualTo(S));
    }
}
