package org.jbabel.sourcerouting;

import static org.assertj.core.api.Assertions.assertThat;


import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.KernelChanges;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.LinkKind;
import org.jbabel.kernel.MemoryKernel;
import org.jbabel.kernel.Placement;
import org.jbabel.kernel.Plan;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/** A {@link MemoryKernel} driven through a placement: every plan is applied and must succeed. */
final class PlacedKernel {

    final MemoryKernel kernel;
    final Placement placement;
    final int eth;

    PlacedKernel(MemoryKernel kernel, Placement placement) {
        this.kernel = kernel;
        this.placement = placement;
        this.eth = kernel.addLink("eth0", LinkKind.WIRED, 1500);
        kernel.setLinkState(eth, true, true);
    }

    static PlacedKernel ipv4Tables() {
        return new PlacedKernel(new MemoryKernel(), new TablePlacement(Family.V4, TableSettings.DEFAULT));
    }

    KernelRoute route(String destination, String source, String nextHop) {
        Prefix src = source == null ? Prefix.zero(Prefix.parse(destination).family()) : Prefix.parse(source);
        return KernelRoute.unicast(Prefix.parse(destination), src, IpAddress.parse(nextHop), eth, 0);
    }

    /** Installs the route; the plan must be placed and every change accepted by the kernel. */
    Plan install(KernelRoute route) {
        Plan plan = placement.install(route);
        assertThat(plan.refusal()).isEmpty();
        applied(plan);
        return plan;
    }

    Plan install(String destination, String source, String nextHop) {
        return install(route(destination, source, nextHop));
    }

    Plan remove(String destination, String source) {
        Prefix d = Prefix.parse(destination);
        Plan plan = placement.remove(new RouteKey(d, source == null ? Prefix.zero(d.family()) : Prefix.parse(source)));
        applied(plan);
        return plan;
    }

    void applied(Plan plan) {
        assertThat(KernelChanges.applyAll(kernel, kernel, plan.changes()))
                .allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
    }

    /** The next hop the kernel forwards a packet from {@code source} to {@code destination} through. */
    Optional<IpAddress> kernelNextHop(String source, String destination) {
        return kernel.lookup(IpAddress.parse(destination), IpAddress.parse(source))
                .map(r -> r.type() == RouteType.UNICAST ? r.nextHop() : IpAddress.V4_UNSPECIFIED);
    }

    /** Babel's choice over the installed routes: the most specific destination, then the most specific source. */
    static Optional<KernelRoute> babelChoice(Map<RouteKey, KernelRoute> routes, IpAddress source,
            IpAddress destination) {
        return routes.values().stream()
                .filter(r -> r.destination().contains(destination) && r.source().contains(source))
                .max(Comparator.<KernelRoute>comparingInt(r -> r.destination().length())
                        .thenComparingInt(r -> r.source().length()));
    }

    Optional<IpAddress> babelNextHop(String source, String destination) {
        return babelChoice(placement.installed(), IpAddress.parse(source), IpAddress.parse(destination))
                .map(r -> r.type() == RouteType.UNICAST ? r.nextHop() : IpAddress.V4_UNSPECIFIED);
    }
}
