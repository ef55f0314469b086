package org.jbabel.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.jbabel.engine.Action;
import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelChange;
import org.jbabel.kernel.KernelChanges;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Placement;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.kernel.Plan;
import org.jbabel.kernel.RuleChange;
import org.jbabel.wire.Family;

/**
 * Turns the engine's FIB updates into kernel changes, as babeld writes routes (docs/KERNEL.md): protocol 42,
 * on-link through the next hop, {@code RTA_VIA} for IPv4 through IPv6, the priority from {@link KernelMetric},
 * the export table (or the table and preferred source that an {@code install} rule gave the update in the
 * engine). Each route then goes through its family's {@link Placement} (docs/SOURCE-ROUTING.md), which decides
 * where a source-specific route goes (with its source prefix, or into a table of its own behind a rule) and
 * answers with the route and rule changes in the order they must be applied. The placements remember what is
 * installed, so a clean exit removes exactly our routes and rules. Sans-IO: the daemon applies the changes and
 * hands the results back.
 */
public final class FibWriter {

    /** Source-specific routes first, the most specific source first: each source table empties in one go. */
    private static final Comparator<RouteKey> REMOVAL_ORDER =
            Comparator.comparingInt((RouteKey k) -> k.source().length()).reversed();

    private final KernelMetric metric;
    private final int exportTable;
    private final ToIntFunction<String> ifindex;
    private final PlacementChoice placements;
    private final Map<String, Long> counters = new TreeMap<>();

    /**
     * @param ifindex the index of an interface by name, 0 when there is none
     * @param placements the placement of each family
     */
    public FibWriter(KernelMetric metric, int exportTable, ToIntFunction<String> ifindex,
            PlacementChoice placements) {
        this.metric = Objects.requireNonNull(metric);
        this.exportTable = exportTable;
        this.ifindex = Objects.requireNonNull(ifindex);
        this.placements = Objects.requireNonNull(placements);
    }

    /** A writer like this one (its counters kept) over other placements: those of a resync. */
    FibWriter with(PlacementChoice other) {
        FibWriter w = new FibWriter(metric, exportTable, ifindex, other);
        w.counters.putAll(counters);
        return w;
    }

    /**
     * The kernel changes for one engine update, in order; a refusal of the placement (no table left for another
     * source prefix, no placement for source-specific routes) is counted and carries its reason, and so does an
     * update through an interface that is gone (its plan removes what the key had).
     */
    public Plan changesFor(Action.FibUpdate u) {
        Placement placement = placements.of(u.key().prefix().family());
        if (u.op() == Action.FibOp.REMOVE) {
            return placement.remove(u.key());
        }
        if (u.unreachable()) {
            int table = u.table() != 0 ? u.table() : exportTable;
            return metric.retracted(u.key().prefix(), u.key().source(), table)
                    .map(placement::install)
                    .orElseGet(() -> placement.remove(u.key()));
        }
        KernelRoute route = kernelRoute(u);
        if (route == null) {
            return new Plan(placement.remove(u.key()).changes(), Optional.of("no interface " + u.ifname()));
        }
        Plan plan = placement.install(route);
        if (!plan.placed()) {
            count("fib_refused_by_placement");
        }
        return plan;
    }

    /** Removes every route and rule we installed (clean exit), in an order that keeps each step consistent. */
    public List<KernelChange> removeAll() {
        List<KernelChange> out = new ArrayList<>();
        for (Placement p : List.of(placements.ipv4(), placements.ipv6())) {
            List<RouteKey> keys = new ArrayList<>(p.installed().keySet());
            keys.sort(REMOVAL_ORDER);
            keys.forEach(k -> out.addAll(p.remove(k).changes()));
        }
        return out;
    }

    /**
     * Whether the kernel's answer to a change means the route is not in the kernel: an ADD or REPLACE that failed,
     * except an ADD that found the route there (EEXIST, which babeld takes for success too) and a batch whose answer
     * was lost (ENOBUFS, ETIMEDOUT: the route may well be there).
     */
    public static boolean refusesRoute(KernelChanges.Result r) {
        return !r.ok() && r.change() instanceof FibChange f && f.op() != FibChange.Op.REMOVE
                && !(f.op() == FibChange.Op.ADD && r.errno() == Errno.EEXIST)
                && r.errno() != Errno.ENOBUFS && r.errno() != Errno.ETIMEDOUT;
    }

    /**
     * Takes the kernel's answers and counts every failure by kind, operation and errno ({@code fib_add_EEXIST},
     * {@code rule_remove_ENOENT} ...). The placements keep their view: our removals carry protocol 42, so a route
     * the kernel refused to add is never confused with a route of someone else when it is removed later (the removal
     * of a refused route is then counted as {@code fib_remove_ESRCH}).
     */
    public void applied(List<KernelChanges.Result> results) {
        for (KernelChanges.Result r : results) {
            if (r.ok()) {
                continue;
            }
            String op = switch (r.change()) {
                case FibChange f -> "fib_" + f.op().name();
                case RuleChange c -> "rule_" + c.op().name();
            };
            count(op.toLowerCase(Locale.ROOT) + "_" + Errno.name(r.errno()));
        }
    }

    /** The routes installed now, by key, as given to the placements. */
    public Map<RouteKey, KernelRoute> installed() {
        Map<RouteKey, KernelRoute> all = new HashMap<>(placements.ipv4().installed());
        all.putAll(placements.ipv6().installed());
        return Map.copyOf(all);
    }

    /** The placements in use. */
    public PlacementChoice placements() {
        return placements;
    }

    /**
     * Updates that could not become a kernel route, changes the kernel refused, by reason; and the strategy of
     * each family as {@code placement_ipv4_tables}, {@code placement_ipv6_native} ... (always 1).
     */
    public Map<String, Long> counters() {
        Map<String, Long> all = new TreeMap<>(counters);
        for (Family f : Family.values()) {
            all.put("placement_" + (f == Family.V4 ? "ipv4_" : "ipv6_")
                    + placements.of(f).strategy().name().toLowerCase(Locale.ROOT), 1L);
        }
        return all;
    }

    /**
     * The kernel route for a selected route, source prefix included: next hop, interface, table (0 = the export
     * table) and preferred source from the engine, which applied the {@code install} rules; null when it cannot
     * be written (an interface that is gone).
     */
    private KernelRoute kernelRoute(Action.FibUpdate u) {
        int index = u.ifname() == null ? 0 : ifindex.applyAsInt(u.ifname());
        if (index <= 0) {
            count("fib_skipped_no_interface");
            return null;
        }
        int table = u.table() != 0 ? u.table() : exportTable;
        KernelRoute r = metric.unicast(u.key().prefix(), u.key().source(), u.nextHop(), index, u.metric(), table);
        if (u.preferredSource() != null && u.preferredSource().family() == u.key().prefix().family()) {
            r = r.withPreferredSource(u.preferredSource());
        }
        return r;
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }
}
