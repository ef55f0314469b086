package org.jbabel.wire;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Named counters of received-input problems, one per {@link Problem.Kind}. Not thread-safe. */
public final class WireCounters {
    private final EnumMap<Problem.Kind, Long> counts = new EnumMap<>(Problem.Kind.class);

    public void count(Problem problem) {
        counts.merge(problem.kind(), 1L, Long::sum);
    }

    public void countAll(Iterable<Problem> problems) {
        problems.forEach(this::count);
    }

    public long get(Problem.Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /** Every counter, zeros included, by lower-case name ({@code truncated_tlv}), in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Problem.Kind k : Problem.Kind.values()) {
            m.put(k.name().toLowerCase(java.util.Locale.ROOT), get(k));
        }
        return m;
    }
}
