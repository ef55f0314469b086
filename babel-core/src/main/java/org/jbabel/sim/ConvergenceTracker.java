package org.jbabel.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * Decides whether a mesh has converged: every node has a FIB entry for every other node's prefix in its connected
 * component, and following the FIBs from every node of that component reaches every destination's owner over links
 * that are up. A mesh may have islands (components of its topology that no link joins): each is judged on its own,
 * and an entry for a destination on another island is not required, nor counted.
 *
 * <p>Cheap by construction: per destination it counts the nodes holding an entry for its key (updated on every FIB
 * change), and it walks the FIBs only for destinations whose count is complete and whose forwarding changed since
 * they were last verified. A walk for one destination is linear in the node count (paths are memoised), so a full
 * verification costs O(nodes × destinations). Later ones walk only from the nodes whose entry for a destination
 * changed since it was last verified: a path that meets none of them is the one verified then, and one that meets
 * one reaches if the walk from that node does (a link change, or a change of a key that is nobody's destination,
 * makes the next check walk everything again).
 */
public final class ConvergenceTracker {

    /** A destination to reach: its owner, the route key the others must install, and an address inside it. */
    public record Destination(int owner, RouteKey key, IpAddress probe) {}

    private static final byte ON_PATH = 1;
    private static final byte REACHES = 2;
    private static final byte FAILS = 3;

    private final ForwardingPlane plane;
    private final List<Destination> destinations;
    /** The component of each node (an index into {@link #members}). */
    private final int[] component;
    /** The nodes of each component, in index order. */
    private final int[][] members;
    private final long required;
    private final Map<RouteKey, Integer> byKey = new HashMap<>();
    private final int[] holders;
    private final BitSet unverified = new BitSet();
    /** Destinations to walk from every node at their next check (never verified, or everything invalidated). */
    private final BitSet walkAll = new BitSet();
    /** Per destination, the nodes whose entry changed since it was last verified (made when first needed). */
    private final BitSet[] changedAt;
    private long entriesPresent;
    private int[] seen;
    private byte[] result;
    private int stamp;
    private int[] path = new int[16];

    /** For a mesh without islands: every node in one component. */
    public ConvergenceTracker(ForwardingPlane plane, List<Destination> destinations) {
        this(plane, destinations, new int[plane.nodeCount()]);
    }

    /**
     * @param component for each node, the number of its connected component (any numbering); convergence asks each
     *     node only for the destinations in its own component
     */
    public ConvergenceTracker(ForwardingPlane plane, List<Destination> destinations, int[] component) {
        this.plane = plane;
        this.destinations = List.copyOf(destinations);
        if (component.length != plane.nodeCount()) {
            throw new IllegalArgumentException("one component number per node");
        }
        Map<Integer, Integer> renumber = new HashMap<>();
        this.component = new int[component.length];
        for (int i = 0; i < component.length; i++) {
            this.component[i] = renumber.computeIfAbsent(component[i], c -> renumber.size());
        }
        int[] sizes = new int[renumber.size()];
        for (int c : this.component) {
            sizes[c]++;
        }
        members = new int[sizes.length][];
        for (int c = 0; c < sizes.length; c++) {
            members[c] = new int[sizes[c]];
        }
        int[] filled = new int[sizes.length];
        for (int i = 0; i < component.length; i++) {
            members[this.component[i]][filled[this.component[i]]++] = i;
        }
        long r = 0;
        for (Destination d : this.destinations) {
            r += sizes[this.component[d.owner()]] - 1;
        }
        required = r;
        this.holders = new int[destinations.size()];
        for (int d = 0; d < destinations.size(); d++) {
            byKey.put(destinations.get(d).key(), d);
        }
        unverified.set(0, destinations.size());
        walkAll.set(0, destinations.size());
        changedAt = new BitSet[destinations.size()];
        seen = new int[plane.nodeCount()];
        result = new byte[plane.nodeCount()];
    }

    public List<Destination> destinations() {
        return destinations;
    }

    /** Tells the tracker that {@code node}'s FIB entry for {@code key} was added, replaced or removed. */
    public void fibChanged(int node, RouteKey key, boolean wasPresent, boolean isPresent) {
        Integer d = byKey.get(key);
        if (d == null) {
            // A key that is nobody's destination (a covering or more specific prefix) may redirect any of them.
            invalidateAll();
            return;
        }
        counted(node, d, wasPresent, isPresent);
    }

    /**
     * {@link #fibChanged(int, RouteKey, boolean, boolean)} for a key known to be destination {@code d}'s (the
     * caller saves the lookup by key).
     */
    public void fibChanged(int node, int d, boolean wasPresent, boolean isPresent) {
        counted(node, d, wasPresent, isPresent);
    }

    private void counted(int node, int d, boolean wasPresent, boolean isPresent) {
        int owner = destinations.get(d).owner();
        if (node != owner && component[node] == component[owner] && wasPresent != isPresent) {
            int delta = isPresent ? 1 : -1;
            holders[d] += delta;
            entriesPresent += delta;
        }
        unverified.set(d);
        if (!walkAll.get(d)) {
            if (changedAt[d] == null) {
                changedAt[d] = new BitSet();
            }
            changedAt[d].set(node);
        }
    }

    /** Links went up or down: every verified path must be checked again. */
    public void invalidateAll() {
        unverified.set(0, destinations.size());
        walkAll.set(0, destinations.size());
        Arrays.fill(changedAt, null);
    }

    /** The number of connected components (islands) of the mesh. */
    public int components() {
        return members.length;
    }

    /** True when every other node of its component holds an entry for every destination (no path check). */
    public boolean complete() {
        return entriesPresent == required();
    }

    /** Share of the required FIB entries that are present, 0..1. */
    public double completeness() {
        long required = required();
        return required == 0 ? 1.0 : (double) entriesPresent / required;
    }

    /** Verifies what changed since the last call and says whether the mesh is converged now. */
    public boolean check() {
        if (!complete()) {
            return false;
        }
        for (int d = unverified.nextSetBit(0); d >= 0; d = unverified.nextSetBit(d + 1)) {
            boolean reaches = walkAll.get(d) || changedAt[d] == null
                    ? allReach(destinations.get(d))
                    : reachFrom(destinations.get(d), changedAt[d]);
            if (!reaches) {
                return false;
            }
            unverified.clear(d);
            walkAll.clear(d);
            changedAt[d] = null;
        }
        return true;
    }

    /** The destinations that some node cannot reach now (for reports and tests; walks all of them). */
    public List<Destination> unreachable() {
        List<Destination> out = new ArrayList<>();
        for (Destination d : destinations) {
            if (!allReach(d)) {
                out.add(d);
            }
        }
        return out;
    }

    private long required() {
        return required;
    }

    private boolean allReach(Destination d) {
        newWalk();
        IpAddress anySource = anySource(d);
        for (int start : members[component[d.owner()]]) {
            if (walk(d, start, anySource) == FAILS) {
                return false;
            }
        }
        return true;
    }

    /** Whether the walks from these nodes (those of d's component among them) all reach d. */
    private boolean reachFrom(Destination d, BitSet starts) {
        newWalk();
        IpAddress anySource = anySource(d);
        int c = component[d.owner()];
        for (int start = starts.nextSetBit(0); start >= 0; start = starts.nextSetBit(start + 1)) {
            if (component[start] == c && walk(d, start, anySource) == FAILS) {
                return false;
            }
        }
        return true;
    }

    private static IpAddress anySource(Destination d) {
        return d.probe().family() == Family.V4 ? IpAddress.V4_UNSPECIFIED : IpAddress.V6_UNSPECIFIED;
    }

    /** Starts a new memo: the walks until the next call share what they found out. */
    private void newWalk() {
        int n = plane.nodeCount();
        if (seen.length < n) {
            seen = new int[n];
            result = new byte[n];
        }
        if (++stamp == 0) {
            Arrays.fill(seen, 0);
            stamp = 1;
        }
    }

    /** Follows the next hops towards d from {@code start}: {@link #REACHES} or {@link #FAILS}, memoised. */
    private byte walk(Destination d, int start, IpAddress anySource) {
        if (seen[start] == stamp) {
            return result[start] == ON_PATH ? FAILS : result[start];
        }
        int len = 0;
        int node = start;
        byte outcome;
        while (true) {
            if (seen[node] == stamp) {
                outcome = result[node] == ON_PATH ? FAILS : result[node];
                break;
            }
            seen[node] = stamp;
            if (plane.delivers(node, d.probe())) {
                result[node] = REACHES;
                outcome = REACHES;
                break;
            }
            result[node] = ON_PATH;
            if (len == path.length) {
                path = Arrays.copyOf(path, len * 2);
            }
            path[len++] = node;
            long hop = plane.hop(node, d.probe(), anySource);
            if (hop != ForwardingPlane.NOT_KNOWN) {
                if (hop < 0 || (hop & ForwardingPlane.UP) == 0) {
                    outcome = FAILS;
                    break;
                }
                node = (int) hop;
                continue;
            }
            SimFib.Entry e = plane.fib(node).lookup(d.probe(), anySource);
            int next = e == null ? -1 : plane.nextNode(node, e);
            if (next < 0 || !plane.hopUp(node, e)) {
                outcome = FAILS;
                break;
            }
            node = next;
        }
        for (int i = 0; i < len; i++) {
            result[path[i]] = outcome;
        }
        return outcome;
    }
}
