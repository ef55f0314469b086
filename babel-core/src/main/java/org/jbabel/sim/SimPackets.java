package org.jbabel.sim;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * The packets the simulated kernels and clients exchange, as bytes where something outside the model sees them (a
 * TUN device, an AF_PACKET socket, a client): IPv6 and IPv4 headers with UDP, ICMPv6 with the neighbour-discovery
 * messages a Linux host sends on link-up, and ARP. Parsing never throws: what is not understood is null.
 */
final class SimPackets {

    static final int UDP = 17;
    static final int ICMPV6 = 58;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ROUTER_SOLICITATION = 133;
    static final int NEIGHBOUR_SOLICITATION = 135;
    static final int NEIGHBOUR_ADVERTISEMENT = 136;
    static final IpAddress ALL_NODES = IpAddress.parse("ff02::1");
    static final IpAddress ALL_ROUTERS = IpAddress.parse("ff02::2");
    static final IpAddress V4_BROADCAST = IpAddress.v4(-1);
    static final byte[] BROADCAST_MAC = {-1, -1, -1, -1, -1, -1};

    private SimPackets() {}

    /**
     * An IP packet in flight between simulated kernels.
     *
     * @param protocol {@link #UDP} or {@link #ICMPV6} (the next header)
     * @param payload the UDP datagram with its header, or the ICMPv6 message
     */
    record Ip(IpAddress source, IpAddress destination, int protocol, int hopLimit, byte[] payload) {
        Ip withHopLimit(int h) {
            return new Ip(source, destination, protocol, h, payload);
        }

        int sourcePort() {
            return protocol == UDP && payload.length >= 8 ? u16(payload, 0) : 0;
        }

        int destinationPort() {
            return protocol == UDP && payload.length >= 8 ? u16(payload, 2) : 0;
        }

        /** The UDP data, or the whole ICMPv6 message. */
        byte[] data() {
            return protocol == UDP ? Arrays.copyOfRange(payload, Math.min(8, payload.length), payload.length) : payload;
        }
    }

    /** A UDP packet from {@code source}:{@code sourcePort}, its checksum computed. */
    static Ip udp(IpAddress source, int sourcePort, IpAddress destination, int port, int hopLimit, byte[] data) {
        byte[] u = new byte[8 + data.length];
        put16(u, 0, sourcePort);
        put16(u, 2, port);
        put16(u, 4, u.length);
        System.arraycopy(data, 0, u, 8, data.length);
        int sum = checksum(source, destination, UDP, u);
        put16(u, 6, sum == 0 ? 0xffff : sum);
        return new Ip(source, destination, UDP, hopLimit, u);
    }

    /** An ICMPv6 packet; {@code message}'s checksum field (bytes 2-3) is filled in. */
    static Ip icmp6(IpAddress source, IpAddress destination, int hopLimit, byte[] message) {
        byte[] m = message.clone();
        if (m.length >= 4) {
            put16(m, 2, 0);
            put16(m, 2, checksum(source, destination, ICMPV6, m));
        }
        return new Ip(source, destination, ICMPV6, hopLimit, m);
    }

    /** The packet as it is written into a TUN device or sent on a link: an IPv6 or IPv4 header and the payload. */
    static byte[] encode(Ip p) {
        byte[] out;
        if (p.destination().family() == Family.V6) {
            out = new byte[40 + p.payload().length];
            out[0] = 0x60;
            put16(out, 4, p.payload().length);
            out[6] = (byte) p.protocol();
            out[7] = (byte) p.hopLimit();
            System.arraycopy(p.source().toBytes(), 0, out, 8, 16);
            System.arraycopy(p.destination().toBytes(), 0, out, 24, 16);
            System.arraycopy(p.payload(), 0, out, 40, p.payload().length);
        } else {
            out = new byte[20 + p.payload().length];
            out[0] = 0x45;
            put16(out, 2, out.length);
            out[8] = (byte) p.hopLimit();
            out[9] = (byte) p.protocol();
            System.arraycopy(p.source().toBytes(), 0, out, 12, 4);
            System.arraycopy(p.destination().toBytes(), 0, out, 16, 4);
            put16(out, 10, fold(sum(out, 0, 20, 0)));
            System.arraycopy(p.payload(), 0, out, 20, p.payload().length);
        }
        return out;
    }

    /** Parses an IPv6 or IPv4 packet (no extension headers, no options), or null. */
    static Ip parse(byte[] b) {
        if (b == null || b.length < 20) {
            return null;
        }
        int version = (b[0] & 0xff) >>> 4;
        if (version == 6 && b.length >= 40) {
            int length = u16(b, 4);
            if (40 + length > b.length) {
                return null;
            }
            return new Ip(IpAddress.of(Arrays.copyOfRange(b, 8, 24)), IpAddress.of(Arrays.copyOfRange(b, 24, 40)),
                    b[6] & 0xff, b[7] & 0xff, Arrays.copyOfRange(b, 40, 40 + length));
        }
        if (version == 4) {
            int header = (b[0] & 0x0f) * 4;
            int total = u16(b, 2);
            if (header < 20 || total < header || total > b.length) {
                return null;
            }
            return new Ip(IpAddress.of(Arrays.copyOfRange(b, 12, 16)), IpAddress.of(Arrays.copyOfRange(b, 16, 20)),
                    b[9] & 0xff, b[8] & 0xff, Arrays.copyOfRange(b, header, total));
        }
        return null;
    }

    // ---------------------------------------------------------------- neighbour discovery and ARP

    /**
     * A Neighbour Solicitation for {@code target}, with a source link-layer address option unless
     * {@code mac} is null.
     */
    static byte[] neighbourSolicitation(IpAddress target, byte[] mac) {
        ByteBuffer b = ByteBuffer.allocate(mac == null ? 24 : 32);
        b.put((byte) NEIGHBOUR_SOLICITATION).put((byte) 0).putShort((short) 0).putInt(0).put(target.toBytes());
        if (mac != null) {
            b.put((byte) 1).put((byte) 1).put(mac);
        }
        return b.array();
    }

    /** A Neighbour Advertisement for {@code target} (override set) with a target link-layer address option. */
    static byte[] neighbourAdvertisement(IpAddress target, byte[] mac, boolean solicited) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put((byte) NEIGHBOUR_ADVERTISEMENT).put((byte) 0).putShort((short) 0)
                .putInt(solicited ? 0x6000_0000 : 0x2000_0000).put(target.toBytes());
        b.put((byte) 2).put((byte) 1).put(mac);
        return b.array();
    }

    /** A Router Solicitation with a source link-layer address option. */
    static byte[] routerSolicitation(byte[] mac) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put((byte) ROUTER_SOLICITATION).put((byte) 0).putShort((short) 0).putInt(0).put((byte) 1).put((byte) 1)
                .put(mac);
        return b.array();
    }

    /** The target of a Neighbour Solicitation or Advertisement, or null. */
    static IpAddress ndTarget(byte[] icmp) {
        return icmp.length >= 24 ? IpAddress.of(Arrays.copyOfRange(icmp, 8, 24)) : null;
    }

    /** The solicited-node multicast group of {@code a}: ff02::1:ffXX:XXXX. */
    static IpAddress solicitedNode(IpAddress a) {
        return IpAddress.v6(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (a.lo() & 0xff_ffffL));
    }

    /** The EUI-64 link-local address of a MAC. */
    static IpAddress linkLocalOf(byte[] mac) {
        long lo = 0;
        byte[] eui = {(byte) (mac[0] ^ 0x02), mac[1], mac[2], (byte) 0xff, (byte) 0xfe, mac[3], mac[4], mac[5]};
        for (byte x : eui) {
            lo = (lo << 8) | (x & 0xff);
        }
        return IpAddress.v6(0xfe80_0000_0000_0000L, lo);
    }

    /** An Ethernet/IPv4 ARP message (28 bytes). */
    static byte[] arp(int op, byte[] senderMac, IpAddress senderIp, byte[] targetMac, IpAddress targetIp) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4).putShort((short) op);
        b.put(senderMac).put(senderIp.toBytes()).put(targetMac).put(targetIp.toBytes());
        return b.array();
    }

    /** A parsed ARP message. */
    record Arp(int op, byte[] senderMac, IpAddress senderIp, byte[] targetMac, IpAddress targetIp) {}

    static Arp parseArp(byte[] b) {
        if (b.length < 28 || u16(b, 0) != 1 || u16(b, 2) != ETHERTYPE_IPV4 || b[4] != 6 || b[5] != 4) {
            return null;
        }
        return new Arp(u16(b, 6), Arrays.copyOfRange(b, 8, 14), IpAddress.of(Arrays.copyOfRange(b, 14, 18)),
                Arrays.copyOfRange(b, 18, 24), IpAddress.of(Arrays.copyOfRange(b, 24, 28)));
    }

    static boolean isGroupMac(byte[] mac) {
        return (mac[0] & 1) != 0;
    }

    // ---------------------------------------------------------------- checksums

    private static int checksum(IpAddress source, IpAddress destination, int protocol, byte[] payload) {
        long s = 0;
        if (destination.family() == Family.V6) {
            s = sum(source.toBytes(), 0, 16, s);
            s = sum(destination.toBytes(), 0, 16, s);
            s += payload.length + protocol;
        } else {
            s = sum(source.toBytes(), 0, 4, s);
            s = sum(destination.toBytes(), 0, 4, s);
            s += payload.length + protocol;
        }
        return fold(sum(payload, 0, payload.length, s));
    }

    private static long sum(byte[] b, int from, int to, long s) {
        for (int i = from; i < to; i += 2) {
            s += ((b[i] & 0xff) << 8) | (i + 1 < to ? b[i + 1] & 0xff : 0);
        }
        return s;
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) (~s & 0xffff);
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }
}
