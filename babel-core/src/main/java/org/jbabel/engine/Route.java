package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;

/**
 * A route learned from one neighbour for one key (RFC 8966 §3.2.6). The metric is derived: the advertised
 * metric (refmetric) plus the neighbour's link cost plus the input filter's addition. Owned by {@link Routes}.
 */
final class Route {
    /** Stable identity for dumps (babeld's opaque route id). */
    final long id;
    final RouteKey key;
    final Neighbour neighbour;
    private RouterId routerId;
    private int seqno;
    private int refmetric;
    /** What the input filter adds to this route's metric, evaluated on every update. */
    private int inputMetric;
    /** What the install filter says about this route, evaluated on every update. */
    private InstallOptions install = InstallOptions.DEFAULT;
    private int metric;
    private IpAddress nextHop;
    /** When the last finite update for this route arrived. */
    private long refreshedAt;
    /**
     * When the route is retracted for lack of refresh (finite: the update's hold time after {@link #refreshedAt}) or
     * forgotten (already retracted).
     */
    private long expiresAt;
    private boolean refreshRequested;
    private int smoothed;
    /**
     * When {@link #smoothed} was last brought up to date: it moves in whole seconds (the fraction since the last whole
     * step is kept), and is reset to the present only when the smoothing starts afresh.
     */
    private long smoothedAt;
    /**
     * The kernel refused to install this route as it is (next hop, interface, install options): it is not selected
     * until one of those changes or it comes back after a retraction.
     */
    private boolean kernelRefused;
    /** The next route of the same key ({@link Slot#routes}). */
    Route next;
    /** The neighbours' routes, chained both ways ({@link Neighbour#routes}). */
    Route previousOfNeighbour;
    Route nextOfNeighbour;

    /** A route starts out retracted; its first update makes it usable. */
    Route(long id, RouteKey key, Neighbour neighbour) {
        this.id = id;
        this.key = key;
        this.neighbour = neighbour;
        this.refmetric = INFINITY;
        this.metric = INFINITY;
        this.smoothed = INFINITY;
    }

    /** The source of the route's last finite update, or null before the first. */
    RouterId routerId() {
        return routerId;
    }

    int seqno() {
        return seqno;
    }

    /** The metric the neighbour announced (infinite when retracted). */
    int refmetric() {
        return refmetric;
    }

    /** The route's metric: refmetric, the neighbour's cost and the input filter's addition. */
    int metric() {
        return metric;
    }

    IpAddress nextHop() {
        return nextHop;
    }

    /** What the install filter says about the route. */
    InstallOptions install() {
        return install;
    }

    /** When its last finite update arrived. */
    long refreshedAt() {
        return refreshedAt;
    }

    /** When it is retracted for lack of refresh, or, retracted, forgotten. */
    long expiresAt() {
        return expiresAt;
    }

    /** Whether a refresh was asked for since its last update. */
    boolean refreshRequested() {
        return refreshRequested;
    }

    /** Whether the kernel refused it as it is. */
    boolean kernelRefused() {
        return kernelRefused;
    }

    /**
     * When we ask the neighbour for a refresh, shortly before expiry: 7/8 of the hold time after the last update.
     * Meaningful while the route is not retracted.
     */
    long refreshRequestAt() {
        return refreshedAt + (expiresAt - refreshedAt) * BabelConstants.ROUTE_REFRESH_REQUEST_EIGHTHS / 8;
    }

    /**
     * A finite update for this route arrived at {@code now} (RFC 8966 §3.5.3): its source, seqno and metric, what
     * the input and install filters say about it, its next hop, and how long it holds without refresh. A route the
     * kernel refused is worth another try when it comes back after a retraction or with a new next hop or install
     * options.
     */
    void update(RouterId rid, int newSeqno, int newRefmetric, int inputAddition, InstallOptions newInstall,
            IpAddress newNextHop, long now, long hold, int halfLife) {
        if (kernelRefused && (retracted() || !newNextHop.equals(nextHop) || !newInstall.equals(install))) {
            // Worth another try in the kernel.
            kernelRefused = false;
        }
        routerId = rid;
        seqno = newSeqno;
        refmetric = newRefmetric;
        inputMetric = Math.max(0, inputAddition);
        install = newInstall;
        nextHop = newNextHop;
        refreshedAt = now;
        expiresAt = now + hold;
        refreshRequested = false;
        recomputeMetric(now, halfLife);
    }

    /**
     * The filters changed: what the input filter now adds ({@link RouteFilters#DENY} makes the route retracted) and
     * what the install filter now says (new install options make a route the kernel refused worth another try).
     */
    void refilter(int inputAddition, InstallOptions newInstall, long now, int halfLife) {
        if (inputAddition >= RouteFilters.DENY) {
            inputMetric = 0;
            refmetric = INFINITY;
        } else {
            inputMetric = Math.max(0, inputAddition);
        }
        if (!newInstall.equals(install)) {
            kernelRefused = false;
        }
        install = newInstall;
        recomputeMetric(now, halfLife);
    }

    /** The neighbour retracted the route (or it expired): it stays, unusable, until it is forgotten. */
    void retract(long now, int halfLife) {
        refmetric = INFINITY;
        recomputeMetric(now, halfLife);
    }

    /** A retracted route is forgotten at {@code at}. */
    void forgetAt(long at) {
        expiresAt = at;
    }

    /** A refresh was asked for (or is not worth asking for): no second one before the next update. */
    void markRefreshRequested() {
        refreshRequested = true;
    }

    /** The kernel refused the FIB entry made from this route: it is not selected until it changes. */
    void refusedByKernel() {
        kernelRefused = true;
    }

    boolean retracted() {
        return refmetric >= INFINITY;
    }

    boolean usable() {
        return metric < INFINITY;
    }

    /** Recomputes the metric from the refmetric, the neighbour's current cost and the input filter's addition. */
    void recomputeMetric(long now, int halfLife) {
        setMetric(now, LinkCost.add(LinkCost.add(refmetric, neighbour.cost()), inputMetric), halfLife);
    }

    /**
     * Sets the metric, bringing the smoothed metric up to date first. The smoothed metric keeps its clock: updates
     * that come faster than once a second must not restart the second being counted, or it would never move.
     */
    void setMetric(long now, int newMetric, int halfLife) {
        int current = smoothedMetric(now, halfLife);
        if (newMetric >= INFINITY) {
            smoothed = INFINITY;
            smoothedAt = now;
        } else if (current >= INFINITY) {
            smoothed = Math.max(newMetric, BabelConstants.NEW_ROUTE_SMOOTHED_METRIC);
            smoothedAt = now;
        } else {
            smoothed = current;
        }
        metric = newMetric;
    }

    /** The smoothed metric at {@code now}; advances the stored value by whole seconds. */
    int smoothedMetric(long now, int halfLife) {
        if (halfLife <= 0) {
            return metric;
        }
        long seconds = (now - smoothedAt) / Time.seconds(1);
        if (seconds > 0) {
            smoothed = MetricSmoothing.advance(smoothed, metric, seconds, halfLife);
            smoothedAt += Time.seconds(seconds);
        }
        return smoothed;
    }

    @Override
    public String toString() {
        return key + " via " + neighbour + " id " + routerId + " seqno " + seqno + " metric " + metric;
    }
}
