package org.jbabel.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.IpAddress;

/**
 * The routes we lost with a neighbour (its interface went down, or it fell silent), by interface and address, kept
 * for {@link #RETENTION} so that when the neighbour is back we can ask it for exactly those. A neighbour like babeld
 * or FRR sends its whole table once when it sees our link come back, possibly before we hear it, and both ignore a
 * wildcard request that comes soon after a full dump; a specific route request they always answer. Bounded by
 * {@link #MAX_KEYS} keys in all: the oldest neighbour's entry goes first.
 */
final class LostRoutes {

    /** How long lost routes are remembered: longer than a link flap, shorter than a neighbour's route hold time. */
    static final long RETENTION = Time.seconds(60);
    /** At most this many keys are remembered in all. */
    static final int MAX_KEYS = 4096;

    private record Neighbour(String ifname, IpAddress address) {}

    private record Lost(List<RouteKey> keys, long at) {}

    private final Map<Neighbour, Lost> lost = new LinkedHashMap<>();
    private int size;

    /** The neighbour {@code address} on {@code ifname} is gone, and with it the routes to {@code keys}. */
    void remember(String ifname, IpAddress address, List<RouteKey> keys, long now) {
        forget(new Neighbour(ifname, address));
        if (keys.isEmpty()) {
            return;
        }
        List<RouteKey> kept = List.copyOf(keys.size() > MAX_KEYS ? keys.subList(0, MAX_KEYS) : keys);
        for (Iterator<Lost> it = lost.values().iterator(); it.hasNext() && size + kept.size() > MAX_KEYS; ) {
            size -= it.next().keys().size();
            it.remove();
        }
        lost.put(new Neighbour(ifname, address), new Lost(kept, now));
        size += kept.size();
    }

    /** The routes lost with the neighbour, if they are recent enough; forgotten once taken. */
    List<RouteKey> takeBack(String ifname, IpAddress address, long now) {
        Lost l = forget(new Neighbour(ifname, address));
        return l == null || now - l.at() > RETENTION ? List.of() : l.keys();
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
