package org.jbabel.wire;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string with value semantics, for opaque wire fields (MAC, PC index, nonces, unknown TLVs). */
public final class Bytes {
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    public static Bytes of(byte[] data) {
        return data.length == 0 ? EMPTY : new Bytes(data.clone());
    }

    public static Bytes of(byte[] data, int offset, int length) {
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(data, offset, offset + length));
    }

    public static Bytes fromHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    public int length() {
        return data.length;
    }

    public byte get(int index) {
        return data[index];
    }

    public byte[] toArray() {
        return data.clone();
    }

    /** Copies the bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(data, 0, target, offset, data.length);
    }

    public String hex() {
        return HexFormat.of().formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return hex();
    }
}
