package org.jbabel.sim;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.Action;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;

/**
 * The mesh's data plane as the path checks of a {@link Simulation} see it: each node's {@link SimFib} (which its
 * {@link SimNode} writes), the prefixes each node owns, and which neighbour a FIB entry forwards to, found through
 * the {@link LinkLayer}'s ports.
 *
 * <p>While every node owns just its own prefix and nothing but those prefixes is in the FIBs, {@link #hop} answers
 * from a per-node hop table kept in step with the FIB ({@link #fibUpdated}) instead of a FIB lookup. Scripted
 * originations and withdrawals, and extensions, turn that off for the run ({@link #slow()}).
 */
final class DataPlane implements ForwardingPlane {

    private final LinkLayer links;
    private final SimFib[] fibs;
    private final List<List<Prefix>> owned;
    /**
     * Per node, the copy of its FIB while it holds nothing but other nodes' own prefixes: per destination node, 0 = no
     * entry, 1 = an entry whose next hop is no neighbour, else 2 + the slot of the port it leaves by. Null until the
     * first entry, and for good once another key is installed ({@code fast} false).
     */
    private final char[][] hops;
    private final boolean[] fast;
    private boolean fastPlane = true;

    DataPlane(LinkLayer links) {
        this.links = links;
        int n = links.nodeCount();
        fibs = new SimFib[n];
        owned = new ArrayList<>(n);
        hops = new char[n][];
        fast = new boolean[n];
        for (int i = 0; i < n; i++) {
            fibs[i] = new SimFib();
            owned.add(new ArrayList<>(List.of(Simulation.prefixOf(i))));
            fast[i] = true;
        }
    }

    /** From now on {@link #hop} always answers {@link #NOT_KNOWN}: a FIB may hold other keys than own prefixes. */
    void slow() {
        fastPlane = false;
    }

    /** Node {@code node} originates {@code prefix}: it owns it from now on. */
    void originated(int node, Prefix prefix) {
        fastPlane = false;
        if (!owned.get(node).contains(prefix)) {
            owned.get(node).add(prefix);
        }
    }

    /** Node {@code node} withdrew a route to {@code prefix}; it still owns it while it {@code stillOriginates} it. */
    void withdrawn(int node, Prefix prefix, boolean stillOriginates) {
        fastPlane = false;
        if (!stillOriginates) {
            owned.get(node).remove(prefix);
        }
    }

    /** Node {@code node} restarted with an empty FIB. */
    void restarted(int node) {
        hops[node] = null;
        fast[node] = true;
    }

    /** Keeps node {@code node}'s hop table in step with its FIB after {@code f}; {@code d} = {@link #destinationOf}. */
    void fibUpdated(int node, Action.FibUpdate f, int d) {
        if (!fast[node]) {
            return;
        }
        if (d < 0 || links.ports(node).size() > Character.MAX_VALUE - 2) {
            fast[node] = false;
            hops[node] = null;
            return;
        }
        if (hops[node] == null) {
            hops[node] = new char[fibs.length];
        }
        if (f.op() == Action.FibOp.REMOVE) {
            hops[node][d] = 0;
            return;
        }
        LinkLayer.Port own = ownPort(node, f.nextHop(), f.ifname());
        hops[node][d] = own == null ? 1 : (char) (2 + own.slot());
    }

    /** The node whose own prefix {@code key} is (destination-only, /48), or -1. */
    int destinationOf(RouteKey key) {
        Prefix p = key.prefix();
        if (!key.source().isZeroLength() || p.length() != 48) {
            return -1;
        }
        return destinationOf(p.address());
    }

    /** The node whose own prefix holds {@code a}, or -1. */
    private int destinationOf(IpAddress a) {
        if (a.family() != Family.V6 || (a.hi() >>> 48) != 0xfd00) {
            return -1;
        }
        long index = (a.hi() >>> 16) & 0xffff_ffffL;
        return index < fibs.length ? (int) index : -1;
    }

    /**
     * The port of {@code node} that an entry with this next hop and interface leaves by, or null when its next hop
     * is no neighbour's: {@link #nextNode}'s rule, returning the own port of the hop instead of the peer.
     */
    private LinkLayer.Port ownPort(int node, IpAddress nextHop, String ifname) {
        if (ifname == null) {
            LinkLayer.Port theirs = nextHop == null ? null : links.portByAddress(nextHop);
            if (theirs == null || theirs.node() == node) {
                return null;
            }
            LinkLayer.Port own = links.peer(theirs);
            // As nextNode: the neighbour must be on this link (linkBetween finds the first link to it).
            return own.node() == node && links.linkBetween(node, theirs.node()) == theirs.link() ? own : null;
        }
        LinkLayer.Port own = links.port(node, ifname);
        if (own == null) {
            return null;
        }
        LinkLayer.Port peer = links.peer(own);
        return nextHop == null || nextHop.equals(peer.linkLocal()) ? own : null;
    }

    // ---------------------------------------------------------------- ForwardingPlane

    @Override
    public int nodeCount() {
        return fibs.length;
    }

    @Override
    public SimFib fib(int node) {
        return fibs[node];
    }

    @Override
    public boolean delivers(int node, IpAddress destination) {
        if (fastPlane) {
            return destinationOf(destination) == node;
        }
        for (Prefix p : owned.get(node)) {
            if (p.contains(destination)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int nextNode(int node, SimFib.Entry entry) {
        LinkLayer.Port port = entry.ifname() == null
                ? (entry.nextHop() == null ? null : links.portByAddress(entry.nextHop()))
                : links.port(node, entry.ifname());
        if (port == null) {
            return -1;
        }
        if (port.node() != node) {
            // Found by next-hop address: the next hop is the neighbour's own port.
            return links.linkBetween(node, port.node()) == port.link() ? port.node() : -1;
        }
        LinkLayer.Port peer = links.peer(port);
        return entry.nextHop() == null || entry.nextHop().equals(peer.linkLocal()) ? peer.node() : -1;
    }

    @Override
    public long hop(int node, IpAddress destination, IpAddress source) {
        if (!fastPlane || !fast[node]) {
            return NOT_KNOWN;
        }
        int d = destinationOf(destination);
        if (d < 0) {
            return NOT_KNOWN;
        }
        char h = hops[node] == null ? 0 : hops[node][d];
        if (h < 2) {
            return NO_HOP;
        }
        LinkLayer.Port p = links.ports(node).get(h - 2);
        return links.peer(p).node() | (links.up(p.link()) ? UP : 0);
    }

    @Override
    public boolean hopUp(int node, SimFib.Entry entry) {
        LinkLayer.Port port = entry.ifname() == null
                ? links.portByAddress(entry.nextHop())
                : links.port(node, entry.ifname());
        return port != null && links.up(port.link());
    }
}
