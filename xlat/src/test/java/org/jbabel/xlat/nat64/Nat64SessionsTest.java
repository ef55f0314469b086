package org.jbabel.xlat.nat64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.xlat.nat64.Nat64Sessions.ACK;
import static org.jbabel.xlat.nat64.Nat64Sessions.FIN;
import static org.jbabel.xlat.nat64.Nat64Sessions.ICMP_DEFAULT;
import static org.jbabel.xlat.nat64.Nat64Sessions.RST;
import static org.jbabel.xlat.nat64.Nat64Sessions.SYN;
import static org.jbabel.xlat.nat64.Nat64Sessions.TCP_EST;
import static org.jbabel.xlat.nat64.Nat64Sessions.TCP_TRANS;
import static org.jbabel.xlat.nat64.Nat64Sessions.UDP_DEFAULT;

import java.util.Map;
import java.util.TreeMap;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.wire.IpAddress;
import org.jbabel.xlat.nat64.Nat64Sessions.Drop;
import org.jbabel.xlat.nat64.Nat64Sessions.Protocol;
import org.jbabel.xlat.nat64.Nat64Sessions.TcpState;
import org.junit.jupiter.api.Test;

class Nat64SessionsTest {

    /** NCA(52:54:00:12:34:56) under fd7a:aaaa:bbbb:cccc::/64 (spec §1.2). */
    static final IpAddress NCA = IpAddress.parse("fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456");
    static final IpAddress NCA2 = IpAddress.parse("fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3457");
    static final IpAddress NCA3 = IpAddress.parse("fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3458");
    static final IpAddress R4 = IpAddress.parse("198.51.100.7");
    static final IpAddress R4B = IpAddress.parse("203.0.113.9");
    static final long S = 1_000_000_000L;
    static final long T0 = 1_000 * S;

    private Nat64Sessions tables = new Nat64Sessions(65_536, 1024, 65535);

    private int out(long now, Protocol p, IpAddress in, int port, IpAddress remote, int remotePort, int flags) {
        int h = tables.outbound(now, p, in, port, remote, remotePort, flags);
        assertThat(tables.inconsistency()).isNull();
        return h;
    }

    private int in(long now, Protocol p, IpAddress remote, int remotePort, int outsidePort, int flags) {
        int h = tables.inbound(now, p, remote, remotePort, outsidePort, flags);
        assertThat(tables.inconsistency()).isNull();
        return h;
    }

    private static Drop dropOf(int answer) {
        assertThat(Nat64Sessions.isDrop(answer)).as("a drop").isTrue();
        return Nat64Sessions.drop(answer);
    }

    // ---- mapping, filtering, ports ----

    @Test
    void anOutboundUdpPacketKeepsItsPortAndTheReplyFindsTheInsideEnd() {
        int h = out(T0, Protocol.UDP, NCA, 40000, R4, 53, 0);
        assertThat(Nat64Sessions.isDrop(h)).isFalse();
        assertThat(tables.outsidePort(h)).isEqualTo(40000);
        assertThat(tables.protocol(h)).isEqualTo(Protocol.UDP);
        assertThat(tables.tcpState(h)).isNull();

        int r = in(T0 + S, Protocol.UDP, R4, 53, 40000, 0);
        assertThat(r).isEqualTo(h);
        assertThat(tables.inside(r)).isEqualTo(NCA);
        assertThat(tables.insideHigh(r)).isEqualTo(NCA.hi());
        assertThat(tables.insideLow(r)).isEqualTo(NCA.lo());
        assertThat(tables.insidePort(r)).isEqualTo(40000);
        assertThat(tables.remote(r)).isEqualTo(R4.v4Bits());
        assertThat(tables.remotePort(r)).isEqualTo(53);
        assertThat(tables.counters()).containsEntry("sessions_created", 1L);
    }

    @Test
    void theMappingIsEndpointIndependent() {
        int a = out(T0, Protocol.UDP, NCA, 40000, R4, 53, 0);
        int b = out(T0, Protocol.UDP, NCA, 40000, R4B, 123, 0);
        assertThat(b).isNotEqualTo(a);
        assertThat(tables.outsidePort(b)).isEqualTo(tables.outsidePort(a));
        assertThat(tables.sessionCount()).isEqualTo(2);
        assertThat(tables.bindingCount()).isEqualTo(1);
        // the same tuple again is the same session
        assertThat(out(T0, Protocol.UDP, NCA, 40000, R4, 53, 0)).isEqualTo(a);
        // each protocol has its own bindings: TCP keeps the same port number too
        int t = out(T0, Protocol.TCP, NCA, 40000, R4, 80, SYN);
        assertThat(tables.outsidePort(t)).isEqualTo(40000);
        assertThat(tables.bindingCount()).isEqualTo(2);
    }

    @Test
    void theFilterIsAddressDependent() {
        out(T0, Protocol.UDP, NCA, 40000, R4, 53, 0);
        // another address: refused
        assertThat(dropOf(in(T0, Protocol.UDP, R4B, 53, 40000, 0))).isEqualTo(Drop.FILTERED);
        // the same address from another port: accepted, as a session of its own on the same binding
        int h = in(T0, Protocol.UDP, R4, 5353, 40000, 0);
        assertThat(tables.inside(h)).isEqualTo(NCA);
        assertThat(tables.insidePort(h)).isEqualTo(40000);
        assertThat(tables.remotePort(h)).isEqualTo(5353);
        assertThat(tables.sessionCount()).isEqualTo(2);
        assertThat(tables.bindingCount()).isEqualTo(1);
        // a port without a binding
        assertThat(dropOf(in(T0, Protocol.UDP, R4, 53, 40001, 0))).isEqualTo(Drop.NO_MAPPING);
        assertThat(tables.dropped(Drop.FILTERED)).isEqualTo(1);
        assertThat(tables.dropped(Drop.NO_MAPPING)).isEqualTo(1);
        assertThat(tables.counters()).containsEntry("dropped_filtered", 1L).containsEntry("dropped_no_mapping", 1L);
    }

    @Test
    void tcpFromAnAllowedAddressWithoutASessionIsDropped() {
        int h = out(T0, Protocol.TCP, NCA, 40001, R4, 80, SYN);
        assertThat(dropOf(in(T0, Protocol.TCP, R4, 81, 40001, ACK))).isEqualTo(Drop.INBOUND_NO_SESSION);
        assertThat(dropOf(in(T0, Protocol.TCP, R4B, 80, 40001, ACK))).isEqualTo(Drop.FILTERED);
        assertThat(tables.sessionCount()).isEqualTo(1);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V6_INIT);
    }

    @Test
    void aTakenPortGivesTheNextFreeOneOfTheSameParity() {
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA, 40000, R4, 53, 0))).isEqualTo(40000);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA2, 40000, R4, 53, 0))).isEqualTo(40002);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA3, 40000, R4, 53, 0))).isEqualTo(40004);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA, 40001, R4, 53, 0))).isEqualTo(40001);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA2, 40001, R4, 53, 0))).isEqualTo(40003);
        // the reply to each finds its own inside end
        assertThat(tables.inside(in(T0, Protocol.UDP, R4, 53, 40002, 0))).isEqualTo(NCA2);
        assertThat(tables.inside(in(T0, Protocol.UDP, R4, 53, 40003, 0))).isEqualTo(NCA2);
        assertThat(tables.insidePort(in(T0, Protocol.UDP, R4, 53, 40003, 0))).isEqualTo(40001);
    }

    @Test
    void aPortOutsideTheRangeTakesOneInsideWithItsParityAndTheSearchWraps() {
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA, 123, R4, 123, 0))).isEqualTo(1025);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA, 68, R4, 67, 0))).isEqualTo(1024);
        tables = new Nat64Sessions(100, 2000, 2005);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA, 2004, R4, 53, 0))).isEqualTo(2004);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA2, 2004, R4, 53, 0))).isEqualTo(2000);
    }

    @Test
    void whenAParityIsUsedUpTheOtherOneServes() {
        tables = new Nat64Sessions(100, 1024, 1027);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA, 2000, R4, 53, 0))).isEqualTo(1024);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA2, 2000, R4, 53, 0))).isEqualTo(1026);
        assertThat(tables.outsidePort(out(T0, Protocol.UDP, NCA3, 2000, R4, 53, 0))).isEqualTo(1025);
    }

    @Test
    void anExhaustedRangeRefusesAndCountsUntilExpiryFreesAPort() {
        tables = new Nat64Sessions(100, 1024, 1025);
        out(T0, Protocol.UDP, NCA, 5000, R4, 53, 0);
        out(T0 + S, Protocol.UDP, NCA2, 5000, R4, 53, 0);
        int refused = out(T0 + 2 * S, Protocol.UDP, NCA3, 5000, R4, 53, 0);
        assertThat(dropOf(refused)).isEqualTo(Drop.PORTS_EXHAUSTED);
        assertThat(dropOf(out(T0 + 2 * S, Protocol.UDP, NCA3, 5001, R4, 53, 0))).isEqualTo(Drop.PORTS_EXHAUSTED);
        assertThat(tables.dropped(Drop.PORTS_EXHAUSTED)).isEqualTo(2);
        // an existing binding still makes new sessions
        assertThat(Nat64Sessions.isDrop(out(T0 + 2 * S, Protocol.UDP, NCA, 5000, R4B, 53, 0))).isFalse();
        // the other protocols have ranges of their own
        assertThat(Nat64Sessions.isDrop(out(T0, Protocol.ICMP, NCA3, 7, R4, 0, 0))).isFalse();

        // NCA2's only session expires: its port serves NCA3
        // NCA's first session, NCA2's only one and NCA3's ICMP one (NCA keeps its binding by its R4B session)
        assertThat(tables.poll(T0 + S + UDP_DEFAULT)).isEqualTo(3);
        int h = out(T0 + S + UDP_DEFAULT, Protocol.UDP, NCA3, 5000, R4, 53, 0);
        assertThat(tables.inside(h)).isEqualTo(NCA3);
        assertThat(tables.outsidePort(h)).isEqualTo(1025);
        assertThat(tables.inconsistency()).isNull();
    }

    @Test
    void sessionsMaxRefusesEveryNewSessionBeyondIt() {
        tables = new Nat64Sessions(3, 1024, 65535);
        out(T0, Protocol.UDP, NCA, 40000, R4, 53, 0);
        out(T0, Protocol.TCP, NCA, 40000, R4, 80, SYN);
        out(T0, Protocol.ICMP, NCA, 9, R4, 0, 0);
        assertThat(dropOf(out(T0, Protocol.UDP, NCA, 40000, R4B, 53, 0))).isEqualTo(Drop.SESSIONS_MAX);
        assertThat(dropOf(out(T0, Protocol.UDP, NCA2, 40000, R4, 53, 0))).isEqualTo(Drop.SESSIONS_MAX);
        // a session from outside that the filter would allow is refused too
        assertThat(dropOf(in(T0, Protocol.UDP, R4, 5353, 40000, 0))).isEqualTo(Drop.SESSIONS_MAX);
        assertThat(tables.dropped(Drop.SESSIONS_MAX)).isEqualTo(3);
        assertThat(tables.sessionCount()).isEqualTo(3);
        // packets of the existing sessions still pass
        assertThat(Nat64Sessions.isDrop(in(T0, Protocol.UDP, R4, 53, 40000, 0))).isFalse();
        // one ends, one more can begin
        assertThat(tables.poll(T0 + ICMP_DEFAULT)).isEqualTo(1);
        assertThat(Nat64Sessions.isDrop(out(T0 + ICMP_DEFAULT, Protocol.UDP, NCA2, 40000, R4, 53, 0))).isFalse();
    }

    @Test
    void aFloodFromBothSidesNeverGrowsTheTablesBeyondTheirBound() {
        tables = new Nat64Sessions(1000, 1024, 65535);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long now = T0 + i * 1_000_000L; // 100 s in all: nothing expires
            int answer = i % 2 == 0
                    ? tables.outbound(now, Protocol.UDP, 0xfd7a_0000_0000_0000L, random.nextLong(),
                            1 + random.nextInt(65535), random.nextInt(), 1 + random.nextInt(65535), 0)
                    : tables.inbound(now, Protocol.values()[random.nextInt(3)], random.nextInt(),
                            1 + random.nextInt(65535), random.nextInt(65536), random.nextInt(256));
            if (i < 2000 && i % 2 == 0) {
                assertThat(Nat64Sessions.isDrop(answer)).isFalse();
            }
        }
        assertThat(tables.sessionCount()).isEqualTo(1000);
        assertThat(tables.bindingCount()).isEqualTo(1000);
        assertThat(tables.dropped(Drop.SESSIONS_MAX)).isEqualTo(50_000 - 1000);
        long inboundDrops = tables.dropped(Drop.NO_MAPPING) + tables.dropped(Drop.FILTERED)
                + tables.dropped(Drop.INBOUND_SYN) + tables.dropped(Drop.INBOUND_NO_SESSION)
                + tables.dropped(Drop.BAD_PORT); // an outside port 0 (only inbound ports are random down to 0)
        assertThat(inboundDrops).isEqualTo(50_000);
        assertThat(tables.inconsistency()).isNull();
        assertThat(tables.poll(T0 + 100 * S + UDP_DEFAULT)).isEqualTo(1000);
        assertThat(tables.inconsistency()).isNull();
    }

    @Test
    void badPortsAreCountedNotThrown() {
        assertThat(dropOf(out(T0, Protocol.UDP, NCA, 0, R4, 53, 0))).isEqualTo(Drop.BAD_PORT);
        assertThat(dropOf(out(T0, Protocol.TCP, NCA, 40000, R4, 0, SYN))).isEqualTo(Drop.BAD_PORT);
        assertThat(dropOf(out(T0, Protocol.UDP, NCA, 70000, R4, 53, 0))).isEqualTo(Drop.BAD_PORT);
        assertThat(dropOf(out(T0, Protocol.ICMP, NCA, -1, R4, 0, 0))).isEqualTo(Drop.BAD_PORT);
        assertThat(dropOf(in(T0, Protocol.UDP, R4, 53, 65536, 0))).isEqualTo(Drop.BAD_PORT);
        assertThat(dropOf(in(T0, Protocol.UDP, R4, -5, 1024, 0))).isEqualTo(Drop.BAD_PORT);
        assertThat(tables.dropped(Drop.BAD_PORT)).isEqualTo(6);
        assertThat(tables.sessionCount()).isZero();
    }

    @Test
    void theSessionOfAPacketQuotedInAnIcmpErrorIsFoundWithoutTouchingIt() {
        int h = established();
        long expiry = tables.expiry(h);
        // an ICMPv4 error from outside quotes A4:40000 -> R4:80
        assertThat(tables.findOutside(Protocol.TCP, 40000, R4.v4Bits(), 80)).isEqualTo(h);
        // an ICMPv6 error from inside quotes R4:80 -> NCA:40000
        assertThat(tables.findInside(Protocol.TCP, NCA.hi(), NCA.lo(), 40000, R4.v4Bits(), 80)).isEqualTo(h);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(tables.expiry(h)).isEqualTo(expiry);
        assertThat(tables.findOutside(Protocol.TCP, 40000, R4B.v4Bits(), 80)).isEqualTo(-1);
        assertThat(tables.findOutside(Protocol.UDP, 40000, R4.v4Bits(), 80)).isEqualTo(-1);
        assertThat(tables.findOutside(Protocol.TCP, 70000, R4.v4Bits(), 80)).isEqualTo(-1);
        assertThat(tables.findInside(Protocol.TCP, NCA2.hi(), NCA2.lo(), 40000, R4.v4Bits(), 80)).isEqualTo(-1);
        assertThat(tables.findInside(Protocol.TCP, NCA.hi(), NCA.lo(), 40000, R4.v4Bits(), 81)).isEqualTo(-1);
        int icmp = out(T0 + 2 * S, Protocol.ICMP, NCA, 5, R4, 0, 0);
        assertThat(tables.findOutside(Protocol.ICMP, tables.outsidePort(icmp), R4.v4Bits(), 1234)).isEqualTo(icmp);
        assertThat(tables.findInside(Protocol.ICMP, NCA.hi(), NCA.lo(), 5, R4.v4Bits(), 99)).isEqualTo(icmp);
        assertThat(tables.counters().values().stream().mapToLong(Long::longValue).sum())
                .as("only the sessions created are counted").isEqualTo(2);
    }

    @Test
    void everyCountAlsoGoesToTheExtensionsCountersAsItHappens() {
        Map<String, Long> seen = new TreeMap<>();
        tables = new Nat64Sessions(1, 1024, 65535, new ExtensionContext.Counters() {
            @Override
            public void increment(String name) {
                add(name, 1);
            }

            @Override
            public void add(String name, long delta) {
                seen.merge(name, delta, Long::sum);
            }
        });
        out(T0, Protocol.UDP, NCA, 40000, R4, 53, 0);
        out(T0, Protocol.UDP, NCA2, 40000, R4, 53, 0);
        in(T0, Protocol.TCP, R4, 80, 40000, SYN);
        tables.poll(T0 + UDP_DEFAULT);
        assertThat(seen).containsExactly(Map.entry("dropped_inbound_syn", 1L), Map.entry("dropped_sessions_max", 1L),
                Map.entry("sessions_created", 1L), Map.entry("sessions_expired", 1L));
        Map<String, Long> nonZero = new TreeMap<>(tables.counters());
        nonZero.values().removeIf(v -> v == 0);
        assertThat(nonZero).isEqualTo(seen);
    }

    // ---- UDP and ICMP lifetimes ----

    @Test
    void aUdpSessionLivesFiveMinutesAfterItsLastPacketInEitherDirection() {
        int h = out(T0, Protocol.UDP, NCA, 40000, R4, 53, 0);
        assertThat(tables.expiry(h)).isEqualTo(T0 + UDP_DEFAULT);
        assertThat(tables.nextExpiry()).isEqualTo(T0 + UDP_DEFAULT);
        in(T0 + 100 * S, Protocol.UDP, R4, 53, 40000, 0);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 100 * S + UDP_DEFAULT);
        assertThat(tables.poll(T0 + 100 * S + UDP_DEFAULT - 1)).isZero();
        assertThat(tables.poll(T0 + 100 * S + UDP_DEFAULT)).isEqualTo(1);
        assertThat(tables.sessionCount()).isZero();
        assertThat(tables.bindingCount()).isZero();
        assertThat(tables.nextExpiry()).isEqualTo(Long.MAX_VALUE);
        assertThat(dropOf(in(T0 + 400 * S, Protocol.UDP, R4, 53, 40000, 0))).isEqualTo(Drop.NO_MAPPING);
        assertThat(tables.counters()).containsEntry("sessions_expired", 1L);
    }

    @Test
    void aBindingLivesAsLongAsItsLastSession() {
        out(T0, Protocol.UDP, NCA, 40000, R4, 53, 0);
        out(T0 + 200 * S, Protocol.UDP, NCA, 40000, R4B, 53, 0);
        assertThat(tables.poll(T0 + UDP_DEFAULT)).isEqualTo(1);
        assertThat(tables.bindingCount()).isEqualTo(1);
        // R4's session is gone, and so is its permission
        assertThat(dropOf(in(T0 + UDP_DEFAULT, Protocol.UDP, R4, 53, 40000, 0))).isEqualTo(Drop.FILTERED);
        assertThat(tables.inside(in(T0 + UDP_DEFAULT, Protocol.UDP, R4B, 53, 40000, 0))).isEqualTo(NCA);
    }

    @Test
    void anIcmpQueryKeepsItsIdentifierAndLivesSixtySeconds() {
        int h = out(T0, Protocol.ICMP, NCA, 4242, R4, 77, 0);
        assertThat(tables.outsidePort(h)).isEqualTo(4242);
        assertThat(tables.remotePort(h)).isZero();
        assertThat(tables.expiry(h)).isEqualTo(T0 + ICMP_DEFAULT);
        // the echo reply: identifier 4242 from R4 (its "source port" means nothing)
        assertThat(in(T0 + S, Protocol.ICMP, R4, 999, 4242, 0)).isEqualTo(h);
        assertThat(tables.expiry(h)).isEqualTo(T0 + S + ICMP_DEFAULT);
        assertThat(dropOf(in(T0 + S, Protocol.ICMP, R4B, 0, 4242, 0))).isEqualTo(Drop.FILTERED);
        // identifier 0 is an identifier like any other; below the range it takes one in it
        int zero = out(T0 + S, Protocol.ICMP, NCA2, 0, R4, 0, 0);
        assertThat(tables.outsidePort(zero)).isEqualTo(1024);
        assertThat(tables.poll(T0 + S + ICMP_DEFAULT - 1)).isZero();
        assertThat(tables.poll(T0 + S + ICMP_DEFAULT)).isEqualTo(2);
    }

    // ---- TCP, RFC 6146 §3.5.2.2 ----

    private int established() {
        int h = out(T0, Protocol.TCP, NCA, 40000, R4, 80, SYN);
        assertThat(in(T0 + S, Protocol.TCP, R4, 80, 40000, SYN | ACK)).isEqualTo(h);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.ESTABLISHED);
        return h;
    }

    @Test
    void anOutboundSynOpensAV6InitSessionWithTheTransitoryLifetime() {
        int h = out(T0, Protocol.TCP, NCA, 40000, R4, 80, SYN);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V6_INIT);
        assertThat(tables.expiry(h)).isEqualTo(T0 + TCP_TRANS);
        // a retransmitted SYN refreshes
        assertThat(out(T0 + 3 * S, Protocol.TCP, NCA, 40000, R4, 80, SYN)).isEqualTo(h);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 3 * S + TCP_TRANS);
        // other packets pass without changing state or lifetime
        assertThat(out(T0 + 4 * S, Protocol.TCP, NCA, 40000, R4, 80, ACK)).isEqualTo(h);
        assertThat(in(T0 + 4 * S, Protocol.TCP, R4, 80, 40000, RST)).isEqualTo(h);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V6_INIT);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 3 * S + TCP_TRANS);
        // no answer: gone after four minutes
        assertThat(tables.poll(T0 + 3 * S + TCP_TRANS - 1)).isZero();
        assertThat(tables.poll(T0 + 3 * S + TCP_TRANS)).isEqualTo(1);
    }

    @Test
    void theSynFromOutsideEstablishesWithTheEstablishedLifetime() {
        int h = established();
        assertThat(tables.expiry(h)).isEqualTo(T0 + S + TCP_EST);
        // every packet refreshes
        out(T0 + 10 * S, Protocol.TCP, NCA, 40000, R4, 80, ACK);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 10 * S + TCP_EST);
        in(T0 + 20 * S, Protocol.TCP, R4, 80, 40000, ACK);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 20 * S + TCP_EST);
        // idle for 2 h 4 min: removed
        assertThat(tables.poll(T0 + 20 * S + TCP_EST - 1)).isZero();
        assertThat(tables.poll(T0 + 20 * S + TCP_EST)).isEqualTo(1);
        assertThat(tables.bindingCount()).isZero();
    }

    @Test
    void finFromOutsideThenFromInsideClosesWithinTheTransitoryLifetime() {
        int h = established();
        in(T0 + 2 * S, Protocol.TCP, R4, 80, 40000, FIN | ACK);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V4_FIN_RCV);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 2 * S + TCP_EST);
        // more from outside (even its FIN again) keeps the state, refreshed
        in(T0 + 3 * S, Protocol.TCP, R4, 80, 40000, FIN | ACK);
        out(T0 + 4 * S, Protocol.TCP, NCA, 40000, R4, 80, ACK);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V4_FIN_RCV);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 4 * S + TCP_EST);
        out(T0 + 5 * S, Protocol.TCP, NCA, 40000, R4, 80, FIN | ACK);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V6_FIN_V4_FIN_RCV);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 5 * S + TCP_TRANS);
        // the last ACKs pass and refresh nothing
        assertThat(in(T0 + 6 * S, Protocol.TCP, R4, 80, 40000, ACK)).isEqualTo(h);
        assertThat(out(T0 + 7 * S, Protocol.TCP, NCA, 40000, R4, 80, SYN)).isEqualTo(h);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V6_FIN_V4_FIN_RCV);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 5 * S + TCP_TRANS);
        assertThat(tables.poll(T0 + 5 * S + TCP_TRANS)).isEqualTo(1);
    }

    @Test
    void finFromInsideThenFromOutsideClosesToo() {
        int h = established();
        out(T0 + 2 * S, Protocol.TCP, NCA, 40000, R4, 80, FIN | ACK);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V6_FIN_RCV);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 2 * S + TCP_EST);
        out(T0 + 3 * S, Protocol.TCP, NCA, 40000, R4, 80, FIN | ACK);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V6_FIN_RCV);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 3 * S + TCP_EST);
        in(T0 + 4 * S, Protocol.TCP, R4, 80, 40000, FIN | ACK);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.V6_FIN_V4_FIN_RCV);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 4 * S + TCP_TRANS);
    }

    @Test
    void aResetMovesToTransAndAnyOtherPacketBackToEstablished() {
        int h = established();
        in(T0 + 2 * S, Protocol.TCP, R4, 80, 40000, RST);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.TRANS);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 2 * S + TCP_TRANS);
        // another RST changes nothing
        out(T0 + 3 * S, Protocol.TCP, NCA, 40000, R4, 80, RST | ACK);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.TRANS);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 2 * S + TCP_TRANS);
        // a packet that is not a RST: established again
        out(T0 + 4 * S, Protocol.TCP, NCA, 40000, R4, 80, ACK);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 4 * S + TCP_EST);
        // a RST from inside, then silence: gone after four minutes
        out(T0 + 5 * S, Protocol.TCP, NCA, 40000, R4, 80, RST);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.TRANS);
        assertThat(tables.poll(T0 + 5 * S + TCP_TRANS)).isEqualTo(1);
    }

    @Test
    void aResetInAFinReceivedStateMovesToTrans() {
        int h = established();
        in(T0 + 2 * S, Protocol.TCP, R4, 80, 40000, FIN);
        in(T0 + 3 * S, Protocol.TCP, R4, 80, 40000, RST);
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.TRANS);
        assertThat(tables.expiry(h)).isEqualTo(T0 + 3 * S + TCP_TRANS);
        int g = out(T0 + 4 * S, Protocol.TCP, NCA2, 40000, R4, 80, SYN);
        in(T0 + 4 * S, Protocol.TCP, R4, 80, tables.outsidePort(g), SYN | ACK);
        out(T0 + 4 * S, Protocol.TCP, NCA2, 40000, R4, 80, FIN);
        assertThat(tables.tcpState(g)).isEqualTo(TcpState.V6_FIN_RCV);
        out(T0 + 5 * S, Protocol.TCP, NCA2, 40000, R4, 80, RST);
        assertThat(tables.tcpState(g)).isEqualTo(TcpState.TRANS);
    }

    @Test
    void anInboundSynWithoutASessionIsDroppedAndCounted() {
        assertThat(dropOf(in(T0, Protocol.TCP, R4, 80, 40000, SYN))).isEqualTo(Drop.INBOUND_SYN);
        out(T0, Protocol.TCP, NCA, 40000, R4, 80, SYN);
        // even from the address the binding sent to, on another port
        assertThat(dropOf(in(T0, Protocol.TCP, R4, 8080, 40000, SYN))).isEqualTo(Drop.INBOUND_SYN);
        assertThat(tables.dropped(Drop.INBOUND_SYN)).isEqualTo(2);
        assertThat(tables.counters()).containsEntry("dropped_inbound_syn", 2L);
        assertThat(tables.sessionCount()).isEqualTo(1);
    }

    @Test
    void anOutboundTcpPacketWithoutASessionMustBeASyn() {
        assertThat(dropOf(out(T0, Protocol.TCP, NCA, 40000, R4, 80, ACK))).isEqualTo(Drop.OUTBOUND_NOT_SYN);
        assertThat(dropOf(out(T0, Protocol.TCP, NCA, 40000, R4, 80, SYN | RST))).isEqualTo(Drop.OUTBOUND_NOT_SYN);
        assertThat(dropOf(out(T0, Protocol.TCP, NCA, 40000, R4, 80, FIN))).isEqualTo(Drop.OUTBOUND_NOT_SYN);
        assertThat(tables.dropped(Drop.OUTBOUND_NOT_SYN)).isEqualTo(3);
        assertThat(tables.sessionCount()).isZero();
        assertThat(tables.bindingCount()).isZero();
    }

    @Test
    void timerListsOfDifferentLifetimesExpireIndependently() {
        int tcp = established(); // EST from T0+1s
        int udp = out(T0 + 2 * S, Protocol.UDP, NCA, 40000, R4, 53, 0);
        int icmp = out(T0 + 3 * S, Protocol.ICMP, NCA, 1, R4, 0, 0);
        assertThat(tables.nextExpiry()).isEqualTo(tables.expiry(icmp));
        assertThat(tables.poll(T0 + 3 * S + ICMP_DEFAULT)).isEqualTo(1);
        assertThat(tables.nextExpiry()).isEqualTo(tables.expiry(udp));
        assertThat(tables.poll(T0 + 2 * S + UDP_DEFAULT)).isEqualTo(1);
        assertThat(tables.nextExpiry()).isEqualTo(tables.expiry(tcp));
        assertThat(tables.sessionCount()).isEqualTo(1);
        assertThat(tables.inconsistency()).isNull();
    }

    @Test
    void aKnownSessionsPacketsAllocateNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int h = established();
        long src6High = NCA.hi();
        long src6Low = NCA.lo();
        int r4 = R4.v4Bits();
        int sum = 0;
        for (int i = 0; i < 20_000; i++) { // warm up
            sum += tables.outbound(T0 + i, Protocol.TCP, src6High, src6Low, 40000, r4, 80, ACK);
            sum += tables.inbound(T0 + i, Protocol.TCP, r4, 80, 40000, ACK);
            sum += tables.inbound(T0 + i, Protocol.TCP, r4, 80, 40002, ACK); // a drop
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sum += tables.outbound(T0 + i, Protocol.TCP, src6High, src6Low, 40000, r4, 80, ACK);
            sum += tables.inbound(T0 + i, Protocol.TCP, r4, 80, 40000, ACK);
            sum += tables.inbound(T0 + i, Protocol.TCP, r4, 80, 40002, ACK);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isNotZero();
        assertThat(tables.tcpState(h)).isEqualTo(TcpState.ESTABLISHED);
        // one object per packet would be at least 16 bytes each: 4.8 MB
        assertThat(allocated).as("bytes allocated for 300,000 packets").isLessThan(64 * 1024);
    }
}
