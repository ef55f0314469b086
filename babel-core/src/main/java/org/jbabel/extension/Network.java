package org.jbabel.extension;

import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;
import org.jbabel.wire.IpAddress;

/**
 * Sockets and devices for an extension. Receivers are called on the host's thread with data the host owns no more;
 * sends never block (a datagram the kernel cannot take at once is dropped and counted). In the daemon these are
 * Linux sockets and devices (package {@code linux}, over FFM); in the simulator they travel over the simulated
 * links.
 */
public interface Network {

    /** Opens a UDP socket. */
    UdpSocket udp(UdpSocket.Options options, Consumer<Datagram> receiver) throws IOException;

    /**
     * Creates (or attaches to) a layer-3 TUN device without packet information: each received element is one whole
     * IP packet the kernel routed into the device. The device is set up with the MTU and brought up.
     */
    PacketDevice tun(String name, int mtu, Consumer<byte[]> receiver) throws IOException;

    /**
     * A layer-3 device for bulk traffic, used as a {@link #tun}: routes lead into the interface {@code name}, each
     * received element is one whole IPv4 or IPv6 packet the kernel sent into it, and a written packet comes out of
     * it as if received there. Packets are read and written in batches: a write made while a batch of this
     * device's packets is being delivered may be held until the batch is done (its failure is then counted, not
     * returned). On Linux it is a veth pair read and written through an AF_PACKET socket on its far end, up to 64
     * packets per system call (docs/XLAT.md "Throughput"); elsewhere it is {@link #tun}.
     */
    default PacketDevice bulkTun(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
        return tun(name, mtu, receiver);
    }

    /** The same for a layer-2 TAP device: whole Ethernet frames. */
    PacketDevice tap(String name, int mtu, Consumer<byte[]> receiver) throws IOException;

    /**
     * Opens an AF_PACKET socket of type SOCK_DGRAM on one interface for one ethertype (0x0806 ARP, 0x86DD IPv6),
     * with an optional classic BPF program (8 bytes per instruction, as {@code struct sock_filter}; null for
     * none). Received elements are the network-layer payloads with the sender's hardware address.
     */
    LinkSocket packet(String ifname, int ethertype, byte[] bpfProgram, Consumer<LinkFrame> receiver)
            throws IOException;

    /**
     * Opens a raw ICMPv6 socket bound to one interface that receives only the given ICMPv6 types (ICMP6_FILTER);
     * sends use hop limit 255. Received datagrams carry the ICMPv6 message (type first) as data.
     */
    UdpSocket icmp6(String ifname, Set<Integer> types, Consumer<Datagram> receiver) throws IOException;

    /** A received link-layer payload: the sender's hardware address and the payload after the link header. */
    record LinkFrame(int ifindex, byte[] senderHardwareAddress, byte[] payload) {}

    /** An AF_PACKET socket. */
    interface LinkSocket extends AutoCloseable {
        /** Sends {@code payload} to the hardware address on the socket's interface; false when dropped. */
        boolean send(byte[] destinationHardwareAddress, byte[] payload);

        @Override
        void close();
    }

    /** A TUN or TAP device. */
    interface PacketDevice extends AutoCloseable {
        String name();

        int ifindex();

        /** Writes one whole packet (frame); false when the kernel refused or had no room (counted). */
        boolean write(byte[] packet);

        /** Writes the packet (frame) {@code buffer[offset, offset+length)}, as {@link #write(byte[])}. */
        default boolean write(byte[] buffer, int offset, int length) {
            return write(java.util.Arrays.copyOfRange(buffer, offset, offset + length));
        }

        @Override
        void close();
    }

    /**
     * A received datagram.
     *
     * @param source the sender's address
     * @param sourcePort the sender's port (0 for ICMPv6)
     * @param destination the address it was sent to, from IPV6_PKTINFO (a group for multicast)
     * @param ifindex the interface it came in on, from IPV6_PKTINFO
     * @param data the payload
     */
    record Datagram(IpAddress source, int sourcePort, IpAddress destination, int ifindex, byte[] data) {}
}
