package org.jbabel.xlat.translate;

import java.util.Arrays;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * An RFC 6052 prefix: IPv4 addresses embedded into and extracted from IPv6 addresses (spec §3). Lengths 32, 40, 48,
 * 56, 64 and 96; bits 64-71 (the u-octet) never carry IPv4 bits, the bytes after the IPv4 bits are the suffix.
 * Embedding writes zero into both; extraction reports a non-zero u-octet or suffix as {@link #U_OCTET} or
 * {@link #SUFFIX} (tayga refuses such addresses too, spec §7.3) instead of throwing. Instances are immutable; the
 * embed and extract methods allocate nothing.
 */
public final class Rfc6052 {

    /** {@link #extract} of an address outside the prefix. */
    public static final long NOT_IN_PREFIX = -1;
    /** {@link #extract} of an address whose u-octet (byte 8) is not zero, for lengths below 96. */
    public static final long U_OCTET = -2;
    /** {@link #extract} of an address whose suffix (the bytes after the IPv4 bits) is not zero. */
    public static final long SUFFIX = -3;

    /** The Well-Known Prefix 64:ff9b::/96. */
    public static final Rfc6052 WELL_KNOWN = of(IpAddress.parse("64:ff9b::"), 96);

    private final byte[] prefix;
    private final int length;
    /** Where the four IPv4 bytes go. */
    private final int[] at;

    private Rfc6052(byte[] prefix, int length) {
        this.prefix = prefix;
        this.length = length;
        this.at = switch (length) {
            case 32 -> new int[] {4, 5, 6, 7};
            case 40 -> new int[] {5, 6, 7, 9};
            case 48 -> new int[] {6, 7, 9, 10};
            case 56 -> new int[] {7, 9, 10, 11};
            case 64 -> new int[] {9, 10, 11, 12};
            case 96 -> new int[] {12, 13, 14, 15};
            default -> throw new IllegalArgumentException("an RFC 6052 prefix is 32, 40, 48, 56, 64 or 96 bits long, "
                    + "not " + length);
        };
    }

    /**
     * The prefix {@code address/length}; bits of {@code address} beyond {@code length} are cleared. A /96 may carry
     * a non-zero u-octet (the XP(E) layout of docs/XLAT.md decision 2 does); RFC 6052 says it MUST NOT, but
     * nothing here depends on it.
     */
    public static Rfc6052 of(IpAddress address, int length) {
        if (address.family() != Family.V6) {
            throw new IllegalArgumentException("an RFC 6052 prefix is IPv6, not " + address);
        }
        byte[] b = address.toBytes16();
        Arrays.fill(b, length / 8, 16, (byte) 0);
        return new Rfc6052(b, length);
    }

    /** {@code 2001:db8::/32} and the like. */
    public static Rfc6052 parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("an RFC 6052 prefix needs a length: " + text);
        }
        return of(IpAddress.parse(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1)));
    }

    public int length() {
        return length;
    }

    /** The prefix's 16 bytes (a copy). */
    public byte[] bytes() {
        return prefix.clone();
    }

    /** Whether the first {@link #length()} bits of {@code a[off..off+15]} are the prefix. */
    public boolean contains(byte[] a, int off) {
        return Arrays.equals(a, off, off + length / 8, prefix, 0, length / 8);
    }

    /** Writes the IPv6 address embedding {@code ipv4} into {@code out[off..off+15]}. */
    public void embed(int ipv4, byte[] out, int off) {
        System.arraycopy(prefix, 0, out, off, 16);
        out[off + at[0]] = (byte) (ipv4 >>> 24);
        out[off + at[1]] = (byte) (ipv4 >>> 16);
        out[off + at[2]] = (byte) (ipv4 >>> 8);
        out[off + at[3]] = (byte) ipv4;
    }

    /** The embedding of {@code ipv4} as an address (allocates; for configuration and tests). */
    public IpAddress embed(IpAddress ipv4) {
        byte[] b = new byte[16];
        embed(ipv4.v4Bits(), b, 0);
        return IpAddress.of(b);
    }

    /**
     * The IPv4 address embedded in {@code a[off..off+15]} as an unsigned value, or {@link #NOT_IN_PREFIX},
     * {@link #U_OCTET}, {@link #SUFFIX}.
     */
    public long extract(byte[] a, int off) {
        if (!contains(a, off)) {
            return NOT_IN_PREFIX;
        }
        if (length < 96 && a[off + 8] != 0) {
            return U_OCTET;
        }
        for (int i = at[3] + 1; i < 16; i++) {
            if (a[off + i] != 0) {
                return SUFFIX;
            }
        }
        return ((a[off + at[0]] & 0xffL) << 24) | ((a[off + at[1]] & 0xff) << 16) | ((a[off + at[2]] & 0xff) << 8)
                | (a[off + at[3]] & 0xff);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rfc6052 r && r.length == length && Arrays.equals(r.prefix, prefix);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prefix) * 31 + length;
    }

    @Override
    public String toString() {
        return IpAddress.of(prefix) + "/" + length;
    }
}
