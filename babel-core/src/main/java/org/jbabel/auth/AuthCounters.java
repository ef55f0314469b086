package org.jbabel.auth;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The counts of one {@link Authenticator}, one per {@link AuthCounter}. Not thread-safe. */
public final class AuthCounters {
    private final EnumMap<AuthCounter, Long> counts = new EnumMap<>(AuthCounter.class);

    void count(AuthCounter counter) {
        counts.merge(counter, 1L, Long::sum);
    }

    public long get(AuthCounter counter) {
        return counts.getOrDefault(counter, 0L);
    }

    /** Every counter, zeros included, by lower-case name ({@code replayed_pc}), in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (AuthCounter c : AuthCounter.values()) {
            m.put(c.counterName(), get(c));
        }
        return m;
    }
}
