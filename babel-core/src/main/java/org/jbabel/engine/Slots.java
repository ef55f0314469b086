package org.jbabel.engine;

import java.util.ArrayList;
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
 */
final class Slots {
    private final LinkedHashMap<RouteKey, Slot> table = new LinkedHashMap<>();
    private long publications;
    private long installations;

    Slot get(RouteKey key) {
        return table.get(key);
    }

    /** The slot for a key, made (at the end of the order) when there is none. */
    Slot obtain(RouteKey key) {
        return table.computeIfAbsent(key, Slot::new);
    }

    /** A slot got its first learned route: it moves to the end of the order. */
    void routed(Slot s) {
        table.putLast(s.key, s);
    }

    /** Forgets a slot once nothing is kept in it. */
    void release(Slot s) {
        if (s.unused()) {
            table.remove(s.key, s);
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
