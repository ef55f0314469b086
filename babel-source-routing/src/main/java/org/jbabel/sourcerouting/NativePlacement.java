package org.jbabel.sourcerouting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jbabel.engine.RouteKey;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelChange;
import org.jbabel.kernel.KernelChanges;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRouteTable;
import org.jbabel.kernel.Placement;
import org.jbabel.kernel.Plan;
import org.jbabel.wire.Family;

/**
 * Every route goes into the kernel as it is, a source-specific one with its source prefix ({@code RTA_SRC}):
 * right for IPv6 on kernels with subtrees, whose lookup is destination first, then source, as Babel's. One
 * kernel change per route change (two when the kernel's identity of the route, its table or priority, moves).
 */
public final class NativePlacement implements Placement {

    private final Family family;
    private final KernelRouteTable routes = new KernelRouteTable();

    public NativePlacement(Family family) {
        this.family = family;
    }

    @Override
    public Family family() {
        return family;
    }

    @Override
    public Strategy strategy() {
        return Strategy.NATIVE;
    }

    @Override
    public Plan install(KernelRoute route) {
        if (route.family() != family) {
            return Plan.refused("route " + route + " is not " + family);
        }
        KernelRoute old = routes.put(route);
        return Plan.of(KernelChanges.transition(old, route));
    }

    @Override
    public Plan remove(RouteKey key) {
        KernelRoute old = routes.remove(key.prefix(), key.source());
        List<KernelChange> changes = new ArrayList<>();
        if (old != null) {
            changes.add(FibChange.remove(old));
        }
        return Plan.of(changes);
    }

    @Override
    public Map<RouteKey, KernelRoute> installed() {
        return routes.toMap();
    }
}
