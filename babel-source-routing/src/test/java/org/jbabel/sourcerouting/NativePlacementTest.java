package org.jbabel.sourcerouting;

import static org.assertj.core.api.Assertions.assertThat;

import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.MemoryKernel;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/** {@link NativePlacement}: one kernel route per Babel route, source prefix included. */
class NativePlacementTest {

    private final PlacedKernel k = new PlacedKernel(new MemoryKernel(), new NativePlacement(Family.V6));

    @Test
    void aSourceSpecificRouteGoesInAsItIsAndTheKernelLooksUpDestinationFirst() {
        KernelRoute ss = k.route("::/0", "2001:db8:ff::/48", "fe80::1");
        KernelRoute plain = k.route("2001:db8:1::/48", null, "fe80::2");

        assertThat(k.install(ss).changes()).containsExactly(FibChange.add(ss));
        k.install(plain);

        assertThat(k.kernelNextHop("2001:db8:ff::1", "2001:db8:1::1")).contains(IpAddress.parse("fe80::2"));
        assertThat(k.kernelNextHop("2001:db8:ff::1", "2001:db8:2::1")).contains(IpAddress.parse("fe80::1"));
        assertThat(k.kernel.rules(KernelRoute.PROTOCOL_BABEL)).isEmpty();
    }

    @Test
    void aSwitchIsAReplaceAndAPriorityChangeIsRemoveThenAdd() {
        k.install("2001:db8::/32", "2001:db8:ff::/48", "fe80::1");
        KernelRoute switched = k.route("2001:db8::/32", "2001:db8:ff::/48", "fe80::2");
        KernelRoute cheaper = switched.withPriority(5);

        assertThat(k.install(switched).changes()).containsExactly(FibChange.replace(switched));
        assertThat(k.install(cheaper).changes()).containsExactly(FibChange.remove(switched), FibChange.add(cheaper));
        assertThat(k.remove("2001:db8::/32", "2001:db8:ff::/48").changes()).containsExactly(FibChange.remove(cheaper));
        assertThat(k.placement.remove(new RouteKey(Prefix.parse("2001:db8::/32"), Prefix.zero(Family.V6)))
                .changes()).isEmpty();
        assertThat(k.kernel.routes(KernelRoute.PROTOCOL_BABEL)).isEmpty();
    }
}
