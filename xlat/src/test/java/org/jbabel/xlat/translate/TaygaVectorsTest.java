package org.jbabel.xlat.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.xlat.translate.Packets.HEX;
import static org.jbabel.xlat.translate.Packets.hex;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tayga 0.9.2-8 vectors of spec §8 (test resource tayga-vectors.txt), translated with tayga's configuration
 * (spec §7.5): byte for byte where tayga follows RFC 7915, with the differing fields masked or our RFC behaviour
 * asserted where it departs (spec §7.4).
 */
class TaygaVectorsTest {

    record Vector(String id, boolean fourToSix, byte[] input, byte[] tayga) {}

    static final Map<String, Vector> VECTORS = load();

    private Translator translator;
    private final Result result = new Result();

    static Map<String, Vector> load() {
        try (InputStream in = TaygaVectorsTest.class.getResourceAsStream("tayga-vectors.txt")) {
            Map<String, Vector> m = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                m.put(f[0], new Vector(f[0], f[1].equals("4to6"), hex(f[2]), f[3].equals("-") ? null : hex(f[3])));
            }
            return m;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeEach
    void tayga() {
        translator = new Translator(Packets.taygaConfig(), Packets.taygaMapping());
    }

    private Result run(String id) {
        Vector v = VECTORS.get(id);
        return v.fourToSix ? translator.translate4to6(v.input, 0, v.input.length, result)
                : translator.translate6to4(v.input, 0, v.input.length, result);
    }

    /** RFC 7915 and tayga agree: ours is tayga's output byte for byte. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"V1", "V2", "V7", "V11", "V12", "V12b", "V13", "V17", "V20", "V21"})
    void translatedExactlyAsTayga(String id) {
        Result r = run(id);
        assertThat(r.kind()).as(id).isEqualTo(Result.Kind.PACKETS);
        assertThat(r.count()).isOne();
        assertThat(HEX.formatHex(r.packet(0))).as(id).isEqualTo(HEX.formatHex(VECTORS.get(id).tayga));
        assertThat(Packets.checksumProblem(r.packet(0))).as(id).isNull();
    }

    /** Errors the translator generates itself (TTL 1 each way, unmappable destination): byte for byte. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"V4", "V14", "V16"})
    void generatedErrorsExactlyAsTayga(String id) {
        Result r = run(id);
        assertThat(r.kind()).as(id).isEqualTo(Result.Kind.ERROR);
        assertThat(HEX.formatHex(r.packet(0))).as(id).isEqualTo(HEX.formatHex(VECTORS.get(id).tayga));
        assertThat(r.drop()).isEqualTo(id.equals("V14") ? Drop.DESTINATION_UNMAPPABLE : Drop.TTL_EXPIRED);
        assertThat(translator.count(r.drop())).isOne();
    }

    /**
     * 6→4 without Fragment header: tayga writes DF=1, ID=0 (V5, V6, V8, V22) or its GEN_IDENT counter (V23); RFC
     * 7915 §5.1 wants DF=0 with a generated Identification for packets of at most 1260 bytes. Equal otherwise.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"V5", "V6", "V8", "V22", "V23"})
    void sixToFourEqualToTaygaButDfAndId(String id) {
        Result r = run(id);
        assertThat(r.kind()).as(id).isEqualTo(Result.Kind.PACKETS);
        byte[] ours = r.packet(0);
        assertThat(HEX.formatHex(Packets.maskIdAndDf(ours))).as(id + " with ID/DF/checksums masked")
                .isEqualTo(HEX.formatHex(Packets.maskIdAndDf(VECTORS.get(id).tayga)));
        assertThat(ours[6] & 0x40).as("RFC 7915 §5.1: DF = 0 when the IPv4 packet is at most 1260 bytes").isZero();
        assertThat(Packets.checksumProblem(ours)).as(id).isNull();
    }

    @Test
    void identificationsAreGeneratedOnePerPacket() {
        run("V5");
        int first = Checksum.get16(result.buffer(), 4);
        run("V6");
        assertThat(Checksum.get16(result.buffer(), 4)).as("RFC 7915 §5.1: ID set by a generator").isNotEqualTo(first);
    }

    @Test
    void udpZeroChecksumComputedWhereTaygaDrops() {
        Result r = run("V3");
        assertThat(r.kind()).as("RFC 7915 §4.5: a translator may compute a zero UDP checksum").isEqualTo(
                Result.Kind.PACKETS);
        assertThat(Packets.checksumProblem(r.packet(0))).isNull();
        // apart from the checksum it is V2's output without V2's TOS and TTL
        assertThat(Checksum.get16(r.buffer(), 46)).isEqualTo(0x3866);

        translator = new Translator(Packets.taygaConfig().withUdpZeroChecksum(
                TranslatorConfig.UdpZeroChecksum.DROP), Packets.taygaMapping());
        assertThat(run("V3").drop()).as("tayga's policy, when chosen").isEqualTo(Drop.UDP_ZERO_CHECKSUM);
        assertThat(translator.count(Drop.UDP_ZERO_CHECKSUM)).isOne();
    }

    @Test
    void timestampIsDroppedAsByTayga() {
        assertThat(run("V18").drop()).isEqualTo(Drop.ICMP_TYPE_UNTRANSLATABLE);
        assertThat(translator.count(Drop.ICMP_TYPE_UNTRANSLATABLE)).isOne();
    }

    @Test
    void parameterProblemTranslatedWhereTaygaDrops() {
        Result r = run("V19");
        assertThat(r.kind()).as("RFC 7915 §5.2: ICMPv6 4/0 becomes ICMPv4 12/0").isEqualTo(Result.Kind.PACKETS);
        byte[] p = r.packet(0);
        assertThat(p[20]).isEqualTo((byte) 12);
        assertThat(p[21]).isZero();
        assertThat(p[24]).as("RFC 7915 §5.2 pointer table: IPv6 pointer 7 (Hop Limit) is IPv4 8 (TTL)")
                .isEqualTo((byte) 8);
        // the rest is V22's translation: same quoted packet
        byte[] v22 = run("V22").packet(0);
        assertThat(HEX.formatHex(Packets.maskIdAndDf(p)).substring(56))
                .isEqualTo(HEX.formatHex(Packets.maskIdAndDf(v22)).substring(56));
        assertThat(Packets.checksumProblem(p)).isNull();
    }

    /** tayga answers echo requests to its own address (V15); here that is the caller's business: it is translated. */
    @Test
    void echoToTheTranslatorsAddressIsTranslated() {
        Result r = run("V15");
        assertThat(r.kind()).isEqualTo(Result.Kind.PACKETS);
        assertThat(Packets.hex(r.buffer(), 24, 16)).isEqualTo(HEX.formatHex(Packets.TAYGA6.toBytes16()));
    }

    /** V9: 1428-byte DF-clear IPv4 UDP → two IPv6 fragments of at most 1280 bytes (spec §8 large cases). */
    @Test
    void bigDfClearPacketIsFragmentedAsTaygaDoes() {
        byte[] data = new byte[1400];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        byte[] in = Packets.withChecksum(Packets.ipv4(0, 0xabcd, 0, 64, 17, Packets.C4, Packets.R4,
                Packets.udp(40000, 53, data)));
        assertThat(in).hasSize(1428);
        Result r = translator.translate4to6(in, 0, in.length, result);
        assertThat(r.kind()).isEqualTo(Result.Kind.PACKETS);
        assertThat(r.count()).isEqualTo(2);
        byte[] first = r.packet(0);
        byte[] second = r.packet(1);
        assertThat(first).hasSize(1280);
        assertThat(Packets.hex(first, 0, 8)).isEqualTo("6000000004d82c3f");
        assertThat(Packets.hex(first, 40, 8)).isEqualTo("110000010000abcd");
        assertThat(Checksum.get16(second, 4)).isEqualTo(0xb8);
        assertThat(Packets.hex(second, 40, 8)).isEqualTo("110004d00000abcd");
        // reassembled, the UDP checksum is valid over the IPv6 pseudo-header
        byte[] whole = new byte[40 + 1408];
        System.arraycopy(first, 0, whole, 0, 40);
        whole[6] = 17;
        Checksum.put16(whole, 4, 1408);
        System.arraycopy(first, 48, whole, 40, 1232);
        System.arraycopy(second, 48, whole, 40 + 1232, 176);
        assertThat(Packets.checksumProblem(whole)).isNull();
    }

    /** V10: 1500-byte IPv4 UDP with DF → ICMPv4 3/4, next-hop MTU 1480, quoting 548 bytes (576 in all). */
    @Test
    void bigDfPacketEarnsFragmentationNeeded() {
        byte[] in = Packets.withChecksum(Packets.ipv4(0, 0x1111, 0x4000, 64, 17, Packets.C4, Packets.R4,
                Packets.udp(40000, 53, new byte[1472])));
        Result r = translator.translate4to6(in, 0, in.length, result);
        assertThat(r.kind()).isEqualTo(Result.Kind.ERROR);
        assertThat(r.drop()).isEqualTo(Drop.PACKET_TOO_BIG);
        byte[] e = r.packet(0);
        assertThat(e).hasSize(576);
        assertThat(Packets.hex(e, 20, 8)).isEqualTo("0304316100000" + "5c8".substring(0));
        assertThat(Packets.checksumProblem(e)).isNull();
    }
}
