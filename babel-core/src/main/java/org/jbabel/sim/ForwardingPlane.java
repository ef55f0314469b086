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
}
