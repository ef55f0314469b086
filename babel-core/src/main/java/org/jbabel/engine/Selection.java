package org.jbabel.engine;

import java.util.List;
import java.util.Objects;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;

/**
 * Route selection and what follows from it for the FIB and the observers: which learned route is selected for a key
 * (RFC 8966 §3.6, {@link Routes#choose}) and the FIB entry the driver is asked to hold for it; which route is in use
 * (a local route where it wins, babeld's allow-duplicates and kernel-priority); the filters that decide what a route
 * costs, whether it is installed and what we announce; and the observers told when the route in use changes.
 */
final class Selection {
    private final EngineConfig config;
    private final Identity self;
    private final EngineClock clock;
    private final Slots slots;
    private final Routes routes;
    private final LocalRoutes localRoutes;
    private final List<Action> actions;
    private final ChangeDispatch dispatch;
    private final int halfLife;
    private RouteFilters filters = RouteFilters.ALLOW_ALL;

    Selection(EngineConfig config, Identity self, EngineClock clock, Slots slots, Routes routes,
            LocalRoutes localRoutes, List<Action> actions, ChangeDispatch dispatch, int halfLife) {
        this.config = config;
        this.self = self;
        this.clock = clock;
        this.slots = slots;
        this.routes = routes;
        this.localRoutes = localRoutes;
        this.actions = actions;
        this.dispatch = dispatch;
        this.halfLife = halfLife;
    }

    RouteFilters filters() {
        return filters;
    }

    void setFilters(RouteFilters newFilters) {
        filters = Objects.requireNonNull(newFilters, "filters");
    }

    /**
     * Re-runs route selection for a key and brings the FIB up to date (the caller then announces the change).
     *
     * <p>A key whose FIB entry lost its route, with no other route to take its place, is held as unreachable while
     * a retracted route is kept for it (until it is forgotten: RFC 8966 §3.5, "Hold Time"; babeld's "unreachable"
     * routes): otherwise a packet for it would follow a less specific route meanwhile, and where that route leads back
     * through a neighbour that has not yet heard the retraction, loop (docs/ENGINE.md, "Hold time"). A default route
     * (zero-length destination) is removed at once, as babeld does: nothing less specific than it exists.
     */
    void reselect(RouteKey key) {
        Route chosen = routes.choose(key, clock.now(), halfLife, localBlocks(key));
        routes.select(key, chosen);
        Slot s = slots.get(key);
        if (chosen == null) {
            if (s == null || !s.installed()) {
                return;
            }
            boolean hold = !key.prefix().isZeroLength() && !localBlocks(key) && holdsRetracted(s);
            if (!hold) {
                actions.add(s.installedUpdate(Action.FibOp.REMOVE));
                s.uninstall();
            } else if (!s.installedUnreachable()) {
                s.installUnreachable();
                actions.add(s.installedUpdate(Action.FibOp.REPLACE));
            }
        } else if (!s.installedAs(chosen)) {
            Action.FibOp op = Action.FibOp.REPLACE;
            if (!s.installed()) {
                op = Action.FibOp.ADD;
            } else if (s.installedOptions.table() != chosen.install().table()) {
                // Another table is another kernel route: the old one goes first.
                op = Action.FibOp.ADD;
                actions.add(s.installedUpdate(Action.FibOp.REMOVE));
            }
            slots.install(s, chosen);
            actions.add(s.installedUpdate(op));
        }
    }

    /**
     * Whether a route with an infinite metric is kept for the key (retracted, expired, or through a neighbour we no
     * longer reach): one we may have announced, so a neighbour may still route the key through us. A route the
     * kernel refused (never announced) or merely unfeasible routes hold nothing.
     */
    private static boolean holdsRetracted(Slot s) {
        for (Route r = s.routes; r != null; r = r.next) {
            if (!r.usable()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a local route for this key keeps learned routes for it out of the FIB (babeld's allow-duplicates). */
    private boolean localBlocks(RouteKey key) {
        int local = localRoutes.metric(key);
        return local >= 0 && (config.allowDuplicates() < 0 || local >= config.allowDuplicates());
    }

    /**
     * Whether the local route for this key, if there is one, is what we announce: when no learned route is installed,
     * or when its metric is at most kernel-priority.
     */
    boolean localWins(RouteKey key) {
        int local = localRoutes.metric(key);
        if (local < 0) {
            return false;
        }
        Route r = routes.selected(key);
        return r == null || !r.usable() || local <= config.kernelPriority();
    }

    InstallOptions installOptions(RouteKey key, RouterId rid, Neighbour n) {
        InstallOptions o = filters.install(key, rid, n.ifname());
        return o == null ? InstallOptions.DEFAULT : o;
    }

    /**
     * The route in use for a key, which we announce (and, when learned, install): the local route where it wins, else
     * the selected learned route, else null. Between events the selected route is always usable.
     */
    SelectedRoute inUse(RouteKey key) {
        Slot s = slots.get(key);
        if (localWins(key)) {
            RouteKey k = s == null ? key : s.key;
            return new SelectedRoute(k, self.routerId(), self.seqno(), localRoutes.metric(key), null, null, true);
        }
        Route r = s == null ? null : s.selected;
        return r == null ? null
                : new SelectedRoute(s.key, r.routerId(), r.seqno(), r.metric(), r.nextHop(), r.neighbour.ifname(),
                        false);
    }

    /** Tells the observers that the route in use for a key changed from {@code before} to {@code after}. */
    void publish(RouteKey key, SelectedRoute before, SelectedRoute after) {
        if (Objects.equals(before, after)) {
            return;
        }
        Slot s = after == null ? slots.get(key) : slots.obtain(key);
        if (s != null) {
            slots.published(s, after != null);
            slots.release(s);
        }
        if (after == null) {
            dispatch.emit(new RouteChange(ChangeKind.REMOVED, before));
        } else {
            dispatch.emit(new RouteChange(before == null ? ChangeKind.ADDED : ChangeKind.CHANGED, after));
        }
    }
}
