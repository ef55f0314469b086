package org.jbabel.wire.pcap;

import org.jbabel.wire.IpAddress;

/**
 * A UDP datagram found in a captured frame. {@code payload} holds the bytes captured, which may be fewer than the
 * UDP length announced ({@code truncated}).
 */
public record UdpDatagram(
        IpAddress source, int sourcePort, IpAddress destination, int destinationPort, byte[] payload, boolean truncated) {

    /** Babel's port (6696), and the port babeld used before 2011 (6697), found in old captures. */
    public static final int HISTORIC_BABEL_PORT = 6697;

    /** True when either port is Babel's, current or historic. */
    public boolean isBabel() {
        return isBabelPort(sourcePort) || isBabelPort(destinationPort);
    }

    private static boolean isBabelPort(int port) {
        return port == org.jbabel.wire.Packet.UDP_PORT || port == HISTORIC_BABEL_PORT;
    }
}
