package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiPredicate;
import org.jbabel.wire.RouterId;

/**
 * The source table (RFC 8966 §3.2.5): the feasibility distance (seqno, metric) of every (route key, router-id)
 * we have announced a route for. It decides feasibility, the condition that keeps Babel loop-free.
 */
final class Sources {
    private record Key(RouteKey route, RouterId routerId) {
        @Override
        public int hashCode() {
            return route.hashCode() * 31 + Long.hashCode(routerId.value());
        }
    }

    /** A feasibility distance and when it was last used. */
    static final class Source {
        int seqno;
        int metric;
        long time;

        Source(int seqno, int metric, long time) {
            this.seqno = seqno;
            this.metric = metric;
            this.time = time;
        }
    }

    private final Map<Key, Source> table = new LinkedHashMap<>();

    Source get(RouteKey key, RouterId routerId) {
        return table.get(new Key(key, routerId));
    }

    /**
     * Whether an update (router-id, seqno, advertised metric) is feasible: a retraction, no recorded distance, a
     * newer seqno, or the same seqno with a strictly smaller metric.
     */
    boolean feasible(RouteKey key, RouterId routerId, int seqno, int metric) {
        if (metric >= INFINITY) {
            return true;
        }
        Source s = table.get(new Key(key, routerId));
        if (s == null) {
            return true;
        }
        return Seqno.greater(seqno, s.seqno) || (seqno == s.seqno && metric < s.metric);
    }

    /**
     * We announce (router-id, seqno, metric) for this key: lower the feasibility distance accordingly (a newer
     * seqno replaces it, the same seqno can only lower the metric) and refresh it.
     */
    void announced(RouteKey key, RouterId routerId, int seqno, int metric, long now) {
        if (metric >= INFINITY) {
            return;
        }
        Key k = new Key(key, routerId);
        Source s = table.get(k);
        if (s == null) {
            table.put(k, new Source(seqno, metric, now));
            return;
        }
        if (Seqno.greater(seqno, s.seqno)) {
            s.seqno = seqno;
            s.metric = metric;
        } else if (seqno == s.seqno && metric < s.metric) {
            s.metric = metric;
        }
        s.time = now;
    }

    /** Forgets distances unused for {@link BabelConstants#SOURCE_GC_TIME} that no route still refers to. */
    void collectGarbage(long now, BiPredicate<RouteKey, RouterId> inUse) {
        Iterator<Map.Entry<Key, Source>> it = table.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Source> e = it.next();
            if (now - e.getValue().time >= BabelConstants.SOURCE_GC_TIME
                    && !inUse.test(e.getKey().route(), e.getKey().routerId())) {
                it.remove();
            }
        }
    }

    int size() {
        return table.size();
    }
}
