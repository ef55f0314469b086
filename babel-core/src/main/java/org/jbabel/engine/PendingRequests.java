package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;

/**
 * Outstanding seqno requests (RFC 8966 §3.8.2), ours and those we forwarded, one per route key: what was asked,
 * where it was sent, its resend schedule (doubling delay, a bounded number of resends), and which neighbours
 * asked us. It suppresses duplicates and recognises the update that satisfies a request.
 */
final class PendingRequests {

    /** A request in flight. {@code ifname} null means "multicast on every interface". */
    static final class Pending {
        final RouteKey key;
        final RouterId routerId;
        final int seqno;
        final int hopCount;
        final String ifname;
        final IpAddress destination;
        int resendsLeft;
        long delay;
        long lastSent;
        long nextResend;
        /** Whether someone asked us (the request was forwarded) rather than we originating it. */
        boolean forwarded;

        Pending(RouteKey key, RouterId routerId, int seqno, int hopCount, String ifname, IpAddress destination) {
            this.key = key;
            this.routerId = routerId;
            this.seqno = seqno;
            this.hopCount = hopCount;
            this.ifname = ifname;
            this.destination = destination;
        }
    }

    private final Map<RouteKey, Pending> table = new LinkedHashMap<>();
    private final int limit;
    /** No request is due before this (a lower bound, exact after {@link #due}). */
    private long earliest = Long.MAX_VALUE;

    /** A table of at most {@code limit} requests. */
    PendingRequests(int limit) {
        this.limit = limit;
    }

    PendingRequests() {
        this(Integer.MAX_VALUE);
    }

    /** Whether a request for this key can be recorded: the key has one already, or the table has room. */
    boolean room(RouteKey key) {
        return table.size() < limit || table.containsKey(key);
    }

    /**
     * Whether an equivalent request (same source, a seqno at least as new) is already in flight: still to be
     * resent, or sent less than {@link BabelConstants#REQUEST_DUPLICATE_WINDOW} ago.
     */
    boolean duplicate(RouteKey key, RouterId routerId, int seqno, long now) {
        Pending p = table.get(key);
        return p != null
                && p.routerId.equals(routerId)
                && Seqno.greaterOrEqual(p.seqno, seqno)
                && (p.resendsLeft > 0 || now - p.lastSent < BabelConstants.REQUEST_DUPLICATE_WINDOW);
    }

    /** Records a request that is being sent now, replacing any older one for the key (check {@link #room} first). */
    Pending record(Pending p, long now, long firstResend, int resends) {
        p.lastSent = now;
        p.delay = firstResend;
        p.resendsLeft = resends;
        p.nextResend = now + firstResend;
        table.put(p.key, p);
        earliest = Math.min(earliest, p.nextResend);
        return p;
    }

    /** If an update with this source satisfies the pending request for the key, forgets it and returns it. */
    Pending satisfy(RouteKey key, RouterId routerId, int seqno) {
        Pending p = table.get(key);
        if (p != null && p.routerId.equals(routerId) && Seqno.greaterOrEqual(seqno, p.seqno)) {
            table.remove(key);
            return p;
        }
        return null;
    }

    /** Requests to resend now (their schedule advanced); requests whose resends are exhausted are dropped. */
    List<Pending> due(long now) {
        if (now < earliest) {
            return List.of();
        }
        List<Pending> result = new ArrayList<>();
        long next = Long.MAX_VALUE;
        Iterator<Pending> it = table.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (now < p.nextResend) {
                next = Math.min(next, p.nextResend);
                continue;
            }
            if (p.resendsLeft <= 0) {
                it.remove();
                continue;
            }
            p.resendsLeft--;
            p.lastSent = now;
            p.delay *= 2;
            p.nextResend = now + p.delay;
            next = Math.min(next, p.nextResend);
            result.add(p);
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
