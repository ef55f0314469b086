package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.ToLongFunction;
import org.jbabel.wire.RouteKey;

/**
 * The per-key table: one {@link Slot} for every route key the engine keeps anything for. A slot moves to the end of
 * the iteration order when it gets its first learned route, so that the slots with routes iterate in the order in
 * which their keys were learned (the order of full dumps and route checks), whatever else kept a slot alive before.
 * The published routes and the FIB entries have orders of their own, by when they appeared.
 *
 * <p>A key with an index in a shared table ({@link RouteKey#index()}, the simulator's) is also found by that index
 * in an array, without hashing: the slot made for such a key <em>owns</em> the index ({@link #owner}). Keys without
 * an index (the daemon's) only go through the hash table, and the array stays empty.
 */
final class Slots {
    private static final Slot[] NONE = new Slot[0];

    private final LinkedHashMap<RouteKey, Slot> table = new LinkedHashMap<>();
    /** The slots of indexed keys, by index; null where the index has no slot here. */
    private Slot[] byIndex = NONE;
    /** The own numbers of the owners, by index ({@link #local}). */
    private int[] locals = new int[0];
    /** The numbers of released owners, to be given again, and the next new one. */
    private int[] freeLocals = new int[0];
    private int freeCount;
    private int nextLocal;
    private long publications;
    private long installations;

    Slot get(RouteKey key) {
        int i = key.index();
        if (i >= 0 && i < byIndex.length) {
            Slot s = byIndex[i];
            if (s != null && s.key.equals(key)) {
                return s;
            }
        }
        return table.get(key);
    }

    /** The slot for a key, made (at the end of the order) when there is none. */
    Slot obtain(RouteKey key) {
        Slot s = get(key);
        if (s == null) {
            s = new Slot(key);
            table.put(key, s);
            int i = key.index();
            if (i >= 0) {
                if (i >= byIndex.length) {
                    byIndex = Arrays.copyOf(byIndex, Math.max(i + 1, byIndex.length * 2));
                    locals = Arrays.copyOf(locals, byIndex.length);
                }
                if (byIndex[i] == null) {
                    byIndex[i] = s;
                    locals[i] = freeCount > 0 ? freeLocals[--freeCount] : nextLocal++;
                }
            }
        }
        return s;
    }

    /**
     * Whether the slot owns its key's index: the key has one, and its array entry here is this slot. Such a slot also
     * has a dense number of its own among them ({@link #local}).
     */
    boolean owner(Slot s) {
        int i = s.key.index();
        return i >= 0 && i < byIndex.length && byIndex[i] == s;
    }

    /**
     * The own number of a slot that owns its index ({@link #owner}): dense among this engine's such slots (the number
     * of a released one is given again), so that arrays by it ({@link Neighbour#routesByIndex}) are as long as this
     * engine's table, not as the shared one (a simulation of many islands has far more keys than one node sees).
     */
    int local(Slot s) {
        return locals[s.key.index()];
    }

    /** A slot got its first learned route: it moves to the end of the order. */
    void routed(Slot s) {
        table.putLast(s.key, s);
    }

    /** Forgets a slot once nothing is kept in it. */
    void release(Slot s) {
        if (s.unused() && table.remove(s.key, s) && owner(s)) {
            if (freeCount == freeLocals.length) {
                freeLocals = Arrays.copyOf(freeLocals, Math.max(16, freeCount * 2));
            }
            freeLocals[freeCount++] = locals[s.key.index()];
            byIndex[s.key.index()] = null;
        }
    }

    /** Records whether a route is in use for a slot's key; one that appears goes to the end of their order. */
    void published(Slot s, boolean inUse) {
        if (!inUse) {
            s.publishedOrder = 0;
        } else if (s.publishedOrder == 0) {
            s.publishedOrder = ++publications;
        }
    }

    /** Records that the FIB was asked to hold this route for its key. */
    void install(Slot s, Route r) {
        if (!s.installed()) {
            s.installedOrder = ++installations;
        }
        s.install(r);
    }

    /** Every slot, in order (a live view). */
    Collection<Slot> all() {
        return table.values();
    }

    /** The slots with a route in use, in the order those appeared. */
    List<Slot> published() {
        return inOrder(s -> s.publishedOrder);
    }

    /** The slots with a FIB entry, in the order those were added. */
    List<Slot> installed() {
        return inOrder(s -> s.installed() ? s.installedOrder : 0);
    }

    /** The slots whose order is positive, by that order. */
    private List<Slot> inOrder(ToLongFunction<Slot> order) {
        List<Slot> result = new ArrayList<>();
        for (Slot s : table.values()) {
            if (order.applyAsLong(s) > 0) {
                result.add(s);
            }
        }
        result.sort(Comparator.comparingLong(order));
        return result;
    }
}
