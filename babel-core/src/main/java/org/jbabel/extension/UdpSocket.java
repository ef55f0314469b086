package org.jbabel.extension;

import org.jbabel.wire.IpAddress;

/** A UDP (or raw ICMPv6) socket of an extension; see {@link Network}. */
public interface UdpSocket extends AutoCloseable {

    /**
     * How to open a socket.
     *
     * @param bind the local address ({@code ::} for any); an IPv4 address ({@code 0.0.0.0} for any) makes an IPv4
     *     socket that may send to 255.255.255.255 (SO_BROADCAST) and joins no groups (a DHCP server's socket)
     * @param port the local port (0 for any; ignored for ICMPv6)
     * @param device the interface to bind to (SO_BINDTODEVICE), or null for all
     * @param multicastHops the hop limit of multicast datagrams sent
     * @param multicastLoop whether our own multicast datagrams are looped back to us
     */
    record Options(IpAddress bind, int port, String device, int multicastHops, boolean multicastLoop) {
        /** Bound to [::]:port on every interface, multicast hop limit 1, no loop-back. */
        public static Options any(int port) {
            return new Options(IpAddress.V6_UNSPECIFIED, port, null, 1, false);
        }
    }

    /** Joins a multicast group on one interface. */
    void join(IpAddress group, int ifindex);

    /** Leaves it (nothing happens when not joined). */
    void leave(IpAddress group, int ifindex);

    /**
     * Sends a datagram, leaving through interface {@code ifindex} (0: as the routing table says). Never blocks;
     * returns false when it was dropped (counted by the host).
     */
    boolean send(IpAddress destination, int port, int ifindex, byte[] data);

    /** The local port, once bound. */
    int localPort();

    @Override
    void close();
}
