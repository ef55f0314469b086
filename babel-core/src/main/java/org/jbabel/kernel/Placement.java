package org.jbabel.kernel;

import java.util.Map;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Family;

/**
 * How the routes of one address family are placed in the kernel so that the kernel forwards as Babel selects:
 * destination first (the most specific destination wins), then source (among equal destinations the most
 * specific source wins). A placement keeps the set of installed routes, keyed by (destination, source); each
 * change to the set returns the kernel changes that keep the kernel's forwarding equal to Babel's. The daemon
 * applies them in order and feeds every FIB update of the family through its placement. Not thread-safe.
 *
 * <p>The implementations for source-specific routes ({@code NativePlacement}, {@code TablePlacement}) live in the
 * module babel-source-routing, which chooses them at start; {@link PlainPlacement} is the default here, for a
 * daemon started without that choice.
 */
public interface Placement {

    /** The ways of placing source-specific routes. */
    enum Strategy {
        /** Source-specific routes are not installed at all ({@link PlainPlacement}). */
        NONE,
        /** Each route as it is, source-specific ones with their source prefix ({@code RTA_SRC}): IPv6 subtrees. */
        NATIVE,
        /** A table and a rule per source prefix, plus disambiguation routes: IPv4, and IPv6 without subtrees. */
        TABLES
    }

    Family family();

    Strategy strategy();

    /**
     * Installs {@code route} (a Babel route as the daemon would write it without source routing: its
     * destination, source, next hop, interface, priority, type and export table), replacing the installed route
     * with the same destination and source, if any.
     */
    Plan install(KernelRoute route);

    /** Removes the installed route for {@code key}; an empty plan when there is none. */
    Plan remove(RouteKey key);

    /** The installed routes by (destination, source), as given to {@link #install}. */
    Map<RouteKey, KernelRoute> installed();

    /**
     * An empty placement of the same kind and settings: installing this one's routes into it gives the kernel
     * changes that build their state from nothing (the daemon's resync after a lost answer, docs/KERNEL.md).
     */
    Placement fresh();

    /** {@link #install} for an ADD or REPLACE, {@link #remove} for a REMOVE. */
    default Plan apply(FibChange change) {
        KernelRoute r = change.route();
        return switch (change.op()) {
            case ADD, REPLACE -> install(r);
            case REMOVE -> remove(new RouteKey(r.destination(), r.source()));
        };
    }
}
