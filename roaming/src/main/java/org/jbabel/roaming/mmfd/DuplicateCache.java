package org.jbabel.roaming.mmfd;

/**
 * The nonces seen most recently, at most {@code capacity} of them: a ring in arrival order (the oldest is forgotten
 * when a new one comes in and the ring is full) plus an open-addressing hash set of the same longs, so
 * {@link #contains} and {@link #add} are O(1) and allocate nothing. The C mmfd keeps a plain list of 2000 and searches
 * it linearly; the bound and the forgetting order are the same here.
 *
 * <p>Loop freedom of the flood rests on this cache (there is no hop count on the wire): a copy of a packet that
 * comes back after its nonce has been forgotten is taken as new. The capacity must therefore exceed the number of
 * packets in flight in the mesh at once.
 */
final class DuplicateCache {

    private final long[] ring;
    private int head;
    private int size;
    /** Linear-probing table; {@code used[i]} says whether {@code keys[i]} holds a value (0 is a valid nonce). */
    private final long[] keys;
    private final boolean[] used;
    private final int mask;

    DuplicateCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        ring = new long[capacity];
        int slots = Integer.highestOneBit(capacity * 2 - 1) << 1; // load factor at most 1/2
        keys = new long[slots];
        used = new boolean[slots];
        mask = slots - 1;
    }

    int capacity() {
        return ring.length;
    }

    int size() {
        return size;
    }

    boolean contains(long nonce) {
        for (int i = slot(nonce); used[i]; i = (i + 1) & mask) {
            if (keys[i] == nonce) {
                return true;
            }
        }
        return false;
    }

    /** Remembers {@code nonce}, forgetting the oldest when full; returns false (and changes nothing) if known. */
    boolean add(long nonce) {
        if (contains(nonce)) {
            return false;
        }
        if (size == ring.length) {
            remove(ring[head]);
            ring[head] = nonce;
            head = (head + 1) % ring.length;
        } else {
            ring[(head + size) % ring.length] = nonce;
            size++;
        }
        int i = slot(nonce);
        while (used[i]) {
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = nonce;
        return true;
    }

    private void remove(long nonce) {
        int i = slot(nonce);
        while (used[i] && keys[i] != nonce) {
            i = (i + 1) & mask;
        }
        if (!used[i]) {
            return;
        }
        // backward-shift deletion keeps every probe chain unbroken without tombstones
        int gap = i;
        for (int j = (gap + 1) & mask; used[j]; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            boolean movable = gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
            if (movable) {
                keys[gap] = keys[j];
                gap = j;
            }
        }
        used[gap] = false;
    }

    private int slot(long nonce) {
        long z = nonce * 0x9e3779b97f4a7c15L;
        return (int) (z ^ (z >>> 32)) & mask;
    }
}
