package org.jbabel.engine;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;

/**
 * The engine's view of babeld's {@code in}, {@code out} and {@code install} filters (the daemon evaluates
 * {@code redistribute} itself before it calls {@link BabelEngine#originate}). The engine calls these methods while it
 * processes events, so they must be cheap, must not call back into the engine, and must not throw.
 *
 * <p>Metric results are additions: 0 allows unchanged, {@link #DENY} (or more) denies, anything in between is added
 * to the metric.
 */
public interface RouteFilters {

    /** The metric result that denies. */
    int DENY = BabelConstants.INFINITY;

    /**
     * A finite update for {@code key} from {@code origin} arrived from {@code neighbour} on {@code ifname}: deny
     * ignores it (and retracts the route we had from that neighbour), otherwise the result is added to the route's
     * metric. Evaluated on every update.
     */
    int input(RouteKey key, RouterId origin, IpAddress neighbour, String ifname);

    /**
     * We are about to announce {@code key} (originated by {@code origin}, our own router-id for local routes) on
     * {@code ifname}: deny sends nothing there, otherwise the result is added to the announced metric only.
     */
    int output(RouteKey key, RouterId origin, String ifname);

    /** Whether (and how) a learned route for {@code key} from {@code origin} through {@code ifname} may be installed. */
    InstallOptions install(RouteKey key, RouterId origin, String ifname);

    /** No filtering: everything is accepted unchanged, announced unchanged and installed in the export table. */
    RouteFilters ALLOW_ALL = new RouteFilters() {
        @Override
        public int input(RouteKey key, RouterId origin, IpAddress neighbour, String ifname) {
            return 0;
        }

        @Override
        public int output(RouteKey key, RouterId origin, String ifname) {
            return 0;
        }

        @Override
        public InstallOptions install(RouteKey key, RouterId origin, String ifname) {
            return InstallOptions.DEFAULT;
        }

        @Override
        public String toString() {
            return "ALLOW_ALL";
        }
    };
}
