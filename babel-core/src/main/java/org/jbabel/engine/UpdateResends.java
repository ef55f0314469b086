package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.RouteKey;

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
    private final int limit;
    /** No resend is due before this (a lower bound, exact after {@link #due}). */
    private long earliest = Long.MAX_VALUE;

    /** A table of at most {@code limit} keys. */
    UpdateResends(int limit) {
        this.limit = limit;
    }

    /** Schedules the repetitions of a key's update; false (nothing scheduled) when the table is full. */
    boolean schedule(RouteKey key, long now) {
        if (table.size() >= limit && !table.containsKey(key)) {
            return false;
        }
        Resend r = new Resend();
        r.delay = BabelConstants.RESEND_INITIAL;
        r.due = now + r.delay;
        r.left = BabelConstants.UPDATE_RESENDS;
        table.put(key, r);
        earliest = Math.min(earliest, r.due);
        return true;
    }

    /** The keys whose update must be sent again now. */
    List<RouteKey> due(long now) {
        if (now < earliest) {
            return List.of();
        }
        long next = Long.MAX_VALUE;
        List<RouteKey> result = new ArrayList<>();
        Iterator<Map.Entry<RouteKey, Resend>> it = table.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<RouteKey, Resend> e = it.next();
            Resend r = e.getValue();
            if (r.due > now) {
                next = Math.min(next, r.due);
                continue;
            }
            result.add(e.getKey());
            if (--r.left <= 0) {
                it.remove();
            } else {
                r.delay *= 2;
                r.due = now + r.delay;
                next = Math.min(next, r.due);
            }
        }
        earliest = next;
        return result;
    }

    long nextDeadline() {
        return earliest;
    }

    int size() {
        return table.size();
    }
}
