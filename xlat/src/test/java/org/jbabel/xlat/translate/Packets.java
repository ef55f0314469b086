package org.jbabel.xlat.translate;

import java.util.Arrays;
import java.util.HexFormat;
import org.jbabel.wire.IpAddress;

/**
 * Test packets built by hand and checked independently of the translator: headers, full transport checksums
 * computed from scratch, and the masks that hide the fields where tayga 0.9.2 departs from RFC 7915 (spec §7.4).
 * Shared with conformance-tests (TaygaOracleTest) through the test-jar.
 */
public final class Packets {

    public static final HexFormat HEX = HexFormat.of();
    public static final int C4 = IpAddress.parse("10.20.0.5").v4Bits();
    public static final int R4 = IpAddress.parse("198.51.100.7").v4Bits();
    public static final byte[] C6 = IpAddress.parse("fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456").toBytes16();
    public static final byte[] R6 = IpAddress.parse("fd7a:1:2:3:aff:1:c633:6407").toBytes16();
    public static final IpAddress TAYGA4 = IpAddress.parse("192.168.255.1");
    public static final IpAddress TAYGA6 = IpAddress.parse("fd7a:1:2:3:aff:1:c0a8:ff01");
    public static final Rfc6052 PREFIX = Rfc6052.parse("fd7a:1:2:3:aff:1::/96");

    private Packets() {}

    /** The static mapping of spec §7.5 (what tayga was configured with). */
    public static SiitMapping taygaMapping() {
        return new SiitMapping(PREFIX, java.util.Map.of(IpAddress.v4(C4), IpAddress.of(C6)), TAYGA4);
    }

    /** tayga's MTUs and error sources (tun MTU 1500, lowest IPv6 MTU 1280). */
    public static TranslatorConfig taygaConfig() {
        return TranslatorConfig.of(TAYGA4, TAYGA6);
    }

    public static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    /** An IPv4 packet; {@code flags} is the whole flags/offset word (0x4000 DF, 0x2000 MF, offset/8). */
    public static byte[] ipv4(int tos, int id, int flags, int ttl, int proto, int src, int dst, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        p[1] = (byte) tos;
        Checksum.put16(p, 2, p.length);
        Checksum.put16(p, 4, id);
        Checksum.put16(p, 6, flags);
        p[8] = (byte) ttl;
        p[9] = (byte) proto;
        Checksum.put32(p, 12, src);
        Checksum.put32(p, 16, dst);
        Checksum.put16(p, 10, Checksum.finish(Checksum.sum(p, 0, 20)));
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    /** An IPv6 packet (payload may start with extension headers). */
    public static byte[] ipv6(int tc, int nh, int hopLimit, byte[] src, byte[] dst, byte[] payload) {
        byte[] p = new byte[40 + payload.length];
        Checksum.put32(p, 0, 0x6000_0000 | tc << 20);
        Checksum.put16(p, 4, payload.length);
        p[6] = (byte) nh;
        p[7] = (byte) hopLimit;
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    public static byte[] udp(int sport, int dport, byte[] data) {
        byte[] u = new byte[8 + data.length];
        Checksum.put16(u, 0, sport);
        Checksum.put16(u, 2, dport);
        Checksum.put16(u, 4, u.length);
        System.arraycopy(data, 0, u, 8, data.length);
        return u;
    }

    /** A TCP header (data offset 5 plus {@code options}, a multiple of 4) and data. */
    public static byte[] tcp(int sport, int dport, int seq, int flags, byte[] options, byte[] data) {
        byte[] t = new byte[20 + options.length + data.length];
        Checksum.put16(t, 0, sport);
        Checksum.put16(t, 2, dport);
        Checksum.put32(t, 4, seq);
        t[12] = (byte) ((5 + options.length / 4) << 4);
        t[13] = (byte) flags;
        Checksum.put16(t, 14, 64240);
        System.arraycopy(options, 0, t, 20, options.length);
        System.arraycopy(data, 0, t, 20 + options.length, data.length);
        return t;
    }

    /** An ICMP or ICMPv6 message: type, code, the 4-byte rest, then the body. */
    public static byte[] icmp(int type, int code, int rest, byte[] body) {
        byte[] m = new byte[8 + body.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        Checksum.put32(m, 4, rest);
        System.arraycopy(body, 0, m, 8, body.length);
        return m;
    }

    /** Where the transport header of an IP packet starts (after the IPv4 header or IPv6 extension headers). */
    public static int l4(byte[] p) {
        if ((p[0] & 0xf0) == 0x40) {
            return (p[0] & 0x0f) * 4;
        }
        int nh = p[6] & 0xff;
        int at = 40;
        while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && at + 8 <= p.length) {
            if (nh == 44) {
                if ((Checksum.get16(p, at + 2) & 0xfff8) != 0) {
                    return -1;
                }
                nh = p[at] & 0xff;
                at += 8;
            } else {
                int len = ((p[at + 1] & 0xff) + 1) * 8;
                nh = p[at] & 0xff;
                at += len;
            }
        }
        return at;
    }

    /** The transport protocol (IPv4 number, ICMPv6 as 58). */
    public static int protocol(byte[] p) {
        if ((p[0] & 0xf0) == 0x40) {
            return p[9] & 0xff;
        }
        int nh = p[6] & 0xff;
        int at = 40;
        while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && at + 8 <= p.length) {
            int len = nh == 44 ? 8 : ((p[at + 1] & 0xff) + 1) * 8;
            nh = p[at] & 0xff;
            at += len;
        }
        return nh;
    }

    /** The transport checksum's sum over pseudo-header and data; 0xffff when valid (after folding). */
    private static int transportSum(byte[] p, int l4, int l4len, int proto) {
        long s = Checksum.sum(p, l4, l4len);
        if ((p[0] & 0xf0) == 0x40) {
            if (proto != 1) {
                s += Checksum.sum(p, 12, 8) + proto + l4len;
            }
        } else {
            s += Checksum.sum(p, 8, 32) + l4len + proto;
        }
        return Checksum.fold(s);
    }

    /** Fills in the transport checksum of a whole (unfragmented) packet; returns it. */
    public static byte[] withChecksum(byte[] p) {
        int l4 = l4(p);
        int proto = protocol(p);
        int at = switch (proto) {
            case 6 -> 16;
            case 17 -> 6;
            case 1, 58 -> 2;
            default -> -1;
        };
        if (at < 0) {
            return p;
        }
        Checksum.put16(p, l4 + at, 0);
        int c = ~transportSum(p, l4, end(p) - l4, proto) & 0xffff;
        Checksum.put16(p, l4 + at, proto == 17 && c == 0 ? 0xffff : c);
        return p;
    }

    private static int end(byte[] p) {
        return (p[0] & 0xf0) == 0x40 ? Checksum.get16(p, 2) : 40 + Checksum.get16(p, 4);
    }

    /**
     * Null when the IPv4 header checksum (if IPv4) and the transport checksum (TCP, UDP, ICMP, ICMPv6 of an
     * unfragmented packet) are valid; else what is wrong. For an ICMP error also the quoted IPv4 header.
     */
    public static String checksumProblem(byte[] p) {
        boolean v4 = (p[0] & 0xf0) == 0x40;
        if (v4 && Checksum.fold(Checksum.sum(p, 0, 20)) != 0xffff) {
            return "IPv4 header checksum";
        }
        boolean fragment = v4 ? (Checksum.get16(p, 6) & 0x3fff) != 0 : hasFragmentHeader(p);
        int proto = protocol(p);
        int l4 = l4(p);
        if (fragment || l4 < 0 || !(proto == 6 || proto == 17 || proto == 1 || proto == 58)) {
            return null;
        }
        if (proto == 17 && Checksum.get16(p, l4 + 6) == 0 && v4) {
            return null;
        }
        if (transportSum(p, l4, end(p) - l4, proto) != 0xffff) {
            return "transport checksum of protocol " + proto;
        }
        if (v4 && proto == 1 && (p[l4] == 3 || p[l4] == 11 || p[l4] == 12) && p.length >= l4 + 28
                && Checksum.fold(Checksum.sum(p, l4 + 8, 20)) != 0xffff) {
            return "quoted IPv4 header checksum";
        }
        return null;
    }

    private static boolean hasFragmentHeader(byte[] p) {
        int nh = p[6] & 0xff;
        int at = 40;
        while ((nh == 0 || nh == 43 || nh == 60) && at + 8 <= p.length) {
            nh = p[at] & 0xff;
            at += ((p[at + 1] & 0xff) + 1) * 8;
        }
        return nh == 44;
    }

    /**
     * An IPv4 packet with the fields where tayga departs from RFC 7915 in 6→4 (spec §7.4: DF=1/ID=0, GEN_IDENT)
     * zeroed: Identification, DF, header checksum; for an ICMP error also those of the quoted IPv4 header and the
     * ICMP checksum. Checksums are checked separately ({@link #checksumProblem}).
     */
    public static byte[] maskIdAndDf(byte[] ipv4) {
        byte[] m = ipv4.clone();
        maskHeader(m, 0);
        int l4 = (m[0] & 0x0f) * 4;
        if (m[9] == 1 && m.length >= l4 + 28 && (m[l4] == 3 || m[l4] == 11 || m[l4] == 12)) {
            m[l4 + 2] = 0;
            m[l4 + 3] = 0;
            maskHeader(m, l4 + 8);
        }
        return m;
    }

    private static void maskHeader(byte[] m, int at) {
        m[at + 4] = 0;
        m[at + 5] = 0;
        m[at + 6] &= (byte) ~0x40;
        m[at + 10] = 0;
        m[at + 11] = 0;
    }

    public static String hex(byte[] b, int off, int len) {
        return HEX.formatHex(Arrays.copyOfRange(b, off, off + len));
    }
}
