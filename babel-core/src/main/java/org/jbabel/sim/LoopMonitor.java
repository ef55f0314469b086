package org.jbabel.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jbabel.engine.Action;
import org.jbabel.engine.Time;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;

/**
 * The loop check of a {@link Simulation}: remembers the FIB changes of an event that can change where packets go, and
 * after the event walks each one's path through the {@link ForwardingPlane}, counting loops (and those that pass a
 * restart not yet heard of) and black holes, and describing the first few loops.
 */
final class LoopMonitor {

    private static final int LOOPS_RECORDED = 10;

    private record FibChange(int node, RouteKey key) {}

    private final ForwardingPlane plane;
    private final LinkLayer links;
    private final List<String> nodeIds;
    private final Timeline timeline;
    private final PathWalker walker;
    private final LinkedHashSet<FibChange> changed = new LinkedHashSet<>();
    private final List<String> firstLoops = new ArrayList<>();
    private long loops;
    private long loopsThroughUnheardRestarts;
    private long blackholes;

    LoopMonitor(ForwardingPlane plane, LinkLayer links, List<String> nodeIds, Timeline timeline) {
        this.plane = plane;
        this.links = links;
        this.nodeIds = nodeIds;
        this.timeline = timeline;
        this.walker = new PathWalker(plane);
    }

    /**
     * Node {@code node} applied {@code f} (replacing {@code old}): remembered for the walk when it can change where
     * packets go: a new or re-pointed entry, or a removal that uncovers a less specific entry. A metric-only change
     * cannot, nor can an unreachable entry (a held retracted route): it drops packets as a removal without a less
     * specific entry does, which is not walked either.
     */
    void fibUpdated(int node, Action.FibUpdate f, SimFib.Entry old) {
        boolean forwardingChanged;
        if (f.unreachable()) {
            forwardingChanged = false;
        } else if (f.op() != Action.FibOp.REMOVE) {
            forwardingChanged = old == null || !Objects.equals(old.nextHop(), f.nextHop())
                    || !Objects.equals(old.ifname(), f.ifname());
        } else {
            forwardingChanged = plane.fib(node).lookup(f.key().prefix().address(), f.key().source().address()) != null;
        }
        if (forwardingChanged) {
            changed.add(new FibChange(node, f.key()));
        }
    }

    /** Walks the paths of the changes remembered since the last call. */
    void walkChanged() {
        for (FibChange c : changed) {
            IpAddress dst = c.key().prefix().address();
            switch (walker.walk(c.node(), dst, c.key().source().address(), true)) {
                case LOOP -> {
                    loops++;
                    int[] path = walker.lastPath();
                    String unheard = unheardRestart(path);
                    if (unheard != null) {
                        loopsThroughUnheardRestarts++;
                    }
                    if (firstLoops.size() < LOOPS_RECORDED) {
                        firstLoops.add(describeLoop(c.key(), path) + (unheard == null ? "" : " (" + unheard + ")"));
                    }
                }
                case BLACKHOLE -> blackholes++;
                case DELIVERED, LINK_DOWN -> {}
            }
        }
        changed.clear();
    }

    /**
     * For a loop that passes a hop u → v where v restarted and u has received neither a Hello nor a wildcard
     * retraction from v since, a description of that hop; else null. {@code path} is a walk that ends where the loop
     * closes; only the hops of the loop itself count, not those that led into it.
     */
    private String unheardRestart(int[] path) {
        int start = 0;
        while (path[start] != path[path.length - 1]) {
            start++;
        }
        for (int i = start; i + 1 < path.length; i++) {
            if (links.unheardRestart(path[i], path[i + 1])) {
                return "through " + nodeIds.get(path[i + 1]) + ", whose restart " + nodeIds.get(path[i])
                        + " has not heard of";
            }
        }
        return null;
    }

    private String describeLoop(RouteKey key, int[] path) {
        StringBuilder sb = new StringBuilder(
                String.format(Locale.ROOT, "t=%.3fs %s:", Time.toSeconds(timeline.now()), key));
        for (int i = 0; i < path.length; i++) {
            sb.append(i == 0 ? " " : " -> ").append(nodeIds.get(path[i]));
        }
        return sb.toString();
    }

    long loops() {
        return loops;
    }

    long loopsThroughUnheardRestarts() {
        return loopsThroughUnheardRestarts;
    }

    long blackholes() {
        return blackholes;
    }

    List<String> firstLoops() {
        return firstLoops;
    }
}
