package org.jbabel.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jbabel.auth.AuthVectors.bytes;

import java.util.HexFormat;
import org.jbabel.config.MacAlgorithm;
import org.jbabel.wire.Bytes;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

class MacComputerTest {

    private static PseudoHeader toGroup(String src) {
        return new PseudoHeader(IpAddress.parse(src), Packet.UDP_PORT, IpAddress.BABEL_GROUP, Packet.UDP_PORT);
    }

    private static String mac(MacAlgorithm algorithm, String key, PseudoHeader ph, String packet) {
        byte[] p = bytes(packet);
        return HexFormat.of().formatHex(MacComputer.of(algorithm, Bytes.fromHex(key)).compute(ph, p, p.length));
    }

    @Test
    void hmacSha256MatchesBabeldsTestVectorWithThePaddedAndTheShortKey() {
        PseudoHeader ph = toGroup(AuthVectors.TV1_SRC);
        assertThat(mac(MacAlgorithm.HMAC_SHA256, AuthVectors.TV1_KEY, ph, AuthVectors.TV1_PACKET))
                .isEqualTo(AuthVectors.TV1_MAC);
        assertThat(mac(MacAlgorithm.HMAC_SHA256, AuthVectors.TV1_KEY + "00".repeat(57), ph, AuthVectors.TV1_PACKET))
                .isEqualTo(AuthVectors.TV1_MAC);
    }

    @Test
    void blake2s128MatchesBabeldsTestVector() {
        assertThat(mac(MacAlgorithm.BLAKE2S128, AuthVectors.TV2_KEY, toGroup(AuthVectors.TV2_SRC),
                AuthVectors.TV2_PACKET)).isEqualTo(AuthVectors.TV2_MAC);
    }

    @Test
    void aComputerGivesTheSameMacTwiceInARow() {
        for (MacAlgorithm a : MacAlgorithm.values()) {
            MacComputer c = MacComputer.of(a, Bytes.fromHex("0102030405"));
            byte[] p = bytes(AuthVectors.TV2_PACKET);
            PseudoHeader ph = toGroup(AuthVectors.TV2_SRC);
            assertThat(c.compute(ph, p, p.length)).as(a.configName()).isEqualTo(c.compute(ph, p, p.length))
                    .hasSize(c.length());
        }
    }

    @Test
    void everyMacOfBabeldsLivePacketsVerifiesWithThePseudoHeaderOfItsAddresses() {
        MacComputer c = MacComputer.of(MacAlgorithm.HMAC_SHA256, Bytes.fromHex(AuthVectors.TV3_KEY));
        IpAddress a = IpAddress.parse(AuthVectors.TV3_A);
        IpAddress b = IpAddress.parse(AuthVectors.TV3_B);
        assertVerifies(c, AuthVectors.TV3_MULTICAST, a, IpAddress.BABEL_GROUP);
        assertVerifies(c, AuthVectors.TV3_CHALLENGE, b, a);
        assertVerifies(c, AuthVectors.TV3_REPLY, a, b);
    }

    private static void assertVerifies(MacComputer c, String hex, IpAddress src, IpAddress dst) {
        byte[] d = bytes(hex);
        ReadResult r = PacketReader.read(d);
        Bytes mac = ((Tlv.Mac) r.packet().trailer().getFirst()).mac();
        int signed = Packet.HEADER_LENGTH + (((d[2] & 0xff) << 8) | (d[3] & 0xff));
        PseudoHeader ph = new PseudoHeader(src, Packet.UDP_PORT, dst, Packet.UDP_PORT);
        assertThat(c.verifies(mac, ph, d, signed)).isTrue();
        PseudoHeader swapped = new PseudoHeader(dst, Packet.UDP_PORT, src, Packet.UDP_PORT);
        assertThat(c.verifies(mac, swapped, d, signed)).as("other addresses").isFalse();
    }

    @Test
    void keysOfALengthTheAlgorithmRefusesAreRejected() {
        assertThatThrownBy(() -> MacComputer.of(MacAlgorithm.BLAKE2S128, Bytes.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MacComputer.of(MacAlgorithm.HMAC_SHA256, Bytes.of(new byte[65])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MacComputer.of(MacAlgorithm.HMAC_SHA256, Bytes.EMPTY).length()).isEqualTo(32);
    }
}
