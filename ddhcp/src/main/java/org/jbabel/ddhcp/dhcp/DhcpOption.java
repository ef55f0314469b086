package org.jbabel.ddhcp.dhcp;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One DHCP option: its code (1..254, not PAD, END or the overload option 52, which the reader folds in) and its
 * value. A value longer than 255 bytes is written as several options of the same code (RFC 3396), and read back
 * joined.
 */
public record DhcpOption(int code, byte[] value) {

    public DhcpOption {
        if (code < 1 || code > 254) {
            throw new IllegalArgumentException("not an option code: " + code);
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The length of the value. */
    public int length() {
        return value.length;
    }

    /** The value's byte at {@code i}, unsigned. */
    public int byteAt(int i) {
        return value[i] & 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DhcpOption d && d.code == code && Arrays.equals(d.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return code + ":" + HexFormat.of().formatHex(value);
    }
}
