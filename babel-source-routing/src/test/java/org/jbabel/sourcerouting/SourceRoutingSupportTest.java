package org.jbabel.sourcerouting;

import static org.assertj.core.api.Assertions.assertThat;


import org.jbabel.kernel.MemoryKernel;
import org.jbabel.kernel.Placement;
import org.jbabel.wire.Family;
import org.junit.jupiter.api.Test;

/** The start-up probe for IPv6 subtrees and the placements it chooses. */
class SourceRoutingSupportTest {

    @Test
    void aKernelWithSubtreesGetsNativeIpv6AndTablesForIpv4AndTheProbeLeavesNothingBehind() {
        MemoryKernel kernel = new MemoryKernel();

        SourceRoutingSupport support = SourceRoutingSupport.detect(kernel, TableSettings.DEFAULT);

        assertThat(support.strategy(Family.V6)).isEqualTo(Placement.Strategy.NATIVE);
        assertThat(support.placement(Family.V6)).isInstanceOf(NativePlacement.class);
        assertThat(support.placement(Family.V4)).isInstanceOf(TablePlacement.class);
        assertThat(kernel.routes()).isEmpty();
        assertThat(support.describe()).isEqualTo("source-specific routes: ipv4 tables 10..19, rules from priority 100;"
                + " ipv6 native (from in the route) (the kernel accepts IPv6 routes with a source prefix (subtrees))");
    }

    @Test
    void aKernelWithoutSubtreesFallsBackToTablesForIpv6AndSaysWhy() {
        MemoryKernel kernel = MemoryKernel.withoutIpv6Subtrees();

        SourceRoutingSupport support = SourceRoutingSupport.detect(kernel, TableSettings.DEFAULT);

        assertThat(support.placements()).extracting(Placement::strategy)
                .containsExactly(Placement.Strategy.TABLES, Placement.Strategy.TABLES);
        assertThat(support.placement(Family.V6).family()).isEqualTo(Family.V6);
        assertThat(support.reason()).isEqualTo("the kernel refused an IPv6 route with a source prefix (EINVAL): no IPv6 subtrees");
    }

    @Test
    void theConfigurationDecidesWithoutAProbeWhenItSaysSo() {
        MemoryKernel kernel = MemoryKernel.withoutIpv6Subtrees();

        assertThat(SourceRoutingSupport.choose(true, kernel, TableSettings.DEFAULT).strategy(Family.V6))
                .isEqualTo(Placement.Strategy.NATIVE);
        assertThat(SourceRoutingSupport.choose(false, new MemoryKernel(), TableSettings.DEFAULT).reason())
                .isEqualTo("ipv6-subtrees false in the configuration");
        assertThat(SourceRoutingSupport.choose(null, kernel, TableSettings.DEFAULT).strategy(Family.V6))
                .isEqualTo(Placement.Strategy.TABLES);
    }

    @Test
    void ipv6WithoutSubtreesPlacedInTablesForwardsDestinationFirst() {
        PlacedKernel k = new PlacedKernel(MemoryKernel.withoutIpv6Subtrees(),
                new TablePlacement(Family.V6, TableSettings.DEFAULT));
        k.install("::/0", "2001:db8:ff::/48", "fe80::1");
        k.install("2001:db8:1::/48", null, "fe80::2");

        assertThat(k.kernelNextHop("2001:db8:ff::1", "2001:db8:1::1")).isEqualTo(k.babelNextHop("2001:db8:ff::1", "2001:db8:1::1"))
                .hasValueSatisfying(v -> assertThat(v.toString()).isEqualTo("fe80::2"));
        assertThat(k.kernelNextHop("2001:db8:ff::1", "2001:db8:2::1")).hasValueSatisfying(v -> assertThat(v.toString()).isEqualTo("fe80::1"));
        assertThat(k.kernelNextHop("2001:db8:fe::1", "2001:db8:2::1")).isEmpty();
    }
}
