package org.jbabel.sourcerouting;

import static org.assertj.core.api.Assertions.assertThat;


import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Plan;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * The kernel's policy-routing lookup equals Babel's destination-first choice: random sequences of installs,
 * switches, retractions and removals of IPv4 routes, specific and not, go through {@link TablePlacement} into
 * the in-memory kernel; after each step, for many (source, destination) pairs, the kernel forwards where Babel
 * would. Prefixes are drawn from few addresses and lengths so that they nest and conflict often.
 */
class TablePlacementEquivalencePropertiesTest {

    /** Addresses prefixes and packets are drawn from: they share leading bits at many lengths. */
    private static final List<IpAddress> POOL = List.of("10.1.1.1", "10.1.2.1", "10.2.1.1", "10.129.0.1",
            "192.168.1.1", "192.168.1.130", "192.168.2.1", "172.16.0.1", "8.8.8.8").stream()
            .map(IpAddress::parse).toList();
    private static final List<Integer> LENGTHS = List.of(0, 1, 8, 9, 16, 24, 25, 32);

    /** One step: install (or switch) a route, retract it, or remove it. */
    record Step(int kind, Prefix destination, Prefix source, int nextHop) {}

    @Property(tries = 150)
    void kernelLookupEqualsBabelsDestinationFirstChoice(@ForAll("steps") List<Step> steps) {
        PlacedKernel k = PlacedKernel.ipv4Tables();
        for (Step s : steps) {
            switch (s.kind()) {
                case 0, 1 -> {
                    KernelRoute r = KernelRoute.unicast(s.destination(), s.source(),
                            IpAddress.v4(0xC000_0200 + s.nextHop()), k.eth, 0);
                    Plan plan = k.placement.install(r);
                    k.applied(plan);
                }
                case 2 -> KernelMetric.DEFAULT.retracted(s.destination(), s.source(), KernelRoute.TABLE_MAIN)
                        .ifPresent(r -> k.applied(k.placement.install(r)));
                default -> k.applied(k.placement.remove(new RouteKey(s.destination(), s.source())));
            }
            for (IpAddress from : POOL) {
                for (IpAddress to : POOL) {
                    Optional<KernelRoute> babel = PlacedKernel.babelChoice(k.placement.installed(), from, to);
                    Optional<KernelRoute> kernel = k.kernel.lookup(to, from);
                    assertThat(kernel.map(TablePlacementEquivalencePropertiesTest::forwarding))
                            .as("from %s to %s after %s", from, to, s)
                            .isEqualTo(babel.map(TablePlacementEquivalencePropertiesTest::forwarding));
                }
            }
        }
        for (RouteKey key : List.copyOf(k.placement.installed().keySet())) {
            k.applied(k.placement.remove(key));
        }
        assertThat(k.kernel.routes(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(k.kernel.rules(KernelRoute.PROTOCOL_BABEL)).isEmpty();
    }

    private static String forwarding(KernelRoute r) {
        return r.type() == RouteType.UNICAST ? "via " + r.nextHop() : r.type().toString();
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Prefix> prefix = Combinators.combine(Arbitraries.of(POOL), Arbitraries.of(LENGTHS))
                .as(Prefix::new);
        Arbitrary<Prefix> source = Arbitraries.oneOf(Arbitraries.just(Prefix.zero(Family.V4)), prefix);
        return Combinators.combine(Arbitraries.integers().between(0, 3), prefix, source,
                Arbitraries.integers().between(1, 5)).as(Step::new).list().ofMinSize(1).ofMaxSize(25);
    }
}
