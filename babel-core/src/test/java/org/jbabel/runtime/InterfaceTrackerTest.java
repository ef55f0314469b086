package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.jbabel.engine.InterfaceType;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.LinkKind;
import org.jbabel.runtime.InterfaceTracker.Change;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

class InterfaceTrackerTest {

    private static Link link(int index, String name, boolean up, LinkKind kind) {
        return new Link(index, name, up, up, 1400, 1, "", kind);
    }

    private static InterfaceAddress ll(int index, String address, boolean tentative) {
        return new InterfaceAddress(index, IpAddress.parse(address), 64, InterfaceAddress.SCOPE_LINK, tentative);
    }

    @Test
    void namedInterfaceComesUpWithItsLinkLocalIpv4AndConfiguredIntervals() {
        InterfaceTracker t = new InterfaceTracker(TestConfigs.of("-C", "interface eth0 hello-interval 2", "eth0"));
        t.reset(List.of(link(2, "eth0", true, LinkKind.WIRED), link(3, "eth1", true, LinkKind.WIRED)),
                List.of(ll(2, "fe80::1", false), new InterfaceAddress(2, IpAddress.parse("10.0.0.1"), 24, 0, false),
                        ll(3, "fe80::3", false)));
        List<Change> changes = t.update();
        assertThat(changes).hasSize(1);
        var up = (Change.Up) changes.getFirst();
        assertThat(up.config().name()).isEqualTo("eth0");
        assertThat(up.config().ifindex()).isEqualTo(2);
        assertThat(up.config().linkLocal()).isEqualTo(IpAddress.parse("fe80::1"));
        assertThat(up.config().ipv4()).isEqualTo(IpAddress.parse("10.0.0.1"));
        assertThat(up.config().mtu()).isEqualTo(1400);
        assertThat(up.config().helloInterval()).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(up.config().updateInterval()).isEqualTo(Duration.ofSeconds(8).toNanos());
        assertThat(t.update()).as("nothing changed").isEmpty();
    }

    @Test
    void patternInterfacesAppearAndDisappearAtRunTime() {
        InterfaceTracker t = new InterfaceTracker(TestConfigs.of("-C", "interface wg-*"));
        t.reset(List.of(), List.of());
        assertThat(t.update()).isEmpty();
        t.linkChanged(link(7, "wg-a", true, LinkKind.TUNNEL));
        t.addressAdded(ll(7, "fe80::7", false));
        List<Change> up = t.update();
        assertThat(up).singleElement().isInstanceOfSatisfying(Change.Up.class,
                u -> assertThat(u.config().type()).as("the kernel's guess for type auto").isEqualTo(InterfaceType.TUNNEL));
        t.linkRemoved(7);
        assertThat(t.update()).containsExactly(new Change.Down("wg-a", 7));
    }

    @Test
    void anInterfaceWithATentativeLinkLocalIsUpToListenAndReadyWhenDadFinished() {
        InterfaceTracker t = new InterfaceTracker(TestConfigs.of("eth0"));
        t.reset(List.of(link(2, "eth0", true, LinkKind.WIRED)), List.of(ll(2, "fe80::1", true)));
        assertThat(t.update()).singleElement().isInstanceOfSatisfying(Change.Up.class, u -> {
            assertThat(u.tentative()).as("up to listen, not to send").isTrue();
            assertThat(u.config().linkLocal()).isEqualTo(IpAddress.parse("fe80::1"));
        });
        assertThat(t.waitingForLinkLocal()).as("looked at again until usable").containsExactly("eth0");
        assertThat(t.update()).isEmpty();
        t.addressAdded(ll(2, "fe80::1", false));
        assertThat(t.update()).singleElement().isInstanceOfSatisfying(Change.Up.class,
                u -> assertThat(u.tentative()).isFalse());
        assertThat(t.waitingForLinkLocal()).isEmpty();
        assertThat(t.update()).isEmpty();
    }

    @Test
    void aUsableLinkLocalIsPreferredToATentativeOne() {
        InterfaceTracker t = new InterfaceTracker(TestConfigs.of("eth0"));
        t.reset(List.of(link(2, "eth0", true, LinkKind.WIRED)), List.of(ll(2, "fe80::9", true), ll(2, "fe80::1", false)));
        assertThat(t.update()).singleElement().isInstanceOfSatisfying(Change.Up.class, u -> {
            assertThat(u.tentative()).isFalse();
            assertThat(u.config().linkLocal()).isEqualTo(IpAddress.parse("fe80::1"));
        });
    }

    @Test
    void administrativelyDownInterfaceGoesDownAndLinkDetectAlsoNeedsCarrier() {
        InterfaceTracker t = new InterfaceTracker(TestConfigs.of("-l", "eth0"));
        t.reset(List.of(new Link(2, "eth0", true, false, 1500, 1, "", LinkKind.WIRED)), List.of(ll(2, "fe80::1", false)));
        assertThat(t.update()).as("no carrier with link-detect").isEmpty();
        t.setLinkDetect(false);
        assertThat(t.update()).singleElement().isInstanceOf(Change.Up.class);
        t.linkChanged(link(2, "eth0", false, LinkKind.WIRED));
        assertThat(t.update()).containsExactly(new Change.Down("eth0", 2));
    }

    @Test
    void newAddressOnARunningInterfaceIsANewUp() {
        InterfaceTracker t = new InterfaceTracker(TestConfigs.of("eth0"));
        t.reset(List.of(link(2, "eth0", true, LinkKind.WIRED)), List.of(ll(2, "fe80::1", false)));
        t.update();
        t.addressAdded(new InterfaceAddress(2, IpAddress.parse("192.0.2.1"), 24, 0, false));
        assertThat(t.update()).singleElement().isInstanceOfSatisfying(Change.Up.class,
                u -> assertThat(u.config().ipv4()).isEqualTo(IpAddress.parse("192.0.2.1")));
    }

    @Test
    void configuredNamesListExactNamesEvenWhenAbsentAndMatchingLinks() {
        InterfaceTracker t = new InterfaceTracker(TestConfigs.of("-C", "interface wg-*", "eth9"));
        t.reset(List.of(link(4, "wg-x", true, LinkKind.TUNNEL), link(5, "lo", true, LinkKind.LOOPBACK)), List.of());
        assertThat(t.configuredNames()).containsExactly("eth9", "wg-x");
    }

    @Test
    void interfaceKeysComeWithItsUpAndAChangedKeyIsANewUp() {
        InterfaceTracker t = new InterfaceTracker(TestConfigs.of("-C", "key id k type hmac-sha256 value 5a5a",
                "-C", "interface eth0 key k accept-bad-signatures true", "eth0", "eth1"));
        t.reset(List.of(link(2, "eth0", true, LinkKind.WIRED), link(3, "eth1", true, LinkKind.WIRED)),
                List.of(ll(2, "fe80::1", false), ll(3, "fe80::3", false)));
        List<Change> changes = t.update();
        assertThat(changes).hasSize(2);
        var eth0 = (Change.Up) changes.get(0);
        assertThat(eth0.auth().enabled()).isTrue();
        assertThat(eth0.auth().acceptBadSignatures()).isTrue();
        assertThat(eth0.auth().keys()).singleElement().satisfies(k -> assertThat(k.value().hex()).isEqualTo("5a5a"));
        assertThat(((Change.Up) changes.get(1)).auth()).as("no keys on eth1").isEqualTo(InterfaceTracker.Auth.NONE);

        t.setConfig(TestConfigs.of("-C", "key id k type hmac-sha256 value a5a5",
                "-C", "interface eth0 key k accept-bad-signatures true", "eth0", "eth1"));
        assertThat(t.update()).as("only eth0's key changed").singleElement()
                .isInstanceOfSatisfying(Change.Up.class, u -> {
                    assertThat(u.config().name()).isEqualTo("eth0");
                    assertThat(u.auth().keys().getFirst().value().hex()).isEqualTo("a5a5");
                });
        assertThat(t.update()).isEmpty();
    }
}
