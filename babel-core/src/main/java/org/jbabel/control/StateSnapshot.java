package org.jbabel.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a dump shows, at one moment: the node, its interfaces, neighbours, xroutes and routes (each list in
 * the order the dump prints it), and named counters (drops, malformed input per reason, ...).
 */
public record StateSnapshot(NodeInfo node, List<InterfaceEntry> interfaces, List<NeighbourEntry> neighbours,
        List<XrouteEntry> xroutes, List<RouteEntry> routes, SortedMap<String, Long> counters) {

    public StateSnapshot {
        if (node == null) {
            throw new IllegalArgumentException("node info missing");
        }
        interfaces = List.copyOf(interfaces);
        neighbours = List.copyOf(neighbours);
        xroutes = List.copyOf(xroutes);
        routes = List.copyOf(routes);
        counters = Collections.unmodifiableSortedMap(new TreeMap<>(counters));
    }

    /** A snapshot of a node with nothing yet. */
    public static StateSnapshot empty(NodeInfo node) {
        return new StateSnapshot(node, List.of(), List.of(), List.of(), List.of(), new TreeMap<>());
    }

    /** All entries in dump order: interfaces, neighbours, xroutes, routes. */
    public List<Entry> entries() {
        var all = new ArrayList<Entry>(
                interfaces.size() + neighbours.size() + xroutes.size() + routes.size());
        all.addAll(interfaces);
        all.addAll(neighbours);
        all.addAll(xroutes);
        all.addAll(routes);
        return all;
    }

    /** The same snapshot with more counters (existing names are replaced). */
    public StateSnapshot withCounters(Map<String, Long> more) {
        TreeMap<String, Long> merged = new TreeMap<>(counters);
        merged.putAll(more);
        return new StateSnapshot(node, interfaces, neighbours, xroutes, routes, merged);
    }
}
