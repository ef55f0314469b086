package org.jbabel.roaming.mmfd;

import org.jbabel.wire.IpAddress;

/** IPv6 packets and mmfd datagrams for the tests. */
final class Packets {

    static final IpAddress RESPONDD = IpAddress.parse("ff05::2:1001");

    private Packets() {}

    /** A well-formed IPv6/UDP packet to {@code destination} with {@code payload} bytes of UDP data all {@code tag}. */
    static byte[] ipv6(IpAddress destination, int payload, int tag) {
        int udp = 8 + payload;
        byte[] p = new byte[40 + udp];
        p[0] = 0x60;
        p[4] = (byte) (udp >>> 8);
        p[5] = (byte) udp;
        p[6] = 17;
        p[7] = 64;
        System.arraycopy(IpAddress.parse("fe80::1").toBytes(), 0, p, 8, 16);
        System.arraycopy(destination.toBytes(), 0, p, 24, 16);
        p[40] = 0x03;
        p[41] = (byte) 0xe9; // source port 1001
        p[42] = 0x03;
        p[43] = (byte) 0xe9; // destination port 1001
        p[44] = (byte) (udp >>> 8);
        p[45] = (byte) udp;
        for (int i = 48; i < p.length; i++) {
            p[i] = (byte) tag;
        }
        return p;
    }

    static byte[] multicast(int tag) {
        return ipv6(RESPONDD, 20, tag);
    }

    /** nonce + packet. */
    static byte[] data(long nonce, byte[] packet) {
        byte[] d = new byte[8 + packet.length];
        for (int i = 0; i < 8; i++) {
            d[i] = (byte) (nonce >>> (56 - 8 * i));
        }
        System.arraycopy(packet, 0, d, 8, packet.length);
        return d;
    }

    static byte[] hello(long nonce) {
        return data(nonce, new byte[0]);
    }
}
