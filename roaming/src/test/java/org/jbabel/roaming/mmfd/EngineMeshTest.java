package org.jbabel.roaming.mmfd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * Several engines wired into a tiny in-test network of point-to-point links (one interface per link end, as veth
 * pairs): datagrams are queued and handed over in order, HELLOs to the peer on the link, DATA to the peer whose
 * address it was sent to.
 */
class EngineMeshTest {

    /** A link end: node, ifindex on that node, its link-local address; {@code peer} is the other end. */
    private record End(int node, int ifindex, IpAddress address) {}

    private record InFlight(End from, End to, IpAddress destination, byte[] data) {}

    private static final class Mesh {
        final List<MmfdEngine> engines = new ArrayList<>();
        final Map<End, End> peer = new HashMap<>();
        final List<List<End>> ends = new ArrayList<>();
        final List<List<byte[]>> delivered = new ArrayList<>();
        final ArrayDeque<InFlight> queue = new ArrayDeque<>();
        long datagrams;
        long now;

        Mesh(int nodes, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < nodes; i++) {
                engines.add(new MmfdEngine(random.split()));
                ends.add(new ArrayList<>());
                delivered.add(new ArrayList<>());
            }
        }

        void link(int a, int b) {
            End ea = end(a);
            End eb = end(b);
            peer.put(ea, eb);
            peer.put(eb, ea);
        }

        private End end(int node) {
            int ifindex = ends.get(node).size() + 2;
            End e = new End(node, ifindex, IpAddress.v6(0xfe80_0000_0000_0000L, ((long) node << 16) | ifindex));
            ends.get(node).add(e);
            engines.get(node).addInterface(ifindex, "veth" + ifindex);
            return e;
        }

        MmfdEngine.Output output(int node) {
            return new MmfdEngine.Output() {
                @Override
                public void send(IpAddress destination, int ifindex, byte[] datagram) {
                    End from = ends.get(node).get(ifindex - 2);
                    End to = peer.get(from);
                    if (destination.equals(MmfdEngine.GROUP) || destination.equals(to.address())) {
                        queue.add(new InFlight(from, to, destination, datagram));
                    }
                }

                @Override
                public void deliver(byte[] packet) {
                    delivered.get(node).add(packet);
                }

                @Override
                public void count(String counter) {}
            };
        }

        void run() {
            for (InFlight f; (f = queue.poll()) != null; ) {
                datagrams++;
                engines.get(f.to().node()).receive(now, f.from().address(), f.destination(), f.to().ifindex(),
                        f.data(), output(f.to().node()));
            }
        }

        void helloRound() {
            for (int i = 0; i < engines.size(); i++) {
                engines.get(i).hello(output(i));
            }
            run();
        }

        void expireAll() {
            for (int i = 0; i < engines.size(); i++) {
                engines.get(i).expire(now, output(i));
            }
        }
    }

    @Test
    void onAFiveNodeMeshWithCyclesAPacketReachesEveryOtherNodeExactlyOnce() {
        Mesh mesh = new Mesh(5, 1);
        // a ring 0-1-2-3-4-0 with a chord 1-3: three cycles
        mesh.link(0, 1);
        mesh.link(1, 2);
        mesh.link(2, 3);
        mesh.link(3, 4);
        mesh.link(4, 0);
        mesh.link(1, 3);
        mesh.helloRound();
        assertThat(mesh.engines.get(1).neighbours()).hasSize(3);
        for (int origin = 0; origin < 5; origin++) {
            byte[] packet = Packets.multicast(origin);
            mesh.engines.get(origin).originate(packet, mesh.output(origin));
            mesh.run();
            for (int n = 0; n < 5; n++) {
                assertThat(mesh.delivered.get(n)).as("node %d, packet from %d", n, origin)
                        .hasSize(n == origin ? 0 : 1);
                if (n != origin) {
                    assertThat(mesh.delivered.get(n).getFirst()).isEqualTo(packet);
                }
                mesh.delivered.get(n).clear();
            }
        }
    }

    @Test
    void onRandomConnectedMeshesEveryPacketArrivesOnceAndEachLinkCarriesItAtMostOnceEachWay() {
        for (long seed = 1; seed <= 30; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int nodes = 2 + r.nextInt(12);
            Mesh mesh = new Mesh(nodes, seed);
            int links = 0;
            for (int i = 1; i < nodes; i++) {
                mesh.link(i, r.nextInt(i)); // a spanning tree
                links++;
            }
            for (int extra = r.nextInt(nodes * 2); extra > 0; extra--) {
                int a = r.nextInt(nodes);
                int b = r.nextInt(nodes);
                if (a != b) {
                    mesh.link(a, b); // cycles, and parallel links
                    links++;
                }
            }
            mesh.helloRound();
            int origin = r.nextInt(nodes);
            mesh.datagrams = 0;
            mesh.engines.get(origin).originate(Packets.multicast(9), mesh.output(origin));
            mesh.run();
            for (int n = 0; n < nodes; n++) {
                assertThat(mesh.delivered.get(n)).as("seed %d node %d", seed, n).hasSize(n == origin ? 0 : 1);
            }
            assertThat(mesh.datagrams).as("seed %d: no send-back, so below 2 per link", seed)
                    .isLessThanOrEqualTo(2L * links - (nodes - 1));
        }
    }

    @Test
    void aNodeThatFallsSilentLeavesItsNeighboursTablesAfterFiftySecondsAndIsNoLongerSentTo() {
        Mesh mesh = new Mesh(3, 2);
        mesh.link(0, 1);
        mesh.link(1, 2);
        mesh.helloRound();
        MmfdEngine silent = mesh.engines.get(2);
        for (int round = 1; round <= 5; round++) {
            mesh.now = round * MmfdEngine.HELLO_INTERVAL;
            mesh.engines.get(0).hello(mesh.output(0));
            mesh.engines.get(1).hello(mesh.output(1));
            mesh.run();
            mesh.expireAll();
        }
        assertThat(mesh.engines.get(1).neighbours()).extracting(n -> n.address().lo() >>> 16)
                .containsExactly(0L);
        assertThat(silent.neighbours()).hasSize(1);
        mesh.engines.get(0).originate(Packets.multicast(1), mesh.output(0));
        mesh.run();
        assertThat(mesh.delivered.get(1)).hasSize(1);
        assertThat(mesh.delivered.get(2)).isEmpty();
        assertThat(Arrays.asList(mesh.engines.get(0).neighbours().size())).containsExactly(1);
    }
}
