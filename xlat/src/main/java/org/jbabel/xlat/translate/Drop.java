package org.jbabel.xlat.translate;

import java.util.Locale;

/**
 * Why a packet was not translated. Every drop is counted under {@link #counter()}; some also produce an ICMP error
 * back to the sender ({@link Result.Kind#ERROR}), said below.
 */
public enum Drop {
    /** IPv4: shorter than its header or its Total Length. */
    IPV4_TRUNCATED,
    /** IPv4: version not 4, IHL below 5, Total Length below the header. */
    IPV4_MALFORMED,
    /** IPv4: the header checksum is wrong. */
    IPV4_BAD_CHECKSUM,
    /** IPv4: a source or destination in 0/8, 127/8, 169.254/16, 224/3 or the limited broadcast (spec §7.3). */
    IPV4_ADDRESS_INVALID,
    /** IPv4: an unexpired loose or strict source route option; ICMPv4 3/5 back. */
    IPV4_SOURCE_ROUTE,
    /** IPv4: options whose lengths do not add up. */
    IPV4_OPTIONS_MALFORMED,
    /** IPv6: shorter than 40 bytes or its Payload Length. */
    IPV6_TRUNCATED,
    /** IPv6: version not 6, or a jumbogram (Payload Length 0). */
    IPV6_MALFORMED,
    /** IPv6: a source or destination that is unspecified, loopback, link-local or multicast. */
    IPV6_ADDRESS_INVALID,
    /** IPv6: an extension header running past the packet, or too many of them. */
    IPV6_EXTENSION_MALFORMED,
    /** IPv6: a Routing header with Segments Left not 0; ICMPv6 4/0 back pointing at that field. */
    IPV6_SEGMENTS_LEFT,
    /**
     * TTL or Hop Limit would reach 0; ICMPv4 11/0 or ICMPv6 3/0 back when it was 1, unless the packet is an ICMP
     * error or a non-first fragment.
     */
    TTL_EXPIRED,
    /** TCP or UDP header cut short in a first fragment or whole packet. */
    TRANSPORT_TRUNCATED,
    /** IPv4 UDP with checksum 0 under {@link TranslatorConfig.UdpZeroChecksum#DROP}. */
    UDP_ZERO_CHECKSUM,
    /** IPv4 UDP with checksum 0 in a fragment: the checksum cannot be computed statelessly (RFC 7915 §4.5). */
    UDP_ZERO_CHECKSUM_FRAGMENT,
    /** ICMP message shorter than its 8-byte header. */
    ICMP_TRUNCATED,
    /** ICMP checksum wrong (not laundered into a valid translated one). */
    ICMP_BAD_CHECKSUM,
    /** A fragmented ICMP message (cannot be checked nor translated statelessly). */
    ICMP_FRAGMENTED,
    /** An ICMP type or code without a counterpart (spec §4.3, §4.4): timestamps, ND, MLD, redirects, ... */
    ICMP_TYPE_UNTRANSLATABLE,
    /** A Parameter Problem whose pointer has no counterpart (spec §4.5). */
    ICMP_POINTER_UNTRANSLATABLE,
    /** An ICMP error whose quoted packet is unreadable, itself an ICMP error, or of the other family. */
    ICMP_INNER_MALFORMED,
    /** An ICMP error whose quoted packet the mapper could not map. */
    ICMP_INNER_UNMAPPABLE,
    /** The mapper has no mapping for the source; ICMPv4 3/10 or ICMPv6 1/5 back when errors are on. */
    SOURCE_UNMAPPABLE,
    /** The mapper has no mapping for the destination; ICMPv4 3/1 or ICMPv6 1/0 back when errors are on. */
    DESTINATION_UNMAPPABLE,
    /** The mapper refused by policy; ICMPv4 3/13 or ICMPv6 1/1 back when errors are on. */
    PROHIBITED,
    /** The mapper dropped the packet silently. */
    MAPPING_REFUSED,
    /** Too big with DF set (4→6) or too big for the IPv4 MTU (6→4); ICMPv4 3/4 or ICMPv6 2/0 back. */
    PACKET_TOO_BIG,
    /** A non-first IPv6 fragment too big for the IPv4 MTU: no error is sent about it. */
    FRAGMENT_TOO_BIG,
    /** The caller's output buffer cannot hold the result. */
    OUTPUT_TOO_SMALL;

    /** {@code ipv4_truncated}, ... */
    public String counter() {
        return name().toLowerCase(Locale.ROOT);
    }
}
