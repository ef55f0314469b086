package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.RouterId;

/**
 * The route table (RFC 8966 §3.2.6): for every route key the routes learned from each neighbour, and which of them
 * is selected. Selection (§3.6) takes the feasible route with the lowest smoothed metric, with babeld's
 * hysteresis: a selected route is only displaced by one that is no worse in metric and strictly better in
 * smoothed metric.
 */
final class Routes {

    /** The routes of one key. */
    static final class Slot {
        final RouteKey key;
        final List<Route> routes = new ArrayList<>(2);
        Route selected;

        Slot(RouteKey key) {
            this.key = key;
        }
    }

    /** How long a route announced with this update interval is kept without refresh: max(6 × interval, 15 s). */
    static long holdTime(long updateInterval) {
        return Math.max(BabelConstants.ROUTE_HOLD_INTERVALS * updateInterval, BabelConstants.ROUTE_HOLD_MIN);
    }

    private final Map<RouteKey, Slot> slots = new LinkedHashMap<>();
    private final Map<Neighbour, List<Route>> byNeighbour = new LinkedHashMap<>();
    private int size;
    private long nextId = 1;

    Slot slot(RouteKey key) {
        return slots.get(key);
    }

    Route selected(RouteKey key) {
        Slot s = slots.get(key);
        return s == null ? null : s.selected;
    }

    Route find(RouteKey key, Neighbour n) {
        Slot s = slots.get(key);
        if (s == null) {
            return null;
        }
        for (Route r : s.routes) {
            if (r.neighbour == n) {
                return r;
            }
        }
        return null;
    }

    Route add(RouteKey key, Neighbour n) {
        Route r = new Route(nextId++, key, n);
        slots.computeIfAbsent(key, Slot::new).routes.add(r);
        byNeighbour.computeIfAbsent(n, x -> new ArrayList<>()).add(r);
        size++;
        return r;
    }

    /** Removes a route. The caller has already unselected it. */
    void remove(Route r) {
        Slot s = slots.get(r.key);
        if (s != null) {
            s.routes.remove(r);
            if (s.selected == r) {
                s.selected = null;
            }
            if (s.routes.isEmpty()) {
                slots.remove(r.key);
            }
        }
        List<Route> list = byNeighbour.get(r.neighbour);
        if (list != null) {
            list.remove(r);
            if (list.isEmpty()) {
                byNeighbour.remove(r.neighbour);
            }
        }
        size--;
    }

    /** How many routes a neighbour has. */
    int count(Neighbour n) {
        List<Route> list = byNeighbour.get(n);
        return list == null ? 0 : list.size();
    }

    /** The routes learned from a neighbour (a copy). */
    List<Route> via(Neighbour n) {
        List<Route> list = byNeighbour.get(n);
        return list == null ? List.of() : new ArrayList<>(list);
    }

    Collection<Slot> slots() {
        return slots.values();
    }

    int size() {
        return size;
    }

    /** Whether some route still refers to this source (so its feasibility distance must be kept). */
    boolean uses(RouteKey key, RouterId routerId) {
        Slot s = slots.get(key);
        if (s != null) {
            for (Route r : s.routes) {
                if (routerId.equals(r.routerId)) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean feasible(Route r, Sources sources) {
        return r.routerId != null && sources.feasible(r.key, r.routerId, r.seqno, r.refmetric);
    }

    /**
     * The route that should be selected for this key now: null when none is usable, feasible and allowed by the
     * install filter, or when {@code blocked} (a local route for the key takes precedence).
     */
    Route choose(RouteKey key, long now, int halfLife, Sources sources, boolean blocked) {
        Slot s = slots.get(key);
        if (s == null || blocked) {
            return null;
        }
        Route best = null;
        int bestSmoothed = 0;
        for (Route r : s.routes) {
            if (!r.usable() || !r.install.install() || !feasible(r, sources)) {
                continue;
            }
            int sm = r.smoothedMetric(now, halfLife);
            if (best == null || sm < bestSmoothed || (sm == bestSmoothed && r.metric < best.metric)) {
                best = r;
                bestSmoothed = sm;
            }
        }
        Route current = s.selected;
        if (best == null || current == null || current == best || !current.usable() || !current.install.install()
                || !feasible(current, sources)) {
            return best;
        }
        boolean better = best.metric <= current.metric && bestSmoothed < current.smoothedMetric(now, halfLife);
        return better ? best : current;
    }

    void select(RouteKey key, Route r) {
        Slot s = slots.get(key);
        if (s != null) {
            s.selected = r;
        }
    }

    /** The usable route with the lowest metric whose neighbour is not {@code excluded}, feasible or not. */
    Route bestOther(RouteKey key, Neighbour excluded) {
        Slot s = slots.get(key);
        Route best = null;
        if (s != null) {
            for (Route r : s.routes) {
                if (r.neighbour != excluded && r.usable() && (best == null || r.metric < best.metric)) {
                    best = r;
                }
            }
        }
        return best;
    }
}
