package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.Time;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.NetInterface;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/**
 * Extensions on simulated nodes: the same context as in the daemon, over the simulated clock and links. A tiny flooding
 * service written here (a stand-in for mmfd, which lives in the roaming module) proves timers, multicast and
 * link-local UDP, TUN devices and originations.
 */
class SimExtensionsTest {

    private static final IpAddress GROUP = IpAddress.parse("ff02::1:2345");
    private static final int PORT = 4444;

    /** Floods what comes out of its TUN device to every neighbour heard by Hello, once per id. */
    static final class Flooder implements Extension {
        final Map<IpAddress, Integer> neighbours = new HashMap<>();
        final Set<Long> seen = new HashSet<>();
        ExtensionContext c;
        UdpSocket socket;
        Network.PacketDevice tun;
        long nextId;

        @Override
        public void start(ExtensionContext context) {
            c = context;
            try {
                socket = c.network().udp(UdpSocket.Options.any(PORT), this::received);
                tun = c.network().tun("flood0", 1280, this::fromTun);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (NetInterface i : c.interfaces()) {
                socket.join(GROUP, i.ifindex());
            }
            c.every(0, Time.seconds(1), () -> {
                for (NetInterface i : c.interfaces()) {
                    if (i.up()) {
                        socket.send(GROUP, PORT, i.ifindex(), new byte[] {0});
                    }
                }
            });
        }

        void received(Network.Datagram d) {
            if (d.destination().isMulticast()) {
                neighbours.put(d.source(), d.ifindex());
                return;
            }
            long id = ByteBuffer.wrap(d.data()).getLong();
            if (seen.add(id)) {
                byte[] payload = java.util.Arrays.copyOfRange(d.data(), 8, d.data().length);
                forward(d.data(), d.source());
                tun.write(payload);
            }
        }

        void fromTun(byte[] packet) {
            long id = ((long) c.name().hashCode() << 32) ^ c.babel().routerId().hashCode() ^ nextId++;
            seen.add(id);
            forward(ByteBuffer.allocate(8 + packet.length).putLong(id).put(packet).array(), null);
            c.counters().increment("originated");
        }

        void forward(byte[] datagram, IpAddress except) {
            neighbours.forEach((address, ifindex) -> {
                if (!address.equals(except)) {
                    socket.send(address, PORT, ifindex, datagram);
                }
            });
        }

        @Override
        public void stop() {}
    }

    @Test
    void aPacketFloodedFromOneNodeReachesEveryOtherNodeExactlyOnceOnAMeshWithCycles() {
        Simulation sim = new Simulation(Topology.grid(4, 4), SimConfig.defaults().withDuration(Time.seconds(60)));
        sim.setExtensions(node -> Map.of("flood", new Flooder()));
        Map<Integer, Integer> delivered = new HashMap<>();
        sim.setDeviceObserver((node, device, packet) -> {
            assertThat(device).isEqualTo("flood0");
            assertThat(packet).containsExactly(1, 2, 3);
            delivered.merge(node, 1, Integer::sum);
        });
        sim.runUntil(Time.seconds(5));
        sim.scheduleDevicePacket(Time.seconds(6), 5, "flood0", new byte[] {1, 2, 3});
        sim.runUntil(Time.seconds(10));
        assertThat(delivered).hasSize(15).doesNotContainKey(5).allSatisfy((node, times) -> assertThat(times).isOne());
        assertThat(sim.extensionCounters(5)).containsEntry("flood.originated", 1L);
    }

    /**
     * What the daemon survives and logs, an engine observer that threw, fails a simulated run with the exception as
     * its cause and the node named, instead of being counted and forgotten.
     */
    @Test
    void anObserverThatThrowsFailsTheRunNamingTheNode() {
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(60)));
        IllegalArgumentException bug = new IllegalArgumentException("a bug in an observer");
        sim.setExtensions(node -> node != 1 ? Map.of() : Map.of("buggy", new Extension() {
            @Override
            public void start(ExtensionContext c) {
                c.babel().onRouteChange(change -> {
                    throw bug;
                });
            }

            @Override
            public void stop() {}
        }));
        assertThatThrownBy(() -> sim.runUntil(Time.seconds(30))).hasMessageContaining("simulation failed")
                .hasStackTraceContaining("node 1: observer").hasRootCauseMessage(
                "a bug in an observer");
    }

    @Test
    void anExtensionsOriginationReachesTheOtherNodesAndStopsWithARestart() {
        RouteKey key = RouteKey.of(Prefix.parse("2001:db8:77::/48"));
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(120)));
        int[] starts = new int[1];
        sim.setExtensions(node -> node != 0 ? Map.of() : Map.of("exit", new Extension() {
            @Override
            public void start(ExtensionContext c) {
                if (starts[0]++ == 0) {
                    c.babel().originate(key, 0);
                }
            }

            @Override
            public void stop() {}
        }));
        sim.runUntil(Time.seconds(10));
        assertThat(sim.selectedRoutes(2)).anySatisfy(r -> assertThat(r.key()).isEqualTo(key));
        sim.scheduleRestart(Time.seconds(11), 0);
        sim.runUntil(Time.seconds(90));
        assertThat(starts[0]).isEqualTo(2);
        assertThat(sim.selectedRoutes(2)).noneSatisfy(r -> assertThat(r.key()).isEqualTo(key));
    }

    @Test
    void aDatagramToAnAddressThatIsNotOnTheLinkIsRefusedAndCounted() {
        Simulation sim = new Simulation(Topology.line(2), SimConfig.defaults().withDuration(Time.seconds(10)));
        boolean[] sent = new boolean[2];
        sim.setExtensions(node -> Map.of("probe", new Extension() {
            @Override
            public void start(ExtensionContext c) throws IOException {
                UdpSocket s = c.network().udp(UdpSocket.Options.any(PORT), d -> {});
                int ifindex = c.interfaces().getFirst().ifindex();
                sent[0] = s.send(IpAddress.parse("fe80::dead"), PORT, ifindex, new byte[1]);
                sent[1] = s.send(IpAddress.parse("2001:db8::1"), PORT, ifindex, new byte[1]);
            }

            @Override
            public void stop() {}
        }));
        sim.runUntil(Time.seconds(1));
        assertThat(sent).containsExactly(false, false);
        assertThat(sim.extensionCounters(0)).containsEntry("sim.udp_no_neighbour", 1L)
                .containsEntry("sim.udp_no_route", 1L);
        assertThat(List.of(sim.extensionSection(0, "probe", "none"))).containsExactly(List.of());
    }
}
