package org.jbabel.xlat.translate;

/**
 * The caller's address mapping, asked once per packet (and once more for the packet an ICMP error quotes). NAT426,
 * NAT64 and a static SIIT map ({@link SiitMapping}) differ only here. Implementations must not keep the
 * {@link Flow}; a fast one allocates nothing.
 */
public interface AddressMapper {

    /** What the mapper decided. */
    enum Mapping {
        /** Addresses (and possibly ports or the query id) written into the flow. */
        MAPPED,
        /** The source has no mapping: ICMPv4 3/10 or ICMPv6 1/5 back, when errors are on (spec §7.3). */
        SOURCE_UNMAPPABLE,
        /** The destination has no mapping: ICMPv4 3/1 or ICMPv6 1/0 back, when errors are on. */
        DESTINATION_UNMAPPABLE,
        /** Refused by policy (a full session table, filtering): ICMPv4 3/13 or ICMPv6 1/1 back (RFC 7915 §4.7 of the spec). */
        PROHIBITED,
        /** Drop without any error (counted as {@code mapping_refused}). */
        DROP
    }

    /** IPv4 → IPv6: read {@link Flow#src4}/{@link Flow#dst4}, write {@link Flow#src6}/{@link Flow#dst6}. */
    Mapping map4to6(Flow flow);

    /** IPv6 → IPv4: read {@link Flow#src6}/{@link Flow#dst6}, write {@link Flow#src4}/{@link Flow#dst4}. */
    Mapping map6to4(Flow flow);
}
