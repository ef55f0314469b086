package org.jbabel.wire;

import java.util.List;

/**
 * Turns TLVs into packets of at most {@code maxPacketSize} bytes (UDP payload, header included), applying prefix
 * compression and emitting the Router-Id and Next Hop TLVs that self-contained {@link Tlv.Update}s need.
 */
public final class PacketWriter {
    private final int maxPacketSize;

    public PacketWriter(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /** The UDP payload size for an interface MTU: MTU − 48 (IPv6 + UDP headers), MTU below 512 taken as 512. */
    public static int maxPacketSizeForMtu(int mtu) {
        return Math.max(mtu, 512) - 48;
    }

    public int maxPacketSize() {
        return maxPacketSize;
    }

    /** Encodes the TLVs in order into one or more packets (body only; no trailer). */
    public List<byte[]> write(List<Tlv> tlvs) {
        throw new UnsupportedOperationException("writer under construction");
    }
}
