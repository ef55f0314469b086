package org.jbabel.sourcerouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;


import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.KernelChanges;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Placement;
import org.jbabel.kernel.Plan;
import org.jbabel.linux.LinuxFib;
import org.jbabel.linux.NetworkNamespace;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The placements against the real kernel, in a fresh network namespace per test: a veth pair va/vb, va with
 * 192.0.2.254/24, and the source addresses 192.168.1.1, 192.168.2.1 and 172.16.1.1 on lo so that
 * {@code ip route get DST from SRC} asks the kernel's own policy-routing lookup.
 */
class KernelPlacementTest {

    private static final String A = "192.0.2.1";
    private static final String B = "192.0.2.2";
    private static final String C = "192.0.2.3";

    private NetworkNamespace ns;
    private LinuxFib fib;
    private int va;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(NetworkNamespace.available(), "needs root and iproute2 to make network namespaces");
        ns = NetworkNamespace.create();
        ns.ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
        ns.ip("link", "set", "va", "up");
        ns.ip("link", "set", "vb", "up");
        ns.ip("addr", "add", "192.0.2.254/24", "dev", "va");
        for (String local : new String[] {"192.168.1.1/32", "192.168.2.1/32", "172.16.1.1/32"}) {
            ns.ip("addr", "add", local, "dev", "lo");
        }
        va = Integer.parseInt(ns.ip("-o", "link", "show", "va").split(":")[0].trim());
        fib = ns.inside(LinuxFib::new);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (fib != null) {
                fib.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    private void place(Placement placement, String destination, String source, String nextHop) {
        Prefix d = Prefix.parse(destination);
        KernelRoute route = KernelRoute.unicast(d, source == null ? null : Prefix.parse(source),
                IpAddress.parse(nextHop), va, 0);
        apply(placement.install(route));
    }

    private void apply(Plan plan) {
        assertThat(plan.placed()).isTrue();
        assertThat(KernelChanges.applyAll(fib, fib, plan.changes()))
                .allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
    }

    private String routeGet(String destination, String source) throws Exception {
        return ns.ip("-4", "route", "get", destination, "from", source);
    }

    @Test
    void ipv4SourceSpecificRoutesGoInWithRulesAndTablesAndTrafficFromEachSourceTakesItsPath() throws Exception {
        TablePlacement placement = new TablePlacement(Family.V4, TableSettings.DEFAULT);
        place(placement, "10.0.0.0/8", null, A);
        place(placement, "0.0.0.0/0", "192.168.0.0/16", B);
        place(placement, "0.0.0.0/0", "192.168.1.0/24", C);

        assertThat(ns.ip("-4", "rule", "show")).contains("100:\tfrom 192.168.1.0/24 lookup 11 proto babel")
                .contains("101:\tfrom 192.168.0.0/16 lookup 10 proto babel");
        assertThat(ns.ip("-4", "route", "show", "table", "11"))
                .contains("default via 192.0.2.3 dev va proto babel onlink")
                .contains("10.0.0.0/8 via 192.0.2.1 dev va proto babel onlink");
        assertThat(routeGet("8.8.8.8", "192.168.1.1")).contains("via " + C + " dev va table 11");
        assertThat(routeGet("8.8.8.8", "192.168.2.1")).contains("via " + B + " dev va table 10");
        assertThat(routeGet("10.1.1.1", "192.168.1.1")).contains("via " + A + " dev va table 11");
        assertThat(routeGet("10.1.1.1", "192.168.2.1")).contains("via " + A + " dev va table 10");
        assertThat(routeGet("10.1.1.1", "172.16.1.1")).contains("via " + A + " dev va").doesNotContain("table");
        assertThatThrownBy(() -> routeGet("8.8.8.8", "172.16.1.1")).hasMessageContaining("unreachable");
    }

    @Test
    void aSwitchOfTheNonSpecificRouteMovesTheDisambiguationRouteInTheKernel() throws Exception {
        TablePlacement placement = new TablePlacement(Family.V4, TableSettings.DEFAULT);
        place(placement, "0.0.0.0/0", "192.168.0.0/16", B);
        place(placement, "10.0.0.0/8", null, A);

        place(placement, "10.0.0.0/8", null, C);

        assertThat(routeGet("10.1.1.1", "192.168.1.1")).contains("via " + C + " dev va table 10");
        assertThat(routeGet("11.1.1.1", "192.168.1.1")).contains("via " + B + " dev va table 10");
    }

    @Test
    void removalCleansRulesAndTablesAndAFlushRemovesWhatACrashedRunLeft() throws Exception {
        TablePlacement placement = new TablePlacement(Family.V4, TableSettings.DEFAULT);
        place(placement, "10.0.0.0/8", null, A);
        place(placement, "0.0.0.0/0", "192.168.0.0/16", B);
        place(placement, "0.0.0.0/0", "192.168.1.0/24", C);

        apply(placement.remove(new RouteKey(Prefix.V4_DEFAULT, Prefix.parse("192.168.1.0/24"))));
        assertThat(ns.ip("-4", "rule", "show")).contains("100:\tfrom 192.168.0.0/16 lookup 10 proto babel")
                .doesNotContain("192.168.1.0/24");
        assertThat(ns.ip("-4", "route", "show", "table", "11")).isBlank();

        // A crash now leaves the table 10 routes, main's route and the rule: a new run flushes them.
        int routes = fib.flush(KernelRoute.PROTOCOL_BABEL);
        int rules = fib.flushRules(KernelRoute.PROTOCOL_BABEL);

        assertThat(routes).isEqualTo(3);
        assertThat(rules).isEqualTo(1);
        assertThat(ns.ip("-4", "rule", "show")).doesNotContain("proto babel");
        assertThat(ns.ip("-4", "route", "show", "table", "all", "proto", "babel")).isBlank();
    }

    @Test
    void ipv6WithSubtreesIsDetectedAndPlacedNativelyWithFrom() throws Exception {
        SourceRoutingSupport support = SourceRoutingSupport.detect(fib, TableSettings.DEFAULT);
        assertThat(support.strategy(Family.V6)).isEqualTo(Placement.Strategy.NATIVE);
        assertThat(ns.ip("-6", "route", "show", "table", "all")).doesNotContain("2001:db8:ffff::");

        Placement placement = support.placement(Family.V6);
        place(placement, "::/0", "2001:db8:ff::/48", "fe80::1");

        assertThat(ns.ip("-6", "route", "show"))
                .contains("default from 2001:db8:ff::/48 via fe80::1 dev va proto babel metric 1024 onlink");
        assertThat(ns.ip("-6", "rule", "show")).doesNotContain("proto babel");
        apply(placement.remove(new RouteKey(Prefix.V6_DEFAULT, Prefix.parse("2001:db8:ff::/48"))));
        assertThat(ns.ip("-6", "route", "show", "table", "all", "proto", "babel")).isBlank();
    }
}
