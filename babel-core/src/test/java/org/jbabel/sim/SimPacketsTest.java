package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/** The bytes the simulated kernels and clients exchange: headers, checksums, neighbour discovery and ARP. */
class SimPacketsTest {

    private static final byte[] MAC = HexFormat.ofDelimiter(":").parseHex("02:c1:00:00:00:01");

    /** The one's-complement sum of a packet with its pseudo-header: 0xffff when the checksum is right. */
    private static int verify(IpAddress src, IpAddress dst, int protocol, byte[] payload) {
        long s = 0;
        byte[] pseudo = new byte[src.toBytes().length * 2];
        System.arraycopy(src.toBytes(), 0, pseudo, 0, pseudo.length / 2);
        System.arraycopy(dst.toBytes(), 0, pseudo, pseudo.length / 2, pseudo.length / 2);
        for (int i = 0; i < pseudo.length; i += 2) {
            s += ((pseudo[i] & 0xff) << 8) | (pseudo[i + 1] & 0xff);
        }
        s += payload.length + protocol;
        for (int i = 0; i < payload.length; i += 2) {
            s += ((payload[i] & 0xff) << 8) | (i + 1 < payload.length ? payload[i + 1] & 0xff : 0);
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    @Test
    void udpOverIpv6AndIpv4RoundTripsWithRightChecksums() {
        IpAddress a = IpAddress.parse("2001:db8::1");
        IpAddress b = IpAddress.parse("fd00:0:1::1");
        SimPackets.Ip p = SimPackets.udp(a, 1234, b, 5678, 63, new byte[] {1, 2, 3});
        byte[] bytes = SimPackets.encode(p);
        assertThat(bytes).hasSize(40 + 8 + 3);
        SimPackets.Ip back = SimPackets.parse(bytes);
        assertThat(back.source()).isEqualTo(a);
        assertThat(back.destination()).isEqualTo(b);
        assertThat(back.hopLimit()).isEqualTo(63);
        assertThat(back.sourcePort()).isEqualTo(1234);
        assertThat(back.destinationPort()).isEqualTo(5678);
        assertThat(back.data()).containsExactly(1, 2, 3);
        assertThat(verify(a, b, SimPackets.UDP, back.payload())).isEqualTo(0xffff);

        IpAddress v4a = IpAddress.parse("0.0.0.0");
        IpAddress v4b = IpAddress.parse("255.255.255.255");
        byte[] v4 = SimPackets.encode(SimPackets.udp(v4a, 68, v4b, 67, 64, new byte[] {9}));
        assertThat(v4[0]).isEqualTo((byte) 0x45);
        long header = 0;
        for (int i = 0; i < 20; i += 2) {
            header += ((v4[i] & 0xff) << 8) | (v4[i + 1] & 0xff);
        }
        assertThat((header & 0xffff) + (header >>> 16)).as("IPv4 header checksum").isEqualTo(0xffff);
        SimPackets.Ip v4back = SimPackets.parse(v4);
        assertThat(v4back.destination()).isEqualTo(v4b);
        assertThat(v4back.destinationPort()).isEqualTo(67);
        assertThat(verify(v4a, v4b, SimPackets.UDP, v4back.payload())).isEqualTo(0xffff);
    }

    @Test
    void neighbourDiscoveryAndArpHaveTheirWireLayout() {
        assertThat(SimPackets.linkLocalOf(MAC)).isEqualTo(IpAddress.parse("fe80::c1:ff:fe00:1"));
        assertThat(SimPackets.solicitedNode(IpAddress.parse("2001:db8::12:3456")))
                .isEqualTo(IpAddress.parse("ff02::1:ff12:3456"));
        IpAddress target = IpAddress.parse("2001:db8::17");
        SimPackets.Ip ns = SimPackets.icmp6(IpAddress.V6_UNSPECIFIED, SimPackets.solicitedNode(target), 255,
                SimPackets.neighbourSolicitation(target, MAC));
        assertThat(ns.payload()[0] & 0xff).isEqualTo(135);
        assertThat(ns.payload()).hasSize(32);
        assertThat(SimPackets.ndTarget(ns.payload())).isEqualTo(target);
        assertThat(verify(ns.source(), ns.destination(), SimPackets.ICMPV6, ns.payload())).isEqualTo(0xffff);
        byte[] na = SimPackets.neighbourAdvertisement(target, MAC, true);
        assertThat(na[4] & 0xff).as("solicited and override").isEqualTo(0x60);
        assertThat(na[24]).as("target link-layer address option").isEqualTo((byte) 2);

        byte[] arp = SimPackets.arp(2, MAC, IpAddress.parse("10.0.0.1"), new byte[6], IpAddress.parse("10.0.0.2"));
        SimPackets.Arp parsed = SimPackets.parseArp(arp);
        assertThat(parsed.op()).isEqualTo(2);
        assertThat(parsed.senderMac()).containsExactly(MAC);
        assertThat(parsed.targetIp()).isEqualTo(IpAddress.parse("10.0.0.2"));
        assertThat(SimPackets.parseArp(new byte[27])).isNull();
        assertThat(SimPackets.parse(new byte[] {1, 2, 3})).isNull();
        assertThat(SimPackets.parse(new byte[40])).as("version 0").isNull();
    }
}
