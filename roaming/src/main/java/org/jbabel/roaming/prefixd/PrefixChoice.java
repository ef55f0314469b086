package org.jbabel.roaming.prefixd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.Prefix;

/**
 * Which uplink prefixes the clients of this node are offered (docs/ROAMING.md, "Client side"): at most {@code
 * maxPrefixes} of the candidates, nearest first, a prefix kept while it stays a candidate and replaced only by one
 * at least {@code hysteresis} nearer; a prefix that stops being a candidate is deprecated at once and dropped when its
 * valid lifetime has passed. Sans-IO: time comes in as an argument.
 */
final class PrefixChoice {

    /** The state of a prefix offered to clients. */
    record Offer(Prefix prefix, int metric, long deprecatedAt) {
        boolean deprecated() {
            return deprecatedAt >= 0;
        }
    }

    private static final Comparator<Map.Entry<Prefix, Integer>> NEAREST =
            Map.Entry.<Prefix, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey());

    private final int maxPrefixes;
    private final int maxMetric;
    private final int hysteresis;
    private final long validNanos;
    private final Map<Prefix, Offer> offers = new LinkedHashMap<>();

    PrefixChoice(int maxPrefixes, int maxMetric, int hysteresis, long validNanos) {
        this.maxPrefixes = maxPrefixes;
        this.maxMetric = maxMetric;
        this.hysteresis = hysteresis;
        this.validNanos = validNanos;
    }

    /**
     * Chooses again given the current candidates (each source prefix of a source-specific default route, with that
     * route's metric). Returns whether what clients are offered changed.
     */
    boolean update(long now, Map<Prefix, Integer> routes) {
        Map<Prefix, Integer> candidates = new LinkedHashMap<>();
        routes.forEach((p, m) -> {
            if (p.length() == 64 && m <= maxMetric) {
                candidates.put(p, m);
            }
        });
        boolean changed = false;
        // Offered prefixes that are no longer candidates are deprecated; expired ones go.
        for (Offer o : List.copyOf(offers.values())) {
            Integer m = candidates.get(o.prefix());
            if (o.deprecated()) {
                if (now - o.deprecatedAt() >= validNanos) {
                    offers.remove(o.prefix());
                    changed = true;
                }
            } else if (m == null) {
                offers.put(o.prefix(), new Offer(o.prefix(), o.metric(), now));
                changed = true;
            } else {
                offers.put(o.prefix(), new Offer(o.prefix(), m, -1));
            }
        }
        List<Map.Entry<Prefix, Integer>> waiting = new ArrayList<>();
        for (Map.Entry<Prefix, Integer> c : candidates.entrySet()) {
            Offer o = offers.get(c.getKey());
            if (o == null || o.deprecated()) {
                waiting.add(c);
            }
        }
        waiting.sort(NEAREST);
        for (Map.Entry<Prefix, Integer> c : waiting) {
            if (active() < maxPrefixes) {
                offers.put(c.getKey(), new Offer(c.getKey(), c.getValue(), -1));
                changed = true;
                continue;
            }
            Offer worst = worstActive();
            if (worst != null && c.getValue() + hysteresis <= worst.metric()) {
                offers.put(worst.prefix(), new Offer(worst.prefix(), worst.metric(), now));
                offers.put(c.getKey(), new Offer(c.getKey(), c.getValue(), -1));
                changed = true;
            }
        }
        return changed;
    }

    private int active() {
        return (int) offers.values().stream().filter(o -> !o.deprecated()).count();
    }

    private Offer worstActive() {
        return offers.values().stream().filter(o -> !o.deprecated())
                .max(Comparator.comparingInt(Offer::metric).thenComparing(Offer::prefix)).orElse(null);
    }

    /** What clients are offered now, active ones first (nearest first), then the deprecated ones. */
    List<Offer> offers() {
        return offers.values().stream()
                .sorted(Comparator.comparing(Offer::deprecated).thenComparingInt(Offer::metric)
                        .thenComparing(Offer::prefix))
                .toList();
    }

    /** When the next deprecated prefix expires, or -1 when none is deprecated. */
    long nextExpiry() {
        return offers.values().stream().filter(Offer::deprecated).mapToLong(o -> o.deprecatedAt() + validNanos)
                .min().orElse(-1);
    }
}
