package org.jbabel.sim;

import org.jbabel.wire.IpAddress;

/**
 * The data plane of a mesh as the path checks see it: each node's FIB, which node a FIB entry forwards to, and
 * which node a destination belongs to. The simulator implements it; tests build small ones by hand.
 */
public interface ForwardingPlane {

    int nodeCount();

    SimFib fib(int node);

    /** True when {@code node} itself owns {@code destination} (originates a prefix containing it). */
    boolean delivers(int node, IpAddress destination);

    /** The node that {@code entry} at {@code node} forwards to, or -1 when no neighbour has that next hop. */
    int nextNode(int node, SimFib.Entry entry);

    /** True when the hop that {@code entry} at {@code node} takes can carry packets now (its link is up). */
    boolean hopUp(int node, SimFib.Entry entry);

    /** {@link #hop}: this plane has no quick answer, look the FIB up. */
    long NOT_KNOWN = Long.MIN_VALUE;
    /** {@link #hop}: no route, or a next hop that is no neighbour. */
    long NO_HOP = -1;
    /** {@link #hop}: set on a hop whose link is up. */
    long UP = 1L << 32;

    /**
     * A quick answer for the hop a packet from {@code source} to {@code destination} takes at {@code node}, without a
     * FIB lookup: {@link #NOT_KNOWN} (look it up), {@link #NO_HOP}, or the next node, with {@link #UP} set when its
     * link is up. The path checks ask this first on every hop.
     */
    default long hop(int node, IpAddress destination, IpAddress source) {
        return NOT_KNOWN;
    }
}
