package org.jbabel.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.jbabel.engine.Action;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelChange;
import org.jbabel.kernel.KernelChanges;
import org.jbabel.kernel.KernelException;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.kernel.Plan;
import org.jbabel.kernel.Placement;
import org.jbabel.kernel.Rules;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.RuleChange;

/**
 * The daemon's path from the engine's FIB updates to the kernel. At {@link #start()} the routes and rules of
 * protocol 42 that a previous run left are removed and the placement of each family is chosen (the chooser may
 * probe the kernel) and logged. During a turn of the event loop the updates are turned into kernel changes by
 * {@link FibWriter}; at the end of the turn {@link #flush()} applies them in order with
 * {@link KernelChanges#applyAll}, so that a source table is filled before its rule points to it and a rule goes
 * before its table is emptied. {@link #stop()} is the clean exit: every route and rule we installed is removed,
 * then anything of protocol 42 that is still there. Runs on the daemon's event loop only.
 *
 * <p>A route the kernel refused (an ADD or REPLACE that failed, {@link FibWriter#refusesRoute}), or that could not
 * be placed at all, is logged (at most {@link #REFUSALS_LOGGED_PER_MINUTE} lines a minute, then a count of the
 * rest) and handed back by {@link #takeRefused()}: the daemon tells the engine, which then neither shows it
 * installed nor announces it.
 *
 * <p>When the kernel's answer to a batch is lost (ENOBUFS: the ACKs overran the socket; ETIMEDOUT: none came; or the
 * channel failed as a whole), what the kernel holds is unknown. The next {@link #flush()} then resyncs: the
 * routes and rules of protocol 42 are read back and made what the placements want, built afresh from the routes
 * installed (every wanted route replaced, every wanted rule added that is missing, everything else of protocol 42
 * removed), and the placements are replaced by the fresh ones, whose view is now the kernel's; the changes queued in
 * that turn are dropped, their routes being among those written. A route the kernel refuses in a resync is counted,
 * not handed back to the engine. Counted as {@code fib_resync}; a resync whose own answers are lost is tried again at
 * the next flush.
 */
public final class KernelWriter {

    /** How many changes' worth of room the queue keeps between turns. */
    private static final int KEPT_CAPACITY = 256;
    /** How many refused routes are logged one by one per minute; the rest are counted in one line. */
    public static final int REFUSALS_LOGGED_PER_MINUTE = 10;
    private static final long MINUTE = 60_000_000_000L;

    private final Fib fib;
    private final Rules rules;
    private final DaemonLog log;
    private final Function<Fib, PlacementChoice> chooser;
    private final KernelMetric metric;
    private final int exportTable;
    private final ToIntFunction<String> ifindex;
    private final LongSupplier clock;
    private final ArrayList<KernelChange> pending = new ArrayList<>();
    /** The engine update each pending change comes from (null for the clean exit's removals). */
    private final ArrayList<Action.FibUpdate> origins = new ArrayList<>();
    private final List<Action.FibUpdate> refused = new ArrayList<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private FibWriter writer;
    /** The answer to a batch was lost: what the kernel holds is unknown until the next resync. */
    private boolean uncertain;
    private long logWindowStart = Long.MIN_VALUE;
    private int loggedInWindow;
    private long notLogged;

    /**
     * @param fib the kernel's routes
     * @param rules the kernel's policy-routing rules (the same kernel)
     * @param chooser the placement of each family, given the kernel (called once, at {@link #start()})
     * @param ifindex the index of an interface by name, 0 when there is none
     */
    public KernelWriter(Fib fib, Rules rules, DaemonLog log, KernelMetric metric, int exportTable,
            ToIntFunction<String> ifindex, Function<Fib, PlacementChoice> chooser) {
        this(fib, rules, log, metric, exportTable, ifindex, chooser, System::nanoTime);
    }

    /** As the other constructor, with the clock (nanoseconds) that paces the log of refused routes. */
    public KernelWriter(Fib fib, Rules rules, DaemonLog log, KernelMetric metric, int exportTable,
            ToIntFunction<String> ifindex, Function<Fib, PlacementChoice> chooser, LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock);
        this.fib = Objects.requireNonNull(fib);
        this.rules = Objects.requireNonNull(rules);
        this.log = Objects.requireNonNull(log);
        this.chooser = Objects.requireNonNull(chooser);
        this.metric = Objects.requireNonNull(metric);
        this.exportTable = exportTable;
        this.ifindex = Objects.requireNonNull(ifindex);
    }

    /** Removes what a previous run left of protocol 42, chooses the placements and logs the choice. */
    public PlacementChoice start() {
        int staleRoutes = fib.flush(KernelRoute.PROTOCOL_BABEL);
        if (staleRoutes > 0) {
            log.info("removed " + staleRoutes + " stale routes of protocol " + KernelRoute.PROTOCOL_BABEL);
        }
        int staleRules = rules.flushRules(KernelRoute.PROTOCOL_BABEL);
        if (staleRules > 0) {
            log.info("removed " + staleRules + " stale rules of protocol " + KernelRoute.PROTOCOL_BABEL);
        }
        PlacementChoice choice = chooser.apply(fib);
        writer = new FibWriter(metric, exportTable, ifindex, choice);
        log.info(choice.description());
        return choice;
    }

    /** Queues the kernel changes for one engine update; a route that cannot be placed is refused with its reason. */
    public void update(Action.FibUpdate u) {
        Plan plan = writer.changesFor(u);
        pending.addAll(plan.changes());
        for (int i = 0; i < plan.changes().size(); i++) {
            origins.add(u);
        }
        plan.refusal().ifPresent(reason -> refuse(u, reason));
    }

    /** Applies the queued changes in order (the end of a turn of the loop), after a resync if one is due. */
    public void flush() {
        startLogWindowIfDue();
        if (uncertain && writer != null) {
            // the placements' view already holds this turn's updates: the resync writes them, under the fresh
            // placements' numbering; the changes queued under the old one would be wrong there
            resync();
            pending.clear();
            origins.clear();
        }
        if (pending.isEmpty()) {
            return;
        }
        List<KernelChange> batch = List.copyOf(pending);
        List<Action.FibUpdate> from = new ArrayList<>(origins);
        pending.clear();
        origins.clear();
        if (batch.size() > KEPT_CAPACITY) {
            // A burst (a whole table at once) does not keep its room after it is gone.
            pending.trimToSize();
            origins.trimToSize();
        }
        try {
            List<KernelChanges.Result> results = KernelChanges.applyAll(fib, rules, batch);
            writer.applied(results);
            for (int i = 0; i < results.size(); i++) {
                KernelChanges.Result r = results.get(i);
                if (r.ok()) {
                    continue;
                }
                if (answerLost(r)) {
                    uncertain = true;
                }
                Action.FibUpdate u = i < from.size() ? from.get(i) : null;
                if (u != null && FibWriter.refusesRoute(r)) {
                    refuse(u, Errno.name(r.errno()) + " for " + ((FibChange) r.change()).op().name().toLowerCase(
                            java.util.Locale.ROOT));
                } else {
                    log.debug("kernel refused " + r);
                }
            }
        } catch (KernelException e) {
            count("fib_channel_error");
            uncertain = true;
            log.info("kernel route changes failed: " + e.getMessage() + " (the routes will be read back and resynced)");
        }
    }

    private static boolean answerLost(KernelChanges.Result r) {
        return r.errno() == Errno.ENOBUFS || r.errno() == Errno.ETIMEDOUT;
    }

    /** Makes the kernel's routes and rules of protocol 42 what the placements want (see the class comment). */
    private void resync() {
        uncertain = false;
        count("fib_resync");
        PlacementChoice old = writer.placements();
        PlacementChoice fresh = new PlacementChoice(old.ipv4().fresh(), old.ipv6().fresh(), old.description());
        Map<List<Object>, KernelRoute> wantedRoutes = new java.util.LinkedHashMap<>();
        java.util.Set<KernelRule> wantedRules = new java.util.LinkedHashSet<>();
        for (Placement p : List.of(old.ipv4(), old.ipv6())) {
            Placement f = fresh.of(p.family());
            for (KernelRoute r : p.installed().values()) {
                for (KernelChange c : f.install(r).changes()) {
                    switch (c) {
                        case FibChange fc when fc.op() == FibChange.Op.REMOVE -> wantedRoutes.remove(identity(fc.route()));
                        case FibChange fc -> wantedRoutes.put(identity(fc.route()), fc.route());
                        case RuleChange rc when rc.op() == RuleChange.Op.REMOVE -> wantedRules.remove(rc.rule());
                        case RuleChange rc -> wantedRules.add(rc.rule());
                    }
                }
            }
        }
        List<KernelChange> changes = new ArrayList<>();
        try {
            wantedRoutes.values().forEach(r -> changes.add(FibChange.replace(r)));
            List<KernelRule> rulesNow = rules.rules(KernelRoute.PROTOCOL_BABEL);
            for (KernelRule r : wantedRules) {
                if (!rulesNow.contains(r)) {
                    changes.add(new RuleChange(RuleChange.Op.ADD, r));
                }
            }
            for (KernelRule r : rulesNow) {
                if (!wantedRules.contains(r)) {
                    changes.add(new RuleChange(RuleChange.Op.REMOVE, r));
                }
            }
            for (KernelRoute r : fib.routes(KernelRoute.PROTOCOL_BABEL)) {
                if (!wantedRoutes.containsKey(identity(r))) {
                    changes.add(FibChange.remove(r));
                }
            }
            writer = writer.with(fresh);
            List<KernelChanges.Result> results = KernelChanges.applyAll(fib, rules, changes);
            writer.applied(results);
            int failed = 0;
            for (KernelChanges.Result r : results) {
                if (!r.ok()) {
                    failed++;
                    uncertain |= answerLost(r);
                }
            }
            log.info("kernel routes resynced after a lost answer: " + wantedRoutes.size() + " routes and "
                    + wantedRules.size() + " rules wanted, " + changes.size() + " changes, " + failed + " refused"
                    + (uncertain ? " (answers lost again: once more at the next turn)" : ""));
        } catch (KernelException e) {
            count("fib_channel_error");
            uncertain = true;
            log.info("kernel route resync failed: " + e.getMessage() + " (tried again at the next turn)");
        }
    }

    /** What tells two kernel routes apart: table, destination, source and priority (IPv6's 0 read as 1024). */
    private static List<Object> identity(KernelRoute r) {
        long priority = r.priority() == 0 && r.family() == org.jbabel.wire.Family.V6 ? 1024 : r.priority();
        return List.of(r.table(), r.destination(), r.sourceSpecific() ? r.source() : "", priority);
    }

    /**
     * The engine updates whose routes are not in the kernel since the last call, in order, each once: the daemon
     * hands them to {@link org.jbabel.engine.BabelEngine#kernelRefused}.
     */
    public List<Action.FibUpdate> takeRefused() {
        if (refused.isEmpty()) {
            return List.of();
        }
        List<Action.FibUpdate> out = List.copyOf(refused);
        refused.clear();
        return out;
    }

    private void refuse(Action.FibUpdate u, String reason) {
        if (u.op() == Action.FibOp.REMOVE || (!refused.isEmpty() && refused.getLast() == u)) {
            return;
        }
        refused.add(u);
        if (logWindowStart == Long.MIN_VALUE) {
            logWindowStart = clock.getAsLong();
        }
        startLogWindowIfDue();
        if (loggedInWindow < REFUSALS_LOGGED_PER_MINUTE) {
            loggedInWindow++;
            log.info("route " + describe(u) + " not installed: " + reason);
        } else {
            notLogged++;
        }
    }

    /** A minute after the first refusal of a window: the count of those not logged, and a fresh window. */
    private void startLogWindowIfDue() {
        long now = clock.getAsLong();
        if (logWindowStart == Long.MIN_VALUE || now - logWindowStart < MINUTE) {
            return;
        }
        if (notLogged > 0) {
            log.info("kernel refused " + notLogged + " more routes in the last minute (not logged one by one)");
        }
        logWindowStart = notLogged > 0 || loggedInWindow > 0 ? now : Long.MIN_VALUE;
        loggedInWindow = 0;
        notLogged = 0;
    }

    private static String describe(Action.FibUpdate u) {
        String r = u.key().prefix().toString();
        if (u.key().sourceSpecific()) {
            r += " from " + u.key().source();
        }
        return r + " via " + u.nextHop() + " dev " + u.ifname() + " metric " + u.metric();
    }

    /** The clean exit: our routes and rules out, then whatever else of protocol 42 is left. */
    public void stop() {
        if (writer == null) {
            return;
        }
        for (KernelChange c : writer.removeAll()) {
            pending.add(c);
            origins.add(null);
        }
        flush();
        try {
            int routes = fib.flush(KernelRoute.PROTOCOL_BABEL);
            int left = rules.flushRules(KernelRoute.PROTOCOL_BABEL);
            if (routes + left > 0) {
                log.info("removed " + routes + " more routes and " + left + " more rules of protocol "
                        + KernelRoute.PROTOCOL_BABEL);
            }
        } catch (KernelException e) {
            count("fib_channel_error");
            log.info("removing the routes of protocol " + KernelRoute.PROTOCOL_BABEL + " failed: " + e.getMessage());
        }
    }

    /** The placements chosen at start, or null before it. */
    public PlacementChoice placements() {
        return writer == null ? null : writer.placements();
    }

    /** The routes installed now, by key (before the placements put them into tables). */
    public Map<RouteKey, KernelRoute> installed() {
        return writer == null ? Map.of() : writer.installed();
    }

    /** The counters of {@link FibWriter#counters()} and channel failures. */
    public Map<String, Long> counters() {
        Map<String, Long> all = new TreeMap<>(counters);
        if (writer != null) {
            all.putAll(writer.counters());
        }
        return all;
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }
}
