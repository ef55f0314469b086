package org.jbabel.wire;

/**
 * An IPv4 or IPv6 prefix as a value; host bits are always zero. The length counts the family's own bits
 * (0..32 for IPv4, 0..128 for IPv6). The zero-length prefix of a family is what a route key carries as its
 * source prefix when the route is not source-specific.
 */
public record Prefix(IpAddress address, int length) implements Comparable<Prefix> {

    public static final Prefix V6_DEFAULT = new Prefix(IpAddress.V6_UNSPECIFIED, 0);
    public static final Prefix V4_DEFAULT = new Prefix(IpAddress.V4_UNSPECIFIED, 0);

    public Prefix {
        int bits = address.family().bits();
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " out of range for " + address.family());
        }
        address = mask(address, length);
    }

    /** The zero-length prefix of the family: "no source prefix". */
    public static Prefix zero(Family family) {
        return family == Family.V4 ? V4_DEFAULT : V6_DEFAULT;
    }

    /** The host prefix (/32 or /128) of an address. */
    public static Prefix host(IpAddress address) {
        return new Prefix(address, address.family().bits());
    }

    /** Parses {@code 2001:db8::/32}, {@code 10.0.0.0/8} or a bare address (a host prefix). */
    public static Prefix parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash < 0) {
            return host(IpAddress.parse(t));
        }
        IpAddress a = IpAddress.parse(t.substring(0, slash));
        int len;
        try {
            len = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + text, e);
        }
        return new Prefix(a, len);
    }

    public Family family() {
        return address.family();
    }

    public boolean isZeroLength() {
        return length == 0;
    }

    public boolean contains(IpAddress a) {
        return a.family() == family() && (length == 0 || mask(a, length).equals(address));
    }

    /** True when {@code other} is equal to or more specific than this prefix and inside it. */
    public boolean contains(Prefix other) {
        return other.family() == family() && other.length >= length
                && (length == 0 || mask(other.address, length).equals(address));
    }

    /**
     * Martian prefixes, which babeld never accepts in an update (its {@code martian_prefix}): IPv6 multicast
     * (ff00::/8 and longer), link-local (fe80::/10 and longer), ::/128 and ::1/128; IPv4 0/8 and 127/8 (and longer),
     * 224/4 (and longer) and 255.255.255.255/32. Also every IPv6 prefix inside ::ffff:0:0/96 (v4-mapped): babeld
     * takes such a prefix for an IPv4 one and drops it from an IPv6 update (a few as martian, the rest silently).
     */
    public boolean isMartian() {
        if (family() == Family.V6) {
            long hi = address.hi();
            if (length >= 8 && (hi >>> 56) == 0xff) {
                return true;
            }
            if (length >= 10 && (hi >>> 54) == (0xfe80L >>> 6)) {
                return true;
            }
            if (length >= 96 && address.isV4Mapped()) {
                return true;
            }
            return length == 128 && hi == 0 && (address.lo() == 0 || address.lo() == 1);
        }
        int a = address.v4Bits();
        int first = a >>> 24;
        if (length >= 8 && (first == 0 || first == 127)) {
            return true;
        }
        if (length >= 4 && (first >>> 4) == 0xe) {
            return true;
        }
        return length == 32 && a == -1;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Prefix p && length == p.length && address.equals(p.address));
    }

    @Override
    public int hashCode() {
        return (int) IpAddress.mix(address.hashCode() * 0x9e3779b97f4a7c15L + length);
    }

    @Override
    public int compareTo(Prefix o) {
        int c = address.compareTo(o.address);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    @Override
    public String toString() {
        return address + "/" + length;
    }

    private static IpAddress mask(IpAddress a, int length) {
        int off = a.family() == Family.V4 ? 96 : 0;
        int total = off + length;
        long hiMask = total >= 64 ? -1L : (total == 0 ? 0 : -1L << (64 - total));
        long loMask = total <= 64 ? 0 : (total >= 128 ? -1L : -1L << (128 - total));
        long hi = a.hi() & hiMask;
        long lo = a.lo() & loMask;
        if (a.family() == Family.V4) {
            lo |= 0x0000_ffff_0000_0000L;
            return new IpAddress(Family.V4, 0, lo);
        }
        return new IpAddress(Family.V6, hi, lo);
    }
}
