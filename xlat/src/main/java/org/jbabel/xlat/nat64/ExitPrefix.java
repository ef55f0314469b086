package org.jbabel.xlat.nat64;

import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * The exits' address plan (docs/XLAT.md decision 2): from the mesh-wide metaprefix MP, the /96 {@code XP(E)} of the
 * exit whose IPv4 address is E, whose last 32 bits carry an IPv4 address (the destination of a client's packet, the
 * source of a reply). A /64 metaprefix gives MP ‖ E (E's first octet in RFC 6052's u-octet, the layout Gluon
 * operators were told); a /56 one lays E out as RFC 6052 lays an address under a /56 (byte 7 = E[0], byte 8 = 0,
 * bytes 9-11 = E[1..3]), which a third-party NAT64 accepts. NAT426 and NAT64 both use it.
 *
 * <p>The packet path works on the two halves of an IPv6 address as {@code long}s or on the bytes in a packet, so that
 * nothing is allocated per packet; the {@link IpAddress} forms are for configuration, control and tests.
 *
 * @param metaprefix an IPv6 /64 or /56
 */
public record ExitPrefix(Prefix metaprefix) {

    public ExitPrefix {
        if (metaprefix.family() != Family.V6 || (metaprefix.length() != 64 && metaprefix.length() != 56)) {
            throw new IllegalArgumentException("the metaprefix must be an IPv6 /64 or /56, not " + metaprefix);
        }
    }

    /** Whether the metaprefix is a /56 (the RFC 6052 layout). */
    public boolean rfc6052() {
        return metaprefix.length() == 56;
    }

    /** The high 64 bits of every address in {@code XP(e)}. */
    public long high(int e) {
        long mp = metaprefix.address().hi();
        return rfc6052() ? mp | ((e >>> 24) & 0xffL) : mp;
    }

    /** The low 64 bits of the address of IPv4 {@code v4} in {@code XP(e)}. */
    public long low(int e, int v4) {
        long exitBits = rfc6052() ? e & 0xff_ffffL : e & 0xffff_ffffL;
        return (exitBits << 32) | (v4 & 0xffff_ffffL);
    }

    /** {@code XP(e)}, the exit's /96. */
    public Prefix exitPrefix(int e) {
        return new Prefix(IpAddress.v6(high(e), low(e, 0)), 96);
    }

    /** {@code XP(e)} of an IPv4 exit address. */
    public Prefix exitPrefix(IpAddress e) {
        return exitPrefix(v4(e));
    }

    /** The address {@code XP(e) ‖ v4}. */
    public IpAddress address(int e, int v4) {
        return IpAddress.v6(high(e), low(e, v4));
    }

    /** Whether {@code hi:lo} is in the /96 of some exit (for a /56 metaprefix: with byte 8 zero). */
    public boolean contains(long hi, long lo) {
        long mp = metaprefix.address().hi();
        return rfc6052() ? (hi & ~0xffL) == mp && (lo >>> 56) == 0 : hi == mp;
    }

    public boolean contains(IpAddress a) {
        return a.family() == Family.V6 && contains(a.hi(), a.lo());
    }

    /** Whether {@code hi:lo} is in {@code XP(e)}. */
    public boolean inExit(int e, long hi, long lo) {
        return hi == high(e) && (lo >>> 32) == (low(e, 0) >>> 32);
    }

    /**
     * The exit E of an address in some exit's /96.
     *
     * @throws IllegalArgumentException when {@link #contains(long, long)} is false (ask first)
     */
    public int exit(long hi, long lo) {
        if (!contains(hi, lo)) {
            throw new IllegalArgumentException("not in an exit prefix of " + metaprefix);
        }
        return rfc6052() ? (int) (((hi & 0xff) << 24) | ((lo >>> 32) & 0xff_ffffL)) : (int) (lo >>> 32);
    }

    public int exit(IpAddress a) {
        if (a.family() != Family.V6) {
            throw new IllegalArgumentException("not an IPv6 address: " + a);
        }
        return exit(a.hi(), a.lo());
    }

    /** The IPv4 address an address of an exit's /96 carries: its last 32 bits. */
    public static int ipv4(long lo) {
        return (int) lo;
    }

    public static int ipv4(IpAddress a) {
        return ipv4(a.lo());
    }

    // ---- on the bytes of a packet ----

    /** Writes {@code XP(e) ‖ v4} into {@code b} at {@code offset} (16 bytes). */
    public void write(byte[] b, int offset, int e, int v4) {
        putLong(b, offset, high(e));
        putLong(b, offset + 8, low(e, v4));
    }

    /** {@link #contains(long, long)} of the 16 bytes at {@code offset}. */
    public boolean contains(byte[] b, int offset) {
        return contains(getLong(b, offset), getLong(b, offset + 8));
    }

    /** {@link #exit(long, long)} of the 16 bytes at {@code offset}. */
    public int exit(byte[] b, int offset) {
        return exit(getLong(b, offset), getLong(b, offset + 8));
    }

    /** The IPv4 address in the last 4 of the 16 bytes at {@code offset}. */
    public static int ipv4(byte[] b, int offset) {
        return (int) getLong(b, offset + 8);
    }

    private static int v4(IpAddress a) {
        if (a.family() != Family.V4) {
            throw new IllegalArgumentException("an exit address is IPv4, not " + a);
        }
        return a.v4Bits();
    }

    private static long getLong(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[offset + i] & 0xff);
        }
        return v;
    }

    private static void putLong(byte[] b, int offset, long v) {
        for (int i = 7; i >= 0; i--) {
            b[offset + i] = (byte) v;
            v >>>= 8;
        }
    }
}
