package org.jbabel.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jbabel.engine.Time;
import org.jbabel.wire.IpAddress;

/**
 * A client walking along a path of nodes while a fixed node sends it a stream of probe datagrams: the scenario of
 * roaming (docs/SIMULATOR.md, "Roaming clients"). The client attaches to the path's first node at {@code start} and
 * moves to the next one every {@code every}; from {@code start} until {@link #end()} node {@code from} sends a UDP
 * datagram to the client's address (port {@value #PORT}, an 8-byte sequence number) every {@code period}. The
 * hand-over time of a move is the simulated time from the move to the first probe the client receives at its new
 * node (so it includes up to one probe period of waiting for the next probe); a move after which no probe arrives
 * before the next move (or the end) has none.
 */
public final class ClientWalk {

    /** The probes' destination port (discard). */
    public static final int PORT = 9;
    /** The probes' source port. */
    public static final int SOURCE_PORT = 5_009;

    /**
     * One step of the walk.
     *
     * @param node the node the client attaches to
     * @param at when (simulated nanoseconds)
     * @param firstProbe when the first probe reached it there, or -1
     */
    public record Step(int node, long at, long firstProbe) {
        /** The hand-over time in seconds, or null when no probe reached the client at this node. */
        public Double seconds() {
            return firstProbe < 0 ? null : Time.toSeconds(firstProbe - at);
        }
    }

    private final String client;
    private final List<Integer> path;
    private final long start;
    private final long every;
    private final long[] firstProbe;
    private long probesReceived;

    ClientWalk(Simulation sim, String client, IpAddress address, List<Integer> path, int from, long start, long every,
            long period) {
        this.client = Objects.requireNonNull(client);
        this.path = List.copyOf(path);
        this.start = start;
        this.every = every;
        if (path.isEmpty()) {
            throw new IllegalArgumentException("a walk needs at least one node");
        }
        if (every <= 0 || period <= 0) {
            throw new IllegalArgumentException("a walk needs positive times between moves and between probes");
        }
        if (!sim.clients().has(client)) {
            throw new IllegalArgumentException("no client " + client);
        }
        for (int i = 1; i < path.size(); i++) {
            if (sim.linkBetween(path.get(i - 1), path.get(i)) < 0) {
                throw new IllegalArgumentException("the walk's nodes " + sim.topology().nodeIds().get(path.get(i - 1))
                        + " and " + sim.topology().nodeIds().get(path.get(i)) + " are not neighbours");
            }
        }
        firstProbe = new long[path.size()];
        java.util.Arrays.fill(firstProbe, -1);
        for (int i = 0; i < path.size(); i++) {
            sim.clients().scheduleAttach(start + i * every, client, path.get(i));
        }
        long seq = 0;
        for (long t = start; t < end(); t += period) {
            byte[] probe = ByteBuffer.allocate(8).putLong(seq++).array();
            sim.scheduleUdp(t, from, SOURCE_PORT, address, PORT, probe);
        }
        sim.clients().watch((name, what) -> {
            if (!name.equals(client) || what.protocol() != SimPackets.UDP || what.port() != PORT
                    || what.sourcePort() != SOURCE_PORT) {
                return;
            }
            probesReceived++;
            long now = sim.now();
            int step = (int) Math.min(path.size() - 1, Math.max(0, (now - start) / every));
            if (now >= start && firstProbe[step] < 0 && what.node() == path.get(step)) {
                firstProbe[step] = now;
            }
        });
    }

    public String client() {
        return client;
    }

    /** When the walk ends: one interval after the last move. */
    public long end() {
        return start + path.size() * every;
    }

    /** The steps so far: the first attach, then each move. */
    public List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) {
            steps.add(new Step(path.get(i), start + i * every, firstProbe[i]));
        }
        return steps;
    }

    /** The hand-over time of each move in seconds (null: no probe reached the client at that node). */
    public List<Double> handovers() {
        List<Double> h = new ArrayList<>();
        for (Step s : steps().subList(1, path.size())) {
            h.add(s.seconds());
        }
        return Collections.unmodifiableList(h);
    }

    public long probesReceived() {
        return probesReceived;
    }
}
