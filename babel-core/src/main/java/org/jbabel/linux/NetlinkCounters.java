package org.jbabel.linux;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Named counters of netlink input we could not use. Thread-safe. */
public final class NetlinkCounters {

    /** Each kind is one counter. */
    public enum Kind {
        /** A message header whose length runs past the datagram or is shorter than a header: rest dropped. */
        MALFORMED_MESSAGE,
        /** A message body too short for its fixed header, or an attribute with a bad length: message dropped. */
        MALFORMED_ATTRIBUTE,
        /** The kernel dropped notifications because our socket buffer was full: a full re-read follows. */
        OVERRUN,
        /** A request the kernel did not answer in time: reported as ETIMEDOUT. */
        UNANSWERED,
        /** A dump that the kernel marked as interrupted by concurrent changes: read again. */
        DUMP_INTERRUPTED,
        /** No nl80211 in this kernel (or no mlme group): wireless stations cannot be heard. */
        NO_WIRELESS
    }

    private final AtomicLongArray counts = new AtomicLongArray(Kind.values().length);

    void count(Kind kind) {
        counts.incrementAndGet(kind.ordinal());
    }

    void count(Kind kind, long n) {
        counts.addAndGet(kind.ordinal(), n);
    }

    public long get(Kind kind) {
        return counts.get(kind.ordinal());
    }

    /** Every counter, zeros included, by lower-case name, in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        EnumMap<Kind, Long> values = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            values.put(k, get(k));
        }
        values.forEach((k, v) -> m.put(k.name().toLowerCase(Locale.ROOT), v));
        return m;
    }
}
