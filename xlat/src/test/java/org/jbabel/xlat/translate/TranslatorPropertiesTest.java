package org.jbabel.xlat.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.xlat.translate.Packets.C4;
import static org.jbabel.xlat.translate.Packets.C6;
import static org.jbabel.xlat.translate.Packets.R4;
import static org.jbabel.xlat.translate.Packets.R6;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Mutated and truncated valid packets (checksums fixed or not) never throw and every packet not translated has
 * exactly one counted reason (as in {@link TranslatorFuzzTest}); 4→6→4 of a valid UDP, TCP or ICMP echo packet gives
 * the original back, TTL minus 2.
 */
class TranslatorPropertiesTest {

    private final Translator translator = new Translator(Packets.taygaConfig().withMssClamp(1220),
            Packets.taygaMapping());
    private final Result result = new Result();

    private void check(byte[] p, int len, boolean fourToSix) {
        TranslatorFuzzTest.check(translator, result, p, len, fourToSix);
    }

    @Property(tries = 3000)
    void mutatedAndTruncatedPacketsNeverThrow(@ForAll("valid") byte[] packet, @ForAll @IntRange(max = 2000) int at,
            @ForAll @IntRange(min = 1, max = 255) int flip, @ForAll boolean cut, @ForAll boolean fixChecksum) {
        boolean v4 = (packet[0] & 0xf0) == 0x40;
        int position = at % packet.length;
        byte[] bad = packet.clone();
        int len = bad.length;
        if (cut) {
            len = position;
        } else {
            bad[position] ^= (byte) flip;
            if (fixChecksum && v4 && position < 20 && position != 10 && position != 11) {
                Checksum.put16(bad, 10, 0);
                Checksum.put16(bad, 10, Checksum.finish(Checksum.sum(bad, 0, Math.min(20, len))));
            }
        }
        check(bad, len, v4);
    }

    @Property(tries = 1000)
    void validPacketsTranslateWithValidChecksums(@ForAll("valid") byte[] packet) {
        boolean v4 = (packet[0] & 0xf0) == 0x40;
        Result r = v4 ? translator.translate4to6(packet, 0, packet.length, result)
                : translator.translate6to4(packet, 0, packet.length, result);
        assertThat(r.kind()).as(r.toString()).isEqualTo(Result.Kind.PACKETS);
        if (r.count() == 1) {
            assertThat(Packets.checksumProblem(r.packet(0))).isNull();
        }
    }

    @Property(tries = 1000)
    void fourToSixToFourGivesTheOriginalBack(@ForAll("ipv4") byte[] original) {
        Result r = translator.translate4to6(original, 0, original.length, result);
        assertThat(r.kind()).isEqualTo(Result.Kind.PACKETS);
        byte[] six = r.packet(0);
        Result back = translator.translate6to4(six, 0, six.length, new Result());
        assertThat(back.kind()).isEqualTo(Result.Kind.PACKETS);
        byte[] again = back.packet(0);
        assertThat(Packets.checksumProblem(again)).isNull();
        assertThat(again[8] & 0xff).isEqualTo((original[8] & 0xff) - 2);
        byte[] expected = original.clone();
        expected[8] = again[8];
        int l4 = 20;
        int checksumAt = switch (original[9]) {
            case 6 -> l4 + 16;
            case 17 -> l4 + 6;
            default -> l4 + 2;
        };
        if ((Checksum.get16(expected, checksumAt) == 0 || Checksum.get16(expected, checksumAt) == 0xffff)
                && (Checksum.get16(again, checksumAt) == 0 || Checksum.get16(again, checksumAt) == 0xffff)) {
            Checksum.put16(again, checksumAt, Checksum.get16(expected, checksumAt)); // one's complement's two zeros
        }
        assertThat(Packets.HEX.formatHex(Packets.maskIdAndDf(again)))
                .as("the original, but ID and DF (RFC 7915 §5.1 sets them anew) and TTL")
                .isEqualTo(Packets.HEX.formatHex(Packets.maskIdAndDf(expected)));
    }

    @Provide
    Arbitrary<byte[]> ipv4() {
        Arbitrary<Integer> proto = Arbitraries.of(6, 17, 1);
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(1200);
        return Combinators.combine(proto, Arbitraries.integers().between(0, 255), Arbitraries.integers().between(1,
                65535), Arbitraries.of(0, 0x4000), Arbitraries.integers().between(3, 255), Arbitraries.integers()
                .between(0, 65535), Arbitraries.integers().between(0, 65535), data).as((p, tos, id, df, ttl, a, b,
                d) -> Packets.withChecksum(Packets.ipv4(tos, id, df, ttl, p, C4, R4, transport(p, a, b, d, 8))));
    }

    private static byte[] transport(int proto, int a, int b, byte[] data, int echoType) {
        return switch (proto) {
            case 6 -> Packets.tcp(a, b, a * 31 + b, b & 0x3f, new byte[0], data);
            case 17 -> Packets.udp(a, b, data);
            default -> Packets.icmp(echoType, 0, a << 16 | b, data);
        };
    }

    /** Valid packets of both families: UDP, TCP, echo, and errors quoting one. */
    @Provide
    Arbitrary<byte[]> valid() {
        Arbitrary<byte[]> v6 = Combinators.combine(Arbitraries.of(6, 17, 58), Arbitraries.integers().between(2, 255),
                Arbitraries.integers().between(0, 65535), Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
                .as((p, hl, port, d) -> Packets.withChecksum(Packets.ipv6(0, p, hl, R6, C6, transport(p == 58 ? 1 : p,
                        port, 40000, d, 129))));
        Arbitrary<byte[]> error4 = Arbitraries.of(3, 11, 12).map(t -> Packets.withChecksum(Packets.ipv4(0, 1, 0, 64,
                1, C4, R4, Packets.icmp(t, t == 12 ? 0 : 1, 0, IcmpTablesTest.QUOTED4))));
        Arbitrary<byte[]> error6 = Arbitraries.of(1, 2, 3, 4).map(t -> Packets.withChecksum(Packets.ipv6(0, 58, 64,
                R6, C6, Packets.icmp(t, 0, t == 2 ? 1400 : 0, IcmpTablesTest.QUOTED6))));
        return Arbitraries.oneOf(ipv4(), v6, error4, error6);
    }
}
