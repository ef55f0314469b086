package org.jbabel.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.IpAddress;

/**
 * A forwarding plane for tests: node i owns {@link Simulation#prefixOf(int)}, its address on every link is
 * {@code fe80::i}, and {@link #route} sets a FIB entry pointing at another node.
 */
final class HandBuiltPlane implements ForwardingPlane {
    private final List<SimFib> fibs = new ArrayList<>();
    private final Set<Long> downHops = new HashSet<>();

    HandBuiltPlane(int nodes) {
        for (int i = 0; i < nodes; i++) {
            fibs.add(new SimFib());
        }
    }

    static RouteKey keyOf(int owner) {
        return RouteKey.of(Simulation.prefixOf(owner));
    }

    static IpAddress addressOf(int node) {
        return IpAddress.v6(0xfe80_0000_0000_0000L, node);
    }

    /** At {@code node}, the route to {@code owner}'s prefix goes to {@code via}. */
    HandBuiltPlane route(int node, int owner, int via) {
        fibs.get(node).put(new SimFib.Entry(keyOf(owner), addressOf(via), "to" + via, 96));
        return this;
    }

    HandBuiltPlane hopDown(int from, int to) {
        downHops.add(((long) from << 32) | to);
        return this;
    }

    /** Every node routes to every destination along a shortest path of a line 0 - 1 - … - n-1. */
    HandBuiltPlane lineRoutes() {
        int n = fibs.size();
        for (int node = 0; node < n; node++) {
            for (int owner = 0; owner < n; owner++) {
                if (owner != node) {
                    route(node, owner, owner > node ? node + 1 : node - 1);
                }
            }
        }
        return this;
    }

    @Override
    public int nodeCount() {
        return fibs.size();
    }

    @Override
    public SimFib fib(int node) {
        return fibs.get(node);
    }

    @Override
    public boolean delivers(int node, IpAddress destination) {
        return Simulation.prefixOf(node).contains(destination);
    }

    @Override
    public int nextNode(int node, SimFib.Entry entry) {
        long n = entry.nextHop().lo();
        return entry.nextHop().hi() == 0xfe80_0000_0000_0000L && n < fibs.size() ? (int) n : -1;
    }

    @Override
    public boolean hopUp(int node, SimFib.Entry entry) {
        return !downHops.contains(((long) node << 32) | nextNode(node, entry));
    }
}
