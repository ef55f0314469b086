package org.jbabel.engine;

/** Arithmetic on 16-bit sequence numbers (RFC 8966 §3.2.1), with babeld's tie rule at a distance of 2^15. */
public final class Seqno {
    private Seqno() {}

    /** {@code s + n} modulo 2^16. */
    public static int plus(int s, int n) {
        return (s + n) & 0xFFFF;
    }

    /** The signed distance {@code s1 - s2} in -2^15 .. 2^15 - 1. */
    public static int minus(int s1, int s2) {
        return (short) (s1 - s2);
    }

    /** True when {@code s1} is newer than {@code s2}; a distance of exactly 2^15 counts as newer (babeld). */
    public static boolean greater(int s1, int s2) {
        return ((s2 - s1) & 0xFFFF) >= 0x8000;
    }

    /** True when {@code s1} is {@code s2} or newer. */
    public static boolean greaterOrEqual(int s1, int s2) {
        return (s1 & 0xFFFF) == (s2 & 0xFFFF) || greater(s1, s2);
    }
}
