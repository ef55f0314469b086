package org.jbabel.xlat.nat426;

import org.jbabel.wire.MacAddress;

/**
 * The MAC address that spells an exit (docs/XLAT.md decision 1): {@code XMAC(E)} = a 16-bit prefix followed by the 32
 * bits of the exit's IPv4 address E. Clients ARP for their gateway and get the XMAC of an exit, so every frame they
 * send names the exit it is for, and the node that translates it needs no state about the client. The prefix is
 * locally administered unicast (first octet: bit 0x02 set, bit 0x01 clear), so no vendor's MAC collides with it.
 *
 * <p>MACs are longs holding the 48 bits (as {@link MacAddress#bits()}), so that the per-packet path allocates nothing.
 *
 * @param prefix the 16-bit prefix, 0..0xffff
 */
public record ExitMac(int prefix) {

    /** {@code 02:26}: the default prefix ({@code exit-mac-prefix 0226}). */
    public static final ExitMac DEFAULT = new ExitMac(0x0226);

    public ExitMac {
        String problem = problem(prefix);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Parses {@code exit-mac-prefix}'s value: exactly 4 hex digits, locally administered unicast.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ExitMac parse(String hex) {
        if (hex.length() != 4 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("the exit MAC prefix is 4 hex digits, not '" + hex + "'");
        }
        return new ExitMac(Integer.parseInt(hex, 16));
    }

    private static String problem(int prefix) {
        if (prefix < 0 || prefix > 0xffff) {
            return "the exit MAC prefix has 16 bits, not " + Integer.toHexString(prefix);
        }
        int first = prefix >>> 8;
        if ((first & 0x01) != 0) {
            return String.format("the exit MAC prefix %04x is multicast (bit 0x01 of the first octet is set)", prefix);
        }
        if ((first & 0x02) == 0) {
            return String.format("the exit MAC prefix %04x is not locally administered (bit 0x02 of the first octet is"
                    + " clear)", prefix);
        }
        return null;
    }

    /** XMAC(E) as 48 bits. */
    public long of(int exit) {
        return ((long) prefix << 32) | (exit & 0xffff_ffffL);
    }

    /** XMAC(E) as a value, for display and tests. */
    public MacAddress address(int exit) {
        return new MacAddress(of(exit));
    }

    /**
     * Whether {@code mac} starts with this prefix: it is XMAC of some address (whether that is an exit is the caller's
     * question, {@code ArpResponder.isExitMac}).
     */
    public boolean matches(long mac) {
        return (mac >>> 32) == prefix;
    }

    /** The E of an XMAC: the low 32 bits. Check {@link #matches} first. */
    public static int exitOf(long mac) {
        return (int) mac;
    }

    @Override
    public String toString() {
        return String.format("%04x", prefix);
    }
}
