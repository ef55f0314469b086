package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jbabel.roaming.l3roamd.L3roamdEngine.AddressState;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/**
 * Engines wired back to back through a tiny in-test mesh: unicast goes to the node holding the destination (its node
 * address, or a node-client address on its lo), multicast to every other node, "Babel" knows what each node
 * originates (servedElsewhere, hostRouteAppeared), and a client answers the probes of the node it is attached to.
 */
class RoamingMeshTest {

    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;
    static final MacAddress MAC = MacAddress.parse("00:11:22:33:44:55");
    static final IpAddress N = NodeClientAddress.of(MAC, NodeClientAddress.DEFAULT_PREFIX);
    static final IpAddress ADDRESS = IpAddress.parse("2001:db8::c");
    static final IpAddress V4 = IpAddress.parse("10.0.0.5");
    static final List<Prefix> PREFIXES = List.of(Prefix.parse("2001:db8::/64"), Prefix.parse("10.0.0.0/8"));

    static final class Node {
        final String name;
        final IpAddress address;
        final RecordingOutput out = new RecordingOutput();
        final L3roamdEngine engine;
        /** The client's addresses while it is attached here: probes for them are answered. */
        final Map<IpAddress, MacAddress> attached = new HashMap<>();

        Node(String name, IpAddress address, int seed) {
            this.name = name;
            this.address = address;
            this.engine = new L3roamdEngine(L3roamdSettings.of(PREFIXES, address,
                    new MacAddress(0x0200_0000_0000L + seed)), new Random(seed), out);
        }
    }

    final class Mesh {
        final List<Node> nodes = new ArrayList<>();
        final ArrayDeque<Runnable> pending = new ArrayDeque<>();
        /** Nodes whose intercom is down: datagrams to them are lost. */
        final java.util.Set<Node> deaf = new java.util.HashSet<>();
        long now;
        int lost;

        Node add(String name, String address) {
            Node n = new Node(name, IpAddress.parse(address), nodes.size() + 1);
            nodes.add(n);
            n.out.elsewhere = a -> nodes.stream().anyMatch(o -> o != n && o.out.originated.contains(Prefix.host(a)));
            n.out.unicastHook = (to, d) -> pending.add(() -> unicast(to, d));
            n.out.multicastHook = d -> pending.add(() -> nodes.stream().filter(o -> o != n && !deaf.contains(o))
                    .forEach(o -> o.engine.datagram(now, d)));
            n.out.originateHook = p -> pending.add(() -> nodes.stream().filter(o -> o != n)
                    .forEach(o -> o.engine.hostRouteAppeared(now, p.address())));
            n.out.probeHook = target -> {
                MacAddress mac = n.attached.get(target);
                if (mac != null) {
                    pending.add(() -> n.engine.addressSeen(now, mac, target));
                }
            };
            return n;
        }

        void unicast(IpAddress to, byte[] d) {
            for (Node o : nodes) {
                if (o.address.equals(to) || o.out.onLo.contains(to)) {
                    if (deaf.contains(o)) {
                        lost++;
                    } else {
                        o.engine.datagram(now, d);
                    }
                    return;
                }
            }
            lost++;
        }

        void settle() {
            while (!pending.isEmpty()) {
                pending.poll().run();
            }
        }

        /** Runs every node's timers and the traffic they cause up to {@code until}. */
        void runUntil(long until) {
            settle();
            while (true) {
                long next = Long.MAX_VALUE;
                for (Node n : nodes) {
                    next = Math.min(next, n.engine.nextDeadline());
                }
                if (next > until) {
                    now = until;
                    return;
                }
                now = next;
                for (Node n : nodes) {
                    if (n.engine.nextDeadline() <= now) {
                        n.engine.tick(now);
                    }
                }
                settle();
            }
        }

        void attach(Node n, MacAddress mac, IpAddress... addresses) {
            for (Node o : nodes) {
                o.attached.clear();
            }
            for (IpAddress a : addresses) {
                n.attached.put(a, mac);
            }
        }
    }

    @Test
    void aClientRoamsFromOldToNewNodeAndBack() {
        Mesh mesh = new Mesh();
        Node a = mesh.add("A", "fd00::a");
        Node b = mesh.add("B", "fd00::b");
        mesh.attach(a, MAC, ADDRESS, V4);
        a.engine.macSeen(0, MAC);
        a.engine.addressSeen(0, MAC, ADDRESS);
        a.engine.addressSeen(0, MAC, V4);
        mesh.settle();
        assertThat(a.out.originated).containsExactlyInAnyOrder(Prefix.host(N), Prefix.host(ADDRESS),
                Prefix.host(V4));
        assertThat(a.out.onLo).containsExactly(N);

        // 1. the client associates with B: B finds N announced by A and claims it
        mesh.now = 10 * S;
        mesh.attach(b, MAC, ADDRESS, V4);
        b.engine.macSeen(mesh.now, MAC);
        assertThat(b.out.unicasts(Intercom.CLAIM)).hasSize(1);
        assertThat(b.out.unicasts(Intercom.CLAIM).getFirst().destination()).isEqualTo(N);
        mesh.settle();
        // 2. A answered with INFO and let the client go
        assertThat(a.out.unicasts(Intercom.INFO)).hasSize(1);
        assertThat(a.out.unicasts(Intercom.INFO).getFirst().destination()).isEqualTo(b.address);
        assertThat(a.out.originated).isEmpty();
        assertThat(a.out.routes).isEmpty();
        assertThat(a.out.onLo).isEmpty();
        assertThat(a.engine.clients()).isEmpty();
        // 3. B applied the addresses, took N and acknowledged; its probes were answered, so they are ACTIVE
        assertThat(b.out.originated).containsExactlyInAnyOrder(Prefix.host(N), Prefix.host(ADDRESS),
                Prefix.host(V4));
        assertThat(b.out.routes).containsOnlyKeys(ADDRESS, V4);
        assertThat(b.out.onLo).containsExactly(N);
        assertThat(b.out.unicasts(Intercom.ACK)).hasSize(1);
        assertThat(b.engine.clients().getFirst().addresses()).containsEntry(ADDRESS, AddressState.ACTIVE)
                .containsEntry(V4, AddressState.ACTIVE);
        assertThat(b.engine.clients().getFirst().claiming()).isFalse();
        // 4. A got the ACK: no INFO retries; B no CLAIM retries
        mesh.runUntil(30 * S);
        assertThat(a.out.unicasts(Intercom.INFO)).hasSize(1);
        assertThat(b.out.unicasts(Intercom.CLAIM)).hasSize(1);
        assertThat(mesh.lost).isZero();

        // and back to A, which still remembers the client as an old one: it claims from B like any node
        mesh.now = 40 * S;
        mesh.attach(a, MAC, ADDRESS, V4);
        a.engine.macSeen(mesh.now, MAC);
        mesh.settle();
        assertThat(a.out.originated).containsExactlyInAnyOrder(Prefix.host(N), Prefix.host(ADDRESS),
                Prefix.host(V4));
        assertThat(b.out.originated).isEmpty();
        assertThat(b.out.onLo).isEmpty();
        assertThat(a.engine.oldClients()).isZero();
        assertThat(b.engine.oldClients()).isEqualTo(1);
    }

    @Test
    void theNewNodeRoutesAddressesItSeesBeforeTheInfoArrives() {
        Mesh mesh = new Mesh();
        Node a = mesh.add("A", "fd00::a");
        Node b = mesh.add("B", "fd00::b");
        a.engine.addressSeen(0, MAC, ADDRESS);
        mesh.settle();
        // B learns the address from the client's own NS first (no station event): both announce it for a moment
        b.engine.addressSeen(S, MAC, ADDRESS);
        assertThat(b.out.originated).contains(Prefix.host(ADDRESS));
        assertThat(b.out.events.subList(0, 1)).containsExactly("unicast CLAIM to " + N);
        mesh.settle();
        assertThat(a.out.originated).isEmpty();
        assertThat(b.out.originated).contains(Prefix.host(N), Prefix.host(ADDRESS));
    }

    @Test
    void aClientNobodyHasSeenIsFoundBySeekAndTheQueueDrains() {
        Mesh mesh = new Mesh();
        Node s = mesh.add("S", "fd00::5");
        Node x = mesh.add("X", "fd00::6");
        Node y = mesh.add("Y", "fd00::7");
        mesh.attach(y, MAC, ADDRESS);
        byte[] packet = L3roamdEngineTest.ipv6Packet(IpAddress.parse("2001:db8:99::1"), ADDRESS, 120);
        s.engine.tunPacket(0, packet);
        mesh.settle();
        assertThat(s.out.reinjected).isEmpty();
        mesh.runUntil(300 * MS);
        // the SEEK reached X and Y, each forwarded it once, every copy after that was a duplicate
        assertThat(y.engine.clients()).hasSize(1);
        assertThat(y.out.originated).contains(Prefix.host(ADDRESS), Prefix.host(N));
        assertThat(s.out.reinjected).containsExactly(packet);
        assertThat(x.out.multicasts).hasSize(1);
        assertThat(y.out.multicasts).hasSize(1);
        assertThat(s.out.counter("own_packet")).isEqualTo(2);
        mesh.runUntil(10 * S);
        assertThat(s.out.tun).isEmpty();
        assertThat(s.out.multicasts).hasSize(1);
    }

    @Test
    void aClaimForAClientThatLeftTheClaimerInTimeTakesNothing() {
        Mesh mesh = new Mesh();
        Node a = mesh.add("A", "fd00::a");
        Node b = mesh.add("B", "fd00::b");
        a.engine.addressSeen(0, MAC, ADDRESS);
        mesh.settle();
        // A's intercom is down (datagrams to it are lost): B claims in vain, then the client leaves B
        mesh.deaf.add(a);
        b.engine.macSeen(S, MAC);
        mesh.runUntil(2 * S);
        b.engine.stationGone(2 * S, MAC);
        mesh.runUntil(20 * S);
        assertThat(b.out.onLo).isEmpty();
        assertThat(b.out.originated).isEmpty();
        assertThat(b.out.unicasts(Intercom.CLAIM)).hasSize(4);
        assertThat(mesh.lost).isEqualTo(4);
        assertThat(a.out.onLo).containsExactly(N);
    }
}
