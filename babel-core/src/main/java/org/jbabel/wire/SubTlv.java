package org.jbabel.wire;

/**
 * Sub-TLVs (RFC 8966 §4.4). The Source Prefix sub-TLV (RFC 9079) is not listed here: the reader lifts it into the
 * {@code sourcePrefix} field of Update, Route Request and Seqno Request, and the writer puts it back.
 */
public sealed interface SubTlv {

    int PAD1 = 0;
    int PADN = 1;
    int DIVERSITY = 2;
    int TIMESTAMP = 3;
    int SOURCE_PREFIX = 128;

    /** Sub-TLV types with the high bit set are mandatory: an unknown one makes the receiver ignore the TLV. */
    static boolean isMandatory(int type) {
        return (type & 0x80) != 0;
    }

    record Pad1() implements SubTlv {}

    record PadN(int length) implements SubTlv {}

    /** RTT extension (RFC 9616) in a Hello: the sender's transmit time, microseconds mod 2^32. */
    record HelloTimestamp(long transmit) implements SubTlv {}

    /** RTT extension in an IHU: the origin timestamp of the neighbour's Hello and the time we received it. */
    record IhuTimestamp(long origin, long receive) implements SubTlv {}

    /** A non-mandatory sub-TLV we do not interpret (Diversity, or a future one), kept for display. */
    record Unknown(int type, Bytes body) implements SubTlv {}
}
