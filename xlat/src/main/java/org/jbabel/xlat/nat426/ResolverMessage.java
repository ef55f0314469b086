package org.jbabel.xlat.nat426;

import java.util.Locale;
import org.jbabel.wire.MacAddress;
import org.jbabel.wire.IpAddress;

/**
 * The NAT426 resolver's datagrams (docs/XLAT.md decision 4, "Resolver wire format"): a query for the MAC of an IPv4
 * address or for the IPv4 address of a MAC, flooded to the mesh, and the answer carrying the pair, sent by unicast to
 * the asker. All fields big-endian:
 * <pre>
 *  0: version (1)   1: type   2-3: reserved, zero   4-7: nonce
 *  type 1 QUERY_IPV4   8-11: IPv4 address                                 12 bytes
 *  type 2 QUERY_MAC    8-13: MAC, 14-15: zero                             16 bytes
 *  type 3 ANSWER       8-13: MAC, 14-15: zero, 16-19: IPv4 address,
 *                      20-23: the exit the client uses (0.0.0.0: none)   24 bytes
 * </pre>
 * An answer repeats the nonce of the query it answers. A datagram of another length than its type's is refused (no
 * trailing bytes, so a later version adds types, not fields).
 *
 * <p>{@link #decode} never throws on outside input: it returns the message or the {@link Reason} it was refused for.
 *
 * @param type {@link #QUERY_IPV4}, {@link #QUERY_MAC} or {@link #ANSWER}
 * @param mac the client's MAC (48 bits; 0 in a QUERY_IPV4)
 * @param ipv4 the client's address (0 in a QUERY_MAC)
 * @param exit in an ANSWER, the exit address the client's frames name where the answer comes from, 0 when none
 *     (a node the client roams to keeps it on that exit: docs/XLAT.md decision 3)
 */
public record ResolverMessage(int type, int nonce, long mac, int ipv4, int exit) {

    /** The UDP port the resolver listens on, on every node. */
    public static final int PORT = 4260;
    /** The link-local group queries are flooded to when mmfd does not run (one hop on Babel's interfaces). */
    public static final IpAddress GROUP = IpAddress.v6(0xff02_0000_0000_0000L, 0x4260L);
    public static final int VERSION = 1;
    public static final int QUERY_IPV4 = 1;
    public static final int QUERY_MAC = 2;
    public static final int ANSWER = 3;
    static final int HEADER = 8;

    /** Why a datagram was refused; {@link #counter()} names its counter. */
    public enum Reason {
        /** Shorter than the 8-byte header. */
        SHORT,
        /** A version other than 1. */
        VERSION,
        /** A type other than 1..3. */
        TYPE,
        /** Not exactly the type's length. */
        LENGTH,
        /** A reserved field that is not zero. */
        RESERVED,
        /** A MAC that is zero, multicast or broadcast. */
        MAC,
        /** An IPv4 address that is 0.0.0.0, broadcast, loopback or multicast. */
        ADDRESS;

        /** {@code resolver_malformed_<reason>}. */
        public String counter() {
            return "resolver_malformed_" + name().toLowerCase(Locale.ROOT);
        }
    }

    /** A decoded message or the reason it was refused (exactly one is non-null). */
    public record Result(ResolverMessage message, Reason reason) {}

    public static ResolverMessage queryIpv4(int nonce, int ipv4) {
        return new ResolverMessage(QUERY_IPV4, nonce, 0, ipv4, 0);
    }

    public static ResolverMessage queryMac(int nonce, long mac) {
        return new ResolverMessage(QUERY_MAC, nonce, mac, 0, 0);
    }

    public static ResolverMessage answer(int nonce, long mac, int ipv4) {
        return answer(nonce, mac, ipv4, 0);
    }

    public static ResolverMessage answer(int nonce, long mac, int ipv4, int exit) {
        return new ResolverMessage(ANSWER, nonce, mac, ipv4, exit);
    }

    public ResolverMessage {
        if (type < QUERY_IPV4 || type > ANSWER) {
            throw new IllegalArgumentException("resolver message type is 1..3, not " + type);
        }
        if ((mac & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("a MAC has 48 bits");
        }
    }

    /** The datagram's length for a type. */
    static int length(int type) {
        return switch (type) {
            case QUERY_IPV4 -> 12;
            case QUERY_MAC -> 16;
            default -> 24;
        };
    }

    public byte[] encode() {
        byte[] b = new byte[length(type)];
        b[0] = VERSION;
        b[1] = (byte) type;
        ArpFrame.putInt(b, 4, nonce);
        if (type == QUERY_IPV4) {
            ArpFrame.putInt(b, 8, ipv4);
        } else {
            ArpFrame.putMac(b, 8, mac);
            if (type == ANSWER) {
                ArpFrame.putInt(b, 16, ipv4);
                ArpFrame.putInt(b, 20, exit);
            }
        }
        return b;
    }

    /** Decodes {@code length} bytes of {@code b} from {@code offset}. */
    public static Result decode(byte[] b, int offset, int length) {
        if (offset < 0 || length < HEADER || b.length - offset < length) {
            return refused(Reason.SHORT);
        }
        if ((b[offset] & 0xff) != VERSION) {
            return refused(Reason.VERSION);
        }
        int type = b[offset + 1] & 0xff;
        if (type < QUERY_IPV4 || type > ANSWER) {
            return refused(Reason.TYPE);
        }
        if (length != length(type)) {
            return refused(Reason.LENGTH);
        }
        if (b[offset + 2] != 0 || b[offset + 3] != 0 || (type != QUERY_IPV4 && ArpFrame.u16(b, offset + 14) != 0)) {
            return refused(Reason.RESERVED);
        }
        int nonce = ArpFrame.i32(b, offset + 4);
        long mac = 0;
        int ip = 0;
        if (type != QUERY_IPV4) {
            mac = ArpFrame.mac(b, offset + 8);
            if (mac == 0 || ArpFrame.isGroup(mac)) {
                return refused(Reason.MAC);
            }
        }
        if (type != QUERY_MAC) {
            ip = ArpFrame.i32(b, offset + (type == ANSWER ? 16 : 8));
            if (!usable(ip)) {
                return refused(Reason.ADDRESS);
            }
        }
        int exit = type == ANSWER ? ArpFrame.i32(b, offset + 20) : 0;
        return new Result(new ResolverMessage(type, nonce, mac, ip, exit), null);
    }

    /** Whether an IPv4 address can be a client's: not 0.0.0.0, 255.255.255.255, 127/8 or 224/4. */
    static boolean usable(int ip) {
        int first = ip >>> 24;
        return ip != 0 && ip != -1 && first != 127 && (first & 0xf0) != 0xe0;
    }

    private static Result refused(Reason r) {
        return new Result(null, r);
    }

    @Override
    public String toString() {
        String what = switch (type) {
            case QUERY_IPV4 -> "query " + IpAddress.v4(ipv4);
            case QUERY_MAC -> "query " + new MacAddress(mac);
            default -> "answer " + new MacAddress(mac) + " " + IpAddress.v4(ipv4)
                    + (exit != 0 ? " exit " + IpAddress.v4(exit) : "");
        };
        return what + " nonce " + Integer.toHexString(nonce);
    }
}
