package org.jbabel.xlat.nat64;

/**
 * An open-addressing hash table from a key of three {@code long}s to a non-negative {@code int}, without an object
 * per entry or per lookup, so that the per-packet lookups of {@link Nat64Sessions} allocate nothing. Linear probing,
 * deletion by backward shift (no tombstones), doubled when half full.
 */
final class KeyTable {

    static final int ABSENT = -1;

    private long[] k0;
    private long[] k1;
    private long[] k2;
    /** The value plus one; 0 marks an empty cell. */
    private int[] values;
    private int mask;
    private int size;

    KeyTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        allocate(capacity);
    }

    int size() {
        return size;
    }

    int get(long a, long b, long c) {
        for (int i = index(a, b, c); ; i = (i + 1) & mask) {
            if (values[i] == 0) {
                return ABSENT;
            }
            if (k0[i] == a && k1[i] == b && k2[i] == c) {
                return values[i] - 1;
            }
        }
    }

    /** Maps the key to {@code value} (at least 0), replacing what it mapped to. */
    void put(long a, long b, long c, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("values are not negative: " + value);
        }
        if ((size + 1) * 2 > values.length) {
            grow();
        }
        int i = index(a, b, c);
        while (values[i] != 0) {
            if (k0[i] == a && k1[i] == b && k2[i] == c) {
                values[i] = value + 1;
                return;
            }
            i = (i + 1) & mask;
        }
        k0[i] = a;
        k1[i] = b;
        k2[i] = c;
        values[i] = value + 1;
        size++;
    }

    /** Removes the key; returns what it mapped to, or {@link #ABSENT}. */
    int remove(long a, long b, long c) {
        int i = index(a, b, c);
        while (values[i] != 0 && !(k0[i] == a && k1[i] == b && k2[i] == c)) {
            i = (i + 1) & mask;
        }
        if (values[i] == 0) {
            return ABSENT;
        }
        int old = values[i] - 1;
        // backward shift: move later members of the cluster into the hole when their home allows it
        int hole = i;
        for (int j = (i + 1) & mask; values[j] != 0; j = (j + 1) & mask) {
            int home = index(k0[j], k1[j], k2[j]);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                k0[hole] = k0[j];
                k1[hole] = k1[j];
                k2[hole] = k2[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = 0;
        size--;
        return old;
    }

    private int index(long a, long b, long c) {
        long h = a * 0x9E37_79B9_7F4A_7C15L;
        h = (h ^ (h >>> 29) ^ b) * 0xBF58_476D_1CE4_E5B9L;
        h = (h ^ (h >>> 31) ^ c) * 0x94D0_49BB_1331_11EBL;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void allocate(int capacity) {
        k0 = new long[capacity];
        k1 = new long[capacity];
        k2 = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        size = 0;
    }

    private void grow() {
        long[] a = k0;
        long[] b = k1;
        long[] c = k2;
        int[] v = values;
        allocate(v.length * 2);
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0) {
                put(a[i], b[i], c[i], v[i] - 1);
            }
        }
    }
}
