package org.jbabel.xlat.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.xlat.translate.Packets.C4;
import static org.jbabel.xlat.translate.Packets.C6;
import static org.jbabel.xlat.translate.Packets.R4;
import static org.jbabel.xlat.translate.Packets.R6;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of spec §4.3 (ICMPv4 → ICMPv6) and §4.4 (ICMPv6 → ICMPv4), and every pointer of §4.5: an error
 * quoting a UDP packet of the reverse direction is translated to the expected type, code, pointer or MTU, its
 * quoted packet translated too (addresses, ports, TTL kept), all checksums valid; the rows marked drop are
 * dropped and counted.
 */
class IcmpTablesTest {

    /** The quoted packet of a 4→6 error: R4:53 → C4:40000, TTL 59 (what went to the IPv4 host). */
    static final byte[] QUOTED4 = Packets.withChecksum(Packets.ipv4(0, 0x2222, 0, 59, 17, R4, C4,
            Packets.udp(53, 40000, "world".getBytes())));
    /** The quoted packet of a 6→4 error: C6:40000 → R6:53, hop limit 63. */
    static final byte[] QUOTED6 = Packets.withChecksum(Packets.ipv6(0, 17, 63, C6, R6,
            Packets.udp(40000, 53, "hello".getBytes())));

    private Translator translator;
    private final Result result = new Result();

    @BeforeEach
    void tayga() {
        translator = new Translator(Packets.taygaConfig(), Packets.taygaMapping());
    }

    /** type, code, rest (pointer/MTU word) → type6, code6, rest6; type6 -1 = dropped. */
    static Stream<Arguments> v4Rows() {
        List<Arguments> rows = new ArrayList<>();
        for (int code : new int[] {0, 1, 5, 6, 7, 8, 11, 12}) {
            rows.add(Arguments.of(3, code, 0, 1, 0, 0));
        }
        rows.add(Arguments.of(3, 2, 0, 4, 1, 6));
        rows.add(Arguments.of(3, 3, 0, 1, 4, 0));
        rows.add(Arguments.of(3, 4, 1400, 2, 0, 1420)); // min(1400 + 20, 1500, 1500 + 20)
        rows.add(Arguments.of(3, 4, 1000, 2, 0, 1280)); // raised to the IPv6 minimum
        rows.add(Arguments.of(3, 4, 0, 2, 0, 1280)); // plateau below the quoted length, raised
        for (int code : new int[] {9, 10, 13, 15}) {
            rows.add(Arguments.of(3, code, 0, 1, 1, 0));
        }
        rows.add(Arguments.of(3, 14, 0, -1, 0, 0));
        rows.add(Arguments.of(3, 16, 0, -1, 0, 0));
        rows.add(Arguments.of(4, 0, 0, -1, 0, 0));
        rows.add(Arguments.of(5, 1, 0, -1, 0, 0));
        rows.add(Arguments.of(6, 0, 0, -1, 0, 0));
        rows.add(Arguments.of(11, 0, 0, 3, 0, 0));
        rows.add(Arguments.of(11, 1, 0, 3, 1, 0));
        int[][] pointers = {{0, 0}, {1, 1}, {2, 4}, {3, 4}, {4, -1}, {7, -1}, {8, 7}, {9, 6}, {10, -1}, {11, -1},
            {12, 8}, {15, 8}, {16, 24}, {19, 24}, {20, -1}};
        for (int code : new int[] {0, 2}) {
            for (int[] pt : pointers) {
                rows.add(Arguments.of(12, code, pt[0] << 24, pt[1] < 0 ? -2 : 4, 0, pt[1]));
            }
        }
        rows.add(Arguments.of(12, 1, 0, -1, 0, 0));
        return rows.stream();
    }

    @ParameterizedTest(name = "ICMPv4 {0}/{1} rest {2} -> ICMPv6 {3}/{4} rest {5}")
    @MethodSource("v4Rows")
    void icmpv4ErrorsTranslate(int type, int code, int rest, int type6, int code6, int rest6) {
        byte[] in = Packets.withChecksum(Packets.ipv4(0, 0x4321, 0, 64, 1, C4, R4,
                Packets.icmp(type, code, rest, QUOTED4)));
        Result r = translator.translate4to6(in, 0, in.length, result);
        if (type6 < 0) {
            assertThat(r.kind()).isEqualTo(Result.Kind.DROPPED);
            Drop reason = type6 == -2 ? Drop.ICMP_POINTER_UNTRANSLATABLE : Drop.ICMP_TYPE_UNTRANSLATABLE;
            assertThat(r.drop()).isEqualTo(reason);
            assertThat(translator.count(reason)).isOne();
            return;
        }
        assertThat(r.kind()).isEqualTo(Result.Kind.PACKETS);
        byte[] p = r.packet(0);
        assertThat(Packets.checksumProblem(p)).isNull();
        assertThat(p[6]).isEqualTo((byte) 58);
        assertThat(p[7]).as("outer hop limit = TTL - 1").isEqualTo((byte) 63);
        assertThat(p[40] & 0xff).isEqualTo(type6);
        assertThat(p[41] & 0xff).isEqualTo(code6);
        assertThat(Checksum.get32(p, 44)).isEqualTo(rest6);
        // the quoted packet: R6:53 -> C6:40000, hop limit 59 not decremented, payload length from its IPv4 length
        byte[] expected = Packets.withChecksum(Packets.ipv6(0, 17, 59, R6, C6, Packets.udp(53, 40000,
                "world".getBytes())));
        assertThat(Packets.hex(p, 48, p.length - 48)).isEqualTo(Packets.HEX.formatHex(expected));
    }

    static Stream<Arguments> v6Rows() {
        List<Arguments> rows = new ArrayList<>();
        for (int code : new int[] {0, 2, 3}) {
            rows.add(Arguments.of(1, code, 0, 3, 1, 0));
        }
        rows.add(Arguments.of(1, 1, 0, 3, 10, 0));
        rows.add(Arguments.of(1, 4, 0, 3, 3, 0));
        rows.add(Arguments.of(1, 5, 0, -1, 0, 0));
        rows.add(Arguments.of(1, 6, 0, -1, 0, 0));
        rows.add(Arguments.of(2, 0, 1400, 3, 4, 1380)); // min(1400 - 20, 1500, 1500 - 20)
        rows.add(Arguments.of(2, 0, 9000, 3, 4, 1480));
        rows.add(Arguments.of(3, 0, 0, 11, 0, 0));
        rows.add(Arguments.of(3, 1, 0, 11, 1, 0));
        rows.add(Arguments.of(4, 1, 6, 3, 2, 0));
        rows.add(Arguments.of(4, 2, 40, -1, 0, 0));
        long[][] pointers = {{0, 0}, {1, 1}, {2, -1}, {3, -1}, {4, 2}, {5, 2}, {6, 9}, {7, 8}, {8, 12}, {23, 12},
            {24, 16}, {39, 16}, {40, -1}, {0x10000, -1}};
        for (long[] pt : pointers) {
            rows.add(Arguments.of(4, 0, (int) pt[0], pt[1] < 0 ? -2 : 12, 0, pt[1] < 0 ? 0 : (int) pt[1] << 24));
        }
        for (int type : new int[] {5, 100, 127, 130, 131, 132, 133, 134, 135, 136, 137, 200}) {
            rows.add(Arguments.of(type, 0, 0, -1, 0, 0));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "ICMPv6 {0}/{1} rest {2} -> ICMPv4 {3}/{4} rest {5}")
    @MethodSource("v6Rows")
    void icmpv6ErrorsTranslate(int type, int code, int rest, int type4, int code4, int rest4) {
        byte[] in = Packets.withChecksum(Packets.ipv6(0, 58, 60, R6, C6, Packets.icmp(type, code, rest, QUOTED6)));
        Result r = translator.translate6to4(in, 0, in.length, result);
        if (type4 < 0) {
            assertThat(r.kind()).isEqualTo(Result.Kind.DROPPED);
            Drop reason = type4 == -2 ? Drop.ICMP_POINTER_UNTRANSLATABLE : Drop.ICMP_TYPE_UNTRANSLATABLE;
            assertThat(r.drop()).isEqualTo(reason);
            assertThat(translator.count(reason)).isOne();
            return;
        }
        assertThat(r.kind()).isEqualTo(Result.Kind.PACKETS);
        byte[] p = r.packet(0);
        assertThat(Packets.checksumProblem(p)).isNull();
        assertThat(p[9]).isEqualTo((byte) 1);
        assertThat(p[8]).as("outer TTL = hop limit - 1").isEqualTo((byte) 59);
        assertThat(p[20] & 0xff).isEqualTo(type4);
        assertThat(p[21] & 0xff).isEqualTo(code4);
        assertThat(Checksum.get32(p, 24)).isEqualTo(rest4);
        assertThat(Checksum.get32(p, 12)).isEqualTo(R4);
        assertThat(Checksum.get32(p, 16)).isEqualTo(C4);
        byte[] expected = Packets.withChecksum(Packets.ipv4(0, 0, 0, 63, 17, C4, R4, Packets.udp(40000, 53,
                "hello".getBytes())));
        assertThat(Packets.hex(p, 28, p.length - 28)).as("quoted: ID 0, DF 0 (at most 1260 bytes), TTL kept")
                .isEqualTo(Packets.HEX.formatHex(expected));
    }

    /** Echo both ways: types swapped, id and sequence kept, checksum valid (the informational rows). */
    @ParameterizedTest(name = "echo {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {8, 0})
    void echoTranslatesBothWays(int type) {
        byte[] in = Packets.withChecksum(Packets.ipv4(0, 7, 0, 64, 1, C4, R4, Packets.icmp(type, 0, 0x00420007,
                "ping".getBytes())));
        Result r = translator.translate4to6(in, 0, in.length, result);
        byte[] p = r.packet(0);
        assertThat(p[40] & 0xff).isEqualTo(type == 8 ? 128 : 129);
        assertThat(Checksum.get32(p, 44)).isEqualTo(0x00420007);
        assertThat(Packets.checksumProblem(p)).isNull();
        byte[] reply = Packets.withChecksum(Packets.ipv6(0, 58, 64, R6, C6, Packets.icmp(type == 8 ? 128 : 129, 0,
                0x00420007, "pong".getBytes())));
        r = translator.translate6to4(reply, 0, reply.length, result);
        p = r.packet(0);
        assertThat(p[20] & 0xff).isEqualTo(type);
        assertThat(Packets.checksumProblem(p)).isNull();
    }
}
