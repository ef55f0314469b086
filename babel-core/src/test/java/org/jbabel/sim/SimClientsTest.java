package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jbabel.engine.Time;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/**
 * Clients on the nodes' client interfaces: what the node's kernel learns from them (neighbour entries and events), what
 * AF_PACKET and ICMPv6 sockets see and send, UDP to and from them, and a tiny roaming service (a stand-in for
 * l3roamd) that makes a client reachable from the whole mesh at whichever node it is attached to.
 */
class SimClientsTest {

    private static final IpAddress GLOBAL = IpAddress.parse("2001:db8:c::17");
    private static final IpAddress V4 = IpAddress.parse("10.0.0.17");
    private static final String BR = SimClients.DEFAULT_INTERFACE;

    /** Records the kernel's neighbour events of its node. */
    static final class NeighbourWatch implements Extension {
        final List<KernelAccess.Neighbour> events = new ArrayList<>();

        @Override
        public void start(ExtensionContext c) {
            c.kernel().onNeighbour(events::add);
        }

        @Override
        public void stop() {}
    }

    @Test
    void anAttachedClientGetsReachableNeighbourEntriesThatGoThirtySecondsAfterItLeaves() {
        Simulation sim = new Simulation(Topology.line(2), SimConfig.defaults().withDuration(Time.seconds(120)));
        NeighbourWatch watch = new NeighbourWatch();
        sim.setExtensions(node -> node == 0 ? Map.of("watch", watch) : Map.of());
        SimClients.Client phone = SimClients.Client.of("phone", 1, GLOBAL, V4);
        sim.clients().add(phone);
        sim.clients().scheduleAttach(Time.seconds(5), "phone", 0);
        sim.runUntil(Time.seconds(6));
        // DAD (from ::) teaches nothing; the Router Solicitation and the gratuitous ARP do
        assertThat(sim.clientNeighbours(0)).extracting(KernelAccess.Neighbour::address)
                .containsExactlyInAnyOrder(phone.linkLocal(), V4);
        assertThat(sim.clientNeighbours(0)).allSatisfy(n -> {
            assertThat(n.state()).isEqualTo(SimKernel.NUD_REACHABLE);
            assertThat(n.hardwareAddress()).containsExactly(phone.mac());
            assertThat(n.ifindex()).isEqualTo(SimNodeHost.CLIENT_INDEX);
        });
        assertThat(watch.events).extracting(KernelAccess.Neighbour::removed).containsExactly(false, false);

        sim.clients().scheduleSend(Time.seconds(7), "phone", GLOBAL, 1234, Simulation.probeOf(0), 9, new byte[1]);
        sim.clients().scheduleDetach(Time.seconds(10), "phone");
        sim.runUntil(Time.seconds(39));
        assertThat(sim.clientNeighbours(0)).hasSize(3);
        sim.runUntil(Time.seconds(41));
        assertThat(sim.clientNeighbours(0)).isEmpty();
        assertThat(watch.events.subList(3, 6)).allSatisfy(n -> assertThat(n.removed()).isTrue())
                .extracting(KernelAccess.Neighbour::address)
                .containsExactlyInAnyOrder(phone.linkLocal(), GLOBAL, V4);
    }

    @Test
    void runWaitsForTheScenariosClientEventsAndALeftClientsFramesGoNowhere() {
        Simulation sim = new Simulation(Topology.line(2), SimConfig.defaults().withDuration(Time.seconds(300)));
        sim.setExtensions(node -> Map.of());
        sim.clients().add(SimClients.Client.of("late", 4, GLOBAL));
        sim.clients().scheduleAttach(Time.seconds(100), "late", 1);
        sim.clients().scheduleSend(Time.seconds(50), "late", GLOBAL, 1, Simulation.probeOf(1), 2, new byte[1]);
        sim.run();
        assertThat(sim.now()).isGreaterThanOrEqualTo(Time.seconds(100));
        assertThat(sim.clients().nodeOf("late")).isOne();
        assertThat(sim.clients().counters()).containsEntry("not_attached", 1L);
    }

    @Test
    void aClientAnswersSolicitationsAndArpAndItsDhcpBroadcastReachesTheServerSocketOnTheClientInterface() {
        Simulation sim = new Simulation(Topology.line(2), SimConfig.defaults().withDuration(Time.seconds(60)));
        List<Network.LinkFrame> arp = new ArrayList<>();
        List<Network.Datagram> icmp = new ArrayList<>();
        List<Network.Datagram> dhcp = new ArrayList<>();
        sim.setExtensions(node -> node != 0 ? Map.of() : Map.of("server", SimRoutingTest.extension(c -> {
            Network.LinkSocket arpSocket = c.network().packet(BR, SimPackets.ETHERTYPE_ARP, null, arp::add);
            UdpSocket nd = c.network().icmp6(BR, Set.of(136), icmp::add);
            UdpSocket server = c.network().udp(new UdpSocket.Options(IpAddress.V4_UNSPECIFIED, 67, BR, 1, false),
                    dhcp::add);
            c.schedule(Time.seconds(3), () -> {
                arpSocket.send(SimPackets.BROADCAST_MAC, SimPackets.arp(1, new byte[] {2, 0, 0, 0, 0, 9},
                        IpAddress.V4_UNSPECIFIED, new byte[6], V4));
                nd.send(SimPackets.solicitedNode(GLOBAL), 0, 0, SimPackets.neighbourSolicitation(GLOBAL, null));
                server.send(SimPackets.V4_BROADCAST, 68, 0, new byte[] {2, 1});
            });
        })));
        List<SimClients.Received> got = new ArrayList<>();
        sim.clients().setObserver((client, what) -> got.add(what));
        sim.clients().add(SimClients.Client.of("laptop", 2, GLOBAL, V4));
        sim.clients().scheduleAttach(Time.seconds(2), "laptop", 0);
        sim.clients().scheduleSend(Time.seconds(2) + Time.millis(500), "laptop", IpAddress.V4_UNSPECIFIED, 68,
                SimPackets.V4_BROADCAST, 67, new byte[] {1, 1, 6});
        sim.runUntil(Time.seconds(5));

        assertThat(dhcp).singleElement().satisfies(d -> {
            assertThat(d.source()).isEqualTo(IpAddress.V4_UNSPECIFIED);
            assertThat(d.sourcePort()).isEqualTo(68);
            assertThat(d.destination()).isEqualTo(SimPackets.V4_BROADCAST);
            assertThat(d.ifindex()).isEqualTo(SimNodeHost.CLIENT_INDEX);
            assertThat(d.data()).containsExactly(1, 1, 6);
        });
        // the gratuitous ARP on attach, then the reply to our request
        assertThat(arp).hasSize(2);
        SimPackets.Arp reply = SimPackets.parseArp(arp.get(1).payload());
        assertThat(reply.op()).isEqualTo(2);
        assertThat(reply.senderIp()).isEqualTo(V4);
        assertThat(icmp).singleElement().satisfies(d -> {
            assertThat(d.data()[0] & 0xff).isEqualTo(136);
            assertThat(SimPackets.ndTarget(d.data())).isEqualTo(GLOBAL);
            assertThat(d.source()).isEqualTo(GLOBAL);
        });
        assertThat(got).singleElement().satisfies(r -> {
            assertThat(r.port()).isEqualTo(68);
            assertThat(r.sourcePort()).isEqualTo(67);
            assertThat(r.data()).containsExactly(2, 1);
        });
    }

    /**
     * A tiny roaming service: snoops the client interface for DAD Neighbour Solicitations (AF_PACKET, with a BPF
     * program passing ICMPv6 type 135), solicits the address itself (ICMPv6 socket) so the client's answer makes a
     * neighbour entry, and for every REACHABLE global entry originates its /128 and routes it onto the client
     * interface; when the entry goes, so do both.
     */
    static final class Roamer implements Extension {
        static final int PROTOCOL = 158;
        final Set<IpAddress> served = new HashSet<>();
        ExtensionContext c;
        KernelAccess.OwnRoutes routes;
        UdpSocket nd;
        int clientIndex;

        static byte[] nsFilter() {
            ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) 0x30).put((byte) 0).put((byte) 0).putInt(40); // ldb [40]
            b.putShort((short) 0x15).put((byte) 0).put((byte) 1).putInt(135); // jeq #135, accept, drop
            b.putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(0xffff); // ret #0xffff
            b.putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(0); // ret #0
            return b.array();
        }

        @Override
        public void start(ExtensionContext context) throws Exception {
            c = context;
            routes = c.kernel().ownRoutes(PROTOCOL);
            clientIndex = c.kernel().ifindex(BR);
            nd = c.network().icmp6(BR, Set.of(), d -> {});
            c.network().packet(BR, SimPackets.ETHERTYPE_IPV6, nsFilter(), this::snooped);
            c.kernel().onNeighbour(this::neighbour);
        }

        void snooped(Network.LinkFrame f) {
            SimPackets.Ip p = SimPackets.parse(f.payload());
            if (p == null || p.protocol() != SimPackets.ICMPV6 || (p.data()[0] & 0xff) != 135) {
                return;
            }
            IpAddress target = SimPackets.ndTarget(p.data());
            if (p.source().equals(IpAddress.V6_UNSPECIFIED) && !target.isLinkLocal()) {
                c.counters().increment("dad_seen");
                nd.send(SimPackets.solicitedNode(target), 0, 0, SimPackets.neighbourSolicitation(target, null));
            }
        }

        void neighbour(KernelAccess.Neighbour n) {
            if (n.ifindex() != clientIndex || n.address().isLinkLocal()
                    || n.address().family() != org.jbabel.wire.Family.V6) {
                return;
            }
            KernelRoute route = KernelRoute.unicast(Prefix.host(n.address()), null, null, n.ifindex(), 0);
            try {
                if (!n.removed() && served.add(n.address())) {
                    routes.add(route);
                    c.babel().originate(Prefix.host(n.address()), 0);
                } else if (n.removed() && served.remove(n.address())) {
                    routes.remove(route);
                    c.babel().withdraw(Prefix.host(n.address()));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {}
    }

    @Test
    void aRoamingClientIsReachedFromFarNodesAtItsNewNodeAfterAMove() {
        Simulation sim = new Simulation(Topology.grid(3, 3), SimConfig.defaults().withDuration(Time.seconds(200)));
        Map<Integer, UdpSocket> senders = new java.util.HashMap<>();
        sim.setExtensions(node -> Map.of("roam", new Roamer(), "send", SimRoutingTest.extension(c -> senders.put(node,
                c.network().udp(UdpSocket.Options.any(7000), d -> {})))));
        List<SimClients.Received> got = new ArrayList<>();
        sim.clients().setObserver((client, what) -> got.add(what));
        sim.clients().add(SimClients.Client.of("walker", 3, GLOBAL));
        sim.runUntil(Time.seconds(15));
        sim.clients().scheduleAttach(Time.seconds(15), "walker", 0);
        sim.runUntil(Time.seconds(25));
        assertThat(sim.ownRoutes(0)).singleElement()
                .satisfies(r -> assertThat(r.destination()).isEqualTo(Prefix.host(GLOBAL)));
        assertThat(sim.extensionCounters(0)).containsEntry("roam.dad_seen", 1L);
        sendFrom(sim, senders, 8, Time.seconds(25));
        sim.runUntil(Time.seconds(26));
        assertThat(got).singleElement().satisfies(r -> {
            assertThat(r.node()).isZero();
            assertThat(r.source()).isEqualTo(Simulation.probeOf(8));
        });

        sim.clients().scheduleMove(Time.seconds(30), "walker", 2);
        sim.runUntil(Time.seconds(35));
        assertThat(sim.clients().nodeOf("walker")).isEqualTo(2);
        assertThat(sim.ownRoutes(2)).hasSize(1);
        sendFrom(sim, senders, 8, Time.seconds(35)); // node 8 is two hops from node 2, four from node 0
        sim.runUntil(Time.seconds(36));
        assertThat(got).hasSize(2);
        assertThat(got.get(1).node()).isEqualTo(2);

        sim.runUntil(Time.seconds(70)); // node 0's entry went at 60 s, and with it its route and origination
        assertThat(sim.ownRoutes(0)).isEmpty();
        sendFrom(sim, senders, 6, Time.seconds(70)); // node 6 is two hops from node 0, four from node 2
        sim.runUntil(Time.seconds(71));
        assertThat(got).hasSize(3);
        assertThat(got.get(2).node()).isEqualTo(2);
        assertThat(sim.extensionCounters(0)).doesNotContainKey("sim.routed_no_client");
    }

    /** Node {@code node} sends to the client now (the simulation's time is where the last run stopped). */
    private static void sendFrom(Simulation sim, Map<Integer, UdpSocket> senders, int node, long at) {
        assertThat(sim.now()).isEqualTo(at);
        assertThat(senders.get(node).send(GLOBAL, 7000, 0, new byte[] {(byte) node})).isTrue();
    }
}
