package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Urgent updates that are repeated (source changes, retractions), so that one lost packet does not leave a
 * neighbour with a stale route: {@link BabelConstants#UPDATE_RESENDS} more times, after 2 s, then doubling. The
 * resend carries the key's state at the time it is sent.
 */
final class UpdateResends {
    private static final class Resend {
        long due;
        long delay;
        int left;
    }

    private final Map<RouteKey, Resend> table = new LinkedHashMap<>();

    void schedule(RouteKey key, long now) {
        Resend r = new Resend();
        r.delay = BabelConstants.RESEND_INITIAL;
        r.due = now + r.delay;
        r.left = BabelConstants.UPDATE_RESENDS;
        table.put(key, r);
    }

    /** The keys whose update must be sent again now. */
    List<RouteKey> due(long now) {
        List<RouteKey> result = new ArrayList<>();
        Iterator<Map.Entry<RouteKey, Resend>> it = table.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<RouteKey, Resend> e = it.next();
            Resend r = e.getValue();
            if (r.due > now) {
                continue;
            }
            result.add(e.getKey());
            if (--r.left <= 0) {
                it.remove();
            } else {
                r.delay *= 2;
                r.due = now + r.delay;
            }
        }
        return result;
    }

    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Resend r : table.values()) {
            next = Math.min(next, r.due);
        }
        return next;
    }
}
