package org.jbabel.auth;

import org.jbabel.wire.IpAddress;

/**
 * The addresses a MAC covers besides the packet (RFC 8967): source IPv6 address and port, destination IPv6 address
 * and port, 36 bytes in that order. IPv4 addresses are taken in their IPv4-mapped IPv6 form.
 */
public record PseudoHeader(IpAddress source, int sourcePort, IpAddress destination, int destinationPort) {
    /** Its length in bytes. */
    public static final int LENGTH = 36;

    /** The 36 bytes that precede the packet in the MAC input. */
    public byte[] toBytes() {
        byte[] b = new byte[LENGTH];
        System.arraycopy(source.toBytes16(), 0, b, 0, 16);
        b[16] = (byte) (sourcePort >>> 8);
        b[17] = (byte) sourcePort;
        System.arraycopy(destination.toBytes16(), 0, b, 18, 16);
        b[34] = (byte) (destinationPort >>> 8);
        b[35] = (byte) destinationPort;
        return b;
    }
}
