package org.jbabel.wire.pcap;

/** The libpcap link-layer header types this package reads (tcpdump.org/linktypes.html). */
public final class LinkType {
    /** BSD loopback: 4-byte address family in the byte order of the capturing host. */
    public static final int NULL = 0;
    /** Ethernet II, with optional 802.1Q / 802.1ad VLAN tags. */
    public static final int ETHERNET = 1;
    /** Raw IP (DLT_RAW as some BSDs number it). */
    public static final int RAW_BSD = 12;
    /** Raw IP (DLT_RAW as OpenBSD numbers it). */
    public static final int RAW_OPENBSD = 14;
    /** Raw IPv4 or IPv6, the version taken from the first nibble. */
    public static final int RAW = 101;
    /** OpenBSD loopback: 4-byte address family, network byte order. */
    public static final int LOOP = 108;
    /** Linux "cooked" capture, version 1 (16-byte header). */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4 only. */
    public static final int IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int IPV6 = 229;
    /** Linux "cooked" capture, version 2 (20-byte header). */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {}

    public static boolean isSupported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW_BSD, RAW_OPENBSD, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }
}
