package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;

/**
 * The route table (RFC 8966 §3.2.6): for every route key the routes learned from each neighbour, and which of them
 * is selected. The routes of a key live in its {@link Slot}, the first one directly, further ones (other neighbours
 * announcing the key) chained behind it. Selection (§3.6) takes the feasible route with the lowest smoothed metric,
 * with babeld's hysteresis: a selected route is only displaced by one that is no worse in metric and strictly better
 * in smoothed metric. The routes of one neighbour are chained too ({@link Neighbour#routes}, newest first), so that
 * adding and removing a route costs the same whatever the table's size.
 * A route the kernel refused ({@link Route#kernelRefused}) is not selected. For a key whose slot owns an index in a
 * shared key table ({@link Slots#owner}) each neighbour also finds its route in an array, by the slot's own dense
 * number ({@link Slots#local}, {@link Neighbour#routesByIndex}), so that a gateway with 78 neighbours does not walk
 * 78 routes per update.
 */
final class Routes {

    /** How long a route announced with this update interval is kept without refresh: max(6 × interval, 15 s). */
    static long holdTime(long updateInterval) {
        return Math.max(BabelConstants.ROUTE_HOLD_INTERVALS * updateInterval, BabelConstants.ROUTE_HOLD_MIN);
    }

    private final Slots slots;
    private int size;
    private long nextId = 1;

    Routes(Slots slots) {
        this.slots = slots;
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
        if (slots.owner(s)) {
            Route[] byIndex = n.routesByIndex;
            int i = slots.local(s);
            return byIndex != null && i < byIndex.length ? byIndex[i] : null;
        }
        for (Route r = s.routes; r != null; r = r.next) {
            if (r.neighbour == n) {
                return r;
            }
        }
        return null;
    }

    /** A new route for the key from a neighbour, behind the key's other routes; it takes the slot's key. */
    Route add(RouteKey key, Neighbour n) {
        Slot s = slots.obtain(key);
        Route r = new Route(nextId++, s.key, n);
        if (s.routes == null) {
            s.routes = r;
            slots.routed(s);
        } else {
            Route last = s.routes;
            while (last.next != null) {
                last = last.next;
            }
            last.next = r;
        }
        if (slots.owner(s)) {
            int i = slots.local(s);
            Route[] byIndex = n.routesByIndex;
            if (byIndex == null || i >= byIndex.length) {
                n.routesByIndex = byIndex = Arrays.copyOf(byIndex == null ? new Route[0] : byIndex,
                        Math.max(i + 1, byIndex == null ? 16 : byIndex.length * 2));
            }
            byIndex[i] = r;
        }
        r.nextOfNeighbour = n.routes;
        if (n.routes != null) {
            n.routes.previousOfNeighbour = r;
        }
        n.routes = r;
        n.routeCount++;
        size++;
        return r;
    }

    /** Removes a route. The caller has already unselected it. */
    void remove(Route r) {
        Slot s = slots.get(r.key);
        if (s != null) {
            if (s.routes == r) {
                s.routes = r.next;
            } else {
                for (Route p = s.routes; p != null; p = p.next) {
                    if (p.next == r) {
                        p.next = r.next;
                        break;
                    }
                }
            }
            r.next = null;
            if (slots.owner(s)) {
                r.neighbour.routesByIndex[slots.local(s)] = null;
            }
            if (s.selected == r) {
                setSelected(s, null);
            }
            slots.release(s);
        }
        Neighbour n = r.neighbour;
        if (r.previousOfNeighbour == null) {
            n.routes = r.nextOfNeighbour;
        } else {
            r.previousOfNeighbour.nextOfNeighbour = r.nextOfNeighbour;
        }
        if (r.nextOfNeighbour != null) {
            r.nextOfNeighbour.previousOfNeighbour = r.previousOfNeighbour;
        }
        r.previousOfNeighbour = null;
        r.nextOfNeighbour = null;
        n.routeCount--;
        size--;
    }

    /** How many routes a neighbour has. */
    static int count(Neighbour n) {
        return n.routeCount;
    }

    /** The routes learned from a neighbour, oldest first (a copy). */
    static List<Route> via(Neighbour n) {
        List<Route> result = new ArrayList<>(n.routeCount);
        for (Route r = n.routes; r != null; r = r.nextOfNeighbour) {
            result.add(r);
        }
        return result.reversed();
    }

    /** The slot of a key, or null when nothing is kept for it. */
    Slot slot(RouteKey key) {
        return slots.get(key);
    }

    /** The slot of a key, made when there is none (to keep what we announced, {@link Slot#announcedOn}). */
    Slot obtainSlot(RouteKey key) {
        return slots.obtain(key);
    }

    /** Forgets a slot once nothing is kept in it. */
    void releaseIfUnused(Slot s) {
        slots.release(s);
    }

    /** The slots that have learned routes, in the order their keys were learned (a copy). */
    List<Slot> slots() {
        List<Slot> result = new ArrayList<>(size);
        for (Slot s : slots.all()) {
            if (s.routes != null) {
                result.add(s);
            }
        }
        return result;
    }

    /** The routes of a slot, in order of arrival (a copy). */
    static List<Route> of(Slot s) {
        List<Route> result = new ArrayList<>(2);
        for (Route r = s.routes; r != null; r = r.next) {
            result.add(r);
        }
        return result;
    }

    int size() {
        return size;
    }

    /** How many keys have a slot (learned, or originated and announced), at least as many as are selected. */
    int keys() {
        return slots.all().size();
    }

    /** Whether some route of the slot comes from this source (so its feasibility distance must be kept). */
    static boolean uses(Slot s, RouterId routerId) {
        for (Route r = s.routes; r != null; r = r.next) {
            if (routerId.equals(r.routerId())) {
                return true;
            }
        }
        return false;
    }

    static boolean feasible(Slot s, Route r) {
        return r.routerId() != null && Sources.feasible(s, r.routerId(), r.seqno(), r.refmetric());
    }

    /**
     * The route that should be selected for this key now: null when none is usable, feasible and allowed by the
     * install filter, or when {@code blocked} (a local route for the key takes precedence).
     */
    Route choose(RouteKey key, long now, int halfLife, boolean blocked) {
        Slot s = slots.get(key);
        if (s == null || blocked) {
            return null;
        }
        Route best = null;
        int bestSmoothed = 0;
        for (Route r = s.routes; r != null; r = r.next) {
            if (!r.usable() || !r.install().install() || r.kernelRefused() || !feasible(s, r)) {
                continue;
            }
            int sm = r.smoothedMetric(now, halfLife);
            if (best == null || sm < bestSmoothed || (sm == bestSmoothed && r.metric() < best.metric())) {
                best = r;
                bestSmoothed = sm;
            }
        }
        Route current = s.selected;
        if (best == null || current == null || current == best || !current.usable() || !current.install().install()
                || current.kernelRefused() || !feasible(s, current)) {
            return best;
        }
        boolean better = best.metric() <= current.metric() && bestSmoothed < current.smoothedMetric(now, halfLife);
        return better ? best : current;
    }

    void select(RouteKey key, Route r) {
        Slot s = slots.get(key);
        if (s != null && s.selected != r) {
            setSelected(s, r);
        }
    }

    /** Selects a route for a slot, keeping each neighbour's count of selected routes. */
    private static void setSelected(Slot s, Route r) {
        if (s.selected != null) {
            s.selected.neighbour.selectedCount--;
        }
        s.selected = r;
        if (r != null) {
            r.neighbour.selectedCount++;
        }
    }

    /** The usable route with the lowest metric whose neighbour is not {@code excluded}, feasible or not. */
    Route bestOther(RouteKey key, Neighbour excluded) {
        Slot s = slots.get(key);
        Route best = null;
        if (s != null) {
            for (Route r = s.routes; r != null; r = r.next) {
                if (r.neighbour != excluded && r.usable() && (best == null || r.metric() < best.metric())) {
                    best = r;
                }
            }
        }
        return best;
    }
}
