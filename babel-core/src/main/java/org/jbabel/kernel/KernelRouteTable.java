package org.jbabel.kernel;

import java.util.HashMap;
import java.util.Map;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Prefix;

/**
 * Kernel routes found by (destination, source), at most one route for each: what a {@link Placement} keeps of the
 * routes it installed. The routes themselves are the table's entries (open addressing with linear probing in one
 * array), so that a table of many routes costs little more than its routes: no entry and no key object per route.
 * Not thread-safe.
 */
public final class KernelRouteTable {

    private static final int MIN_CAPACITY = 16;

    /** Power-of-two length, at most three quarters full; a route sits at its home index or after it. */
    private KernelRoute[] entries = new KernelRoute[MIN_CAPACITY];
    private int size;

    public int size() {
        return size;
    }

    /** The route with this destination and source, or null. */
    public KernelRoute get(Prefix destination, Prefix source) {
        int i = indexOf(destination, source);
        return i < 0 ? null : entries[i];
    }

    /** Adds a route, replacing the one with the same destination and source; returns the replaced one or null. */
    public KernelRoute put(KernelRoute route) {
        int mask = entries.length - 1;
        int i = home(route.destination(), route.source());
        for (KernelRoute r; (r = entries[i]) != null; i = (i + 1) & mask) {
            if (r.destination().equals(route.destination()) && r.source().equals(route.source())) {
                entries[i] = route;
                return r;
            }
        }
        entries[i] = route;
        if (++size > entries.length / 4 * 3) {
            resize(entries.length * 2);
        }
        return null;
    }

    /** Removes the route with this destination and source; returns it, or null when there was none. */
    public KernelRoute remove(Prefix destination, Prefix source) {
        int i = indexOf(destination, source);
        if (i < 0) {
            return null;
        }
        KernelRoute old = entries[i];
        // Close the gap: move back each following route of the run that may not stay behind it.
        int mask = entries.length - 1;
        int gap = i;
        for (int j = (i + 1) & mask; entries[j] != null; j = (j + 1) & mask) {
            int home = home(entries[j].destination(), entries[j].source());
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                entries[gap] = entries[j];
                gap = j;
            }
        }
        entries[gap] = null;
        size--;
        return old;
    }

    /** The routes by (destination, source), a copy. */
    public Map<RouteKey, KernelRoute> toMap() {
        Map<RouteKey, KernelRoute> result = new HashMap<>();
        for (KernelRoute r : entries) {
            if (r != null) {
                result.put(new RouteKey(r.destination(), r.source()), r);
            }
        }
        return Map.copyOf(result);
    }

    private int indexOf(Prefix destination, Prefix source) {
        int mask = entries.length - 1;
        for (int i = home(destination, source); entries[i] != null; i = (i + 1) & mask) {
            KernelRoute r = entries[i];
            if (r.destination().equals(destination) && r.source().equals(source)) {
                return i;
            }
        }
        return -1;
    }

    /** The index a route with this destination and source is looked for first: high bits of a Fibonacci hash. */
    private int home(Prefix destination, Prefix source) {
        int h = destination.hashCode() * 31 + source.hashCode();
        return (h * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(entries.length - 1);
    }

    private void resize(int capacity) {
        KernelRoute[] old = entries;
        entries = new KernelRoute[capacity];
        size = 0;
        for (KernelRoute r : old) {
            if (r != null) {
                put(r);
            }
        }
    }
}
