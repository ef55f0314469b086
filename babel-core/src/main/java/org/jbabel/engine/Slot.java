package org.jbabel.engine;

import java.util.Objects;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;

/**
 * Everything the engine keeps for one route key, in one record: the routes learned for it and which one is selected
 * ({@link Routes}), the feasibility distances of its sources ({@link Sources}), whether a route is in use for it, and
 * the FIB entry the driver was last asked to hold ({@link Selection}). A slot stays in {@link Slots} while any of
 * these is there.
 */
final class Slot {
    final RouteKey key;
    /** The learned routes in order of arrival, chained through {@link Route#next}; null when there is none. */
    Route routes;
    /** The selected route, one of {@link #routes}, or null. */
    Route selected;
    /** The feasibility distances, one per router-id, chained through {@link Sources.Source#next}; null when none. */
    Sources.Source sources;
    /**
     * Whether a route is in use for this key (0 when none), and where in the order of such routes, by when they
     * appeared ({@link Slots#published()}).
     */
    long publishedOrder;
    /**
     * The FIB entry we asked for: the install options, next hop, interface and metric of the route it was made from;
     * null options when there is none.
     */
    InstallOptions installedOptions;
    IpAddress installedNextHop;
    String installedIfname;
    int installedMetric;
    /** Orders the FIB entries by when they were added ({@link Slots#installed()}). */
    long installedOrder;
    /**
     * With split horizon: the interfaces (one bit each, {@link Interfaces.Iface#bit}) whose last update for this key
     * announced a route, so that one retraction goes there when we come to route the key through a neighbour there.
     */
    long announcedOn;

    Slot(RouteKey key) {
        this.key = key;
    }

    /** Whether nothing is kept for the key any more. */
    boolean unused() {
        return routes == null && sources == null && publishedOrder == 0 && installedOptions == null && announcedOn == 0;
    }

    boolean installed() {
        return installedOptions != null;
    }

    /** Whether the FIB entry we asked for is the one this route wants. */
    boolean installedAs(Route r) {
        return installedOptions != null
                && installedMetric == r.metric()
                && installedOptions.table() == r.install().table()
                && Objects.equals(installedNextHop, r.nextHop())
                && Objects.equals(installedIfname, r.neighbour.ifname())
                && Objects.equals(installedOptions.preferredSource(), r.install().preferredSource());
    }

    /** Records that the FIB was asked to hold this route ({@link Slots#install}, which also orders it). */
    void install(Route r) {
        installedOptions = r.install();
        installedNextHop = r.nextHop();
        installedIfname = r.neighbour.ifname();
        installedMetric = r.metric();
    }

    /**
     * Records that the FIB was asked to hold the key as unreachable, in the table of the entry it replaces: no next
     * hop, no interface, the infinite metric ({@link Action.FibUpdate#unreachable()}).
     */
    void installUnreachable() {
        installedNextHop = null;
        installedIfname = null;
        installedMetric = BabelConstants.INFINITY;
    }

    /** Whether the FIB entry we asked for is an unreachable one. */
    boolean installedUnreachable() {
        return installedOptions != null && installedIfname == null;
    }

    void uninstall() {
        installedOptions = null;
        installedNextHop = null;
        installedIfname = null;
    }

    /** The FIB update for the entry we asked for. */
    Action.FibUpdate installedUpdate(Action.FibOp op) {
        return new Action.FibUpdate(op, key, installedNextHop, installedIfname, installedMetric,
                installedOptions.table(), installedOptions.preferredSource());
    }
}
