package org.jbabel.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jbabel.wire.RouteKey;

/**
 * Locally originated routes (babeld's xroutes): redistributed prefixes and whatever the extensions originate.
 * A local route for a key blocks the installation of learned routes for the same key.
 */
final class LocalRoutes {
    private final Map<RouteKey, Integer> table = new LinkedHashMap<>();

    /** Adds or changes a local route; returns its previous metric, or -1 when it is new. */
    int put(RouteKey key, int metric) {
        Integer old = table.put(key, metric);
        return old == null ? -1 : old;
    }

    boolean remove(RouteKey key) {
        return table.remove(key) != null;
    }

    boolean contains(RouteKey key) {
        return table.containsKey(key);
    }

    /** The metric of the local route for this key, or -1. */
    int metric(RouteKey key) {
        Integer m = table.get(key);
        return m == null ? -1 : m;
    }

    Map<RouteKey, Integer> all() {
        return table;
    }
}
