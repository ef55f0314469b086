package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.jbabel.sim.ClassicBpf;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

class NdpPacketsTest {

    static final MacAddress OWN = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress CLIENT = MacAddress.parse("00:11:22:33:44:55");

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void neighbourSolicitationCarriesTargetAndOurMac() {
        byte[] ns = NdpPackets.neighbourSolicitation(IpAddress.parse("2001:db8::42"), OWN);
        assertThat(ns).isEqualTo(hex("87 00 0000 00000000 20010db8000000000000000000000042 01 01 020000000001"));
        assertThat(NdpPackets.solicitedNode(IpAddress.parse("2001:db8::12:3456")))
                .isEqualTo(IpAddress.parse("ff02::1:ff12:3456"));
    }

    @Test
    void advertisementOptionsAreWalkedByTypeAndLength() {
        String head = "88 00 0000 60000000 20010db8000000000000000000000042";
        // a nonce option (type 14, 1 unit) first, then the target link-layer address
        var na = NdpPackets.parseAdvertisement(hex(head + "0e01 112233445566 02 01 001122334455"));
        assertThat(na).get().isEqualTo(new NdpPackets.Advertisement(IpAddress.parse("2001:db8::42"),
                Optional.of(CLIENT)));
        assertThat(NdpPackets.parseAdvertisement(hex(head)).orElseThrow().mac()).isEmpty();
        assertThat(NdpPackets.parseAdvertisement(hex(head + "0201 000000000000")).orElseThrow().mac()).isEmpty();
        // the option the C code would take for the MAC is a source link-layer address here: not ours to take
        assertThat(NdpPackets.parseAdvertisement(hex(head + "0101 001122334455")).orElseThrow().mac()).isEmpty();
        assertThat(NdpPackets.parseAdvertisement(hex(head + "0200 001122334455"))).isEmpty();
        assertThat(NdpPackets.parseAdvertisement(hex(head + "0202 001122334455"))).isEmpty();
        assertThat(NdpPackets.parseAdvertisement(hex(head + "02"))).isEmpty();
        assertThat(NdpPackets.parseAdvertisement(hex("87" + head.substring(2)))).isEmpty();
        assertThat(NdpPackets.parseAdvertisement(hex("88 00 0000 60000000 ff020000000000000000000000000001")))
                .isEmpty();
        assertThat(NdpPackets.parseAdvertisement(new byte[23])).isEmpty();
    }

    static byte[] ipv6(String source, String destination, int nextHeader, byte[] payload) {
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x60;
        p[4] = (byte) (payload.length >>> 8);
        p[5] = (byte) payload.length;
        p[6] = (byte) nextHeader;
        p[7] = (byte) 255;
        System.arraycopy(IpAddress.parse(source).toBytes16(), 0, p, 8, 16);
        System.arraycopy(IpAddress.parse(destination).toBytes16(), 0, p, 24, 16);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    @Test
    void sniffedSolicitationsGiveSourceTargetAndDad() {
        byte[] ns = NdpPackets.neighbourSolicitation(IpAddress.parse("2001:db8::1"), CLIENT);
        byte[] normal = ipv6("2001:db8::42", "ff02::1:ff00:1", 58, ns);
        assertThat(NdpPackets.parseSolicitation(normal)).contains(new NdpPackets.Solicitation(
                IpAddress.parse("2001:db8::42"), IpAddress.parse("2001:db8::1"), false));
        byte[] dad = ipv6("::", "ff02::1:ff00:1", 58, Arrays.copyOf(ns, 24));
        assertThat(NdpPackets.parseSolicitation(dad).orElseThrow().dad()).isTrue();
        assertThat(NdpPackets.parseSolicitation(Arrays.copyOf(normal, 63))).isEmpty();
        assertThat(NdpPackets.parseSolicitation(ipv6("2001:db8::42", "ff02::1", 17, ns))).isEmpty();
        byte[] longer = normal.clone();
        longer[5] = (byte) 200; // payload length past the end
        assertThat(NdpPackets.parseSolicitation(longer)).isEmpty();
    }

    @Test
    void arpRequestAndReply() {
        byte[] request = NdpPackets.arpRequest(OWN, IpAddress.parse("10.1.2.3"));
        assertThat(request).isEqualTo(hex("0001 0800 06 04 0001 020000000001 00000000 ffffffffffff 0a010203"));
        byte[] reply = hex("0001 0800 06 04 0002 001122334455 0a010203 020000000001 00000000");
        assertThat(NdpPackets.parseArpReply(reply))
                .contains(new NdpPackets.ArpReply(CLIENT, IpAddress.parse("10.1.2.3")));
        assertThat(NdpPackets.parseArpReply(request)).isEmpty();
        assertThat(NdpPackets.parseArpReply(hex("0001 0800 06 04 0002 001122334455 00000000 020000000001 00000000")))
                .isEmpty();
        assertThat(NdpPackets.parseArpReply(Arrays.copyOf(reply, 27))).isEmpty();
    }

    /** The Internet checksum over the ICMPv6 message with its pseudo-header comes out 0 when it is right. */
    static int verify6(byte[] p) {
        int length = p.length - 40;
        int sum = NdpPackets.sum(p, 8, 32) + length + 58 + NdpPackets.sum(p, 40, length);
        return NdpPackets.fold(sum);
    }

    @Test
    void unreachable6QuotesWhatFitsTheMinimumMtuWithACorrectChecksum() {
        byte[] dropped = ipv6("2001:db8:99::7", "2001:db8::42", 17, new byte[3000]);
        byte[] error = NdpPackets.unreachable6(dropped, IpAddress.parse("fd00::1")).orElseThrow();
        assertThat(error).hasSize(1280);
        assertThat(error[6]).isEqualTo((byte) 58);
        assertThat(Arrays.copyOfRange(error, 24, 40)).isEqualTo(IpAddress.parse("2001:db8:99::7").toBytes16());
        assertThat(error[40]).isEqualTo((byte) 1);
        assertThat(error[41]).isEqualTo((byte) 0);
        assertThat(verify6(error)).isZero();
        assertThat(Arrays.copyOfRange(error, 48, 1280)).isEqualTo(Arrays.copyOf(dropped, 1232));

        byte[] small = ipv6("2001:db8:99::7", "2001:db8::42", 6, new byte[21]);
        byte[] e2 = NdpPackets.unreachable6(small, IpAddress.parse("fd00::1")).orElseThrow();
        assertThat(e2).hasSize(40 + 8 + small.length);
        assertThat(verify6(e2)).isZero();
        // no errors about errors, or to sources that cannot take them
        assertThat(NdpPackets.unreachable6(e2, IpAddress.parse("fd00::1"))).isEmpty();
        assertThat(NdpPackets.unreachable6(ipv6("::", "2001:db8::42", 17, new byte[8]), IpAddress.parse("fd00::1")))
                .isEmpty();
        assertThat(NdpPackets.unreachable6(ipv6("2001:db8::1", "2001:db8::42", 58, hex("80000000")),
                IpAddress.parse("fd00::1"))).isPresent();
    }

    @Test
    void unreachable4HasBothChecksums() {
        byte[] dropped = new byte[700];
        dropped[0] = 0x45;
        dropped[2] = (byte) (700 >>> 8);
        dropped[3] = (byte) 700;
        dropped[8] = 63;
        dropped[9] = 17;
        System.arraycopy(IpAddress.parse("10.9.9.9").toBytes(), 0, dropped, 12, 4);
        System.arraycopy(IpAddress.parse("10.1.2.3").toBytes(), 0, dropped, 16, 4);
        byte[] error = NdpPackets.unreachable4(dropped, IpAddress.parse("10.0.0.1")).orElseThrow();
        assertThat(error).hasSize(576);
        assertThat(NdpPackets.fold(NdpPackets.sum(error, 0, 20))).isZero();
        assertThat(NdpPackets.fold(NdpPackets.sum(error, 20, error.length - 20))).isZero();
        assertThat(error[20]).isEqualTo((byte) 3);
        assertThat(error[21]).isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(error, 16, 20)).isEqualTo(IpAddress.parse("10.9.9.9").toBytes());
        byte[] icmpError = error.clone();
        assertThat(NdpPackets.unreachable4(icmpError, IpAddress.parse("10.0.0.1"))).isEmpty();
        byte[] fragment = dropped.clone();
        fragment[7] = 1;
        assertThat(NdpPackets.unreachable4(fragment, IpAddress.parse("10.0.0.1"))).isEmpty();
        assertThat(NdpPackets.unreachable4(dropped, IpAddress.parse("2001:db8::1"))).isEmpty();
    }

    @Test
    void theSnifferFilterPassesOnlyNeighbourSolicitations() {
        byte[] program = NdpPackets.solicitationFilter();
        assertThat(program).hasSize(48);
        ClassicBpf.validate(program);
        byte[] ns = ipv6("2001:db8::42", "ff02::1:ff00:1", 58,
                NdpPackets.neighbourSolicitation(IpAddress.parse("2001:db8::1"), CLIENT));
        assertThat(ClassicBpf.run(program, ns)).isEqualTo(ns.length);
        byte[] na = ns.clone();
        na[40] = (byte) 136;
        assertThat(ClassicBpf.run(program, na)).isZero();
        byte[] udp = ns.clone();
        udp[6] = 17;
        assertThat(ClassicBpf.run(program, udp)).isZero();
        assertThat(ClassicBpf.run(program, Arrays.copyOf(ns, 40))).isZero();
    }

    @Property(tries = 2000)
    void parsersNeverThrow(@ForAll @Size(max = 200) byte[] data) {
        NdpPackets.parseAdvertisement(data);
        NdpPackets.parseSolicitation(data);
        NdpPackets.parseArpReply(data);
        NdpPackets.unreachable6(data, IpAddress.parse("fd00::1"));
        NdpPackets.unreachable4(data, IpAddress.parse("10.0.0.1"));
        NdpPackets.udpPayload(data, Intercom.PORT);
    }

    /** An IPv6 packet from fd00::1 to fd00::2 with {@code next} header and {@code upper} as payload. */
    private static byte[] ipv6(int next, byte[] upper) {
        byte[] p = new byte[40 + upper.length];
        p[0] = 0x60;
        p[4] = (byte) (upper.length >>> 8);
        p[5] = (byte) upper.length;
        p[6] = (byte) next;
        p[7] = 64;
        System.arraycopy(IpAddress.parse("fd00::1").toBytes16(), 0, p, 8, 16);
        System.arraycopy(IpAddress.parse("fd00::2").toBytes16(), 0, p, 24, 16);
        System.arraycopy(upper, 0, p, 40, upper.length);
        return p;
    }

    /** The checksum field at {@code at} of {@code p}'s upper layer, filled in over the pseudo-header. */
    private static byte[] withChecksum(byte[] p, int next, int at) {
        int length = p.length - 40;
        int c = NdpPackets.fold(NdpPackets.sum(p, 8, 32) + length + next + NdpPackets.sum(p, 40, length));
        p[40 + at] = (byte) (c >>> 8);
        p[40 + at + 1] = (byte) c;
        return p;
    }

    @Test
    void anIntercomDatagramIsReadFromAWholeIpv6PacketWithAValidChecksum() {
        byte[] udp = {0x15, (byte) 0x93, 0x15, (byte) 0x93, 0, 11, 0, 0, 'a', 'b', 'c'};
        byte[] packet = withChecksum(ipv6(17, udp), 17, 6);

        assertThat(NdpPackets.udpPayload(packet, Intercom.PORT)).hasValueSatisfying(
                d -> assertThat(d).containsExactly('a', 'b', 'c'));
        assertThat(NdpPackets.udpPayload(packet, 9)).as("another port").isEmpty();
        byte[] corrupt = packet.clone();
        corrupt[49] ^= 1;
        assertThat(NdpPackets.udpPayload(corrupt, Intercom.PORT)).as("a bad checksum").isEmpty();
        byte[] zero = packet.clone();
        zero[46] = 0;
        zero[47] = 0;
        assertThat(NdpPackets.udpPayload(zero, Intercom.PORT)).as("no checksum (forbidden in IPv6)").isEmpty();
        assertThat(NdpPackets.udpPayload(Arrays.copyOf(packet, 50), Intercom.PORT)).as("truncated").isEmpty();
    }
}
