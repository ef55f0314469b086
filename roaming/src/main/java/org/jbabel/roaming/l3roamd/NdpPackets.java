package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * The packets l3roamd sends and sniffs on the client interface and writes into its TUN device (spec roaming.md
 * §1.4, §1.7), built and parsed without I/O. Parsers never throw on outside input: they return empty.
 */
public final class NdpPackets {

    static final int ICMPV6 = 58;
    static final int NS = 135;
    static final int NA = 136;
    static final int UDP = 17;
    static final int IPV6_HEADER = 40;
    static final int IPV4_HEADER = 20;
    /** The IPv6 minimum MTU: an ICMPv6 error must fit in it (RFC 4443 §2.4 c). */
    static final int IPV6_MIN_MTU = 1280;
    /** An ICMPv6 error quotes at most this much of the offending packet: 1280 - 40 - 8. */
    public static final int ICMPV6_QUOTE = IPV6_MIN_MTU - IPV6_HEADER - 8;
    /** An ICMPv4 error quotes at most this much, so the whole fits the 576 bytes every host takes (RFC 1812). */
    public static final int ICMPV4_QUOTE = 576 - IPV4_HEADER - 8;

    private NdpPackets() {}

    /** A Neighbour Advertisement read from the raw ICMPv6 socket. {@code mac} is empty without a TLLA option. */
    public record Advertisement(IpAddress target, Optional<MacAddress> mac) {}

    /** A client's Neighbour Solicitation sniffed on the client interface; {@code dad} when its source is ::. */
    public record Solicitation(IpAddress source, IpAddress target, boolean dad) {}

    /** An ARP reply: who has which IPv4 address. */
    public record ArpReply(MacAddress senderMac, IpAddress senderAddress) {}

    /**
     * An ICMPv6 Neighbour Solicitation for {@code target} with our link-layer address as Source Link-Layer Address
     * option (32 bytes: type 135, code 0, checksum, reserved, target, option 1 length 1). The checksum is left 0: the
     * message is sent through a raw ICMPv6 socket, and the kernel computes the checksum of every ICMPv6 message sent
     * that way (it has to, it chooses the source address). Send it with hop limit 255 (RFC 4861 §7.1.1), unicast or
     * multicast alike.
     */
    public static byte[] neighbourSolicitation(IpAddress target, MacAddress ownMac) {
        byte[] p = new byte[32];
        p[0] = (byte) NS;
        System.arraycopy(target.toBytes16(), 0, p, 8, 16);
        p[24] = 1;
        p[25] = 1;
        ownMac.write(p, 26);
        return p;
    }

    /** The solicited-node multicast group of {@code target}: ff02::1:ff00:0/104 plus its last 24 bits. */
    public static IpAddress solicitedNode(IpAddress target) {
        return IpAddress.v6(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (target.lo() & 0xff_ffffL));
    }

    /**
     * Parses an ICMPv6 message as the raw socket delivers it (no IPv6 header): a Neighbour Advertisement of at least
     * 24 bytes, with its options walked by type and length (a zero length or one past the end makes it invalid, RFC
     * 4861 §7.1.2); the MAC is the Target Link-Layer Address option's (type 2, length 1), an all-zero one is ignored.
     */
    public static Optional<Advertisement> parseAdvertisement(byte[] icmp) {
        if (icmp.length < 24 || (icmp[0] & 0xff) != NA || icmp[1] != 0) {
            return Optional.empty();
        }
        IpAddress target = address(icmp, 8);
        if (target.isMulticast()) {
            return Optional.empty();
        }
        MacAddress mac = null;
        for (int at = 24; at < icmp.length; ) {
            if (icmp.length - at < 2) {
                return Optional.empty();
            }
            int length = (icmp[at + 1] & 0xff) * 8;
            if (length == 0 || length > icmp.length - at) {
                return Optional.empty();
            }
            if ((icmp[at] & 0xff) == 2 && length == 8) {
                MacAddress m = MacAddress.of(icmp, at + 2);
                if (!m.equals(MacAddress.ZERO)) {
                    mac = m;
                }
            }
            at += length;
        }
        return Optional.of(new Advertisement(target, Optional.ofNullable(mac)));
    }

    /**
     * Parses what the AF_PACKET NS sniffer delivers (the IPv6 packet, no Ethernet header; the MAC is the frame's
     * source, from the socket address): an IPv6 header with next header 58 directly, then a Neighbour Solicitation
     * of at least 24 bytes within the payload length.
     */
    public static Optional<Solicitation> parseSolicitation(byte[] packet) {
        if (packet.length < IPV6_HEADER + 24 || (packet[0] & 0xf0) != 0x60 || (packet[6] & 0xff) != ICMPV6
                || (packet[IPV6_HEADER] & 0xff) != NS || packet[IPV6_HEADER + 1] != 0) {
            return Optional.empty();
        }
        int payload = ((packet[4] & 0xff) << 8) | (packet[5] & 0xff);
        if (payload < 24 || payload > packet.length - IPV6_HEADER) {
            return Optional.empty();
        }
        IpAddress source = address(packet, 8);
        IpAddress target = address(packet, IPV6_HEADER + 8);
        if (source.isMulticast() || target.isMulticast()) {
            return Optional.empty();
        }
        return Optional.of(new Solicitation(source, target, source.equals(IpAddress.V6_UNSPECIFIED)));
    }

    /**
     * An ARP request for {@code v4Target} (28 bytes, to send to ff:ff:ff:ff:ff:ff with ethertype 0x0806): sender IP
     * 0.0.0.0 as l3roamd sends it (§1.4; an ARP probe, so the client's ARP cache is not touched), target MAC all ones.
     */
    public static byte[] arpRequest(MacAddress ownMac, IpAddress v4Target) {
        if (v4Target.family() != Family.V4) {
            throw new IllegalArgumentException("ARP is for IPv4 addresses, not " + v4Target);
        }
        byte[] p = new byte[28];
        p[1] = 1; // Ethernet
        p[2] = 0x08; // IPv4
        p[4] = 6;
        p[5] = 4;
        p[7] = 1; // request
        ownMac.write(p, 8);
        MacAddress.BROADCAST.write(p, 18);
        System.arraycopy(v4Target.toBytes(), 0, p, 24, 4);
        return p;
    }

    /** Parses an ARP packet (no Ethernet header); a reply for Ethernet/IPv4 with a sender IP other than 0.0.0.0. */
    public static Optional<ArpReply> parseArpReply(byte[] p) {
        if (p.length < 28 || p[0] != 0 || p[1] != 1 || p[2] != 0x08 || p[3] != 0 || p[4] != 6 || p[5] != 4
                || p[6] != 0 || p[7] != 2) {
            return Optional.empty();
        }
        IpAddress sender = IpAddress.v4(((p[14] & 0xff) << 24) | ((p[15] & 0xff) << 16) | ((p[16] & 0xff) << 8)
                | (p[17] & 0xff));
        MacAddress mac = MacAddress.of(p, 8);
        if (sender.equals(IpAddress.V4_UNSPECIFIED) || mac.equals(MacAddress.ZERO)) {
            return Optional.empty();
        }
        return Optional.of(new ArpReply(mac, sender));
    }

    /**
     * An ICMPv6 Destination Unreachable, code 0 (no route), from {@code source} to the source of {@code dropped},
     * quoting as much of it as fits the IPv6 minimum MTU ({@value #ICMPV6_QUOTE} bytes), as a whole IPv6 packet with
     * its checksum, to write into the TUN device. Empty when no error may be sent (RFC 4443 §2.4 e): {@code dropped}
     * is not a whole IPv6 header, comes from an unspecified or multicast source, or is itself an ICMPv6 error.
     */
    public static Optional<byte[]> unreachable6(byte[] dropped, IpAddress source) {
        if (dropped.length < IPV6_HEADER || (dropped[0] & 0xf0) != 0x60) {
            return Optional.empty();
        }
        IpAddress to = address(dropped, 8);
        if (to.equals(IpAddress.V6_UNSPECIFIED) || to.isMulticast()) {
            return Optional.empty();
        }
        if ((dropped[6] & 0xff) == ICMPV6 && dropped.length > IPV6_HEADER && (dropped[IPV6_HEADER] & 0x80) == 0) {
            return Optional.empty();
        }
        int quote = Math.min(dropped.length, ICMPV6_QUOTE);
        int icmpLength = 8 + quote;
        byte[] p = new byte[IPV6_HEADER + icmpLength];
        p[0] = 0x60;
        p[4] = (byte) (icmpLength >>> 8);
        p[5] = (byte) icmpLength;
        p[6] = (byte) ICMPV6;
        p[7] = 64;
        System.arraycopy(source.toBytes16(), 0, p, 8, 16);
        System.arraycopy(dropped, 8, p, 24, 16);
        p[IPV6_HEADER] = 1; // destination unreachable, code 0: no route
        System.arraycopy(dropped, 0, p, IPV6_HEADER + 8, quote);
        int sum = pseudoHeaderSum(p, icmpLength) + sum(p, IPV6_HEADER, icmpLength);
        int checksum = fold(sum);
        p[IPV6_HEADER + 2] = (byte) (checksum >>> 8);
        p[IPV6_HEADER + 3] = (byte) checksum;
        return Optional.of(p);
    }

    /**
     * An ICMP Destination Unreachable, code 1 (host unreachable), from {@code source} to the source of the IPv4
     * packet {@code dropped}, quoting up to {@value #ICMPV4_QUOTE} bytes, as a whole IPv4 packet with both checksums.
     * Empty when no error may be sent (RFC 1812 §4.3.2.7): not a whole IPv4 header, a source of 0.0.0.0/8,
     * multicast or broadcast, a non-initial fragment, or an ICMP error itself.
     */
    public static Optional<byte[]> unreachable4(byte[] dropped, IpAddress source) {
        if (source.family() != Family.V4 || dropped.length < IPV4_HEADER || (dropped[0] & 0xf0) != 0x40) {
            return Optional.empty();
        }
        int headerLength = (dropped[0] & 0x0f) * 4;
        if (headerLength < IPV4_HEADER || headerLength > dropped.length) {
            return Optional.empty();
        }
        int from = ((dropped[12] & 0xff) << 24) | ((dropped[13] & 0xff) << 16) | ((dropped[14] & 0xff) << 8)
                | (dropped[15] & 0xff);
        if ((from >>> 24) == 0 || (from >>> 28) >= 0xe) {
            return Optional.empty();
        }
        if ((((dropped[6] & 0x1f) << 8) | (dropped[7] & 0xff)) != 0) {
            return Optional.empty();
        }
        if (dropped[9] == 1 && dropped.length > headerLength) {
            int t = dropped[headerLength] & 0xff;
            if (t != 0 && t != 8 && t != 13 && t != 14 && t != 17 && t != 18) {
                return Optional.empty();
            }
        }
        int quote = Math.min(dropped.length, ICMPV4_QUOTE);
        int total = IPV4_HEADER + 8 + quote;
        byte[] p = new byte[total];
        p[0] = 0x45;
        p[2] = (byte) (total >>> 8);
        p[3] = (byte) total;
        p[8] = 64;
        p[9] = 1;
        System.arraycopy(source.toBytes(), 0, p, 12, 4);
        System.arraycopy(dropped, 12, p, 16, 4);
        int headerSum = fold(sum(p, 0, IPV4_HEADER));
        p[10] = (byte) (headerSum >>> 8);
        p[11] = (byte) headerSum;
        p[IPV4_HEADER] = 3;
        p[IPV4_HEADER + 1] = 1;
        System.arraycopy(dropped, 0, p, IPV4_HEADER + 8, quote);
        int icmpSum = fold(sum(p, IPV4_HEADER, total - IPV4_HEADER));
        p[IPV4_HEADER + 2] = (byte) (icmpSum >>> 8);
        p[IPV4_HEADER + 3] = (byte) icmpSum;
        return Optional.of(p);
    }

    /**
     * The UDP payload of an IPv6 packet addressed to {@code port}, when {@code packet} is a whole IPv6 packet whose
     * next header is UDP (no extension headers: the intercom's datagrams have none) with a matching destination port,
     * a consistent length and a valid checksum; else empty. For intercom datagrams that reach the TUN device instead
     * of a socket (node-client addresses routed into it, docs/XLAT.md).
     */
    public static Optional<byte[]> udpPayload(byte[] packet, int port) {
        if (packet.length < IPV6_HEADER + 8 || (packet[0] & 0xf0) != 0x60 || (packet[6] & 0xff) != UDP) {
            return Optional.empty();
        }
        int payloadLength = ((packet[4] & 0xff) << 8) | (packet[5] & 0xff);
        int udpLength = ((packet[IPV6_HEADER + 4] & 0xff) << 8) | (packet[IPV6_HEADER + 5] & 0xff);
        int dport = ((packet[IPV6_HEADER + 2] & 0xff) << 8) | (packet[IPV6_HEADER + 3] & 0xff);
        if (dport != port || udpLength < 8 || udpLength != payloadLength || IPV6_HEADER + udpLength > packet.length) {
            return Optional.empty();
        }
        int sum = sum(packet, 8, 32) + udpLength + UDP + sum(packet, IPV6_HEADER, udpLength);
        if (fold(sum) != 0) {
            return Optional.empty(); // also a zero checksum field, which IPv6 forbids for UDP (RFC 8200 §8.1)
        }
        byte[] data = new byte[udpLength - 8];
        System.arraycopy(packet, IPV6_HEADER + 8, data, 0, data.length);
        return Optional.of(data);
    }

    /**
     * The classic BPF program of the NS sniffer (an AF_PACKET SOCK_DGRAM socket for ethertype IPv6, so the packet
     * starts at the IPv6 header): accept a packet whose next header (offset 6) is ICMPv6 and whose byte 40 (the type
     * right after a 40-byte header) is 135, drop everything else. 8 bytes per instruction, {@code struct sock_filter}
     * in the machine's byte order, for SO_ATTACH_FILTER.
     */
    public static byte[] solicitationFilter() {
        ByteBuffer b = ByteBuffer.allocate(6 * 8).order(ByteOrder.nativeOrder());
        instruction(b, 0x30, 0, 0, 6); //          ldb [6]
        instruction(b, 0x15, 0, 3, ICMPV6); //     jeq #58, next, drop
        instruction(b, 0x30, 0, 0, IPV6_HEADER); // ldb [40]
        instruction(b, 0x15, 0, 1, NS); //         jeq #135, next, drop
        instruction(b, 0x06, 0, 0, 0x40000); //    ret #262144 (all of it)
        instruction(b, 0x06, 0, 0, 0); //          drop: ret #0
        return b.array();
    }

    private static void instruction(ByteBuffer b, int code, int jt, int jf, int k) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }

    /** The one's-complement sum of the IPv6 pseudo-header of the packet {@code p} (RFC 8200 §8.1). */
    private static int pseudoHeaderSum(byte[] p, int upperLength) {
        return sum(p, 8, 32) + (upperLength >>> 16) + (upperLength & 0xffff) + ICMPV6;
    }

    /** 16-bit big-endian words of {@code p[offset, offset+length)} added up (an odd last byte padded with 0). */
    static int sum(byte[] p, int offset, int length) {
        int s = 0;
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            s += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        if (i < end) {
            s += (p[i] & 0xff) << 8;
        }
        return s;
    }

    /** Folds a sum to 16 bits and complements it: the Internet checksum. */
    static int fold(int sum) {
        long s = sum & 0xffff_ffffL;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) (~s & 0xffff);
    }

    private static IpAddress address(byte[] data, int offset) {
        return Intercom.address(data, offset);
    }
}
