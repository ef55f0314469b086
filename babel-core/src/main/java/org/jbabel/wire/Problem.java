package org.jbabel.wire;

/** Something wrong with received bytes, found by {@link PacketReader}: never an exception, always one of these. */
public record Problem(Kind kind, int offset, String detail) {

    /** Each kind is a named drop counter (see {@link WireCounters}). */
    public enum Kind {
        /** Not magic 42: the packet is dropped. */
        BAD_MAGIC,
        /** Not version 2: the packet is dropped. */
        BAD_VERSION,
        /** Shorter than the 4-byte header: the packet is dropped. */
        SHORT_PACKET,
        /** The body length exceeds the datagram; the body is clamped to what arrived. */
        BODY_LENGTH_CLAMPED,
        /** A TLV runs past the end of the body: parsing of the packet ends there. */
        TRUNCATED_TLV,
        /** A TLV type we do not know: skipped. */
        UNKNOWN_TLV,
        /** An address encoding we do not know, or one not allowed in this TLV: that TLV is dropped. */
        UNKNOWN_AE,
        /** A TLV whose length does not fit its contents (too short, bad prefix length): that TLV is dropped. */
        MALFORMED_TLV,
        /** A sub-TLV that is truncated or malformed: the enclosing TLV is dropped. */
        MALFORMED_SUBTLV,
        /** An unknown mandatory sub-TLV: the enclosing TLV is ignored (parser state is still updated). */
        UNKNOWN_MANDATORY_SUBTLV,
        /** Compressed prefix with no default prefix for its AE in this packet: that TLV is dropped. */
        NO_DEFAULT_PREFIX,
        /** A reserved or must-be-zero field was not zero: tolerated, only counted. */
        NONZERO_RESERVED,
        /** Bytes in the trailer that are not MAC TLVs (or are truncated): ignored. */
        BAD_TRAILER,
        /** An update with a finite metric and no router-id in force (RFC 8966 §4.6.9): that TLV is dropped. */
        NO_ROUTER_ID,
        /** An AE 1 update with a finite metric and no IPv4 next hop in force: that TLV is dropped. */
        NO_NEXT_HOP,
        /** A known sub-TLV too short to use (a Timestamp shorter than its fields): that sub-TLV is ignored. */
        IGNORED_SUBTLV,
        /**
         * An IPv6 (AE 2) Update whose prefix is v4-mapped (inside ::ffff:0:0/96), or that is compressed against such a
         * default prefix (babeld: "Couldn't parse packet"): that TLV is dropped. The parser state it sets (default
         * prefix, router-id) stays set, as in babeld, so every later Update compressed against it is dropped too.
         */
        V4_MAPPED_PREFIX
    }
}
