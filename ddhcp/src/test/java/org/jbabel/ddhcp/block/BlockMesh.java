package org.jbabel.ddhcp.block;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jbabel.wire.IpAddress;

/**
 * Several block engines on one in-memory link: a multicast reaches every live node of the sender's partition, a
 * unicast the node with that address, after the sending event (in order). Time advances in whole seconds; every node
 * polls once per second, in a random order.
 */
final class BlockMesh {

    static final long S = 1_000_000_000L;

    final class Node implements BlockEngine.Output {
        final int index;
        final BlockEngine engine;
        final Peer peer;
        int partition;
        boolean alive = true;
        final Map<String, Integer> counters = new HashMap<>();

        Node(int index, BlockEngine engine) {
            this.index = index;
            this.engine = engine;
            this.peer = new Peer(IpAddress.v6(0xfe80_0000_0000_0000L, index + 1), 1);
        }

        @Override
        public void multicast(byte[] datagram) {
            for (Node n : nodes) {
                if (n != this && n.alive && n.partition == partition) {
                    queue.add(() -> n.engine.receive(now, peer, datagram, n));
                }
            }
        }

        @Override
        public void unicast(Peer to, byte[] datagram) {
            for (Node n : nodes) {
                if (n.peer.equals(to) && n.alive && n.partition == partition) {
                    queue.add(() -> n.engine.receive(now, peer, datagram, n));
                }
            }
        }

        @Override
        public void count(String counter) {
            counters.merge(counter, 1, Integer::sum);
        }
    }

    final List<Node> nodes = new ArrayList<>();
    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final Random random;
    long now = 1000 * S;

    BlockMesh(long seed) {
        random = new Random(seed);
    }

    Node add(BlockSettings settings) {
        Node n = new Node(nodes.size(), new BlockEngine(settings, new Random(random.nextLong()), now));
        nodes.add(n);
        return n;
    }

    void run(int seconds) {
        for (int s = 0; s < seconds; s++) {
            now += S;
            List<Node> order = new ArrayList<>(nodes);
            java.util.Collections.shuffle(order, random);
            for (Node n : order) {
                if (n.alive) {
                    n.engine.poll(now, n);
                    drain();
                }
            }
        }
    }

    private void drain() {
        while (!queue.isEmpty()) {
            queue.poll().run();
        }
    }

    /** Blocks that two live nodes both hold as OURS. */
    List<Integer> ownedTwice() {
        Map<Integer, Integer> owners = new HashMap<>();
        List<Integer> twice = new ArrayList<>();
        for (Node n : nodes) {
            if (!n.alive) {
                continue;
            }
            for (int b : n.engine.ownBlocks()) {
                if (owners.merge(b, 1, Integer::sum) == 2) {
                    twice.add(b);
                }
            }
        }
        return twice;
    }

    /** The live node that holds {@code block} as OURS, or null. */
    Node owner(int block) {
        for (Node n : nodes) {
            if (n.alive && n.engine.state(block) == BlockState.OURS) {
                return n;
            }
        }
        return null;
    }
}
