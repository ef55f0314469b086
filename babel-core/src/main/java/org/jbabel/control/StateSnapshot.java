package org.jbabel.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a dump shows, at one moment: the node, its interfaces, neighbours, xroutes and routes (each list in
 * the order the dump prints it), named counters (drops, malformed input per reason, ...), and the objects of the
 * extensions' sections, which come after Babel's own entries.
 */
public record StateSnapshot(NodeInfo node, List<InterfaceEntry> interfaces, List<NeighbourEntry> neighbours,
        List<XrouteEntry> xroutes, List<RouteEntry> routes, SortedMap<String, Long> counters,
        List<ExtensionEntry> extensions) {

    public StateSnapshot {
        if (node == null) {
            throw new IllegalArgumentException("node info missing");
        }
        interfaces = List.copyOf(interfaces);
        neighbours = List.copyOf(neighbours);
        xroutes = List.copyOf(xroutes);
        routes = List.copyOf(routes);
        counters = Collections.unmodifiableSortedMap(new TreeMap<>(counters));
        extensions = List.copyOf(extensions);
    }

    /** Babel's state alone, without extension sections. */
    public StateSnapshot(NodeInfo node, List<InterfaceEntry> interfaces, List<NeighbourEntry> neighbours,
            List<XrouteEntry> xroutes, List<RouteEntry> routes, SortedMap<String, Long> counters) {
        this(node, interfaces, neighbours, xroutes, routes, counters, List.of());
    }

    /** A snapshot of a node with nothing yet. */
    public static StateSnapshot empty(NodeInfo node) {
        return new StateSnapshot(node, List.of(), List.of(), List.of(), List.of(), new TreeMap<>());
    }

    /** All entries in dump order: interfaces, neighbours, xroutes, routes, then the extensions' objects. */
    public List<Entry> entries() {
        var all = new ArrayList<Entry>(
                interfaces.size() + neighbours.size() + xroutes.size() + routes.size() + extensions.size());
        all.addAll(interfaces);
        all.addAll(neighbours);
        all.addAll(xroutes);
        all.addAll(routes);
        all.addAll(extensions);
        return all;
    }

    /** The same snapshot with more counters (existing names are replaced). */
    public StateSnapshot withCounters(Map<String, Long> more) {
        TreeMap<String, Long> merged = new TreeMap<>(counters);
        merged.putAll(more);
        return new StateSnapshot(node, interfaces, neighbours, xroutes, routes, merged, extensions);
    }

    /** The same snapshot with these extension objects instead of its own. */
    public StateSnapshot withExtensions(List<ExtensionEntry> entries) {
        return entries.isEmpty() && extensions.isEmpty() ? this
                : new StateSnapshot(node, interfaces, neighbours, xroutes, routes, counters, entries);
    }
}
