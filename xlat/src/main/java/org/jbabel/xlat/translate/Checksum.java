package org.jbabel.xlat.translate;

/**
 * The Internet checksum (RFC 1071) in one's-complement arithmetic, and its incremental update (RFC 1624 eqn. 3):
 * sums are kept unfolded in an {@code int} or {@code long} and folded at the end.
 */
final class Checksum {

    private Checksum() {}

    /** The unfolded sum of the 16-bit words of {@code b[off..off+len-1]}, an odd last byte padded with zero. */
    static long sum(byte[] b, int off, int len) {
        long s = 0;
        int end = off + (len & ~1);
        for (int i = off; i < end; i += 2) {
            s += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xff) << 8;
        }
        return s;
    }

    /** {@code s} folded to 16 bits. */
    static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    /** The checksum field for a sum: its one's complement. */
    static int finish(long s) {
        return ~fold(s) & 0xffff;
    }

    /**
     * The checksum {@code old} after the data changed by {@code removed} (the sum of the words taken out) and
     * {@code added} (the sum of the words put in): {@code ~(~old + ~m + m')} (RFC 1624 eqn. 3).
     */
    static int adjust(int old, long removed, long added) {
        long s = (~old & 0xffff) + (~fold(removed) & 0xffff) + added;
        return ~fold(s) & 0xffff;
    }

    static int get16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static int get32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    static void put32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
