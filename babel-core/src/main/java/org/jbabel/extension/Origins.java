package org.jbabel.extension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jbabel.wire.RouteKey;

/**
 * Who originates which route, and with which metric: several owners (extensions, the redistributor) may originate
 * the same key; the engine announces the smallest of their metrics, and the key is withdrawn only when its last
 * owner withdraws it. Sans-IO; the caller tells the engine what {@link #put} and {@link #remove} return.
 */
final class Origins {

    /** No owner is left: the key is to be withdrawn. */
    static final int NONE = -1;

    private final Map<RouteKey, Map<String, Integer>> byKey = new HashMap<>();

    /** Sets {@code owner}'s metric for {@code key}; returns the metric to announce now. */
    int put(String owner, RouteKey key, int metric) {
        Map<String, Integer> owners = byKey.computeIfAbsent(key, k -> new TreeMap<>());
        owners.put(owner, metric);
        return smallest(owners);
    }

    /** Removes {@code owner}'s origination of {@code key}; returns the metric to announce, or {@link #NONE}. */
    int remove(String owner, RouteKey key) {
        Map<String, Integer> owners = byKey.get(key);
        if (owners == null) {
            return NONE;
        }
        owners.remove(owner);
        if (owners.isEmpty()) {
            byKey.remove(key);
            return NONE;
        }
        return smallest(owners);
    }

    /** Whether {@code owner} originates {@code key}. */
    boolean owns(String owner, RouteKey key) {
        Map<String, Integer> owners = byKey.get(key);
        return owners != null && owners.containsKey(owner);
    }

    /** Every key {@code owner} originates. */
    List<RouteKey> keysOf(String owner) {
        return byKey.entrySet().stream().filter(e -> e.getValue().containsKey(owner)).map(Map.Entry::getKey)
                .toList();
    }

    private static int smallest(Map<String, Integer> owners) {
        int m = Integer.MAX_VALUE;
        for (int v : owners.values()) {
            m = Math.min(m, v);
        }
        return m;
    }
}
