package org.jbabel.ddhcp.block;

import java.util.HexFormat;

/**
 * A DDHCP node id: 8 opaque bytes, ordered as unsigned bytes (memcmp), so the big-endian long compares unsigned.
 * The higher id wins every conflict (spec ddhcp.md §1, §4.1).
 */
public record NodeId(long value) implements Comparable<NodeId> {

    /** The id a stock ddhcpd (freifunk-gluon f6724b5) sends: never set, all zeros here (spec §13 Q1). */
    public static final NodeId ZERO = new NodeId(0);

    /** {@code mac ‖ 00 00}, as ddhcpd's releases r1–r4 made it. */
    public static NodeId ofMac(byte[] mac) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
        }
        long v = 0;
        for (byte b : mac) {
            v = v << 8 | (b & 0xff);
        }
        return new NodeId(v << 16);
    }

    /**
     * The node id of a Babel router-id: when the router-id is the modified EUI-64 of a MAC (bytes 3 and 4 are
     * {@code ff fe}), that MAC followed by {@code 00 00}; otherwise the router-id's own 8 bytes.
     */
    public static NodeId ofRouterId(long routerId) {
        if ((routerId >>> 24 & 0xffff) == 0xfffe) {
            long b0 = (routerId >>> 56 & 0xff) ^ 0x02;
            long mac = b0 << 40 | (routerId >>> 40 & 0xffff) << 24 | (routerId & 0xffffff);
            return new NodeId(mac << 16);
        }
        return new NodeId(routerId);
    }

    /** 16 hex digits. */
    public static NodeId parse(String hex) {
        String h = hex.replace(":", "");
        if (h.length() != 16) {
            throw new IllegalArgumentException("a node id is 16 hex digits, not '" + hex + "'");
        }
        return new NodeId(HexFormat.fromHexDigitsToLong(h));
    }

    @Override
    public int compareTo(NodeId o) {
        return Long.compareUnsigned(value, o.value);
    }

    public boolean isHigherThan(NodeId o) {
        return compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(value);
    }
}
