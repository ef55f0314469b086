package org.jbabel.xlat.nat426;

import java.util.Arrays;

/**
 * An open-addressing map from a long key to a slot number (a non-negative int), with linear probing and
 * backward-shift deletion, of fixed capacity: lookups and updates allocate nothing. The owner keeps the number of
 * keys below the capacity.
 */
final class KeyIndex {

    static final int ABSENT = -1;

    private final long[] keys;
    private final int[] slots;
    private final int mask;

    /** Room for at least {@code maxKeys} keys at a load of at most one half. */
    KeyIndex(int maxKeys) {
        int capacity = Integer.highestOneBit(Math.max(2, maxKeys) * 2 - 1) << 1;
        keys = new long[capacity];
        slots = new int[capacity];
        Arrays.fill(slots, ABSENT);
        mask = capacity - 1;
    }

    int get(long key) {
        for (int i = home(key); ; i = (i + 1) & mask) {
            if (slots[i] == ABSENT) {
                return ABSENT;
            }
            if (keys[i] == key) {
                return slots[i];
            }
        }
    }

    void put(long key, int slot) {
        int i = home(key);
        while (slots[i] != ABSENT && keys[i] != key) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        slots[i] = slot;
    }

    void remove(long key) {
        int i = home(key);
        while (true) {
            if (slots[i] == ABSENT) {
                return;
            }
            if (keys[i] == key) {
                break;
            }
            i = (i + 1) & mask;
        }
        // backward shift: move later members of the cluster into the hole when their home allows it
        int hole = i;
        for (int j = (hole + 1) & mask; slots[j] != ABSENT; j = (j + 1) & mask) {
            int h = home(keys[j]);
            if (((j - h) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = ABSENT;
    }

    private int home(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
