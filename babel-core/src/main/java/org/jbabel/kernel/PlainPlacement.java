package org.jbabel.kernel;

import java.util.List;
import java.util.Map;
import org.jbabel.engine.RouteKey;
import org.jbabel.wire.Family;

/**
 * The placement of a daemon without source-specific routing: routes without a source prefix go into the kernel
 * as they are (one kernel change per route change, two when the route's table or priority moves); a
 * source-specific route is refused, never installed as if it had no source.
 */
public final class PlainPlacement implements Placement {

    private final Family family;
    private final KernelRouteTable routes = new KernelRouteTable();

    public PlainPlacement(Family family) {
        this.family = family;
    }

    @Override
    public Family family() {
        return family;
    }

    @Override
    public Strategy strategy() {
        return Strategy.NONE;
    }

    @Override
    public Plan install(KernelRoute route) {
        if (route.family() != family) {
            return Plan.refused("route " + route + " is not " + family);
        }
        if (route.sourceSpecific()) {
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
    public Map<RouteKey, KernelRoute> installed() {
        return routes.toMap();
    }
}
