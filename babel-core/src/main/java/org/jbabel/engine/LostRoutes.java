package org.jbabel.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;

/**
 * What we lost with a neighbour (its interface went down, or it fell silent), by interface and address, kept for
 * {@link #RETENTION} so that when the neighbour is back we pick up where we were. Its routes: a neighbour like babeld
 * or FRR sends its whole table once when it sees our link come back, possibly before we hear it, and both ignore a
 * wildcard request that comes soon after a full dump; a specific route request they always answer, so we ask for
 * exactly those. Its Hello history: after a flap of our own interface the neighbour's next Hello finds the history it
 * would have had, the Hellos sent meanwhile counted as missed, rather than starting from nothing and waiting a second
 * Hello (up to a Hello interval, 4 s by default) before the link counts. Bounded by {@link #MAX_KEYS} keys and
 * {@link #MAX_NEIGHBOURS} neighbours in all: the oldest entry goes first.
 */
final class LostRoutes {

    /** How long lost routes are remembered: longer than a link flap, shorter than a neighbour's route hold time. */
    static final long RETENTION = Time.seconds(60);
    /** At most this many keys are remembered in all. */
    static final int MAX_KEYS = 4096;
    /** At most this many neighbours are remembered. */
    static final int MAX_NEIGHBOURS = 1024;

    private record Neighbour(String ifname, IpAddress address) {}

    private record Lost(List<RouteKey> keys, HelloHistory hellos, long at) {}

    private final Map<Neighbour, Lost> lost = new LinkedHashMap<>();
    private int size;

    /**
     * The neighbour {@code address} on {@code ifname} is gone, and with it the routes to {@code keys}; its multicast
     * Hello history was {@code hellos}.
     */
    void remember(String ifname, IpAddress address, List<RouteKey> keys, HelloHistory hellos, long now) {
        forget(new Neighbour(ifname, address));
        List<RouteKey> kept = List.copyOf(keys.size() > MAX_KEYS ? keys.subList(0, MAX_KEYS) : keys);
        for (Iterator<Lost> it = lost.values().iterator();
                it.hasNext() && (size + kept.size() > MAX_KEYS || lost.size() >= MAX_NEIGHBOURS); ) {
            size -= it.next().keys().size();
            it.remove();
        }
        lost.put(new Neighbour(ifname, address), new Lost(kept, hellos, now));
        size += kept.size();
    }

    /** The Hello history of a neighbour we meet again, if it is recent enough; null otherwise. */
    HelloHistory hellos(String ifname, IpAddress address, long now) {
        Lost l = lost.get(new Neighbour(ifname, address));
        return l == null || now - l.at() > RETENTION ? null : l.hellos();
    }

    /** The routes lost with the neighbour, if they are recent enough. */
    List<RouteKey> routes(String ifname, IpAddress address, long now) {
        Lost l = lost.get(new Neighbour(ifname, address));
        return l == null || now - l.at() > RETENTION ? List.of() : l.keys();
    }

    /** Forgets what was lost with the neighbour (it is back and bidirectional). */
    void forget(String ifname, IpAddress address) {
        forget(new Neighbour(ifname, address));
    }

    /** Drops what is older than the retention. */
    void expire(long now) {
        for (Iterator<Lost> it = lost.values().iterator(); it.hasNext(); ) {
            Lost l = it.next();
            if (now - l.at() > RETENTION) {
                size -= l.keys().size();
                it.remove();
            }
        }
    }

    /** How many keys are remembered. */
    int size() {
        return size;
    }

    private Lost forget(Neighbour n) {
        Lost l = lost.remove(n);
        if (l != null) {
            size -= l.keys().size();
        }
        return l;
    }
}
