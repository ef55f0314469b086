package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jbabel.config.DaemonConfig;
import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.RouteType;
import org.jbabel.runtime.Redistributor.Change;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class RedistributorTest {

    private static Redistributor redistributor(String... argv) {
        DaemonConfig c = TestConfigs.of(argv);
        return new Redistributor(c.filters(), Set.of(254), i -> i == 2 ? "eth0" : "lo");
    }

    private static KernelRoute route(String prefix, int protocol) {
        return new KernelRoute(Prefix.parse(prefix), null, null, 2, 1024, 254, protocol, RouteType.UNICAST, null);
    }

    private static InterfaceAddress address(int ifindex, String a) {
        IpAddress ip = IpAddress.parse(a);
        return new InterfaceAddress(ifindex, ip, ip.family().bits(), 0, false);
    }

    private static RouteKey key(String prefix) {
        return RouteKey.of(Prefix.parse(prefix));
    }

    @Test
    void byDefaultLocalAddressesAreAnnouncedWithMetricZeroAndNothingElse() {
        Redistributor r = redistributor();
        r.reset(List.of(route("2001:db8:1::/48", 4)),
                List.of(address(1, "2001:db8::1"), address(2, "fe80::1"), address(1, "::1"), address(2, "10.0.0.1"),
                        // an address of link scope (roaming's anycast next-node) is for its link only
                        new InterfaceAddress(3, IpAddress.parse("10.1.0.1"), 32, InterfaceAddress.SCOPE_LINK, false)));
        assertThat(r.update()).containsExactlyInAnyOrder(new Change(key("2001:db8::1/128"), 0),
                new Change(key("10.0.0.1/32"), 0));
    }

    @Test
    void redistributeRulesSelectKernelRoutesSetMetricAndSourcePrefix() {
        Redistributor r = redistributor("-C", "redistribute ip 2001:db8:1::/48 deny",
                "-C", "redistribute ip 2001:db8:2::/48 src-prefix 2001:db8:ff::/48",
                "-C", "redistribute ip 2001:db8::/32 ge 48 metric 128", "-C", "redistribute local deny");
        r.reset(List.of(route("2001:db8:1::/48", 4), route("2001:db8:2::/48", 4), route("2001:db8:3::/48", 4),
                route("2001:db8:4::/48", KernelRoute.PROTOCOL_BABEL), route("2001:db8::/40", 4)),
                List.of(address(1, "2001:db8::1")));
        assertThat(r.update()).containsExactlyInAnyOrder(
                new Change(new RouteKey(Prefix.parse("2001:db8:2::/48"), Prefix.parse("2001:db8:ff::/48")), 0),
                new Change(key("2001:db8:3::/48"), 128));
    }

    @Test
    void routesAppearingAndDisappearingAreOriginatedAndWithdrawn() {
        Redistributor r = redistributor("-C", "redistribute metric 100");
        r.reset(List.of(), List.of());
        assertThat(r.update()).isEmpty();
        r.routeAdded(route("192.0.2.0/24", 4));
        assertThat(r.update()).containsExactly(new Change(key("192.0.2.0/24"), 100));
        assertThat(r.update()).isEmpty();
        r.routeRemoved(route("192.0.2.0/24", 4));
        assertThat(r.update()).containsExactly(new Change(key("192.0.2.0/24"), -1));
        assertThat(r.announced()).isEmpty();
    }

    @Test
    void twoSourcesOfOneKeyGiveTheSmallerMetricAndTheKeyStaysUntilBothAreGone() {
        Redistributor r = redistributor("-C", "redistribute proto 4 metric 50", "-C", "redistribute metric 300");
        r.reset(List.of(), List.of());
        KernelRoute a = route("2001:db8:9::/48", 4);
        KernelRoute b = new KernelRoute(Prefix.parse("2001:db8:9::/48"), null, null, 2, 2048, 254, 16, RouteType.UNICAST, null);
        r.routeAdded(b);
        assertThat(r.update()).containsExactly(new Change(key("2001:db8:9::/48"), 300));
        r.routeAdded(a);
        assertThat(r.update()).containsExactly(new Change(key("2001:db8:9::/48"), 50));
        r.routeRemoved(a);
        assertThat(r.update()).containsExactly(new Change(key("2001:db8:9::/48"), 300));
        r.routeRemoved(b);
        assertThat(r.update()).containsExactly(new Change(key("2001:db8:9::/48"), -1));
        assertThat(r.announced()).isEqualTo(Map.of());
    }

    @Test
    void otherTablesMulticastAndDefaultUnreachableRoutesAreIgnored() {
        Redistributor r = redistributor("-C", "redistribute metric 1");
        r.reset(List.of(route("ff00::/8", 4), route("fe80::/64", 2),
                new KernelRoute(Prefix.parse("2001:db8:7::/48"), null, null, 2, 0, 100, 4, RouteType.UNICAST, null),
                new KernelRoute(Prefix.parse("::/0"), null, null, 0, 0, 254, 4, RouteType.UNREACHABLE, null),
                new KernelRoute(Prefix.parse("2001:db8:8::/48"), null, null, 0, 0, 254, 4, RouteType.UNREACHABLE, null)),
                List.of());
        assertThat(r.update()).containsExactly(new Change(key("2001:db8:8::/48"), 1));
    }
}
