package org.jbabel.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelEvent;
import org.jbabel.kernel.KernelEvents;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.LinkKind;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LinuxLinkMonitor} against the real kernel, in a fresh network namespace per test. */
class LinuxLinkMonitorTest {

    /** The most polls (of up to a second each) to wait for an expected event before failing. */
    private static final int MAX_POLLS = 20;

    private NetworkNamespace ns;
    private LinuxLinkMonitor monitor;
    private KernelEvents events;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(NetworkNamespace.available(), "needs root and iproute2 to make network namespaces");
        ns = NetworkNamespace.create();
        monitor = ns.inside(() -> new LinuxLinkMonitor(new NetlinkCounters(), name -> name.startsWith("wl")));
        events = ns.inside(monitor::subscribe);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (events != null) {
                events.close();
            }
            if (monitor != null) {
                monitor.close();
            }
        } finally {
            if (ns != null) {
                ns.close();
            }
        }
    }

    /** Polls until an event matches, collecting everything seen; fails after {@link #MAX_POLLS} empty polls. */
    private KernelEvent await(Predicate<KernelEvent> wanted, String what) {
        List<KernelEvent> seen = new ArrayList<>();
        for (int i = 0; i < MAX_POLLS; i++) {
            for (KernelEvent e : events.poll(Duration.ofSeconds(1))) {
                seen.add(e);
                if (wanted.test(e)) {
                    return e;
                }
            }
        }
        throw new AssertionError("no event " + what + " among " + seen);
    }

    private static Predicate<KernelEvent> linkChanged(String name, Predicate<Link> state) {
        return e -> e instanceof KernelEvent.LinkChanged(Link l) && l.name().equals(name) && state.test(l);
    }

    @Test
    void linksReportFlagsMtuAndKind() throws Exception {
        ns.ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
        ns.ip("link", "set", "va", "mtu", "1400", "up");
        ns.ip("link", "set", "vb", "up");
        ns.ip("tuntap", "add", "dev", "tun0", "mode", "tun");
        ns.ip("link", "add", "wlan0", "type", "veth", "peer", "name", "wlpeer");

        List<Link> links = monitor.links();

        assertThat(links).extracting(Link::name).contains("lo", "va", "vb", "tun0", "wlan0");
        Link va = monitor.link("va").orElseThrow();
        assertThat(va.up()).isTrue();
        assertThat(va.mtu()).isEqualTo(1400);
        assertThat(va.driverKind()).isEqualTo("veth");
        assertThat(va.kind()).isEqualTo(LinkKind.WIRED);
        assertThat(monitor.link("lo").orElseThrow().kind()).isEqualTo(LinkKind.LOOPBACK);
        assertThat(monitor.link("tun0").orElseThrow().kind()).isEqualTo(LinkKind.TUNNEL);
        assertThat(monitor.link("tun0").orElseThrow().up()).isFalse();
        assertThat(monitor.link("wlan0").orElseThrow().kind()).isEqualTo(LinkKind.WIRELESS);
    }

    @Test
    void addressesAreListedPerInterface() throws Exception {
        ns.ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
        ns.ip("addr", "add", "192.0.2.1/24", "dev", "va");
        ns.ip("addr", "add", "2001:db8::1/64", "dev", "va", "nodad");
        int va = monitor.link("va").orElseThrow().ifindex();

        List<InterfaceAddress> addresses = monitor.addresses(va);

        assertThat(addresses).extracting(InterfaceAddress::address, InterfaceAddress::prefixLength)
                .contains(tuple(IpAddress.parse("192.0.2.1"), 24),
                        tuple(IpAddress.parse("2001:db8::1"), 64));
        assertThat(monitor.addresses(1)).extracting(InterfaceAddress::address)
                .contains(IpAddress.parse("127.0.0.1"), IpAddress.parse("::1"));
    }

    @Test
    void aLinkCreatedAfterSubscribingArrivesAsAnEvent() throws Exception {
        ns.ip("link", "add", "late0", "type", "veth", "peer", "name", "late1");

        KernelEvent e = await(linkChanged("late0", l -> true), "for late0");

        assertThat(((KernelEvent.LinkChanged) e).link().driverKind()).isEqualTo("veth");
    }

    @Test
    void linkUpAndDownArriveAsEvents() throws Exception {
        ns.ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
        ns.ip("link", "set", "vb", "up");
        ns.ip("link", "set", "va", "up");
        await(linkChanged("va", Link::operational), "va up and running");

        ns.ip("link", "set", "va", "down");

        await(linkChanged("va", l -> !l.up()), "va down");
    }

    @Test
    void addressAddAndRemoveArriveAsEvents() throws Exception {
        ns.ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
        IpAddress address = IpAddress.parse("2001:db8:1::1");

        ns.ip("addr", "add", "2001:db8:1::1/64", "dev", "va", "nodad");
        await(e -> e instanceof KernelEvent.AddressAdded(InterfaceAddress a) && a.address().equals(address),
                "address added");
        ns.ip("addr", "del", "2001:db8:1::1/64", "dev", "va");

        await(e -> e instanceof KernelEvent.AddressRemoved(InterfaceAddress a) && a.address().equals(address),
                "address removed");
    }

    @Test
    void routesAppearingAndDisappearingArriveAsEvents() throws Exception {
        ns.ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
        ns.ip("link", "set", "va", "up");
        Prefix destination = Prefix.parse("203.0.113.0/24");

        ns.ip("route", "add", "203.0.113.0/24", "dev", "va", "proto", "static");
        KernelEvent added = await(e -> e instanceof KernelEvent.RouteAdded(KernelRoute r)
                && r.destination().equals(destination), "route added");
        ns.ip("route", "del", "203.0.113.0/24", "dev", "va");

        await(e -> e instanceof KernelEvent.RouteRemoved(KernelRoute r) && r.destination().equals(destination),
                "route removed");
        assertThat(((KernelEvent.RouteAdded) added).route().protocol()).isEqualTo(4);
    }

    @Test
    void routesOfProtocolBabelRaiseNoEvent() throws Exception {
        ns.ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
        ns.ip("link", "set", "va", "up");
        Prefix ours = Prefix.parse("198.51.100.0/24");
        Prefix theirs = Prefix.parse("203.0.113.0/24");

        ns.ip("route", "add", "198.51.100.0/24", "dev", "va", "proto", "babel");
        ns.ip("route", "add", "203.0.113.0/24", "dev", "va", "proto", "static");
        ns.ip("route", "del", "198.51.100.0/24", "dev", "va");
        ns.ip("route", "del", "203.0.113.0/24", "dev", "va");

        List<KernelEvent> seen = new ArrayList<>();
        await(e -> seen.add(e) && e instanceof KernelEvent.RouteRemoved(KernelRoute r)
                && r.destination().equals(theirs), "the static route removed");
        assertThat(seen).noneMatch(e -> e instanceof KernelEvent.RouteAdded(KernelRoute r)
                && r.destination().equals(ours));
        assertThat(seen).noneMatch(e -> e instanceof KernelEvent.RouteRemoved(KernelRoute r)
                && r.destination().equals(ours));
        assertThat(seen).anyMatch(e -> e instanceof KernelEvent.RouteAdded(KernelRoute r)
                && r.destination().equals(theirs));
    }

    @Test
    void aDeletedLinkArrivesAsLinkRemoved() throws Exception {
        ns.ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
        int va = monitor.link("va").orElseThrow().ifindex();

        ns.ip("link", "del", "va");

        await(e -> e instanceof KernelEvent.LinkRemoved(int ifindex, String name) && ifindex == va
                && name.equals("va"), "va removed");
        assertThat(monitor.link("va")).isEmpty();
    }

    @Test
    void pollReturnsNothingWhenNothingHappened() {
        assertThat(events.poll(Duration.ZERO)).isEmpty();
        assertThat(monitor.counters().snapshot()).containsEntry("malformed_message", 0L)
                .containsEntry("malformed_attribute", 0L);
    }
}
