package org.jbabel.sim;

import java.util.Arrays;
import org.jbabel.wire.IpAddress;

/**
 * Follows FIB entries hop by hop through a {@link ForwardingPlane}, the way a packet would be forwarded. Reuses its
 * buffers: one walker per plane, not thread-safe.
 */
public final class PathWalker {

    /** How a walk ended. */
    public enum Outcome {
        /** Reached a node that owns the destination. */
        DELIVERED,
        /** Came back to a node it had already passed: a forwarding loop. */
        LOOP,
        /** Reached a node without a route, or whose next hop is nobody's address: a black hole. */
        BLACKHOLE,
        /** The next hop is a neighbour, but over a link that is down (only when down links are not followed). */
        LINK_DOWN
    }

    private final ForwardingPlane plane;
    private int[] mark;
    private int stamp;
    private int[] path = new int[16];
    private int pathLength;

    public PathWalker(ForwardingPlane plane) {
        this.plane = plane;
        this.mark = new int[plane.nodeCount()];
    }

    /**
     * Walks from {@code from} towards {@code destination} for a packet from {@code source}. With
     * {@code followDownLinks} the walk judges the FIB state alone (for loop checks); without it a hop over a down
     * link ends the walk with {@link Outcome#LINK_DOWN}.
     */
    public Outcome walk(int from, IpAddress destination, IpAddress source, boolean followDownLinks) {
        if (mark.length < plane.nodeCount()) {
            mark = new int[plane.nodeCount()];
        }
        if (++stamp == 0) {
            Arrays.fill(mark, 0);
            stamp = 1;
        }
        pathLength = 0;
        int node = from;
        while (true) {
            addToPath(node);
            if (plane.delivers(node, destination)) {
                return Outcome.DELIVERED;
            }
            if (mark[node] == stamp) {
                return Outcome.LOOP;
            }
            mark[node] = stamp;
            long hop = plane.hop(node, destination, source);
            if (hop != ForwardingPlane.NOT_KNOWN) {
                if (hop < 0) {
                    return Outcome.BLACKHOLE;
                }
                if (!followDownLinks && (hop & ForwardingPlane.UP) == 0) {
                    return Outcome.LINK_DOWN;
                }
                node = (int) hop;
                continue;
            }
            SimFib.Entry e = plane.fib(node).lookup(destination, source);
            if (e == null) {
                return Outcome.BLACKHOLE;
            }
            int next = plane.nextNode(node, e);
            if (next < 0) {
                return Outcome.BLACKHOLE;
            }
            if (!followDownLinks && !plane.hopUp(node, e)) {
                return Outcome.LINK_DOWN;
            }
            node = next;
        }
    }

    /** The nodes the last walk passed, in order (for a loop, the repeated node appears twice). */
    public int[] lastPath() {
        return Arrays.copyOf(path, pathLength);
    }

    private void addToPath(int node) {
        if (pathLength == path.length) {
            path = Arrays.copyOf(path, path.length * 2);
        }
        path[pathLength++] = node;
    }
}
