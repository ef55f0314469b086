package org.jbabel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class KernelMetricTest {

    @Test
    void byDefaultEveryRouteGetsTheKernelPriorityWhateverItsMetric() {
        KernelMetric m = new KernelMetric(7, false);

        assertThat(m.priority(0)).isEqualTo(7);
        assertThat(m.priority(96)).isEqualTo(7);
        assertThat(m.priority(65534)).isEqualTo(7);
    }

    @Test
    void reflectedMetricIsAddedToTheKernelPriorityAndCapped() {
        KernelMetric m = new KernelMetric(100, true);

        assertThat(m.priority(256)).isEqualTo(356);
        assertThat(m.priority(65500)).isEqualTo(KernelMetric.KERNEL_INFINITY);
    }

    @Test
    void anInfiniteMetricBecomesKernelInfinity() {
        assertThat(KernelMetric.DEFAULT.priority(0xFFFF)).isEqualTo(0xFFFF);
        assertThat(new KernelMetric(100, true).priority(0xFFFF)).isEqualTo(0xFFFF);
    }

    @Test
    void aRetractedRouteIsUnreachableButARetractedDefaultRouteIsNotKept() {
        KernelRoute r = KernelMetric.DEFAULT.retracted(Prefix.parse("2001:db8::/32"), Prefix.zero(Family.V6), 254)
                .orElseThrow();

        assertThat(r.type()).isEqualTo(RouteType.UNREACHABLE);
        assertThat(r.priority()).isEqualTo(KernelMetric.KERNEL_INFINITY);
        assertThat(r.nextHop()).isNull();
        assertThat(r.protocol()).isEqualTo(KernelRoute.PROTOCOL_BABEL);
        assertThat(KernelMetric.DEFAULT.retracted(Prefix.V4_DEFAULT, Prefix.V4_DEFAULT, 254)).isEmpty();
    }

    @Test
    void aSelectedRouteBecomesAnOnLinkUnicastRouteInTheExportTable() {
        KernelRoute r = new KernelMetric(0, true).unicast(Prefix.parse("10.0.0.0/8"), Prefix.V4_DEFAULT,
                IpAddress.parse("fe80::1"), 3, 300, 10);

        assertThat(r.v4ViaV6()).isTrue();
        assertThat(r.priority()).isEqualTo(300);
        assertThat(r.table()).isEqualTo(10);
        assertThat(r.type()).isEqualTo(RouteType.UNICAST);
    }
}
