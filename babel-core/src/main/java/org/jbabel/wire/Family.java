package org.jbabel.wire;

/** Address family of an {@link IpAddress} or {@link Prefix}. */
public enum Family {
    V4(32),
    V6(128);

    private final int bits;

    Family(int bits) {
        this.bits = bits;
    }

    /** Number of address bits: 32 or 128. */
    public int bits() {
        return bits;
    }
}
