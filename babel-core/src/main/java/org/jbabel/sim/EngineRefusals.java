package org.jbabel.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jbabel.engine.EngineCounters;
import org.jbabel.engine.EngineCounters.Counter;

/**
 * What the engines refused because a table limit ({@link org.jbabel.engine.EngineLimits}) was reached, over all
 * nodes: a refused route or request changes what the mesh does, so a run reports it instead of leaving it to the
 * engines' counters (docs/SIMULATOR.md, "Table limits").
 */
final class EngineRefusals {

    /** The counters of refusals for a full table. */
    static final List<Counter> COUNTERS = List.of(Counter.ROUTE_LIMIT, Counter.ROUTE_TABLE_FULL,
            Counter.SOURCE_TABLE_FULL, Counter.REQUEST_TABLE_FULL, Counter.RESEND_TABLE_FULL,
            Counter.NEIGHBOUR_LIMIT, Counter.NEIGHBOUR_TABLE_FULL);
    /** The report names at most this many nodes, those with the most refusals first. */
    static final int NODES_NAMED = 10;

    private final Map<String, Long> totals = new TreeMap<>();
    private final List<Map.Entry<String, Long>> byNode = new ArrayList<>();

    /** Adds the refusals counted by a node's engine. */
    void add(String node, EngineCounters counters) {
        long sum = 0;
        for (Counter c : COUNTERS) {
            long v = counters.get(c);
            if (v != 0) {
                totals.merge(c.counterName(), v, Long::sum);
                sum += v;
            }
        }
        if (sum != 0) {
            byNode.add(Map.entry(node, sum));
        }
    }

    /** Refusals by counter name, only those that happened. */
    Map<String, Long> totals() {
        return totals;
    }

    /** The nodes that refused anything (at most {@link #NODES_NAMED}, most refusals first): node id → refusals. */
    Map<String, Long> nodes() {
        Map<String, Long> m = new LinkedHashMap<>();
        byNode.stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(NODES_NAMED)
                .forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    /** How many nodes refused anything. */
    int nodeCount() {
        return byNode.size();
    }
}
