package org.jbabel.wire;

import java.util.List;

/**
 * The TLVs of RFC 8966 §4.6 and RFC 8967, one immutable record per kind.
 *
 * <p>Prefixes are always carried whole: compression (omitted bytes, default prefixes, the router-id flag) is
 * the business of {@link PacketReader} and {@link PacketWriter} only. An {@link Update} is self-contained: the
 * reader fills in the router-id and next hop from the parser state of RFC 8966 §4.5 (the Router-Id and Next Hop
 * TLVs still appear in the list, in wire order, for display), and the writer emits whatever Router-Id and Next
 * Hop TLVs the updates it is given need.
 */
public sealed interface Tlv {

    int PAD1 = 0;
    int PADN = 1;
    int ACK_REQUEST = 2;
    int ACK = 3;
    int HELLO = 4;
    int IHU = 5;
    int ROUTER_ID = 6;
    int NEXT_HOP = 7;
    int UPDATE = 8;
    int ROUTE_REQUEST = 9;
    int SEQNO_REQUEST = 10;
    int MAC = 16;
    int PC = 17;
    int CHALLENGE_REQUEST = 18;
    int CHALLENGE_REPLY = 19;

    /** Metric and rxcost value meaning "unreachable". */
    int INFINITY = 0xFFFF;

    record Pad1() implements Tlv {}

    record PadN(int length) implements Tlv {}

    /** Interval in centiseconds. */
    record AckRequest(int opaque, int interval) implements Tlv {}

    record Ack(int opaque) implements Tlv {}

    /** Flags 0x8000 = unicast Hello. Interval in centiseconds; 0 = unscheduled. */
    record Hello(int flags, int seqno, int interval, List<SubTlv> subTlvs) implements Tlv {
        public static final int FLAG_UNICAST = 0x8000;

        public Hello {
            subTlvs = List.copyOf(subTlvs);
        }

        public boolean unicast() {
            return (flags & FLAG_UNICAST) != 0;
        }
    }

    /** {@code address} is null for AE 0 ("whoever receives this"). Interval in centiseconds. */
    record Ihu(AddressEncoding ae, int rxcost, int interval, IpAddress address, List<SubTlv> subTlvs) implements Tlv {
        public Ihu {
            subTlvs = List.copyOf(subTlvs);
        }
    }

    record RouterIdTlv(RouterId routerId, List<SubTlv> subTlvs) implements Tlv {
        public RouterIdTlv {
            subTlvs = List.copyOf(subTlvs);
        }
    }

    record NextHop(AddressEncoding ae, IpAddress address, List<SubTlv> subTlvs) implements Tlv {
        public NextHop {
            subTlvs = List.copyOf(subTlvs);
        }
    }

    /**
     * An update or retraction (metric {@link #INFINITY}). For AE 0 (wildcard retraction) {@code prefix} is ::/0
     * and only {@link #wildcard()} tells it apart from an IPv6 default route. {@code sourcePrefix} is the
     * zero-length prefix of the family when the update is not source-specific. {@code routerId} is the router-id
     * in force for this update (null when none was given, allowed for retractions); {@code nextHop} is the
     * next hop in force, or null for "the sender of the packet". {@code flags} are as received and ignored by
     * the writer, which chooses its own. Interval in centiseconds.
     */
    record Update(
            AddressEncoding ae,
            int flags,
            Prefix prefix,
            Prefix sourcePrefix,
            int interval,
            int seqno,
            int metric,
            RouterId routerId,
            IpAddress nextHop,
            List<SubTlv> subTlvs)
            implements Tlv {
        public static final int FLAG_DEFAULT_PREFIX = 0x80;
        public static final int FLAG_ROUTER_ID = 0x40;

        public Update {
            subTlvs = List.copyOf(subTlvs);
        }

        public boolean wildcard() {
            return ae == AddressEncoding.WILDCARD;
        }

        public boolean retraction() {
            return metric == INFINITY;
        }
    }

    /** A wildcard request has AE 0 and prefix ::/0. */
    record RouteRequest(AddressEncoding ae, Prefix prefix, Prefix sourcePrefix, List<SubTlv> subTlvs) implements Tlv {
        public RouteRequest {
            subTlvs = List.copyOf(subTlvs);
        }

        public boolean wildcard() {
            return ae == AddressEncoding.WILDCARD;
        }
    }

    record SeqnoRequest(
            AddressEncoding ae,
            int seqno,
            int hopCount,
            RouterId routerId,
            Prefix prefix,
            Prefix sourcePrefix,
            List<SubTlv> subTlvs)
            implements Tlv {
        public SeqnoRequest {
            subTlvs = List.copyOf(subTlvs);
        }
    }

    /** RFC 8967 MAC TLV; appears only in the packet trailer. */
    record Mac(Bytes mac) implements Tlv {}

    /** RFC 8967 packet counter with its index. {@code pc} is unsigned 32-bit. */
    record Pc(long pc, Bytes index) implements Tlv {}

    record ChallengeRequest(Bytes nonce) implements Tlv {}

    record ChallengeReply(Bytes nonce) implements Tlv {}

    /** A TLV type we do not know (obsolete 11-15 included): skipped by the engine, kept for display. */
    record Unknown(int type, Bytes body) implements Tlv {}
}
