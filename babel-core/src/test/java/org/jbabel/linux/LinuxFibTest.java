package org.jbabel.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.FibResult;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.LinkKind;
import org.jbabel.kernel.MemoryKernel;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LinuxFib} against the real kernel, in a fresh network namespace per test with a veth pair va/vb. */
class LinuxFibTest {

    private static final IpAddress FE80_1 = IpAddress.parse("fe80::1");
    private static final Prefix NO_SOURCE_V6 = Prefix.zero(Family.V6);
    private static final Prefix NO_SOURCE_V4 = Prefix.zero(Family.V4);

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

    private static KernelRoute v6(String destination, IpAddress nextHop, int ifindex) {
        return KernelRoute.unicast(Prefix.parse(destination), NO_SOURCE_V6, nextHop, ifindex, 0);
    }

    @Test
    void ipv6RouteViaLinkLocalIsInstalledOnLinkWithProtocolBabel() throws Exception {
        FibResult r = fib.apply(FibChange.add(v6("2001:db8:1::/64", FE80_1, va)));

        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(ns.ip("-6", "route", "show", "2001:db8:1::/64"))
                .contains("2001:db8:1::/64 via fe80::1 dev va proto babel metric 1024 onlink");
    }

    @Test
    void ipv4RouteViaIpv4IsInstalled() throws Exception {
        KernelRoute route = KernelRoute.unicast(Prefix.parse("10.2.0.0/16"), NO_SOURCE_V4,
                IpAddress.parse("192.0.2.1"), va, 0);

        FibResult r = fib.apply(FibChange.add(route));

        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(ns.ip("-4", "route", "show", "10.2.0.0/16"))
                .contains("10.2.0.0/16 via 192.0.2.1 dev va proto babel onlink");
    }

    @Test
    void ipv4RouteViaIpv6NextHopUsesRtaVia() throws Exception {
        KernelRoute route = KernelRoute.unicast(Prefix.parse("10.3.0.0/16"), NO_SOURCE_V4, FE80_1, va, 0);

        assertThat(fib.apply(FibChange.add(route)).ok()).isTrue();
        assertThat(ns.ip("-4", "route", "show", "10.3.0.0/16"))
                .contains("10.3.0.0/16 via inet6 fe80::1 dev va proto babel onlink");
        assertThat(fib.routes(KernelRoute.PROTOCOL_BABEL)).singleElement()
                .satisfies(k -> {
                    assertThat(k.nextHop()).isEqualTo(FE80_1);
                    assertThat(k.v4ViaV6()).isTrue();
                    assertThat(k.ifindex()).isEqualTo(va);
                });
    }

    @Test
    void ipv6SourceSpecificRouteCarriesItsSourcePrefix() throws Exception {
        KernelRoute route = KernelRoute.unicast(Prefix.parse("2001:db8:2::/64"), Prefix.parse("2001:db8:ff::/48"),
                FE80_1, va, 0);

        assertThat(fib.apply(FibChange.add(route)).ok()).isTrue();
        assertThat(ns.ip("-6", "route", "show", "proto", "42"))
                .contains("2001:db8:2::/64 from 2001:db8:ff::/48 via fe80::1 dev va");
        assertThat(fib.routes(KernelRoute.PROTOCOL_BABEL)).singleElement()
                .satisfies(k -> assertThat(k.source()).isEqualTo(Prefix.parse("2001:db8:ff::/48")));
    }

    @Test
    void replaceChangesTheNextHopInPlace() throws Exception {
        fib.apply(FibChange.add(v6("2001:db8:3::/64", FE80_1, va)));

        FibResult r = fib.apply(FibChange.replace(v6("2001:db8:3::/64", IpAddress.parse("fe80::2"), va)));

        assertThat(r.ok()).as(r.toString()).isTrue();
        String shown = ns.ip("-6", "route", "show", "proto", "42");
        assertThat(shown).contains("2001:db8:3::/64 via fe80::2 dev va").doesNotContain("fe80::1");
    }

    @Test
    void removeDeletesTheRouteAndAMissingRouteReportsEsrch() throws Exception {
        KernelRoute route = v6("2001:db8:4::/64", FE80_1, va);
        fib.apply(FibChange.add(route));

        assertThat(fib.apply(FibChange.remove(route)).ok()).isTrue();
        assertThat(ns.ip("-6", "route", "show", "proto", "42")).isBlank();
        assertThat(fib.apply(FibChange.remove(route)).errno()).isEqualTo(Errno.ESRCH);
    }

    @Test
    void retractedRouteBecomesUnreachableWithKernelInfinity() throws Exception {
        KernelRoute unreachable = KernelMetric.DEFAULT
                .retracted(Prefix.parse("2001:db8:5::/48"), NO_SOURCE_V6, KernelRoute.TABLE_MAIN).orElseThrow();

        assertThat(fib.apply(FibChange.add(unreachable)).ok()).isTrue();
        assertThat(ns.ip("-6", "route", "show", "2001:db8:5::/48"))
                .contains("unreachable 2001:db8:5::/48 dev lo proto babel metric 65535");
        assertThat(fib.routes(KernelRoute.PROTOCOL_BABEL)).singleElement()
                .satisfies(k -> assertThat(k.type()).isEqualTo(RouteType.UNREACHABLE));
    }

    @Test
    void retractedIpv4ViaIpv6RouteWithReflectedMetricCanBecomeUnreachable() throws Exception {
        KernelMetric reflect = new KernelMetric(0, true);
        Prefix destination = Prefix.parse("10.9.0.0/16");
        KernelRoute live = reflect.unicast(destination, NO_SOURCE_V4, FE80_1, va, 256, KernelRoute.TABLE_MAIN);
        assertThat(fib.apply(FibChange.add(live)).ok()).isTrue();

        KernelRoute retracted = reflect.retracted(destination, NO_SOURCE_V4, KernelRoute.TABLE_MAIN).orElseThrow();
        List<FibResult> results = fib.applyAll(List.of(FibChange.remove(live), FibChange.add(retracted)));

        assertThat(results).allMatch(FibResult::ok, "all changes acknowledged");
        assertThat(ns.ip("-4", "route", "show", "10.9.0.0/16"))
                .contains("unreachable 10.9.0.0/16 proto babel metric 65535");
    }

    @Test
    void reflectedMetricBecomesTheKernelPriority() throws Exception {
        KernelRoute route = new KernelMetric(100, true)
                .unicast(Prefix.parse("2001:db8:6::/48"), NO_SOURCE_V6, FE80_1, va, 384, KernelRoute.TABLE_MAIN);

        assertThat(fib.apply(FibChange.add(route)).ok()).isTrue();
        assertThat(ns.ip("-6", "route", "show", "2001:db8:6::/48")).contains("metric 484");
    }

    @Test
    void tablesAbove255AndPreferredSourceAreWritten() throws Exception {
        ns.ip("addr", "add", "2001:db8:aa::1/64", "dev", "va", "nodad");
        KernelRoute route = v6("2001:db8:7::/48", FE80_1, va).withTable(1000)
                .withPreferredSource(IpAddress.parse("2001:db8:aa::1"));

        FibResult r = fib.apply(FibChange.add(route));

        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThat(ns.ip("-6", "route", "show", "table", "1000"))
                .contains("2001:db8:7::/48 via fe80::1 dev va proto babel src 2001:db8:aa::1 metric 1024 onlink");
        assertThat(fib.routes(KernelRoute.PROTOCOL_BABEL)).singleElement()
                .satisfies(k -> {
                    assertThat(k.table()).isEqualTo(1000);
                    assertThat(k.preferredSource()).isEqualTo(IpAddress.parse("2001:db8:aa::1"));
                });
    }

    @Test
    void aThousandRoutesGoInAFewDatagrams() throws Exception {
        List<FibChange> changes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            changes.add(FibChange.add(v6(String.format("2001:db8:%x::/48", i), FE80_1, va)));
            changes.add(FibChange.add(KernelRoute.unicast(
                    Prefix.parse("10." + (i >> 8) + "." + (i & 0xff) + ".0/24"), NO_SOURCE_V4, FE80_1, va, 0)));
        }
        long before = fib.datagramsSent();

        List<FibResult> results = fib.applyAll(changes);

        assertThat(results).hasSize(1000).allMatch(FibResult::ok);
        assertThat(fib.datagramsSent() - before).isBetween(1L, 4L);
        assertThat(ns.ip("-6", "route", "show", "proto", "42").lines().count()).isEqualTo(500);
        assertThat(ns.ip("-4", "route", "show", "proto", "42").lines().count()).isEqualTo(500);
        assertThat(fib.routes(KernelRoute.PROTOCOL_BABEL)).hasSize(1000);
    }

    @Test
    void theKernelRefusesTheGatewaysTheMemoryKernelRefusesAndTakesTheOthers() throws Exception {
        ns.ip("link", "set", "lo", "up");
        ns.ip("addr", "add", "10.0.0.1/24", "dev", "va");
        ns.ip("addr", "add", "2001:db8::1/64", "dev", "va", "nodad");
        MemoryKernel memory = new MemoryKernel();
        int eth = memory.addLink("va", LinkKind.WIRED, 1500);
        memory.setLinkState(eth, true, true);
        memory.addAddress(eth, IpAddress.parse("10.0.0.1"), 24);
        memory.addAddress(eth, IpAddress.parse("2001:db8::1"), 64);
        List<IpAddress> gateways = new ArrayList<>();
        for (String gw : List.of("::", "::1", "ff02::1", "2001:db8::1", "2001:db8::2", "2001:db9::5", "fe80::99",
                "0.0.0.0", "0.1.2.3", "127.0.0.1", "127.0.0.2", "224.0.0.1", "240.0.0.1", "255.255.0.3",
                "255.255.255.255", "10.0.0.1", "10.0.0.2")) {
            gateways.add(IpAddress.parse(gw));
        }
        gateways.add(IpAddress.v6(0, 0x0000_ffff_0a00_0002L));
        List<String> refused = new ArrayList<>();
        int n = 0;
        for (IpAddress gw : gateways) {
            n++;
            Prefix d = gw.family() == Family.V6 ? Prefix.parse("2001:db8:" + (100 + n) + "::/48")
                    : Prefix.parse("10." + (100 + n) + ".0.0/16");
            int linux = fib.applyAll(List.of(FibChange.add(KernelRoute.unicast(d, null, gw, va, 0)))).getFirst().errno();
            int model = memory.applyAll(List.of(FibChange.add(KernelRoute.unicast(d, null, gw, eth, 0)))).getFirst()
                    .errno();
            assertThat(model).as("the in-memory kernel's answer for %s", gw).isEqualTo(linux);
            if (linux != 0) {
                refused.add(gw + " " + Errno.name(linux));
            }
        }
        assertThat(refused).containsExactly(":: EINVAL", "::1 EINVAL", "ff02::1 EINVAL", "2001:db8::1 EINVAL",
                "0.0.0.0 EINVAL", "127.0.0.1 EINVAL", "127.0.0.2 EINVAL", "224.0.0.1 EINVAL",
                "255.255.255.255 EINVAL", "10.0.0.1 EINVAL");
    }

    @Test
    void eachChangeOfABatchGetsItsOwnErrno() throws Exception {
        KernelRoute a = v6("2001:db8:10::/48", FE80_1, va);
        KernelRoute missing = v6("2001:db8:11::/48", FE80_1, va);
        KernelRoute c = v6("2001:db8:12::/48", FE80_1, va);
        KernelRoute noSuchInterface = v6("2001:db8:13::/48", FE80_1, 9999);

        List<FibResult> results = fib.applyAll(List.of(FibChange.add(a), FibChange.add(a),
                FibChange.remove(missing), FibChange.add(noSuchInterface), FibChange.add(c)));

        assertThat(results).extracting(FibResult::errno)
                .containsExactly(0, Errno.EEXIST, Errno.ESRCH, Errno.ENODEV, 0);
        assertThat(ns.ip("-6", "route", "show", "proto", "42"))
                .contains("2001:db8:10::/48").contains("2001:db8:12::/48").doesNotContain("2001:db8:13::/48");
    }

    @Test
    void routesOfOtherProtocolsLeaveOursOut() throws Exception {
        ns.ip("-6", "route", "add", "2001:db8:30::/48", "via", "fe80::1", "dev", "va", "proto", "42");
        ns.ip("-4", "route", "add", "10.30.0.0/16", "via", "inet6", "fe80::1", "dev", "va", "proto", "42");
        ns.ip("-6", "route", "add", "2001:db8:31::/48", "via", "fe80::1", "dev", "va", "proto", "static");

        List<KernelRoute> others = fib.routes(p -> p != KernelRoute.PROTOCOL_BABEL);

        assertThat(others).noneMatch(r -> r.protocol() == KernelRoute.PROTOCOL_BABEL)
                .anyMatch(r -> r.destination().equals(Prefix.parse("2001:db8:31::/48")));
        assertThat(fib.routes()).anyMatch(r -> r.destination().equals(Prefix.parse("2001:db8:30::/48")));
    }

    @Test
    void flushRemovesStaleBabelRoutesAndLeavesOthers() throws Exception {
        ns.ip("-6", "route", "add", "2001:db8:20::/48", "via", "fe80::1", "dev", "va", "proto", "42");
        ns.ip("-6", "route", "add", "unreachable", "2001:db8:21::/48", "metric", "65535", "proto", "42");
        ns.ip("-4", "route", "add", "10.20.0.0/16", "via", "inet6", "fe80::1", "dev", "va", "proto", "42");
        ns.ip("-6", "route", "add", "2001:db8:22::/48", "from", "2001:db8:ff::/48", "via", "fe80::1", "dev", "va",
                "proto", "42", "table", "1000");
        ns.ip("-6", "route", "add", "2001:db8:23::/48", "via", "fe80::1", "dev", "va", "proto", "static");

        int removed = fib.flush(KernelRoute.PROTOCOL_BABEL);

        assertThat(removed).isEqualTo(4);
        assertThat(fib.routes(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(ns.ip("-6", "route", "show", "2001:db8:23::/48")).contains("proto static");
    }
}
