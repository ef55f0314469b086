package org.jbabel.kernel;

import java.util.List;
import java.util.Map;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Family;

/**
 * Routes go into the kernel as they are (one kernel change per route change, two when the route's table or priority
 * moves). The placement of a daemon without source-specific routing refuses a source-specific route rather than
 * install it as if it had no source; babel-source-routing's native placement keeps its source prefix.
 */
public class PlainPlacement implements Placement {

    private final Family family;
    private final Strategy strategy;
    private final KernelRouteTable routes = new KernelRouteTable();

    /** The placement without source-specific routes ({@link Strategy#NONE}). */
    public PlainPlacement(Family family) {
        this(family, Strategy.NONE);
    }

    /** With {@link Strategy#NATIVE}, source-specific routes are installed with their source prefix. */
    protected PlainPlacement(Family family, Strategy strategy) {
        if (strategy == Strategy.TABLES) {
            throw new IllegalArgumentException("routes as they are cannot be placed in tables");
        }
        this.family = family;
        this.strategy = strategy;
    }

    @Override
    public Family family() {
        return family;
    }

    @Override
    public Strategy strategy() {
        return strategy;
    }

    @Override
    public Plan install(KernelRoute route) {
        if (route.family() != family) {
            return Plan.refused("route " + route + " is not " + family);
        }
        if (route.sourceSpecific() && strategy == Strategy.NONE) {
            return Plan.refused("no placement for source-specific routes: " + route + " is not installed");
        }
        KernelRoute old = routes.put(route);
        return Plan.of(KernelChanges.transition(old, route));
    }

    @Override
    public Plan remove(RouteKey key) {
        KernelRoute old = routes.remove(key.prefix(), key.source());
        return Plan.of(old == null ? List.of() : List.of(FibChange.remove(old)));
    }

    @Override
    public Placement fresh() {
        return new PlainPlacement(family, strategy);
    }

    @Override
    public Map<RouteKey, KernelRoute> installed() {
        return routes.toMap();
    }
}
