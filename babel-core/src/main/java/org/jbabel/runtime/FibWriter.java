package org.jbabel.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.jbabel.engine.Action;
import org.jbabel.engine.RouteKey;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.FibResult;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.wire.Family;

/**
 * Turns the engine's FIB updates into kernel route changes, as babeld writes them (docs/KERNEL.md): protocol 42,
 * on-link through the next hop, {@code RTA_VIA} for IPv4 through IPv6, {@code RTA_SRC} for IPv6 source-specific
 * routes, the priority from {@link KernelMetric}, the export table (or the table and preferred source that an
 * {@code install} rule gave the update in the engine). It remembers what it installed, so a change whose priority or table moved is written as
 * remove-then-add (babeld's order) and a clean exit removes exactly our routes. Sans-IO: the daemon applies the
 * changes and hands the results back.
 */
public final class FibWriter {

    private final KernelMetric metric;
    private final int exportTable;
    private final ToIntFunction<String> ifindex;
    private final Map<RouteKey, KernelRoute> installed = new LinkedHashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();

    /**
     * @param ifindex the index of an interface by name, 0 when there is none
     */
    public FibWriter(KernelMetric metric, int exportTable, ToIntFunction<String> ifindex) {
        this.metric = Objects.requireNonNull(metric);
        this.exportTable = exportTable;
        this.ifindex = Objects.requireNonNull(ifindex);
    }

    /** The kernel changes for one engine update (none, one, or a removal and an add). */
    public List<FibChange> changesFor(Action.FibUpdate u) {
        KernelRoute old = installed.get(u.key());
        if (u.op() == Action.FibOp.REMOVE) {
            if (old == null) {
                return List.of();
            }
            installed.remove(u.key());
            return List.of(FibChange.remove(old));
        }
        KernelRoute route = kernelRoute(u);
        if (route == null) {
            if (old == null) {
                return List.of();
            }
            installed.remove(u.key());
            return List.of(FibChange.remove(old));
        }
        installed.put(u.key(), route);
        if (old == null) {
            return List.of(FibChange.add(route));
        }
        if (sameIdentity(old, route)) {
            return old.equals(route) ? List.of() : List.of(FibChange.replace(route));
        }
        return List.of(FibChange.remove(old), FibChange.add(route));
    }

    /** Removes every route we installed (clean exit). */
    public List<FibChange> removeAll() {
        List<FibChange> out = new ArrayList<>();
        installed.values().forEach(r -> out.add(FibChange.remove(r)));
        installed.clear();
        return out;
    }

    /**
     * Takes the kernel's answers: a refused add is forgotten (so that we never remove a route that is not ours),
     * and every failure is counted by operation and errno ({@code fib_add_EEXIST} ...).
     */
    public void applied(List<FibResult> results) {
        for (FibResult r : results) {
            if (r.ok()) {
                continue;
            }
            FibChange c = r.change();
            count("fib_" + c.op().name().toLowerCase(java.util.Locale.ROOT) + "_" + r.errorName());
            if (c.op() != FibChange.Op.REMOVE) {
                installed.values().remove(c.route());
            }
        }
    }

    /** The routes installed now, by key. */
    public Map<RouteKey, KernelRoute> installed() {
        return Map.copyOf(installed);
    }

    /** Updates that could not become a kernel route, and changes the kernel refused, by reason. */
    public Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    /**
     * The kernel route for a selected route: next hop, interface, table (0 = the export table) and preferred source
     * from the engine, which applied the {@code install} rules; null when it
     * cannot be written (IPv4 source-specific routes are babel-source-routing's business; an interface that is
     * gone).
     */
    private KernelRoute kernelRoute(Action.FibUpdate u) {
        if (u.key().prefix().family() == Family.V4 && u.key().sourceSpecific()) {
            count("fib_skipped_ipv4_source_specific");
            return null;
        }
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

    private static boolean sameIdentity(KernelRoute a, KernelRoute b) {
        return a.table() == b.table() && a.priority() == b.priority() && a.destination().equals(b.destination())
                && a.source().equals(b.source());
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }
}
