package org.jbabel.wire;

import java.util.HexFormat;

/** A Babel router-id: 8 opaque bytes, kept as one long. Printed as babeld prints it ({@code 02:00:00:ff:fe:00:00:0b}). */
public record RouterId(long value) implements Comparable<RouterId> {

    /** Parses 8 bytes separated by ':' or '-', as babeld's {@code router-id} statement and its dump print them. */
    public static RouterId parse(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 8) {
            throw new IllegalArgumentException("router-id must have 8 bytes: " + text);
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) {
                throw new IllegalArgumentException("bad router-id byte '" + p + "' in " + text);
            }
            v = (v << 8) | Integer.parseInt(p, 16);
        }
        return new RouterId(v);
    }

    public static RouterId of(byte[] data, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[offset + i] & 0xff);
        }
        return new RouterId(v);
    }

    public void writeTo(byte[] target, int offset) {
        for (int i = 0; i < 8; i++) {
            target[offset + i] = (byte) (value >>> (56 - 8 * i));
        }
    }

    /** All-zeros and all-ones ids are not valid router-ids. */
    public boolean isValid() {
        return value != 0 && value != -1L;
    }

    @Override
    public int compareTo(RouterId o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        byte[] b = new byte[8];
        writeTo(b, 0);
        return HexFormat.ofDelimiter(":").formatHex(b);
    }
}
