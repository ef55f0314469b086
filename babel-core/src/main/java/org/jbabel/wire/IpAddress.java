package org.jbabel.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as a value. Kept as 128 bits (IPv4 as ::ffff:a.b.c.d, as babeld does), so that
 * comparisons and hashing are cheap in tables with many entries.
 */
public record IpAddress(Family family, long hi, long lo) implements Comparable<IpAddress> {

    private static final long V4_MAPPED = 0x0000_ffff_0000_0000L;

    public static final IpAddress V6_UNSPECIFIED = new IpAddress(Family.V6, 0, 0);
    public static final IpAddress V4_UNSPECIFIED = v4(0);
    /** ff02::1:6, the Babel link-local multicast group. */
    public static final IpAddress BABEL_GROUP = new IpAddress(Family.V6, 0xff02_0000_0000_0000L, 0x0000_0000_0001_0006L);

    public IpAddress {
        if (family == Family.V4 && (hi != 0 || (lo & 0xffff_ffff_0000_0000L) != V4_MAPPED)) {
            throw new IllegalArgumentException("IPv4 address must be stored v4-mapped");
        }
    }

    public static IpAddress v4(int address) {
        return new IpAddress(Family.V4, 0, V4_MAPPED | (address & 0xffff_ffffL));
    }

    public static IpAddress v6(long hi, long lo) {
        return new IpAddress(Family.V6, hi, lo);
    }

    /** From 4 or 16 bytes. */
    public static IpAddress of(byte[] b) {
        if (b.length == 4) {
            return v4(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
        }
        if (b.length == 16) {
            return v6(readLong(b, 0), readLong(b, 8));
        }
        throw new IllegalArgumentException("address must have 4 or 16 bytes, not " + b.length);
    }

    public static IpAddress of(InetAddress address) {
        return of(address.getAddress());
    }

    /**
     * Parses a numeric address exactly as {@code inet_pton} does (glibc, which babeld uses): IPv4 as four decimal
     * parts 0..255 without leading zeros ({@code 1.2.3}, {@code 1.2.3.4.5}, {@code 01.2.3.4} and {@code 1.2.3.256}
     * are refused; {@code inet_aton}'s short and octal forms are not accepted); IPv6 as at most eight groups of one
     * to four hex digits with at most one {@code ::} (which stands for at least one group) and optionally an IPv4
     * tail in the last 32 bits. Nothing is trimmed, no name is resolved, and a zone id ({@code fe80::1%eth0}) is
     * refused: an address here is a value, the interface goes elsewhere. An IPv6 literal in ::ffff:0:0/96 gives the
     * IPv4 address (jbabel keeps IPv4 v4-mapped, as babeld does, and the configuration parser reads it so).
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static IpAddress parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty string is not an IP address");
        }
        if (text.indexOf('%') >= 0) {
            throw new IllegalArgumentException("not a numeric IP address: '" + text
                    + "' (a zone id is not part of an address)");
        }
        if (text.indexOf(':') < 0) {
            long a = parseV4(text, 0, text.length());
            if (a < 0) {
                throw new IllegalArgumentException("not a numeric IPv4 address: '" + text
                        + "' (four decimal parts 0-255 without leading zeros; host names are not resolved)");
            }
            return v4((int) a);
        }
        IpAddress a = parseV6(text);
        if (a == null) {
            throw new IllegalArgumentException("not a numeric IPv6 address: '" + text + "'");
        }
        return a.isV4Mapped() ? v4((int) a.lo) : a;
    }

    /** The dotted quad in {@code s[from, to)} as an unsigned 32-bit value, or -1. */
    private static long parseV4(String s, int from, int to) {
        long a = 0;
        int parts = 0;
        int i = from;
        while (true) {
            int start = i;
            int v = 0;
            while (i < to && i - start < 4 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || v > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            a = (a << 8) | v;
            parts++;
            if (i == to) {
                return parts == 4 ? a : -1;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
    }

    private static IpAddress parseV6(String s) {
        int[] groups = new int[8];
        int n = 0;
        int gap = -1;
        int len = s.length();
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < len) {
            int start = i;
            int v = 0;
            while (i < len && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 0x80) {
                v = (v << 4) | Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < len && s.charAt(i) == '.') {
                long a = parseV4(s, start, len);
                if (a < 0 || n > 6) {
                    return null;
                }
                groups[n++] = (int) (a >>> 16);
                groups[n++] = (int) (a & 0xffff);
                break;
            }
            if (i == start || i - start > 4 || n == 8) {
                return null;
            }
            groups[n++] = v;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':' || ++i == len) {
                return null;
            }
            if (s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = n;
                i++;
            }
        }
        if (gap >= 0) {
            if (n == 8) {
                return null;
            }
            int tail = n - gap;
            System.arraycopy(groups, gap, groups, 8 - tail, tail);
            java.util.Arrays.fill(groups, gap, 8 - tail, 0);
        } else if (n != 8) {
            return null;
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | groups[g];
            lo = (lo << 16) | groups[g + 4];
        }
        return v6(hi, lo);
    }

    /** The low 32 bits: the IPv4 address of a V4 value. */
    public int v4Bits() {
        return (int) lo;
    }

    /** 4 bytes for IPv4, 16 for IPv6. */
    public byte[] toBytes() {
        if (family == Family.V4) {
            int a = v4Bits();
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        byte[] b = new byte[16];
        writeLong(b, 0, hi);
        writeLong(b, 8, lo);
        return b;
    }

    /** 16 bytes, IPv4 as ::ffff:a.b.c.d. */
    public byte[] toBytes16() {
        byte[] b = new byte[16];
        writeLong(b, 0, hi);
        writeLong(b, 8, lo);
        return b;
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Bit {@code i} of the address, counted from the most significant bit of the family's own bits. */
    public boolean bit(int i) {
        int pos = family == Family.V4 ? i + 96 : i;
        long word = pos < 64 ? hi : lo;
        return ((word >>> (63 - (pos & 63))) & 1) != 0;
    }

    public boolean isLinkLocal() {
        return family == Family.V6 ? (hi >>> 54) == (0xfe80L >>> 6) : (v4Bits() >>> 16) == 0xa9fe;
    }

    public boolean isMulticast() {
        return family == Family.V6 ? (hi >>> 56) == 0xff : (v4Bits() >>> 28) == 0xe;
    }

    /** An IPv6 address in ::ffff:0:0/96 (an IPv4 address written as IPv6). */
    public boolean isV4Mapped() {
        return family == Family.V6 && hi == 0 && (lo >>> 32) == 0xffffL;
    }

    /**
     * Whether a route can ever go through this address. Never: for IPv6 the unspecified and loopback addresses,
     * multicast and v4-mapped addresses; for IPv4 0.0.0.0/8, 127.0.0.0/8 and 224.0.0.0/3 (multicast, the reserved
     * 240.0.0.0/4 and the broadcast address). Linux refuses some of these with EINVAL (::, ::1, multicast, 0.0.0.0,
     * 127/8, 255.255.255.255) but installs routes through the others (0.1.2.3, 240.0.0.1, 255.255.0.3, v4-mapped),
     * which no neighbour can have.
     */
    public boolean canBeNextHop() {
        if (family == Family.V6) {
            return !(hi == 0 && (lo == 0 || lo == 1)) && !isMulticast() && !isV4Mapped();
        }
        int first = v4Bits() >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    /**
     * A well-mixed hash that does not depend on the enum's identity hash, so that hash-based tables behave the
     * same in every run (determinism of the simulator) and addresses that differ only in a few middle bits
     * (as generated ones do) spread over the buckets.
     */
    @Override
    public int hashCode() {
        return (int) mix(mix(hi ^ family.ordinal()) ^ lo);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof IpAddress a && hi == a.hi && lo == a.lo && family == a.family);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        if (family == Family.V4) {
            int a = v4Bits();
            return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            long w = i < 4 ? hi : lo;
            g[i] = (int) ((w >>> (48 - 16 * (i & 3))) & 0xffff);
        }
        // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on ties.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static void writeLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
