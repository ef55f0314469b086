package org.jbabel.roaming.l3roamd;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jbabel.wire.IpAddress;

/**
 * The (sender, nonce, type) triples of the intercom headers seen or sent in the last {@link #WINDOW_NANOS}, at most
 * {@code capacity} of them, for duplicate suppression (spec roaming.md §1.8.5 step 2; the C l3roamd keeps about 100
 * with no time limit). A header is a duplicate only within the window: the C l3roamd's nonces come from
 * uninitialised stack memory (§1.12-A) and repeat, so its INFO or SEEK for a later hand-over may carry the nonce of
 * an earlier one; remembered for ever, it would be dropped as a duplicate. (CLAIM and ACK do not come here at all:
 * the engine handles them idempotently.) The oldest triple is forgotten when a new one comes and the set is full.
 */
final class RecentHeaders {

    /** How long a header counts: longer than the longest retransmission cycle (INFO: 16 sends 500 ms apart). */
    static final long WINDOW_NANOS = 8_000_000_000L;

    private record Key(IpAddress sender, int nonce, int type) {}

    private final int capacity;
    private final LinkedHashMap<Key, Long> seen;

    RecentHeaders(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.seen = LinkedHashMap.newLinkedHashMap(capacity + 1);
    }

    /** Remembers the triple at {@code now}; false (and nothing changes) when it was seen within the window. */
    boolean add(long now, IpAddress sender, int nonce, int type) {
        Iterator<Map.Entry<Key, Long>> oldest = seen.entrySet().iterator();
        while (oldest.hasNext() && now - oldest.next().getValue() >= WINDOW_NANOS) {
            oldest.remove();
        }
        Key key = new Key(sender, nonce, type & 0xff);
        if (seen.containsKey(key)) {
            return false;
        }
        seen.put(key, now);
        if (seen.size() > capacity) {
            Iterator<Key> first = seen.keySet().iterator();
            first.next();
            first.remove();
        }
        return true;
    }

    int size() {
        return seen.size();
    }
}
