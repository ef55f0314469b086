package org.jbabel.wire;

import java.util.HexFormat;

/**
 * A 48-bit Ethernet address as a value (the key of a client), kept in the low 48 bits of a long.
 *
 * @param bits the address, most significant byte first, in bits 47..0
 */
public record MacAddress(long bits) implements Comparable<MacAddress> {

    public static final MacAddress ZERO = new MacAddress(0);
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

    public MacAddress {
        if ((bits & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits, not " + Long.toHexString(bits));
        }
    }

    /** From 6 bytes. */
    public static MacAddress of(byte[] b) {
        if (b.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + b.length);
        }
        return of(b, 0);
    }

    /** From the 6 bytes at {@code offset}; the caller checks the bounds. */
    public static MacAddress of(byte[] b, int offset) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b[offset + i] & 0xff);
        }
        return new MacAddress(v);
    }

    /** Parses {@code 00:11:22:33:44:55} (colons or dashes, either case). */
    public static MacAddress parse(String text) {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            int octet;
            try {
                octet = Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: " + text, e);
            }
            v = (v << 8) | octet;
        }
        return new MacAddress(v);
    }

    public byte[] toBytes() {
        byte[] b = new byte[6];
        write(b, 0);
        return b;
    }

    /** Writes the 6 bytes at {@code offset}; the caller checks the bounds. */
    public void write(byte[] b, int offset) {
        for (int i = 0; i < 6; i++) {
            b[offset + i] = (byte) (bits >>> (40 - 8 * i));
        }
    }

    /** Byte {@code i} (0..5). */
    int octet(int i) {
        return (int) (bits >>> (40 - 8 * i)) & 0xff;
    }

    @Override
    public int compareTo(MacAddress o) {
        return Long.compare(bits, o.bits);
    }

    /** {@code 00:11:22:33:44:55}, as l3roamd's {@code get_clients} writes it. */
    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }
}
