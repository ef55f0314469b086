package org.jbabel.engine;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;

/**
 * What our neighbours' updates do to the route table (RFC 8966 §3.5): a finite update is acquired (input filter,
 * table limits, feasibility; an unfeasible one may start a seqno request), a retraction or an expiry makes a route
 * unusable, a retracted route is forgotten later, and the selected ones are refreshed by route requests before they
 * expire. Each change is followed by reselection and announced as it deserves.
 */
final class RouteUpdates {
    private final EngineConfig config;
    private final EngineClock clock;
    private final Routes routes;
    private final Sources sources;
    private final Selection selection;
    private final Announcer announcer;
    private final SeqnoRequests seqnoRequests;
    private final Outbox outbox;
    private final EngineCounters counters;
    private final int halfLife;
    private long nextRouteCheck = Long.MAX_VALUE;

    RouteUpdates(EngineConfig config, EngineClock clock, Routes routes, Sources sources, Selection selection,
            Announcer announcer, SeqnoRequests seqnoRequests, Outbox outbox, EngineCounters counters, int halfLife) {
        this.config = config;
        this.clock = clock;
        this.routes = routes;
        this.sources = sources;
        this.selection = selection;
        this.announcer = announcer;
        this.seqnoRequests = seqnoRequests;
        this.outbox = outbox;
        this.counters = counters;
        this.halfLife = halfLife;
    }

    /** RFC 8966 §3.5.3: a finite update (router-id, seqno, metric) for a key from a neighbour. */
    void acquire(RouteKey key, Neighbour n, RouterId rid, int seqno, int refmetric, long interval,
            IpAddress nextHop) {
        Route r = routes.find(key, n);
        int inputMetric = selection.filters().input(key, rid, n.address, n.ifname());
        if (inputMetric >= RouteFilters.DENY) {
            counters.increment(Counter.FILTERED);
            if (r != null) {
                retract(r);
            }
            return;
        }
        if (r == null && Routes.count(n) >= config.limits().routesPerNeighbour()) {
            counters.increment(Counter.ROUTE_LIMIT);
            return;
        }
        if (r == null && routes.size() >= config.limits().routes()) {
            counters.increment(Counter.ROUTE_TABLE_FULL);
            return;
        }
        boolean feasible = sources.feasible(key, rid, seqno, refmetric);
        if (!feasible) {
            counters.increment(Counter.UNFEASIBLE);
            seqnoRequests.requestNewerSeqno(key, n, rid, seqno, refmetric);
            // A new unfeasible route is not worth keeping, and an unfeasible update from the source of the
            // selected route is ignored (so the selected route stays as it was until the request is answered).
            if (r == null || (r == routes.selected(key) && rid.equals(r.routerId()))) {
                return;
            }
        }
        SelectedRoute before = selection.inUse(key);
        if (r == null) {
            r = routes.add(key, n);
        }
        r.update(rid, seqno, refmetric, inputMetric, selection.installOptions(key, rid, n), nextHop, clock.now(),
                Routes.holdTime(interval), halfLife);
        nextRouteCheck = Math.min(nextRouteCheck, r.refreshRequestAt());
        boolean requested = seqnoRequests.answered(key, rid, seqno);
        selection.reselect(key);
        announcer.announceChange(key, before, requested);
    }

    /** A route was retracted by its neighbour (or expired): it stays, unusable, until it is forgotten. */
    void retract(Route r) {
        if (r.retracted()) {
            return;
        }
        SelectedRoute before = selection.inUse(r.key);
        r.retract(clock.now(), halfLife);
        selection.reselect(r.key);
        announcer.announceChange(r.key, before, false);
    }

    /** Expires routes not refreshed in time (retracting them first), and asks for refreshes before that. */
    private void checkRoutes() {
        long next = Long.MAX_VALUE;
        for (Slot s : routes.slots()) {
            for (Route r : Routes.of(s)) {
                if (clock.now() >= r.expiresAt()) {
                    if (r.retracted()) {
                        forget(r);
                        continue;
                    }
                    retract(r);
                    r.forgetAt(clock.now() + BabelConstants.ROUTE_HOLD_MIN);
                } else if (!r.retracted() && !r.refreshRequested() && clock.now() >= r.refreshRequestAt()) {
                    // Only the selected route is worth a refresh request; the others just expire.
                    r.markRefreshRequested();
                    if (s.selected == r) {
                        outbox.add(r.neighbour.iface, r.neighbour.address, Outbox.routeRequest(r.key),
                                clock.urgent());
                    }
                }
                next = Math.min(next, r.expiresAt());
                if (!r.refreshRequested() && !r.retracted()) {
                    next = Math.min(next, r.refreshRequestAt());
                }
            }
        }
        // Every check walks the whole table: at most one per housekeeping interval, however spread the deadlines
        // (a large table refreshed at many different times would otherwise be walked at each of them).
        nextRouteCheck = next == Long.MAX_VALUE ? next
                : Math.max(next, clock.now() + BabelConstants.HOUSEKEEPING_INTERVAL);
    }

    /**
     * A neighbour's cost changed: the metrics of its routes follow, and each key is reselected and announced as its
     * change deserves.
     */
    void costChanged(Neighbour n) {
        // The routes still carry their old metrics: capture what we announced before recomputing them.
        List<Route> affected = Routes.via(n);
        List<SelectedRoute> before = new ArrayList<>(affected.size());
        for (Route r : affected) {
            before.add(selection.inUse(r.key));
        }
        for (Route r : affected) {
            r.recomputeMetric(clock.now(), halfLife);
        }
        for (int k = 0; k < affected.size(); k++) {
            RouteKey key = affected.get(k).key;
            selection.reselect(key);
            announcer.announceChange(key, before.get(k), false);
        }
    }

    /** Forgets a route (expired after its retraction, or its neighbour went); its key is reselected and announced. */
    void forget(Route r) {
        SelectedRoute before = selection.inUse(r.key);
        routes.remove(r);
        selection.reselect(r.key);
        announcer.announceChange(r.key, before, false);
    }

    /** Runs the route check if it is due at {@code t}. */
    void checkDue(long t) {
        if (t >= nextRouteCheck) {
            checkRoutes();
        }
    }

    long nextDeadline() {
        return nextRouteCheck;
    }
}
