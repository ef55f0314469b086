package org.jbabel.sourcerouting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.KernelChange;
import org.jbabel.kernel.KernelChanges;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRouteTable;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.Placement;
import org.jbabel.kernel.Plan;
import org.jbabel.kernel.RuleChange;
import org.jbabel.wire.Family;
import org.jbabel.wire.Prefix;

/**
 * Source-specific routes through policy routing, for kernels whose lookup has no source (IPv4 always, IPv6
 * without subtrees). Routes without a source prefix stay where they are (their export table). Each distinct
 * source prefix S gets a table T(S) and a rule {@code from S lookup T(S)}; rules of more specific sources come
 * first. A rule-based lookup is source first, Babel's is destination first; the difference is made up by
 * disambiguation routes.
 *
 * <p><b>What each source table holds.</b> A packet from an address whose most specific table source is S can
 * only match routes whose source contains S (sources are nested or disjoint). T(S) holds:
 * <ul>
 *   <li>every route with source exactly S (its own routes), and
 *   <li>for every destination x that has a route with a source strictly containing S and is strictly inside
 *       the destination of one of S's own routes: the route for x with the most specific such source (the
 *       <em>zone</em> (x, S), where a route with the more specific destination x conflicts with one with the
 *       more specific source S and must win).
 * </ul>
 * A lookup then stops in the first table with a match, and that match is Babel's choice: a less specific own
 * route of S can never hide a more specific destination reachable from a less specific source. Without a
 * match the packet falls through to the rules of less specific sources and finally to the main table, which
 * hold no better route either.
 *
 * <p><b>Cost.</b> With n destinations, k source tables (at most {@link TableSettings#maxTables()}) and w address
 * bits: installing, switching or removing a route with destination d and source s recomputes the zones (d, S)
 * for the k table sources S inside s, each in O(w + sources of d) hash lookups; the first route or the last
 * one of a source at d also recomputes the zones (x, s) for the destinations x inside d, found in a sorted
 * index in O(log n + m) for m such destinations. Adding or removing a table moves at most k rules. Nothing
 * walks all pairs of routes; the only large change is the inherent one: a source-specific default route makes
 * every non-specific destination a zone of its table.
 */
public final class TablePlacement implements Placement {

    /** A disambiguation or own route placed in the table of source {@code source} for {@code destination}. */
    private record Zone(Prefix source, Prefix destination) {}

    private static final Comparator<Prefix> RULE_ORDER =
            Comparator.comparingInt(Prefix::length).reversed().thenComparing(Comparator.naturalOrder());

    private final Family family;
    private final TableSettings settings;
    private final KernelRouteTable routes = new KernelRouteTable();
    /** Routes by destination, then source. */
    private final Map<Prefix, Map<Prefix, KernelRoute>> byDestination = new HashMap<>();
    /** The source-specific routes by source, then destination. */
    private final Map<Prefix, Map<Prefix, KernelRoute>> bySource = new HashMap<>();
    /** Every destination of an installed route, in address order: the destinations inside d are a range. */
    private final NavigableSet<Prefix> destinations = new TreeSet<>();
    private final Map<Prefix, Integer> tables = new HashMap<>();
    /** The rule each source has in the kernel. */
    private final Map<Prefix, KernelRule> rules = new HashMap<>();
    /** What is in each source table: zones by source, then destination. */
    private final Map<Prefix, Map<Prefix, KernelRoute>> placed = new HashMap<>();

    public TablePlacement(Family family, TableSettings settings) {
        this.family = family;
        this.settings = settings;
    }

    @Override
    public Placement fresh() {
        return new TablePlacement(family, settings);
    }

    @Override
    public Family family() {
        return family;
    }

    @Override
    public Strategy strategy() {
        return Strategy.TABLES;
    }

    /** The table of each source prefix that has routes. */
    public Map<Prefix, Integer> tables() {
        return Map.copyOf(tables);
    }

    /** How many routes are in the source tables (own routes and disambiguation routes). */
    public int placedRoutes() {
        return placed.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public Map<RouteKey, KernelRoute> installed() {
        return routes.toMap();
    }

    @Override
    public Plan install(KernelRoute route) {
        if (route.family() != family) {
            return Plan.refused("route " + route + " is not " + family);
        }
        Prefix source = route.source();
        Prefix destination = route.destination();
        boolean newTable = route.sourceSpecific() && !tables.containsKey(source);
        if (newTable) {
            Integer table = freeTable();
            if (table == null) {
                return Plan.refused("no table left for source " + source + ": at most " + settings.maxTables()
                        + " source prefixes (tables " + settings.firstTable() + ".."
                        + (settings.firstTable() + settings.maxTables() - 1) + ")");
            }
            tables.put(source, table);
        }
        KernelRoute old = routes.put(route);
        byDestination.computeIfAbsent(destination, d -> new HashMap<>()).put(source, route);
        destinations.add(destination);
        List<KernelChange> changes = new ArrayList<>();
        if (route.sourceSpecific()) {
            bySource.computeIfAbsent(source, s -> new HashMap<>()).put(destination, route);
        } else {
            changes.addAll(KernelChanges.transition(old, route));
        }
        Set<Zone> zones = affectedZones(destination, source, old == null);
        zones.forEach(z -> changes.addAll(recompute(z)));
        if (newTable) {
            changes.addAll(layoutRules());
        }
        return Plan.of(changes);
    }

    @Override
    public Plan remove(RouteKey key) {
        KernelRoute old = routes.remove(key.prefix(), key.source());
        if (old == null) {
            return Plan.of(List.of());
        }
        Prefix source = key.source();
        Prefix destination = key.prefix();
        Map<Prefix, KernelRoute> sources = byDestination.get(destination);
        sources.remove(source);
        if (sources.isEmpty()) {
            byDestination.remove(destination);
            destinations.remove(destination);
        }
        List<KernelChange> changes = new ArrayList<>();
        if (!key.sourceSpecific()) {
            changes.addAll(KernelChanges.transition(old, null));
            affectedZones(destination, source, true).forEach(z -> changes.addAll(recompute(z)));
            return Plan.of(changes);
        }
        Map<Prefix, KernelRoute> own = bySource.get(source);
        own.remove(destination);
        if (!own.isEmpty()) {
            affectedZones(destination, source, true).forEach(z -> changes.addAll(recompute(z)));
            return Plan.of(changes);
        }
        // The source's last route: its rule goes first, then everything in its table.
        bySource.remove(source);
        tables.remove(source);
        changes.addAll(layoutRules());
        Map<Prefix, KernelRoute> table = placed.remove(source);
        if (table != null) {
            table.values().forEach(r -> changes.addAll(KernelChanges.transition(r, null)));
        }
        return Plan.of(changes);
    }

    /**
     * The zones a change of the route (destination, source) may change: the zone of that destination in every
     * table whose source is inside {@code source}, and, when an own route of a source table appeared or went
     * ({@code membership}), the zones of that table for the destinations inside {@code destination}.
     */
    private Set<Zone> affectedZones(Prefix destination, Prefix source, boolean membership) {
        Set<Zone> zones = new LinkedHashSet<>();
        for (Prefix s : tables.keySet()) {
            if (source.contains(s)) {
                zones.add(new Zone(s, destination));
            }
        }
        if (membership && !source.isZeroLength() && tables.containsKey(source)) {
            for (Prefix x : destinations.tailSet(destination, false)) {
                if (!destination.contains(x)) {
                    break;
                }
                if (hasLessSpecificSource(x, source) || placedAt(source, x) != null) {
                    zones.add(new Zone(source, x));
                }
            }
        }
        return zones;
    }

    private boolean hasLessSpecificSource(Prefix destination, Prefix source) {
        for (Prefix s : byDestination.getOrDefault(destination, Map.of()).keySet()) {
            if (s.length() < source.length() && s.contains(source)) {
                return true;
            }
        }
        return false;
    }

    private KernelRoute placedAt(Prefix source, Prefix destination) {
        return placed.getOrDefault(source, Map.of()).get(destination);
    }

    /** Brings one zone of one source table to what it must hold and returns the kernel changes for it. */
    private List<KernelChange> recompute(Zone zone) {
        KernelRoute now = desired(zone.source(), zone.destination());
        Map<Prefix, KernelRoute> table = placed.computeIfAbsent(zone.source(), s -> new HashMap<>());
        KernelRoute old = now == null ? table.remove(zone.destination()) : table.put(zone.destination(), now);
        if (table.isEmpty()) {
            placed.remove(zone.source());
        }
        return KernelChanges.transition(old, now);
    }

    /** What the table of {@code source} must hold for {@code destination}, or null for nothing. */
    private KernelRoute desired(Prefix source, Prefix destination) {
        Integer table = tables.get(source);
        Map<Prefix, KernelRoute> own = bySource.get(source);
        if (table == null || own == null) {
            return null;
        }
        KernelRoute mine = own.get(destination);
        if (mine != null) {
            return inTable(mine, table);
        }
        KernelRoute winner = null;
        for (KernelRoute r : byDestination.getOrDefault(destination, Map.of()).values()) {
            Prefix s = r.source();
            if (s.length() < source.length() && s.contains(source)
                    && (winner == null || s.length() > winner.source().length())) {
                winner = r;
            }
        }
        if (winner == null || !hasLessSpecificOwnRoute(own, destination)) {
            return null;
        }
        return inTable(winner, table);
    }

    /** True when {@code own} has a route whose destination strictly contains {@code destination}. */
    private static boolean hasLessSpecificOwnRoute(Map<Prefix, KernelRoute> own, Prefix destination) {
        for (int length = destination.length() - 1; length >= 0; length--) {
            if (own.containsKey(new Prefix(destination.address(), length))) {
                return true;
            }
        }
        return false;
    }

    private static KernelRoute inTable(KernelRoute r, int table) {
        return new KernelRoute(r.destination(), null, r.nextHop(), r.ifindex(), r.priority(), table, r.protocol(),
                r.type(), r.preferredSource());
    }

    private Integer freeTable() {
        Set<Integer> used = Set.copyOf(tables.values());
        for (int i = 0; i < settings.maxTables(); i++) {
            if (!used.contains(settings.firstTable() + i)) {
                return settings.firstTable() + i;
            }
        }
        return null;
    }

    /**
     * Gives the rules of the current sources their priorities (most specific first, from
     * {@link TableSettings#firstRulePriority()}) and returns the rule changes: a vanished source's rule is
     * removed first; a moved rule is added at its new priority before its old one is removed, the least
     * specific first when rules move up and the most specific first when they move down, so that every
     * source always has a rule and nested sources never swap order.
     */
    private List<KernelChange> layoutRules() {
        List<KernelChange> changes = new ArrayList<>();
        for (Prefix s : List.copyOf(rules.keySet())) {
            if (!tables.containsKey(s)) {
                changes.add(RuleChange.remove(rules.remove(s)));
            }
        }
        List<Prefix> order = new ArrayList<>(tables.keySet());
        order.sort(RULE_ORDER);
        boolean up = order.size() > rules.size();
        for (int n = 0; n < order.size(); n++) {
            int i = up ? order.size() - 1 - n : n;
            Prefix s = order.get(i);
            KernelRule now = KernelRule.babel(s, settings.firstRulePriority() + i, tables.get(s));
            KernelRule before = rules.put(s, now);
            if (!now.equals(before)) {
                changes.add(RuleChange.add(now));
                if (before != null) {
                    changes.add(RuleChange.remove(before));
                }
            }
        }
        return changes;
    }
}
