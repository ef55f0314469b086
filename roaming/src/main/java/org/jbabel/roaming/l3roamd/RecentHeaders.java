package org.jbabel.roaming.l3roamd;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The (nonce, type) pairs of the last {@code capacity} intercom headers seen or sent, for duplicate suppression
 * (spec roaming.md §1.8.5 step 2; the C l3roamd keeps about 100). The oldest is forgotten when a new one comes and
 * the set is full.
 */
final class RecentHeaders {

    private final int capacity;
    private final LinkedHashSet<Long> keys;

    RecentHeaders(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.keys = LinkedHashSet.newLinkedHashSet(capacity + 1);
    }

    /** Remembers the pair; false (and nothing changes) when it is remembered already. */
    boolean add(int nonce, int type) {
        if (!keys.add(((nonce & 0xffff_ffffL) << 8) | (type & 0xff))) {
            return false;
        }
        if (keys.size() > capacity) {
            Iterator<Long> oldest = keys.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    int size() {
        return keys.size();
    }
}
