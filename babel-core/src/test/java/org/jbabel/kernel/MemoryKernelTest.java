package org.jbabel.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class MemoryKernelTest {

    private static final IpAddress FE80_1 = IpAddress.parse("fe80::1");
    private final MemoryKernel kernel = new MemoryKernel();

    private int upLink(String name) {
        int ifindex = kernel.addLink(name, LinkKind.WIRED, 1500);
        kernel.setLinkState(ifindex, true, true);
        return ifindex;
    }

    private static KernelRoute route(String destination, int ifindex) {
        return KernelRoute.unicast(Prefix.parse(destination), Prefix.zero(Family.V6), FE80_1, ifindex, 0);
    }

    @Test
    void addingAnExistingRouteReportsEexistAndIpv6PriorityZeroIsStoredAs1024() {
        int eth = upLink("eth0");

        List<FibResult> results = kernel.applyAll(List.of(FibChange.add(route("2001:db8::/32", eth)),
                FibChange.add(route("2001:db8::/32", eth))));

        assertThat(results).extracting(FibResult::errno).containsExactly(0, Errno.EEXIST);
        assertThat(kernel.routes(KernelRoute.PROTOCOL_BABEL)).singleElement()
                .satisfies(r -> assertThat(r.priority()).isEqualTo(1024));
    }

    @Test
    void replaceOverwritesAndRemoveReportsEsrchWhenMissing() {
        int eth = upLink("eth0");
        kernel.apply(FibChange.add(route("2001:db8::/32", eth)));
        KernelRoute moved = KernelRoute.unicast(Prefix.parse("2001:db8::/32"), Prefix.zero(Family.V6),
                IpAddress.parse("fe80::2"), eth, 0);

        assertThat(kernel.apply(FibChange.replace(moved)).ok()).isTrue();
        assertThat(kernel.routes()).singleElement().satisfies(r -> assertThat(r.nextHop()).isEqualTo(moved.nextHop()));
        assertThat(kernel.apply(FibChange.remove(moved)).ok()).isTrue();
        assertThat(kernel.apply(FibChange.remove(moved)).errno()).isEqualTo(Errno.ESRCH);
    }

    @Test
    void aRouteThroughAMissingOrDownInterfaceIsRefused() {
        int down = kernel.addLink("eth1", LinkKind.WIRED, 1500);

        assertThat(kernel.apply(FibChange.add(route("2001:db8::/32", 99))).errno()).isEqualTo(Errno.ENODEV);
        assertThat(kernel.apply(FibChange.add(route("2001:db8::/32", down))).errno()).isEqualTo(Errno.ENETDOWN);
    }

    @Test
    void aLinkGoingDownTakesItsRoutesAlongAndNotifies() {
        int eth = upLink("eth0");
        kernel.apply(FibChange.add(route("2001:db8::/32", eth)));
        KernelEvents events = kernel.subscribe();

        kernel.setLinkState(eth, false, false);

        assertThat(kernel.routes()).isEmpty();
        assertThat(events.poll(Duration.ZERO)).hasSize(2)
                .anySatisfy(e -> assertThat(e).isInstanceOf(KernelEvent.LinkChanged.class))
                .anySatisfy(e -> assertThat(e).isInstanceOf(KernelEvent.RouteRemoved.class));
    }

    @Test
    void flushRemovesOnlyBabelRoutes() {
        int eth = upLink("eth0");
        KernelRoute foreign = new KernelRoute(Prefix.parse("2001:db8:1::/48"), null, FE80_1, eth, 0, 254, 4,
                RouteType.UNICAST, null);
        kernel.applyAll(List.of(FibChange.add(route("2001:db8::/32", eth)), FibChange.add(foreign),
                FibChange.add(KernelRoute.unreachable(Prefix.parse("2001:db8:2::/48"), null, 0xFFFF))));

        assertThat(kernel.flush(KernelRoute.PROTOCOL_BABEL)).isEqualTo(2);
        assertThat(kernel.routes()).singleElement().satisfies(r -> assertThat(r.protocol()).isEqualTo(4));
    }

    @Test
    void linksAndAddressesComeAndGoWithEvents() {
        KernelEvents events = kernel.subscribe();
        int wlan = kernel.addLink("wlan0", LinkKind.WIRELESS, 1500);
        InterfaceAddress ll = kernel.addAddress(wlan, FE80_1, 64);

        kernel.removeLink(wlan);

        assertThat(events.poll(Duration.ZERO)).containsExactly(
                new KernelEvent.LinkChanged(new Link(wlan, "wlan0", false, false, 1500, 1, "", LinkKind.WIRELESS)),
                new KernelEvent.AddressAdded(ll),
                new KernelEvent.AddressRemoved(ll),
                new KernelEvent.LinkRemoved(wlan, "wlan0"));
        assertThat(ll.scope()).isEqualTo(InterfaceAddress.SCOPE_LINK);
        assertThat(kernel.links()).extracting(Link::name).containsExactly("lo");
    }

    @Test
    void lookupWalksTheRulesAndFallsThroughATableWithoutAMatchingRoute() {
        int eth = upLink("eth0");
        IpAddress viaMain = IpAddress.parse("192.0.2.1");
        IpAddress viaTable = IpAddress.parse("192.0.2.2");
        Prefix noSource = Prefix.zero(Family.V4);
        kernel.apply(FibChange.add(KernelRoute.unicast(Prefix.parse("0.0.0.0/0"), noSource, viaMain, eth, 0)));
        kernel.apply(FibChange.add(KernelRoute.unicast(Prefix.parse("10.0.0.0/8"), noSource, viaTable, eth, 0)
                .withTable(10)));
        kernel.applyRule(RuleChange.add(KernelRule.babel(Prefix.parse("192.168.0.0/16"), 100, 10)));

        assertThat(kernel.lookup(IpAddress.parse("10.1.1.1"), IpAddress.parse("192.168.1.1")))
                .hasValueSatisfying(r -> assertThat(r.nextHop()).isEqualTo(viaTable));
        assertThat(kernel.lookup(IpAddress.parse("11.1.1.1"), IpAddress.parse("192.168.1.1")))
                .hasValueSatisfying(r -> assertThat(r.nextHop()).isEqualTo(viaMain));
        assertThat(kernel.lookup(IpAddress.parse("10.1.1.1"), IpAddress.parse("172.16.1.1")))
                .hasValueSatisfying(r -> assertThat(r.nextHop()).isEqualTo(viaMain));
    }

    @Test
    void anUnreachableRouteEndsTheLookup() {
        int eth = upLink("eth0");
        Prefix noSource = Prefix.zero(Family.V4);
        kernel.apply(FibChange.add(KernelRoute.unicast(Prefix.parse("0.0.0.0/0"), noSource,
                IpAddress.parse("192.0.2.1"), eth, 0)));
        kernel.apply(FibChange.add(KernelRoute.unreachable(Prefix.parse("10.0.0.0/8"), noSource, 0xFFFF)
                .withTable(10)));
        kernel.applyRule(RuleChange.add(KernelRule.babel(Prefix.parse("192.168.0.0/16"), 100, 10)));

        assertThat(kernel.lookup(IpAddress.parse("10.1.1.1"), IpAddress.parse("192.168.1.1")))
                .hasValueSatisfying(r -> assertThat(r.type()).isEqualTo(RouteType.UNREACHABLE));
    }

    @Test
    void ipv6LookupIsDestinationFirstThenSource() {
        int eth = upLink("eth0");
        kernel.apply(FibChange.add(KernelRoute.unicast(Prefix.parse("2001:db8::/32"), Prefix.parse("2001:db8:ff::/48"),
                IpAddress.parse("fe80::2"), eth, 0)));
        kernel.apply(FibChange.add(route("2001:db8:1::/48", eth)));

        assertThat(kernel.lookup(IpAddress.parse("2001:db8:1::1"), IpAddress.parse("2001:db8:ff::1")))
                .hasValueSatisfying(r -> assertThat(r.nextHop()).isEqualTo(FE80_1));
        assertThat(kernel.lookup(IpAddress.parse("2001:db8:2::1"), IpAddress.parse("2001:db8:ff::1")))
                .hasValueSatisfying(r -> assertThat(r.nextHop()).isEqualTo(IpAddress.parse("fe80::2")));
        assertThat(kernel.lookup(IpAddress.parse("2001:db8:2::1"), IpAddress.parse("2001:db8:fe::1"))).isEmpty();
    }

    @Test
    void likeLinuxTheSourceOfAnIpv4RouteIsIgnoredAndIpv6SourcesNeedSubtrees() {
        int eth = upLink("eth0");
        kernel.apply(FibChange.add(KernelRoute.unicast(Prefix.parse("10.0.0.0/8"), Prefix.parse("192.168.0.0/16"),
                IpAddress.parse("192.0.2.1"), eth, 0)));
        assertThat(kernel.routes()).singleElement().satisfies(r -> assertThat(r.sourceSpecific()).isFalse());

        MemoryKernel old = MemoryKernel.withoutIpv6Subtrees();
        int eth0 = old.addLink("eth0", LinkKind.WIRED, 1500);
        old.setLinkState(eth0, true, true);
        KernelRoute ss = KernelRoute.unicast(Prefix.parse("2001:db8::/32"), Prefix.parse("2001:db8:ff::/48"),
                FE80_1, eth0, 0);
        assertThat(old.apply(FibChange.add(ss)).errno()).isEqualTo(Errno.EINVAL);
        assertThat(old.apply(FibChange.add(route("2001:db8::/32", eth0))).ok()).isTrue();
    }

    @Test
    void rulesStartWithTheKernelsOwnAndReportEexistAndEnoent() {
        KernelRule rule = KernelRule.babel(Prefix.parse("10.0.0.0/8"), 100, 10);

        List<RuleResult> results = kernel.applyRules(List.of(RuleChange.add(rule), RuleChange.add(rule)));

        assertThat(results).extracting(RuleResult::errno).containsExactly(0, Errno.EEXIST);
        assertThat(kernel.rules().stream().filter(r -> r.family() == Family.V4).map(KernelRule::priority))
                .containsExactly(0L, 100L, 32766L, 32767L);
        assertThat(kernel.flushRules(KernelRoute.PROTOCOL_BABEL)).isEqualTo(1);
        assertThat(kernel.applyRule(RuleChange.remove(rule)).errno()).isEqualTo(Errno.ENOENT);
    }
}
