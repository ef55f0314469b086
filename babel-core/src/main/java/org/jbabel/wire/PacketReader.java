package org.jbabel.wire;

/** Turns a UDP payload into a {@link Packet} and a list of {@link Problem}s; never throws for bad input. */
public final class PacketReader {
    private PacketReader() {}

    public static ReadResult read(byte[] datagram) {
        return read(datagram, 0, datagram.length);
    }

    public static ReadResult read(byte[] datagram, int offset, int length) {
        throw new UnsupportedOperationException("reader under construction");
    }
}
