package org.jbabel.roaming.mmfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.extension.NetInterface;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/** {@link Mmfd} over a {@link FakeContext}: only the extension API, a manual clock, captured I/O. */
class MmfdExtensionTest {

    private static final IpAddress A = IpAddress.parse("fe80::a");
    private static final IpAddress B = IpAddress.parse("fe80::b");
    private static final IpAddress OWN0 = IpAddress.parse("fe80::1:0");

    private static NetInterface up(String name, int ifindex) {
        IpAddress ll = IpAddress.v6(0xfe80_0000_0000_0000L, ifindex);
        return new NetInterface(name, ifindex, true, ll, List.of(ll));
    }

    private static NetInterface down(String name, int ifindex) {
        return new NetInterface(name, ifindex, false, null, List.of());
    }

    private FakeContext started(MmfdSettings settings, NetInterface... interfaces) throws Exception {
        FakeContext c = new FakeContext();
        for (NetInterface i : interfaces) {
            c.addInterface(i);
        }
        new Mmfd(settings, new SplittableRandom(4)).start(c);
        return c;
    }

    private static MmfdSettings all() {
        return new MmfdSettings("mmfd0", Set.of());
    }

    private static long helloNonce = 100;

    private static void hello(FakeContext c, IpAddress from, int ifindex) {
        c.receive(from, MmfdEngine.GROUP, ifindex, Packets.hello(helloNonce++));
    }

    @Test
    void startOpensTheTunAndOneSocketJoinsTheGroupOnEachInterfaceAndSaysHelloAtOnceThenEveryTenSeconds()
            throws Exception {
        FakeContext c = started(all(), up("eth0", 2), up("eth1", 3));
        assertThat(c.tun.name).isEqualTo("mmfd0");
        assertThat(c.tun.mtu).isEqualTo(1280);
        assertThat(c.socketOptions.port()).isEqualTo(27275);
        assertThat(c.socketOptions.bind()).isEqualTo(IpAddress.V6_UNSPECIFIED);
        assertThat(c.joined).containsExactly(new FakeContext.Membership(MmfdEngine.GROUP, 2),
                new FakeContext.Membership(MmfdEngine.GROUP, 3));
        assertThat(c.sent).extracting(s -> s.destination() + "%" + s.ifindex() + ":" + s.port() + "/"
                + s.data().length).containsExactly("ff02::6a8b%2:27275/8", "ff02::6a8b%3:27275/8");
        c.sent.clear();
        c.advanceSeconds(9.9);
        assertThat(c.sent).isEmpty();
        c.advanceSeconds(0.1);
        assertThat(c.sent).hasSize(2);
        c.advanceSeconds(30);
        assertThat(c.sent).hasSize(8);
        assertThat(c.counter("hello_sent")).isEqualTo(10);
    }

    @Test
    void mmfdInterfaceLimitsItToTheNamedInterfaces() throws Exception {
        FakeContext c = started(new MmfdSettings("mmfd0", Set.of("eth1", "wg9")), up("eth0", 2), up("eth1", 3));
        assertThat(c.joined).containsExactly(new FakeContext.Membership(MmfdEngine.GROUP, 3));
        assertThat(c.log).anyMatch(l -> l.contains("wg9"));
        assertThat(c.commands.get("interfaces").run(List.of()).json())
                .isEqualTo(Map.of("mesh_interfaces", List.of("eth1")));
        hello(c, A, 2);
        assertThat(c.counter("drop_interface")).isEqualTo(1);
    }

    @Test
    void neighboursAppearOnTheControlSocketAndLeaveFiftySecondsAfterTheirLastHello() throws Exception {
        FakeContext c = started(all(), up("eth0", 2), up("eth1", 3));
        hello(c, A, 2);
        c.advanceSeconds(5);
        hello(c, B, 3);
        List<ControlRegistry.Item> items = c.sections.get("mmfd-neighbour").get();
        assertThat(items).extracting(i -> i.fields().toString())
                .containsExactly("{address=fe80::a, if=eth0}", "{address=fe80::b, if=eth1}");
        assertThat(items).extracting(ControlRegistry.Item::id).doesNotHaveDuplicates();
        ControlRegistry.Answer answer = c.commands.get("neighbours").run(List.of());
        assertThat(answer.json()).isEqualTo(Map.of("mmfd_neighbours", List.of(
                Map.of("address", "fe80::a", "interface", "eth0"),
                Map.of("address", "fe80::b", "interface", "eth1"))));
        assertThat(answer.text()).isEqualTo("address fe80::a interface eth0\naddress fe80::b interface eth1\n");
        assertThatThrownBy(() -> c.commands.get("neighbours").run(List.of("x")))
                .isInstanceOf(IllegalArgumentException.class);

        // A keeps saying hello, B falls silent at t=5
        for (int t = 10; t <= 50; t += 10) {
            c.advanceSeconds(t == 10 ? 5 : 10);
            hello(c, A, 2);
        }
        c.advanceSeconds(4.9); // t=54.9: B's last HELLO was 49.9 s ago
        assertThat(c.sections.get("mmfd-neighbour").get()).hasSize(2);
        c.advanceSeconds(0.1); // t=55
        assertThat(c.sections.get("mmfd-neighbour").get()).extracting(i -> i.fields().get("address"))
                .containsExactly("fe80::a");
        assertThat(c.counter("neighbour_expired")).isEqualTo(1);
        c.advanceSeconds(60);
        assertThat(c.commands.get("neighbours").run(List.of()).json())
                .isEqualTo(Map.of("mmfd_neighbours", List.of()));
    }

    @Test
    void aTunPacketIsFloodedAndReceivedDataIsForwardedButNotBackAndWrittenIntoTheTunOnce() throws Exception {
        FakeContext c = started(all(), up("eth0", 2), up("eth1", 3));
        hello(c, A, 2);
        hello(c, B, 3);
        c.sent.clear();
        byte[] packet = Packets.multicast(3);
        c.fromTun(packet);
        assertThat(c.sent).extracting(s -> s.destination() + "%" + s.ifindex() + ":" + s.port())
                .containsExactly("fe80::a%2:27275", "fe80::b%3:27275");
        assertThat(c.tunWritten).isEmpty();
        c.sent.clear();

        byte[] other = Packets.multicast(4);
        byte[] data = Packets.data(0xabcdef, other);
        c.receive(A, OWN0, 2, data);
        assertThat(c.sent).singleElement().satisfies(s -> {
            assertThat(s.destination()).isEqualTo(B);
            assertThat(s.data()).isEqualTo(data);
        });
        assertThat(c.tunWritten).singleElement().isEqualTo(other);
        c.receive(B, OWN0, 3, data);
        assertThat(c.sent).hasSize(1);
        assertThat(c.tunWritten).hasSize(1);
        assertThat(c.counter("duplicate")).isEqualTo(1);
    }

    @Test
    void malformedDatagramsAreCountedAndDropped() throws Exception {
        FakeContext c = started(all(), up("eth0", 2));
        hello(c, A, 2);
        c.sent.clear();
        c.receive(B, OWN0, 2, new byte[3]);
        c.receive(B, OWN0, 2, Packets.data(1, new byte[20]));
        c.fromTun(new byte[12]);
        assertThat(c.counter("drop_short")).isEqualTo(1);
        assertThat(c.counter("drop_invalid")).isEqualTo(1);
        assertThat(c.counter("tun_drop_short")).isEqualTo(1);
        assertThat(c.sent).isEmpty();
        assertThat(c.tunWritten).isEmpty();
    }

    @Test
    void anInterfaceGoingDownLeavesTheGroupAndDropsItsNeighboursAndComingBackJoinsAndSaysHello()
            throws Exception {
        FakeContext c = started(all(), up("eth0", 2), up("eth1", 3));
        hello(c, A, 2);
        hello(c, B, 3);
        c.changeInterface(down("eth0", 2));
        assertThat(c.joined).containsExactly(new FakeContext.Membership(MmfdEngine.GROUP, 3));
        assertThat(c.sections.get("mmfd-neighbour").get()).extracting(i -> i.fields().get("if"))
                .containsExactly("eth1");
        c.sent.clear();
        c.changeInterface(up("eth0", 7)); // recreated: a new ifindex
        assertThat(c.joined).contains(new FakeContext.Membership(MmfdEngine.GROUP, 7));
        assertThat(c.sent).singleElement().satisfies(s -> {
            assertThat(s.destination()).isEqualTo(MmfdEngine.GROUP);
            assertThat(s.ifindex()).isEqualTo(7);
        });
        c.sent.clear();
        c.changeInterface(up("eth0", 7)); // an address change only
        assertThat(c.sent).isEmpty();
        assertThat(c.commands.get("interfaces").run(List.of()).text()).isEqualTo("eth1\neth0\n");
    }

    @Test
    void stopCancelsTimersAndClosesTheSocketAndTheDevice() throws Exception {
        FakeContext c = new FakeContext();
        c.addInterface(up("eth0", 2));
        Mmfd mmfd = new Mmfd(all(), new SplittableRandom(5));
        mmfd.start(c);
        hello(c, A, 2);
        assertThat(c.pendingTimers()).isEqualTo(2); // HELLO, expiry
        mmfd.stop();
        assertThat(c.pendingTimers()).isZero();
        assertThat(c.socket.closed).isTrue();
        assertThat(c.tun.closed).isTrue();
        c.sent.clear();
        c.changeInterface(up("eth1", 3));
        assertThat(c.sent).isEmpty();
    }

    /** Several extensions on fake contexts, their sends handed over by the test: a cycle of four. */
    @Test
    void fourExtensionsOnARingDeliverEachOthersPacketsExactlyOnce() throws Exception {
        int n = 4;
        List<FakeContext> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // node i: ifindex 2 towards i+1, ifindex 3 towards i-1; link-local fe80::NODE:IFINDEX
            FakeContext c = new FakeContext();
            c.addInterface(new NetInterface("right", 2, true, ll(i, 2), List.of(ll(i, 2))));
            c.addInterface(new NetInterface("left", 3, true, ll(i, 3), List.of(ll(i, 3))));
            new Mmfd(all(), new SplittableRandom(10 + i)).start(c);
            nodes.add(c);
        }
        pump(nodes);
        for (int origin = 0; origin < n; origin++) {
            nodes.get(origin).fromTun(Packets.multicast(origin));
            pump(nodes);
            for (int i = 0; i < n; i++) {
                assertThat(nodes.get(i).tunWritten).as("node %d, packet of %d", i, origin)
                        .hasSize(i == origin ? 0 : 1);
                nodes.get(i).tunWritten.clear();
            }
        }
    }

    private static IpAddress ll(int node, int ifindex) {
        return IpAddress.v6(0xfe80_0000_0000_0000L, ((long) node << 16) | ifindex);
    }

    private static void pump(List<FakeContext> nodes) {
        int n = nodes.size();
        boolean more = true;
        while (more) {
            more = false;
            for (int i = 0; i < n; i++) {
                FakeContext c = nodes.get(i);
                List<FakeContext.Sent> out = List.copyOf(c.sent);
                c.sent.clear();
                for (FakeContext.Sent s : out) {
                    more = true;
                    int peer = s.ifindex() == 2 ? (i + 1) % n : (i + n - 1) % n;
                    int peerIf = s.ifindex() == 2 ? 3 : 2;
                    IpAddress dst = s.destination();
                    if (dst.equals(MmfdEngine.GROUP) || dst.equals(ll(peer, peerIf))) {
                        nodes.get(peer).receive(ll(i, s.ifindex()), dst, peerIf, s.data());
                    }
                }
            }
        }
    }
}
