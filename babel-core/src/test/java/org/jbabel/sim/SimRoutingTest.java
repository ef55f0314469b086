package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.engine.Time;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/**
 * Routed UDP between simulated nodes: hop by hop over each node's forwarding state (Babel's FIB and the extensions'
 * own routes, longest prefix first), with every drop counted where it happens; own routes through TUN devices; own
 * routes gone after the extensions stop.
 */
class SimRoutingTest {

    private static final int PORT = 5000;

    /** An extension made of a start action. */
    interface Starter {
        void start(ExtensionContext c) throws Exception;
    }

    static Extension extension(Starter starter) {
        return new Extension() {
            @Override
            public void start(ExtensionContext c) throws Exception {
                starter.start(c);
            }

            @Override
            public void stop() {}
        };
    }

    /** Every node listens on [::]:PORT and records what it gets; node {@code from} sends {@code to} at 20 s. */
    private static Simulation sendAfterConvergence(Topology topology, int from, IpAddress to,
            Map<Integer, List<Network.Datagram>> received, boolean[] accepted) {
        Simulation sim = new Simulation(topology, SimConfig.defaults().withDuration(Time.seconds(120)));
        sim.setExtensions(node -> Map.of("probe", extension(c -> {
            UdpSocket s = c.network().udp(UdpSocket.Options.any(PORT),
                    d -> received.computeIfAbsent(node, k -> new ArrayList<>()).add(d));
            if (node == from) {
                c.schedule(Time.seconds(20), () -> accepted[0] = s.send(to, PORT, 0, new byte[] {7, 7}));
            }
        })));
        return sim;
    }

    @Test
    void aDatagramToAnotherNodesAddressCrossesEveryHopOfALine() {
        Map<Integer, List<Network.Datagram>> received = new HashMap<>();
        boolean[] accepted = new boolean[1];
        Simulation sim = sendAfterConvergence(Topology.line(5), 0, Simulation.probeOf(4), received, accepted);
        sim.runUntil(Time.seconds(25));
        assertThat(accepted[0]).isTrue();
        assertThat(received).containsOnlyKeys(4);
        Network.Datagram d = received.get(4).getFirst();
        assertThat(d.source()).isEqualTo(Simulation.probeOf(0));
        assertThat(d.sourcePort()).isEqualTo(PORT);
        assertThat(d.destination()).isEqualTo(Simulation.probeOf(4));
        assertThat(d.data()).containsExactly(7, 7);
        assertThat(d.ifindex()).as("came in on node 4's link to node 3").isEqualTo(2 + sim.linkBetween(3, 4));
    }

    @Test
    void aDatagramCrossesAGridAlongBabelsRoutes() {
        Map<Integer, List<Network.Datagram>> received = new HashMap<>();
        boolean[] accepted = new boolean[1];
        Simulation sim = sendAfterConvergence(Topology.grid(4, 4), 0, Simulation.probeOf(15), received, accepted);
        sim.runUntil(Time.seconds(25));
        assertThat(received).containsOnlyKeys(15);
        assertThat(received.get(15)).hasSize(1);
    }

    @Test
    void aUnicastDatagramGoesToTheMostSpecificSocketOfItsPortOnlyAsOnLinux() {
        Simulation sim = new Simulation(Topology.line(2), SimConfig.defaults().withDuration(Time.seconds(60)));
        List<String> got = new ArrayList<>();
        sim.setExtensions(node -> Map.of("probe", extension(c -> {
            if (node == 1) {
                c.network().udp(UdpSocket.Options.any(PORT), d -> got.add("any"));
                c.network().udp(new UdpSocket.Options(Simulation.probeOf(1), PORT, null, 1, false),
                        d -> got.add("bound"));
            }
            if (node == 0) {
                UdpSocket s = c.network().udp(UdpSocket.Options.any(PORT), d -> {});
                c.schedule(Time.seconds(20), () -> s.send(Simulation.probeOf(1), PORT, 0, new byte[1]));
            }
        })));
        sim.runUntil(Time.seconds(25));
        assertThat(got).containsExactly("bound");
    }

    @Test
    void anIcmpv6MessageIsRoutedToARawSocketOnTheInterfaceItArrivesOn() {
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(60)));
        List<Network.Datagram> got = new ArrayList<>();
        sim.setExtensions(node -> Map.of("ping", extension(c -> {
            if (node == 2) {
                c.network().icmp6("l1", java.util.Set.of(128), got::add); // link 1 joins nodes 1 and 2
                c.network().icmp6("l1", java.util.Set.of(129), d -> got.add(null));
            }
            if (node == 0) {
                UdpSocket s = c.network().icmp6("l0", java.util.Set.of(129), d -> {});
                c.schedule(Time.seconds(20), () -> s.send(Simulation.probeOf(2), 0, 0, new byte[] {(byte) 128, 0,
                    0, 0, 0, 1, 0, 1}));
            }
        })));
        sim.runUntil(Time.seconds(25));
        assertThat(got).singleElement().satisfies(d -> {
            assertThat(d.source()).isEqualTo(Simulation.probeOf(0));
            assertThat(d.sourcePort()).isZero();
            assertThat(d.data()[0] & 0xff).isEqualTo(128);
            assertThat(d.data()).hasSize(8);
        });
    }

    @Test
    void aDatagramWithoutARouteIsRefusedAtItsSenderAndOneThatNoNodeHasIsDroppedWhereTheRouteEnds() {
        Map<Integer, List<Network.Datagram>> received = new HashMap<>();
        boolean[] accepted = new boolean[1];
        Simulation sim = sendAfterConvergence(Topology.line(3), 0, IpAddress.parse("2001:db8::1"), received,
                accepted);
        sim.runUntil(Time.seconds(25));
        assertThat(accepted[0]).as("no route: ENETUNREACH").isFalse();
        assertThat(sim.extensionCounters(0)).containsEntry("sim.udp_no_route", 1L);

        // fd00:0:2::2 is inside node 2's /48, but only ::1 is its address: node 2 has no route for the rest
        IpAddress notAnAddress = IpAddress.v6(Simulation.prefixOf(2).address().hi(), 2);
        Simulation sim2 = sendAfterConvergence(Topology.line(3), 0, notAnAddress, received, accepted);
        sim2.runUntil(Time.seconds(25));
        assertThat(accepted[0]).isTrue();
        assertThat(received).isEmpty();
        assertThat(sim2.extensionCounters(2)).containsEntry("sim.routed_no_route", 1L);
    }

    @Test
    void aDatagramIsDroppedWhenItsLinkIsDownAndWhenItsHopLimitRunsOutInALoop() {
        // link 1 (node 1 - node 2) goes down just before node 0 sends: node 1 still has its route for a moment
        Map<Integer, List<Network.Datagram>> received = new HashMap<>();
        boolean[] accepted = new boolean[1];
        Simulation sim = sendAfterConvergence(Topology.line(3), 0, Simulation.probeOf(2), received, accepted);
        sim.scheduleLinkState(Time.seconds(20) - Time.millis(1), sim.linkBetween(1, 2), false);
        sim.runUntil(Time.seconds(23));
        assertThat(received).isEmpty();
        assertThat(sim.extensionCounters(1)).containsEntry("sim.routed_link_down", 1L);

        // node 1's own /128 for node 2's probe points back at node 0, whose Babel route points at node 1
        Simulation loop = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(60)));
        IpAddress target = Simulation.probeOf(2);
        loop.setExtensions(node -> Map.of("probe", extension(c -> {
            UdpSocket s = c.network().udp(UdpSocket.Options.any(PORT), d -> {});
            if (node == 1) {
                int towardsZero = 2 + 0; // link 0 joins nodes 0 and 1
                c.kernel().ownRoutes(99).add(KernelRoute.unicast(Prefix.host(target), null,
                        Simulation.linkLocalOf(0, 0), towardsZero, 0));
            }
            if (node == 0) {
                c.schedule(Time.seconds(20), () -> s.send(target, PORT, 0, new byte[1]));
            }
        })));
        loop.runUntil(Time.seconds(25));
        long dropped = loop.extensionCounters(0).getOrDefault("sim.routed_hop_limit", 0L)
                + loop.extensionCounters(1).getOrDefault("sim.routed_hop_limit", 0L);
        assertThat(dropped).isOne();
    }

    @Test
    void anOwnRouteThroughATunDeviceDeliversTheDatagramIntoItAsAnIpv6UdpPacket() {
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(60)));
        IpAddress inside = IpAddress.parse("2001:db8:ee::5");
        List<byte[]> intoTun = new ArrayList<>();
        sim.setExtensions(node -> Map.of("probe", extension(c -> {
            UdpSocket s = c.network().udp(UdpSocket.Options.any(PORT), d -> {});
            if (node == 2) {
                Network.PacketDevice tun = c.network().tun("ex0", 1280, intoTun::add);
                c.babel().originate(Prefix.parse("2001:db8:ee::/48"), 0);
                c.kernel().ownRoutes(99).add(KernelRoute.unicast(Prefix.parse("2001:db8:ee::/48"), null, null,
                        tun.ifindex(), 0));
            }
            if (node == 0) {
                c.schedule(Time.seconds(20), () -> s.send(inside, PORT, 0, new byte[] {1, 2, 3}));
            }
        })));
        sim.runUntil(Time.seconds(25));
        assertThat(intoTun).hasSize(1);
        SimPackets.Ip p = SimPackets.parse(intoTun.getFirst());
        assertThat(intoTun.getFirst()[0] >>> 4).isEqualTo(6);
        assertThat(p.source()).isEqualTo(Simulation.probeOf(0));
        assertThat(p.destination()).isEqualTo(inside);
        assertThat(p.protocol()).isEqualTo(SimPackets.UDP);
        assertThat(p.hopLimit()).as("two forwarding hops").isEqualTo(SimNodeHost.HOP_LIMIT - 2);
        assertThat(p.destinationPort()).isEqualTo(PORT);
        assertThat(p.data()).containsExactly(1, 2, 3);
    }

    @Test
    void aSendIntoATunDeviceComesOutOfItAndWhatIsWrittenIntoItIsDeliveredThereOrRoutedOn() {
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(60)));
        IpAddress group = IpAddress.parse("ff02::1234");
        List<byte[]> outOfTun = new ArrayList<>();
        Map<Integer, List<Network.Datagram>> received = new HashMap<>();
        sim.setExtensions(node -> Map.of("probe", extension(c -> {
            UdpSocket s = c.network().udp(UdpSocket.Options.any(1234),
                    d -> received.computeIfAbsent(node, k -> new ArrayList<>()).add(d));
            if (node == 0) {
                Network.PacketDevice tun = c.network().tun("mm0", 1280, outOfTun::add);
                s.join(group, tun.ifindex());
                c.schedule(Time.seconds(20), () -> {
                    s.send(group, 1234, tun.ifindex(), new byte[] {4});
                    // as l3roamd writes a queued packet back for the kernel to route
                    tun.write(SimPackets.encode(SimPackets.udp(IpAddress.parse("2001:db8::9"), 99,
                            Simulation.probeOf(2), 1234, 64, new byte[] {5})));
                });
                c.schedule(Time.seconds(21), () -> tun.write(outOfTun.getFirst()));
            }
        })));
        sim.runUntil(Time.seconds(25));
        assertThat(outOfTun).singleElement().satisfies(b -> {
            SimPackets.Ip p = SimPackets.parse(b);
            assertThat(p.destination()).isEqualTo(group);
            assertThat(p.source().isLinkLocal()).as("the device's link-local address").isTrue();
            assertThat(p.data()).containsExactly(4);
        });
        assertThat(received.get(2)).singleElement().satisfies(d -> {
            assertThat(d.source()).isEqualTo(IpAddress.parse("2001:db8::9"));
            assertThat(d.data()).containsExactly(5);
        });
        assertThat(received.get(0)).as("the multicast packet written into mm0, received on mm0")
                .singleElement().satisfies(d -> {
                    assertThat(d.destination()).isEqualTo(group);
                    assertThat(d.ifindex()).isEqualTo(SimNodeHost.FIRST_DEVICE_INDEX);
                    assertThat(d.data()).containsExactly(4);
                });
    }

    @Test
    void ownRoutesAreGoneAfterTheExtensionsStopAndTheirRouteLeadsNowhere() {
        Simulation sim = new Simulation(Topology.line(2), SimConfig.defaults().withDuration(Time.seconds(60)));
        KernelRoute route = new KernelRoute(Prefix.parse("2001:db8:1::/64"), null, null, 0, 0,
                KernelRoute.TABLE_MAIN, 0, RouteType.UNREACHABLE, null);
        sim.setExtensions(node -> node != 0 ? Map.of() : Map.of("owner", extension(c -> {
            KernelAccessCheck.check(c);
            c.kernel().ownRoutes(77).add(route);
        })));
        sim.runUntil(Time.seconds(5));
        assertThat(sim.ownRoutes(0)).singleElement().satisfies(r -> {
            assertThat(r.destination()).isEqualTo(route.destination());
            assertThat(r.protocol()).isEqualTo(77);
        });
        sim.scheduleExtensionsStop(Time.seconds(6), 0);
        sim.runUntil(Time.seconds(7));
        assertThat(sim.ownRoutes(0)).isEmpty();
    }

    /** Refusals of the simulated kernel and network, each with a clear error. */
    static final class KernelAccessCheck {
        static void check(ExtensionContext c) {
            assertThatThrownBy(() -> c.kernel().ownRoutes(42)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Babel's");
            assertThatThrownBy(() -> c.network().tap("tap0", 1500, f -> {})).isInstanceOf(IOException.class)
                    .hasMessageContaining("TAP");
            assertThatThrownBy(() -> c.network().packet("l0", 0x86DD, null, f -> {}))
                    .isInstanceOf(IOException.class).hasMessageContaining("client interface");
            assertThatThrownBy(() -> c.network().packet(SimClients.DEFAULT_INTERFACE, 0x86DD, new byte[5], f -> {}))
                    .isInstanceOf(IOException.class).hasMessageContaining("BPF");
            assertThatThrownBy(() -> c.network().icmp6("nope0", java.util.Set.of(136), d -> {}))
                    .isInstanceOf(IOException.class).hasMessageContaining("nope0");
        }
    }
}
