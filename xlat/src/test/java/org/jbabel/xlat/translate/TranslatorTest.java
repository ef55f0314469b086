package org.jbabel.xlat.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.xlat.translate.Packets.C4;
import static org.jbabel.xlat.translate.Packets.C6;
import static org.jbabel.xlat.translate.Packets.R4;
import static org.jbabel.xlat.translate.Packets.R6;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/** Header rules of RFC 7915 beyond the ICMP tables: MTU, fragments, DF/ID, extension headers, options, MSS, hook. */
class TranslatorTest {

    private Translator translator = new Translator(Packets.taygaConfig(), Packets.taygaMapping());
    private final Result result = new Result();

    private Result four(byte[] p) {
        return translator.translate4to6(p, 0, p.length, result);
    }

    private Result six(byte[] p) {
        return translator.translate6to4(p, 0, p.length, result);
    }

    private static byte[] udp4(int flags, int ttl, int size) {
        return Packets.withChecksum(Packets.ipv4(0x10, 0x5151, flags, ttl, 17, C4, R4, Packets.udp(40000, 53,
                new byte[size])));
    }

    private static byte[] udp6(int size) {
        return Packets.withChecksum(Packets.ipv6(0, 17, 64, R6, C6, Packets.udp(53, 40000, new byte[size])));
    }

    @Test
    void dfClearPacketsAreCutToTheLowestIpv6Mtu() {
        translator = new Translator(Packets.taygaConfig().withMtus(1400, 1500, 9000), Packets.taygaMapping());
        Result r = four(udp4(0, 64, 3000));
        assertThat(r.kind()).isEqualTo(Result.Kind.PACKETS);
        int chunk = (1400 - 48) & ~7;
        assertThat(r.count()).isEqualTo((3008 + chunk - 1) / chunk);
        int offset = 0;
        for (int i = 0; i < r.count(); i++) {
            byte[] f = r.packet(i);
            assertThat(f.length).isLessThanOrEqualTo(1400);
            assertThat(f[6]).isEqualTo((byte) 44);
            assertThat(Checksum.get16(f, 42) & 0xfff8).isEqualTo(offset);
            assertThat(Checksum.get16(f, 42) & 1).as("M on all but the last").isEqualTo(i < r.count() - 1 ? 1 : 0);
            assertThat(Checksum.get32(f, 44)).isEqualTo(0x5151);
            offset += f.length - 48;
        }
        assertThat(offset).isEqualTo(3008);
    }

    @Test
    void aFragmentTooBigIsCutAgainKeepingItsOffsetAndMf() {
        byte[] in = Packets.ipv4(0, 0x77, 0x2000 | 185, 64, 17, C4, R4, new byte[1400]); // offset 1480, MF
        Result r = four(in);
        assertThat(r.count()).isEqualTo(2);
        assertThat(Checksum.get16(r.packet(0), 42)).isEqualTo(1480 | 1);
        assertThat(Checksum.get16(r.packet(1), 42)).isEqualTo((1480 + 1232) | 1);
    }

    @Test
    void dfPacketsUpToTheIpv6MtuPassWhole() {
        Result r = four(udp4(0x4000, 64, 1400));
        assertThat(r.count()).isOne();
        assertThat(r.length(0)).isEqualTo(40 + 1408);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
    }

    @Test
    void sixToFourDfAndIdentification() {
        Result r = six(udp6(1232 - 8));
        assertThat(r.length(0)).isEqualTo(1252);
        assertThat(r.packet(0)[6] & 0x40).as("RFC 7915 §5.1: <= 1260 bytes, DF 0").isZero();
        translator = new Translator(Packets.taygaConfig(), Packets.taygaMapping());
        r = six(udp6(1300));
        assertThat(r.packet(0)[6] & 0x40).as("RFC 7915 §5.1: > 1260 bytes, DF 1").isEqualTo(0x40);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
    }

    @Test
    void tooBigForTheIpv4MtuEarnsPacketTooBigButNotForLaterFragments() {
        translator = new Translator(Packets.taygaConfig().withMtus(1280, 1400, 1500), Packets.taygaMapping());
        Result r = six(udp6(1400));
        assertThat(r.kind()).isEqualTo(Result.Kind.ERROR);
        byte[] e = r.packet(0);
        assertThat(e[40]).isEqualTo((byte) 2);
        assertThat(Checksum.get32(e, 44)).as("max(1280, IPv4 MTU + 20)").isEqualTo(1420);
        assertThat(Packets.checksumProblem(e)).isNull();
        byte[] later = Packets.ipv6(0, 44, 64, R6, C6, concat(new byte[] {17, 0, 0x05, (byte) 0xa8, 0, 0, 0, 9},
                new byte[1400]));
        r = six(later);
        assertThat(r.kind()).isEqualTo(Result.Kind.DROPPED);
        assertThat(r.drop()).isEqualTo(Drop.FRAGMENT_TOO_BIG);
    }

    @Test
    void routingHeaderWithSegmentsLeftEarnsParameterProblem() {
        byte[] routing = {17, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] in = Packets.ipv6(0, 43, 64, R6, C6, concat(routing, Packets.udp(53, 40000, new byte[4])));
        Result r = six(in);
        assertThat(r.kind()).isEqualTo(Result.Kind.ERROR);
        assertThat(r.drop()).isEqualTo(Drop.IPV6_SEGMENTS_LEFT);
        byte[] e = r.packet(0);
        assertThat(e[40]).isEqualTo((byte) 4);
        assertThat(e[41]).isZero();
        assertThat(Checksum.get32(e, 44)).as("pointer to Segments Left").isEqualTo(43);
        routing[3] = 0;
        in = Packets.withChecksum(Packets.ipv6(0, 43, 64, R6, C6, concat(routing, Packets.udp(53, 40000,
                new byte[4]))));
        r = six(in);
        assertThat(r.kind()).as("segments left 0: skipped").isEqualTo(Result.Kind.PACKETS);
        assertThat(r.length(0)).isEqualTo(20 + 12);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
    }

    @Test
    void unexpiredSourceRouteEarnsSourceRouteFailed() {
        byte[] p = new byte[28 + 8];
        byte[] base = udp4(0, 64, 0);
        System.arraycopy(base, 0, p, 0, 20);
        p[0] = 0x47;
        Checksum.put16(p, 2, p.length);
        byte[] lsrr = {(byte) 131, 7, 4, (byte) 192, 0, 2, 1, 0}; // one hop still to go (pointer 4 <= length 7)
        System.arraycopy(lsrr, 0, p, 20, 8);
        System.arraycopy(base, 20, p, 28, 8);
        Checksum.put16(p, 10, 0);
        Checksum.put16(p, 10, Checksum.finish(Checksum.sum(p, 0, 28)));
        Result r = four(p);
        assertThat(r.kind()).isEqualTo(Result.Kind.ERROR);
        assertThat(r.drop()).isEqualTo(Drop.IPV4_SOURCE_ROUTE);
        assertThat(r.packet(0)[20]).isEqualTo((byte) 3);
        assertThat(r.packet(0)[21]).isEqualTo((byte) 5);
    }

    @Test
    void synMssIsClampedBothWaysWhenConfigured() {
        byte[] mss = {2, 4, 0x05, (byte) 0xb4, 1, 1, 4, 2}; // MSS 1460, NOP NOP SACK-permitted
        byte[] syn = Packets.withChecksum(Packets.ipv4(0, 1, 0x4000, 64, 6, C4, R4, Packets.tcp(40001, 80, 5, 0x02,
                mss, new byte[0])));
        assertThat(Checksum.get16(four(syn).buffer(), 62)).as("off by default").isEqualTo(1460);
        translator = new Translator(Packets.taygaConfig().withMssClamp(1220), Packets.taygaMapping());
        Result r = four(syn);
        assertThat(Checksum.get16(r.buffer(), 62)).isEqualTo(1220);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
        byte[] synAck = Packets.withChecksum(Packets.ipv6(0, 6, 64, R6, C6, Packets.tcp(80, 40001, 9, 0x12, mss,
                new byte[0])));
        r = six(synAck);
        assertThat(Checksum.get16(r.buffer(), 42)).isEqualTo(1220);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
        byte[] ack = Packets.withChecksum(Packets.ipv4(0, 1, 0x4000, 64, 6, C4, R4, Packets.tcp(40001, 80, 5, 0x10,
                mss, new byte[0])));
        assertThat(Checksum.get16(four(ack).buffer(), 62)).as("only SYNs").isEqualTo(1460);
    }

    @Test
    void udpZeroChecksumInAFragmentIsDropped() {
        byte[] in = Packets.ipv4(0, 3, 0x2000, 64, 17, C4, R4, Packets.udp(40000, 53, new byte[16]));
        Result r = four(in);
        assertThat(r.drop()).as("RFC 7915 §4.5: cannot be computed statelessly").isEqualTo(
                Drop.UDP_ZERO_CHECKSUM_FRAGMENT);
        assertThat(translator.count(Drop.UDP_ZERO_CHECKSUM_FRAGMENT)).isOne();
    }

    @Test
    void noErrorAboutAnError() {
        byte[] quoted = IcmpTablesTest.QUOTED4;
        byte[] in = Packets.withChecksum(Packets.ipv4(0, 2, 0, 1, 1, C4, R4, Packets.icmp(3, 3, 0, quoted)));
        Result r = four(in);
        assertThat(r.kind()).isEqualTo(Result.Kind.DROPPED);
        assertThat(r.drop()).isEqualTo(Drop.TTL_EXPIRED);
        assertThat(translator.count(Drop.TTL_EXPIRED)).isOne();
        assertThat(translator.errorsSent()).isZero();
    }

    @Test
    void ttlZeroIsDroppedWithoutAnError() {
        Result r = four(udp4(0, 0, 4));
        assertThat(r.kind()).isEqualTo(Result.Kind.DROPPED);
        assertThat(r.drop()).isEqualTo(Drop.TTL_EXPIRED);
        byte[] in = Packets.withChecksum(Packets.ipv6(0, 17, 0, R6, C6, Packets.udp(1, 2, new byte[3])));
        assertThat(six(in).kind()).isEqualTo(Result.Kind.DROPPED);
        assertThat(translator.count(Drop.TTL_EXPIRED)).isEqualTo(2);
        assertThat(translator.errorsSent()).isZero();
    }

    @Test
    void unmappableSourceEarnsAnErrorOrASilentDrop() {
        byte[] foreign = IpAddress.parse("2001:db8::1").toBytes16();
        byte[] in = Packets.withChecksum(Packets.ipv6(0, 17, 64, foreign, C6, Packets.udp(1, 2, new byte[3])));
        Result r = six(in);
        assertThat(r.kind()).isEqualTo(Result.Kind.ERROR);
        assertThat(r.packet(0)[40]).isEqualTo((byte) 1);
        assertThat(r.packet(0)[41]).isEqualTo((byte) 5);
        translator = new Translator(Packets.taygaConfig().withUnmappableErrors(false), Packets.taygaMapping());
        r = six(in);
        assertThat(r.kind()).isEqualTo(Result.Kind.DROPPED);
        assertThat(translator.count(Drop.SOURCE_UNMAPPABLE)).isOne();
    }

    @Test
    void errorsAreCappedAt1280And576Bytes() {
        byte[] big = Packets.withChecksum(Packets.ipv4(0, 0x2222, 0, 59, 17, R4, C4, Packets.udp(53, 40000,
                new byte[1400])));
        byte[] in = Packets.withChecksum(Packets.ipv4(0, 5, 0, 64, 1, C4, R4, Packets.icmp(3, 3, 0, big)));
        Result r = four(in);
        assertThat(r.length(0)).isEqualTo(1280);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
        byte[] big6 = Packets.withChecksum(Packets.ipv6(0, 17, 63, C6, R6, Packets.udp(40000, 53, new byte[1100])));
        byte[] in6 = Packets.withChecksum(Packets.ipv6(0, 58, 64, R6, C6, Packets.icmp(1, 4, 0, big6)));
        r = six(in6);
        assertThat(r.length(0)).isEqualTo(576);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
        assertThat(Checksum.get16(r.buffer(), 28 + 2)).as("quoted Total Length is the original's").isEqualTo(1128);
    }

    @Test
    void rfc4884LengthsAreRescaled() {
        byte[] quoted = Packets.withChecksum(Packets.ipv4(0, 0x2222, 0, 59, 17, R4, C4, Packets.udp(53, 40000,
                new byte[100])));
        byte[] extension = {0x20, 0, 0x12, 0x34, 0, 8, 1, 1}; // version 2, a checksum, one object header
        byte[] body = concat(quoted, extension); // the quoted datagram is 128 bytes = 32 words
        byte[] in = Packets.withChecksum(Packets.ipv4(0, 5, 0, 64, 1, C4, R4, Packets.icmp(11, 0, 32 << 16, body)));
        Result r = four(in);
        byte[] p = r.packet(0);
        int inner = 40 + 108; // the quoted packet translated, padded to 152 bytes = 19 eight-byte words
        assertThat(p[44]).as("ICMPv6 length in 64-bit words").isEqualTo((byte) 19);
        assertThat(p.length).isEqualTo(48 + 152 + 8);
        assertThat(Packets.hex(p, p.length - 8, 8)).isEqualTo(Packets.HEX.formatHex(extension));
        assertThat(inner).isLessThan(152);
        assertThat(Packets.checksumProblem(p)).isNull();
        // and back: ICMPv6 3/0 with length 19 -> ICMPv4 11/0, length in 32-bit words
        Result back = six(p);
        byte[] b = back.packet(0);
        assertThat(b[20]).isEqualTo((byte) 11);
        assertThat(b[25]).isEqualTo((byte) 32);
        assertThat(Packets.hex(b, b.length - 8, 8)).isEqualTo(Packets.HEX.formatHex(extension));
        assertThat(Packets.checksumProblem(b)).isNull();
    }

    @Test
    void trafficClassCopyCanBeTurnedOff() {
        translator = new Translator(Packets.taygaConfig().withCopyTrafficClass(false), Packets.taygaMapping());
        Result r = four(udp4(0, 64, 4));
        assertThat(Checksum.get32(r.buffer(), 0)).isEqualTo(0x6000_0000);
    }

    /** A NAT64-like hook: the source port and echo id change 6→4 and back 4→6; errors map through their quote. */
    @Test
    void theHookTranslatesPortsIdsAndSeesTcpFlags() {
        int a4 = IpAddress.parse("203.0.113.1").v4Bits();
        List<String> seen = new ArrayList<>();
        AddressMapper nat = new AddressMapper() {
            @Override
            public Mapping map6to4(Flow f) {
                seen.add("6to4 flags " + f.tcpFlags + (f.inner ? " inner" : "") + (f.icmpError ? " error" : ""));
                f.src4 = f.icmpError ? (int) Packets.PREFIX.extract(f.src6, 0) : a4;
                f.dst4 = f.icmpError ? f.quoted.src4 : (int) Packets.PREFIX.extract(f.dst6, 0);
                f.srcPort += 1000;
                if (f.queryId >= 0) {
                    f.queryId += 1000;
                }
                return Mapping.MAPPED;
            }

            @Override
            public Mapping map4to6(Flow f) {
                seen.add("4to6" + (f.inner ? " inner" : "") + (f.icmpError ? " error" : ""));
                Packets.PREFIX.embed(f.src4, f.src6, 0);
                if (f.icmpError) {
                    System.arraycopy(f.quoted.src6, 0, f.dst6, 0, 16);
                    return Mapping.MAPPED;
                }
                System.arraycopy(C6, 0, f.dst6, 0, 16);
                f.dstPort -= 1000;
                if (f.queryId >= 0) {
                    f.queryId -= 1000;
                }
                return Mapping.MAPPED;
            }
        };
        translator = new Translator(Packets.taygaConfig(), nat);
        byte[] syn = Packets.withChecksum(Packets.ipv6(0, 6, 64, C6, R6, Packets.tcp(40000, 80, 1, 0x02, new byte[0],
                new byte[0])));
        Result r = six(syn);
        assertThat(Checksum.get32(r.buffer(), 12)).isEqualTo(a4);
        assertThat(Checksum.get16(r.buffer(), 20)).isEqualTo(41000);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
        byte[] synAck = Packets.withChecksum(Packets.ipv4(0, 9, 0x4000, 50, 6, R4, a4, Packets.tcp(80, 41000, 7, 0x12,
                new byte[0], new byte[0])));
        r = four(synAck);
        assertThat(Packets.hex(r.buffer(), 24, 16)).isEqualTo(Packets.HEX.formatHex(C6));
        assertThat(Checksum.get16(r.buffer(), 42)).isEqualTo(40000);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
        // a port unreachable from R4 about A4:41000 -> R4:80 reaches C6 quoting C6:40000 -> R6:80
        byte[] quoted = Packets.withChecksum(Packets.ipv4(0, 9, 0, 60, 17, a4, R4, Packets.udp(41000, 80,
                new byte[4])));
        byte[] unreachable = Packets.withChecksum(Packets.ipv4(0, 9, 0, 50, 1, R4, a4, Packets.icmp(3, 3, 0,
                quoted)));
        r = four(unreachable);
        byte[] e = r.packet(0);
        assertThat(Packets.hex(e, 24, 16)).isEqualTo(Packets.HEX.formatHex(C6));
        assertThat(Packets.hex(e, 48 + 8, 16)).as("quoted source").isEqualTo(Packets.HEX.formatHex(C6));
        assertThat(Checksum.get16(e, 88)).as("quoted source port").isEqualTo(40000);
        assertThat(Packets.checksumProblem(e)).isNull();
        // echo: the id is translated both ways
        byte[] ping = Packets.withChecksum(Packets.ipv6(0, 58, 64, C6, R6, Packets.icmp(128, 0, 0x00070001,
                new byte[8])));
        r = six(ping);
        assertThat(Checksum.get16(r.buffer(), 24)).isEqualTo(1007);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
        assertThat(seen).containsExactly("6to4 flags 2", "4to6", "4to6 inner", "4to6 error", "6to4 flags 0");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
