package org.jbabel.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Named counters of what the engine dropped or refused, for the control socket. Every input the engine ignores
 * increments exactly one of them.
 */
public final class EngineCounters {

    /** What a counter counts. The counter's name is the constant's name in lower case. */
    public enum Counter {
        /** A packet from a source that is not an IPv6 link-local address. */
        NON_LINK_LOCAL_SOURCE,
        /** A packet on an interface that is not up. */
        UNKNOWN_INTERFACE,
        /** A packet we sent ourselves (multicast loop). */
        OWN_PACKET,
        /** An IHU addressed to someone else. */
        IHU_NOT_FOR_US,
        /** An update with our own router-id. */
        OWN_ROUTER_ID,
        /**
         * An update or request with a martian prefix or source prefix ({@link org.jbabel.wire.Prefix#isMartian()}:
         * babeld's "Rejecting martian route"), dropped.
         */
        MARTIAN_PREFIX,
        /**
         * A finite update whose next hop can never be valid ({@link org.jbabel.wire.IpAddress#canBeNextHop()}: ::, ::1,
         * multicast, v4-mapped; 0/8, 127/8, 224/3): dropped, and the route we had from that neighbour for the key is
         * retracted.
         */
        MARTIAN_NEXT_HOP,
        /** A local route (redistributed or from an extension) for a martian prefix: not originated. */
        MARTIAN_ORIGINATION,
        /**
         * A route the kernel refused to install ({@link BabelEngine#kernelRefused}): it is not selected (nor
         * announced) until its next hop, interface or install options change or it comes back after a retraction.
         */
        KERNEL_REFUSED,
        /** An update or request whose prefix and source prefix differ in family, or a wildcard with a source. */
        FAMILY_MISMATCH,
        /** A finite update without a router-id. */
        NO_ROUTER_ID,
        /** A finite IPv4 (AE 1) update without an IPv4 next hop. */
        NO_NEXT_HOP,
        /** An update we cannot accept (unfeasible and not for a new route). */
        UNFEASIBLE,
        /** A retraction for a route we do not have. */
        UNKNOWN_RETRACTION,
        /** A seqno request we did not forward (hop count, out of date, no route, duplicate). */
        SEQNO_REQUEST_DROPPED,
        /** A finite update the input filter denies. */
        FILTERED,
        /**
         * A packet from a new address on an interface that already has the most neighbours allowed, none of which
         * could make room (every one carries a selected route or is configured).
         */
        NEIGHBOUR_LIMIT,
        /** A packet from a new address while the engine has the most neighbours allowed on all interfaces. */
        NEIGHBOUR_TABLE_FULL,
        /** A neighbour without a selected route forgotten to make room for a new one on a full table. */
        NEIGHBOUR_EVICTED,
        /** An update for a new key from a neighbour that already has the most routes allowed. */
        ROUTE_LIMIT,
        /** An update for a new key while the engine has the most routes allowed from all neighbours. */
        ROUTE_TABLE_FULL,
        /** A route retracted instead of announced: its new feasibility distance finds no room in the source table. */
        SOURCE_TABLE_FULL,
        /** A seqno request not sent or forwarded because the most requests allowed are in flight. */
        REQUEST_TABLE_FULL,
        /** An urgent update not scheduled for repetition because the most resends allowed are waiting. */
        RESEND_TABLE_FULL,
        /**
         * A unicast welcome (wildcard retraction, table dump) to a new neighbour postponed because the budget for
         * them was spent; the dump went by multicast instead.
         */
        UNICAST_WELCOME_DEFERRED,
        /** A TLV the engine does not act on (unknown type, authentication TLVs, padding excluded). */
        IGNORED_TLV,
        /** A TLV whose processing failed unexpectedly; the rest of the packet is still processed. */
        TLV_ERROR,
        /** An extension observer threw; the engine carried on. */
        OBSERVER_ERROR,
        /** An echoed timestamp (RFC 9616) that gave no RTT sample: a waiting time "negative" or 600 s or more. */
        RTT_SAMPLE_DISCARDED;

        public String counterName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final long[] values = new long[Counter.values().length];

    void increment(Counter c) {
        values[c.ordinal()]++;
    }

    public long get(Counter c) {
        return values[c.ordinal()];
    }

    /** All counters by name, in a fixed order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            m.put(c.counterName(), values[c.ordinal()]);
        }
        return Collections.unmodifiableMap(m);
    }
}
