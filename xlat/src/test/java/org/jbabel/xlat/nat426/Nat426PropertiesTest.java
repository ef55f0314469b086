package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.random.RandomGenerator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jbabel.engine.BabelConstants;
import org.jbabel.engine.ChangeKind;
import org.jbabel.engine.RouteChange;
import org.jbabel.wire.IpAddress;

/**
 * Random histories against the ARP side and the resolver: nothing throws, the bounds hold, and whatever happened
 * before, no ARP answer names the asker's own address or MAC, and the gateway is only ever answered with the XMAC of
 * an exit that is reachable at that moment.
 */
class Nat426PropertiesTest {

    static final long MS = 1_000_000L;
    static final int G = IpAddress.parse("10.20.0.1").v4Bits();
    static final int CLIENTS = IpAddress.parse("10.20.0.10").v4Bits();
    static final int[] EXITS = {ExitsTest.E1, ExitsTest.E2, ExitsTest.E3};

    sealed interface Op permits Arp, Route, Frame, Datagram, Tick {}

    /** An ARP frame from client {@code from} (0..5) asking for target {@code target} (see {@link #address}). */
    record Arp(int from, int senderIndex, int target, boolean request) implements Op {}

    record Route(int exit, boolean up, int metric) implements Op {}

    record Frame(int from, int exit) implements Op {}

    record Datagram(byte[] bytes) implements Op {}

    record Tick(long dt) implements Op {}

    /** 0: G, 1..3: the exits, 4: an exit-range address no exit has, 5..10: client addresses, 11: 0.0.0.0. */
    static int address(int i) {
        return switch (i) {
            case 0 -> G;
            case 1, 2, 3 -> EXITS[i - 1];
            case 4 -> IpAddress.parse("10.255.0.99").v4Bits();
            case 11 -> 0;
            default -> CLIENTS + i - 5;
        };
    }

    static long mac(int client) {
        return 0x5254_0000_0000L + client;
    }

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Integer> client = Arbitraries.integers().between(0, 5);
        Arbitrary<Integer> addr = Arbitraries.integers().between(0, 11);
        Arbitrary<Op> arp = Combinators.combine(client, addr, addr, Arbitraries.of(true, true, false)).as(Arp::new);
        Arbitrary<Op> route = Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 1000)).as(Route::new);
        Arbitrary<Op> frame = Combinators.combine(client, Arbitraries.integers().between(1, 4)).as(Frame::new);
        Arbitrary<Op> datagram = Arbitraries.bytes().array(byte[].class).ofMaxSize(24).map(Datagram::new);
        Arbitrary<Op> tick = Arbitraries.longs().between(0, 90_000 * MS).map(Tick::new);
        return Arbitraries.frequencyOf(Tuple.of(5, arp), Tuple.of(2, route), Tuple.of(2, frame), Tuple.of(1, datagram),
                Tuple.of(2, tick)).list().ofMaxSize(120);
    }

    @Property
    void arpAnswersNeverNameTheAskerAndTheGatewayOnlyAReachableExit(@ForAll("histories") List<Op> ops) {
        Counts counts = new Counts();
        ClientTable table = new ClientTable(4, counts);
        Exits exits = new Exits(ExitsTest.MP, ExitsTest.EXIT_RANGE, 2, counts);
        ArpResponder arp = new ArpResponder(G, ExitMac.DEFAULT, table, exits, counts);
        ResolverEngineTest.Recording out = new ResolverEngineTest.Recording();
        ResolverEngine resolver = new ResolverEngine(table, out, RandomGenerator.of("L64X128MixRandom"));
        long now = 0;
        for (Op op : ops) {
            switch (op) {
                case Arp a -> {
                    int sender = address(a.senderIndex());
                    int target = address(a.target());
                    ArpFrame f = a.request() ? ArpFrame.request(mac(a.from()), sender, target)
                            : ArpFrame.reply(mac(a.from()), sender, mac(5 - a.from()), target);
                    // through the codec, as the TAP delivers it
                    ArpFrame.Result r = ArpFrame.decode(f.encode(), ArpFrame.LENGTH);
                    if (r.frame() == null) {
                        continue;
                    }
                    ArpResponder.Decision d = arp.handle(now, r.frame());
                    if (d instanceof ArpResponder.Answer(ArpFrame reply)) {
                        assertThat(reply.targetMac()).isEqualTo(mac(a.from()));
                        assertThat(reply.senderIp()).isEqualTo(target).isNotEqualTo(sender);
                        assertThat(reply.senderMac()).isNotEqualTo(mac(a.from()));
                        if (target == G) {
                            assertThat(exits.reachable(ExitMac.exitOf(reply.senderMac()))).isTrue();
                            assertThat(ExitMac.DEFAULT.matches(reply.senderMac())).isTrue();
                        }
                    }
                    if (d instanceof ArpResponder.Resolve(int address)) {
                        resolver.resolveIpv4(now, address, new byte[] {1});
                    }
                }
                case Route r -> {
                    var route = ExitsTest.exitRoute(EXITS[r.exit()], r.up() ? r.metric() : BabelConstants.INFINITY);
                    for (Exits.Event e : exits.changed(new RouteChange(r.up() ? ChangeKind.ADDED : ChangeKind.REMOVED,
                            route))) {
                        if (e.kind() == Exits.Event.Kind.GONE) {
                            for (ArpFrame told : arp.exitGone(now, e.exit())) {
                                assertThat(exits.reachable(ExitMac.exitOf(told.senderMac()))).isTrue();
                                assertThat(told.senderIp()).isEqualTo(G);
                            }
                        }
                    }
                }
                case Frame f -> {
                    long e = arp.exitForFrame(now, mac(f.from()), address(5 + f.from()), address(f.exit()), b -> {
                        ArpFrame told = ArpFrame.decode(b, b.length).frame();
                        assertThat(told.senderIp()).isEqualTo(G);
                        assertThat(exits.reachable(ExitMac.exitOf(told.senderMac()))).isTrue();
                    });
                    assertThat(e == Exits.NONE || exits.reachable((int) e)).isTrue();
                }
                case Datagram d -> resolver.received(now, d.bytes(), 0, d.bytes().length, IpAddress.parse("fd00::9"));
                case Tick t -> {
                    now += t.dt();
                    resolver.tick(now);
                    table.expire(now);
                }
            }
            assertThat(table.size()).isLessThanOrEqualTo(4);
            assertThat(resolver.held()).isLessThanOrEqualTo(ResolverEngine.MAX_WAITING);
            assertThat(exits.snapshot().size()).isLessThanOrEqualTo(2);
        }
    }
}
