package org.jbabel.xlat.nat426;

import java.util.Locale;
import org.jbabel.wire.MacAddress;
import org.jbabel.wire.IpAddress;

/**
 * An Ethernet frame carrying an ARP packet for IPv4 over Ethernet (RFC 826), as NAT426 reads and writes them on its
 * TAP port: destination and source MAC, ethertype 0x0806, then hardware type 1, protocol 0x0800, lengths 6 and 4, the
 * operation, and the sender's and target's hardware and protocol addresses. MACs are 48-bit longs, IPv4 addresses
 * ints.
 *
 * <p>{@link #decode} never throws on outside input: it returns the frame or the {@link Reason} it was refused for.
 * Frames longer than 42 bytes (Ethernet padding) are accepted; 802.1Q tags are not (the TAP port is untagged).
 */
public record ArpFrame(long ethDestination, long ethSource, int operation, long senderMac, int senderIp,
        long targetMac, int targetIp) {

    /** The Ethernet ethertype of ARP. */
    public static final int ETHERTYPE = 0x0806;
    /** Ethernet header + ARP packet. */
    public static final int LENGTH = 42;
    public static final int REQUEST = 1;
    public static final int REPLY = 2;

    /** Why a frame was refused; {@link #counter()} names its counter. */
    public enum Reason {
        /** Not an ARP frame at all (another ethertype): not counted, NAT426 ignores other traffic. */
        NOT_ARP,
        /** Shorter than 42 bytes. */
        SHORT,
        /** Hardware type other than Ethernet (1) or hardware length other than 6. */
        HARDWARE,
        /** Protocol type other than IPv4 (0x0800) or protocol length other than 4. */
        PROTOCOL,
        /** An operation other than request (1) or reply (2). */
        OPERATION,
        /** A sender hardware address that is zero, multicast or broadcast. */
        SENDER_MAC,
        /** A sender protocol address that is multicast, broadcast or loopback. */
        SENDER_IP;

        /** {@code arp_malformed_<reason>}. */
        public String counter() {
            return "arp_malformed_" + name().toLowerCase(Locale.ROOT);
        }
    }

    /** A decoded frame or the reason it was refused (exactly one is non-null). */
    public record Result(ArpFrame frame, Reason reason) {}

    /** A request ({@code who has targetIp? tell senderIp}) broadcast from {@code senderMac}. */
    public static ArpFrame request(long senderMac, int senderIp, int targetIp) {
        return new ArpFrame(MacAddress.BROADCAST.bits(), senderMac, REQUEST, senderMac, senderIp, 0, targetIp);
    }

    /** A unicast reply {@code ip is-at mac}, to {@code toMac}/{@code toIp}. */
    public static ArpFrame reply(long mac, int ip, long toMac, int toIp) {
        return new ArpFrame(toMac, mac, REPLY, mac, ip, toMac, toIp);
    }

    public boolean isRequest() {
        return operation == REQUEST;
    }

    /**
     * Whether this announces the sender's own address rather than asking for another: a gratuitous ARP (sender and
     * target address equal) or a probe (RFC 5227: sender address 0.0.0.0).
     */
    public boolean isAnnouncementOrProbe() {
        return senderIp == targetIp || senderIp == 0;
    }

    /** The frame's bytes (42, unpadded). */
    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        putMac(b, 0, ethDestination);
        putMac(b, 6, ethSource);
        b[12] = 0x08;
        b[13] = 0x06;
        b[15] = 1;
        b[16] = 0x08;
        b[18] = 6;
        b[19] = 4;
        b[21] = (byte) operation;
        putMac(b, 22, senderMac);
        putInt(b, 28, senderIp);
        putMac(b, 32, targetMac);
        putInt(b, 38, targetIp);
        return b;
    }

    /** Decodes the first {@code length} bytes of {@code b}. */
    public static Result decode(byte[] b, int length) {
        if (length < 14 || b.length < length) {
            return refused(Reason.SHORT);
        }
        if (u16(b, 12) != ETHERTYPE) {
            return refused(Reason.NOT_ARP);
        }
        if (length < LENGTH) {
            return refused(Reason.SHORT);
        }
        if (u16(b, 14) != 1 || b[18] != 6) {
            return refused(Reason.HARDWARE);
        }
        if (u16(b, 16) != 0x0800 || b[19] != 4) {
            return refused(Reason.PROTOCOL);
        }
        int op = u16(b, 20);
        if (op != REQUEST && op != REPLY) {
            return refused(Reason.OPERATION);
        }
        long sha = mac(b, 22);
        if (sha == 0 || isGroup(sha)) {
            return refused(Reason.SENDER_MAC);
        }
        int spa = i32(b, 28);
        int first = spa >>> 24;
        if (spa == -1 || first == 127 || (first & 0xf0) == 0xe0) {
            return refused(Reason.SENDER_IP);
        }
        return new Result(new ArpFrame(mac(b, 0), mac(b, 6), op, sha, spa, mac(b, 32), i32(b, 38)), null);
    }

    /** Whether a 48-bit MAC is multicast or broadcast (the group bit of the first octet). */
    static boolean isGroup(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    private static Result refused(Reason r) {
        return new Result(null, r);
    }

    static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }

    static int i32(byte[] b, int o) {
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    /** The 48-bit MAC at {@code o}. */
    static long mac(byte[] b, int o) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b[o + i] & 0xff);
        }
        return v;
    }

    static void putMac(byte[] b, int o, long mac) {
        for (int i = 0; i < 6; i++) {
            b[o + i] = (byte) (mac >>> (40 - 8 * i));
        }
    }

    static void putInt(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }

    @Override
    public String toString() {
        return (isRequest() ? "who-has " + ip(targetIp) + " tell " + ip(senderIp) : ip(senderIp) + " is-at "
                + new MacAddress(senderMac)) + " (" + new MacAddress(ethSource) + " > " + new MacAddress(ethDestination)
                + ")";
    }

    static String ip(int v4) {
        return IpAddress.v4(v4).toString();
    }
}
