package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;

/**
 * The source table (RFC 8966 §3.2.5): the feasibility distance (seqno, metric) of every (route key, router-id)
 * we have announced a route for. It decides feasibility, the condition that keeps Babel loop-free. The distances
 * of a key live in its {@link Slot}, one per router-id, chained.
 */
final class Sources {

    /** A feasibility distance for one router-id and when it was last used. */
    static final class Source {
        final RouterId routerId;
        int seqno;
        int metric;
        long time;
        /** The next distance of the same key. */
        Source next;

        Source(RouterId routerId, int seqno, int metric, long time) {
            this.routerId = routerId;
            this.seqno = seqno;
            this.metric = metric;
            this.time = time;
        }
    }

    private final Slots slots;
    private final int limit;
    private int size;

    /** A source table with at most {@code limit} distances. */
    Sources(Slots slots, int limit) {
        this.slots = slots;
        this.limit = limit;
    }

    Sources(Slots slots) {
        this(slots, Integer.MAX_VALUE);
    }

    Source get(RouteKey key, RouterId routerId) {
        return find(slots.get(key), routerId);
    }

    private static Source find(Slot s, RouterId routerId) {
        for (Source src = s == null ? null : s.sources; src != null; src = src.next) {
            if (src.routerId.equals(routerId)) {
                return src;
            }
        }
        return null;
    }

    /**
     * Whether an update (router-id, seqno, advertised metric) is feasible: a retraction, no recorded distance, a
     * newer seqno, or the same seqno with a strictly smaller metric.
     */
    boolean feasible(RouteKey key, RouterId routerId, int seqno, int metric) {
        return feasible(slots.get(key), routerId, seqno, metric);
    }

    /** As {@link #feasible(RouteKey, RouterId, int, int)}, for the key of a slot (null when the key has none). */
    static boolean feasible(Slot slot, RouterId routerId, int seqno, int metric) {
        if (metric >= INFINITY) {
            return true;
        }
        Source s = find(slot, routerId);
        if (s == null) {
            return true;
        }
        return Seqno.greater(seqno, s.seqno) || (seqno == s.seqno && metric < s.metric);
    }

    /**
     * We announce (router-id, seqno, metric) for this key: lower the feasibility distance accordingly (a newer
     * seqno replaces it, the same seqno can only lower the metric) and refresh it. Returns false, changing nothing,
     * when a new distance would be needed and the table is full: the route must then not be announced.
     */
    boolean announced(RouteKey key, RouterId routerId, int seqno, int metric, long now) {
        if (metric >= INFINITY) {
            return true;
        }
        Slot existing = slots.get(key);
        Source s = find(existing, routerId);
        if (s == null) {
            if (size >= limit) {
                return false;
            }
            Slot slot = existing == null ? slots.obtain(key) : existing;
            s = new Source(routerId, seqno, metric, now);
            s.next = slot.sources;
            slot.sources = s;
            size++;
            return true;
        }
        if (Seqno.greater(seqno, s.seqno)) {
            s.seqno = seqno;
            s.metric = metric;
        } else if (seqno == s.seqno && metric < s.metric) {
            s.metric = metric;
        }
        s.time = now;
        return true;
    }

    /** Forgets distances unused for {@link BabelConstants#SOURCE_GC_TIME} that no route still refers to. */
    void collectGarbage(long now, BiPredicate<Slot, RouterId> inUse) {
        List<Slot> emptied = new ArrayList<>();
        for (Slot slot : slots.all()) {
            boolean had = slot.sources != null;
            Source previous = null;
            for (Source s = slot.sources; s != null; s = s.next) {
                if (now - s.time >= BabelConstants.SOURCE_GC_TIME && !inUse.test(slot, s.routerId)) {
                    if (previous == null) {
                        slot.sources = s.next;
                    } else {
                        previous.next = s.next;
                    }
                    size--;
                } else {
                    previous = s;
                }
            }
            if (had && slot.sources == null) {
                emptied.add(slot);
            }
        }
        emptied.forEach(slots::release);
    }

    int size() {
        return size;
    }
}
