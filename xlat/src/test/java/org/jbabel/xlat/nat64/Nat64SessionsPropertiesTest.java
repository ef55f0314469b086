package org.jbabel.xlat.nat64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jbabel.wire.IpAddress;
import org.jbabel.xlat.nat64.Nat64Sessions.Protocol;

/**
 * Random sequences of packets from both sides and of time passing, on small tables (few ports, few sessions) so
 * that the bounds are reached: the tables stay consistent and within their bounds, a port never serves two
 * bindings, and every answer is about the packet asked.
 */
class Nat64SessionsPropertiesTest {

    private static final long S = 1_000_000_000L;
    private static final IpAddress[] INSIDE = {
        IpAddress.parse("fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456"), IpAddress.parse("fd7a:aaaa:bbbb:cccc::2"),
        IpAddress.parse("fd7a:aaaa:bbbb:dddd::3"), IpAddress.parse("2001:db8::4")};
    private static final IpAddress[] REMOTE = {
        IpAddress.parse("198.51.100.7"), IpAddress.parse("203.0.113.9"), IpAddress.parse("192.0.2.1")};
    private static final int[] INSIDE_PORTS = {0, 1, 53, 1024, 1025, 1026, 1031, 40000, 65535};
    private static final int[] REMOTE_PORTS = {0, 53, 80, 443};
    private static final int[] FLAGS = {0, Nat64Sessions.SYN, Nat64Sessions.ACK, Nat64Sessions.FIN,
        Nat64Sessions.RST, Nat64Sessions.SYN | Nat64Sessions.ACK, Nat64Sessions.FIN | Nat64Sessions.ACK};
    private static final long[] STEPS = {0, 1, S, 59 * S, 61 * S, 241 * S, 301 * S, 7441 * S};

    /** One event: {@code kind} 0 outbound, 1 inbound, 2 time passes and the tables are polled. */
    record Event(int kind, Protocol protocol, int host, int port, int remote, int remotePort, int flags, long step) {}

    @Provide
    Arbitrary<List<Event>> events() {
        Arbitrary<Event> e = Combinators.combine(List.of(
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, INSIDE.length - 1),
                Arbitraries.integers().between(0, INSIDE_PORTS.length - 1),
                Arbitraries.integers().between(0, REMOTE.length - 1),
                Arbitraries.integers().between(0, REMOTE_PORTS.length - 1),
                Arbitraries.integers().between(0, FLAGS.length - 1),
                Arbitraries.integers().between(0, STEPS.length - 1)))
                .as(v -> new Event(v.get(0), Protocol.values()[v.get(1)], v.get(2), INSIDE_PORTS[v.get(3)], v.get(4),
                        REMOTE_PORTS[v.get(5)], FLAGS[v.get(6)], STEPS[v.get(7)]));
        return e.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 300)
    void randomTrafficKeepsTheTablesConsistentAndBounded(@ForAll("events") List<Event> events,
            @ForAll @IntRange(min = 1, max = 12) int sessionsMax, @ForAll @IntRange(min = 1, max = 8) int ports) {
        Nat64Sessions t = new Nat64Sessions(sessionsMax, 1024, 1024 + ports - 1);
        long now = 5 * S;
        for (Event e : events) {
            switch (e.kind()) {
                case 0 -> {
                    IpAddress in = INSIDE[e.host()];
                    IpAddress remote = REMOTE[e.remote()];
                    int h = t.outbound(now, e.protocol(), in, e.port(), remote, e.remotePort(), e.flags());
                    if (!Nat64Sessions.isDrop(h)) {
                        assertThat(t.protocol(h)).isEqualTo(e.protocol());
                        assertThat(t.inside(h)).isEqualTo(in);
                        assertThat(t.insidePort(h)).isEqualTo(e.port());
                        assertThat(t.remote(h)).isEqualTo(remote.v4Bits());
                        assertThat(t.remotePort(h)).isEqualTo(e.protocol() == Protocol.ICMP ? 0 : e.remotePort());
                        assertThat(t.expiry(h)).isGreaterThan(now);
                    }
                }
                case 1 -> {
                    IpAddress remote = REMOTE[e.remote()];
                    // the outside port: one of the range's (or just outside it)
                    int outside = 1023 + Math.floorMod(e.port(), ports + 2);
                    int h = t.inbound(now, e.protocol(), remote, e.remotePort(), outside, e.flags());
                    if (!Nat64Sessions.isDrop(h)) {
                        assertThat(t.protocol(h)).isEqualTo(e.protocol());
                        assertThat(t.outsidePort(h)).isEqualTo(outside);
                        assertThat(t.remote(h)).isEqualTo(remote.v4Bits());
                    }
                }
                default -> {
                    now += e.step();
                    t.poll(now);
                    assertThat(t.nextExpiry()).isGreaterThan(now);
                }
            }
            assertThat(t.inconsistency()).isNull();
            assertThat(t.sessionCount()).isBetween(0, sessionsMax);
            assertThat(t.bindingCount()).isBetween(0, Math.min(t.sessionCount(), 3 * ports));
            // the bindings seen through the sessions: one outside port per inside end, one inside end per port
            Map<String, Integer> portOf = new HashMap<>();
            Map<String, String> insideOf = new HashMap<>();
            for (Nat64Sessions.Session s : t.sessions()) {
                String inside = s.protocol() + " " + s.inside() + " " + s.insidePort();
                String outside = s.protocol() + " " + s.outsidePort();
                assertThat(portOf.merge(inside, s.outsidePort(), (a, b) -> a.equals(b) ? a : -1)).isNotEqualTo(-1);
                assertThat(insideOf.merge(outside, inside, (a, b) -> a.equals(b) ? a : "two")).isNotEqualTo("two");
                assertThat(s.outsidePort()).isBetween(1024, 1024 + ports - 1);
            }
            long counted = t.counters().values().stream().mapToLong(Long::longValue).sum();
            assertThat(counted).isGreaterThanOrEqualTo(t.sessionCount());
        }
    }
}
