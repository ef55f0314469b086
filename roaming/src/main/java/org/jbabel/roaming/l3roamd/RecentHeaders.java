package org.jbabel.roaming.l3roamd;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jbabel.wire.IpAddress;

/**
 * The flooded intercom packets seen in the last {@link #WINDOW_NANOS}, at most {@code capacity} of them, for duplicate
 * suppression (spec roaming.md §1.8.5 step 2; the C l3roamd keeps about 100 (nonce, type) pairs with no time limit).
 * A packet is a duplicate of one with the same sender, nonce, type and TLVs (the ttl left out) seen within the
 * window: the C l3roamd's nonces come from uninitialised stack memory (§1.12-A) and repeat, in practice one value for
 * every packet it sends, so neither the nonce alone nor a long memory can tell its packets apart; a flood's echo is
 * the same packet again and comes back within milliseconds. (Unicast packets, ttl 1, do not come here at all: the
 * engine handles them idempotently.) The oldest entry is forgotten when a new one comes and the set is full: the
 * bound reached within the window, told to {@code onEvict} (the engine's {@code recent_evicted}).
 */
final class RecentHeaders {

    /**
     * How long a packet counts: far longer than a flood takes to come back, and shorter than the C l3roamd's SEEK
     * repetition (3 s, with the same nonce), so that each of its SEEKs is probed.
     */
    static final long WINDOW_NANOS = 2_000_000_000L;

    /** {@code tlvs}: a read-only buffer over a copy of the bytes after the header (ByteBuffer compares content). */
    private record Key(IpAddress sender, int nonce, int type, ByteBuffer tlvs) {}

    private final int capacity;
    private final LinkedHashMap<Key, Long> seen;
    private final Runnable onEvict;

    RecentHeaders(int capacity, Runnable onEvict) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.onEvict = onEvict;
        this.seen = LinkedHashMap.newLinkedHashMap(capacity + 1);
    }

    /**
     * Remembers the packet at {@code now}; false (and nothing changes) when it was seen within the window.
     *
     * @param datagram the packet as received (a valid intercom packet: at least its header)
     */
    boolean add(long now, IpAddress sender, int nonce, int type, byte[] datagram) {
        Iterator<Map.Entry<Key, Long>> oldest = seen.entrySet().iterator();
        while (oldest.hasNext() && now - oldest.next().getValue() >= WINDOW_NANOS) {
            oldest.remove();
        }
        ByteBuffer tlvs = ByteBuffer.wrap(Arrays.copyOfRange(datagram, Intercom.HEADER, datagram.length))
                .asReadOnlyBuffer();
        Key key = new Key(sender, nonce, type & 0xff, tlvs);
        if (seen.containsKey(key)) {
            return false;
        }
        seen.put(key, now);
        if (seen.size() > capacity) {
            Iterator<Key> first = seen.keySet().iterator();
            first.next();
            first.remove();
            onEvict.run();
        }
        return true;
    }

    int size() {
        return seen.size();
    }
}
