package org.jbabel.runtime;

import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.jbabel.extension.Network.Datagram;
import org.jbabel.extension.UdpSocket;
import org.jbabel.linux.IoCounters;
import org.jbabel.linux.LinuxNetwork;
import org.jbabel.wire.IpAddress;

/**
 * Babel's UDP socket, over FFM ({@link LinuxNetwork}): one socket bound to [::]:6696 with {@code SO_REUSEADDR},
 * joined to the Babel group on every interface Babel runs on; multicast loop off, multicast hop limit 1, unicast
 * hop limit the kernel's default, traffic class 0xC0 (CS6), receive buffer {@value #RECEIVE_BUFFER} bytes forced
 * with {@code SO_RCVBUFFORCE} (root, or CAP_NET_ADMIN; without it asked for with {@code SO_RCVBUF}, capped at
 * {@code net.core.rmem_max}).
 *
 * <p>Every datagram comes with its destination address and the interface it came in on from {@code IPV6_PKTINFO}
 * (recvmsg): the group for multicast, our own address (link-local or global) for unicast, so a datagram to a global
 * address of ours is never taken as multicast. A datagram leaves through a chosen interface by an
 * {@code IPV6_PKTINFO} on its sendmsg. Sends never block: sendmsg hands the datagram to the kernel before
 * {@link #send} returns (a datagram the kernel has no room for is counted in {@code send_dropped}).
 *
 * <p>The socket is read by its own poller thread, which drains every queued datagram per wake-up and hands each to
 * the receiver on the daemon's event loop. Every method runs on that loop except {@link #open} and {@link #close}.
 */
public final class BabelSocket implements Transport {

    /** The receive buffer asked for. */
    static final int RECEIVE_BUFFER = 8 << 20;
    private static final int TRAFFIC_CLASS = 0xC0;

    private final LinuxNetwork network;
    private final UdpSocket socket;
    private final java.util.function.IntSupplier receiveBufferSize;
    private final IpAddress group;
    private final int port;
    private final Set<Integer> joined = new HashSet<>();

    private BabelSocket(LinuxNetwork network, LinuxNetwork.BabelUdp udp, IpAddress group, int port) {
        this.network = network;
        this.socket = udp.socket();
        this.receiveBufferSize = udp.receiveBufferSize();
        this.group = group;
        this.port = port;
    }

    /**
     * Binds the socket in the calling thread's network namespace. Datagrams are handed to {@code receiver} on
     * {@code loop}.
     *
     * @throws IOException when the port cannot be bound
     */
    public static BabelSocket open(Executor loop, IpAddress protocolGroup, int port, Receiver receiver)
            throws IOException {
        LinuxNetwork network = new LinuxNetwork(loop, new IoCounters());
        try {
            LinuxNetwork.BabelUdp udp = network.babelUdp(UdpSocket.Options.any(port), TRAFFIC_CLASS, RECEIVE_BUFFER,
                    (Datagram d) -> receiver.received(d.ifindex(), d.source(), d.destination(), d.data()));
            return new BabelSocket(network, udp, protocolGroup, port);
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    @Override
    public String description() {
        return "UDP port " + port + " with IPV6_PKTINFO, receive buffer " + receiveBufferSize() + " bytes";
    }

    /** The receive buffer as the kernel reports it (twice what was set, for its bookkeeping). */
    public int receiveBufferSize() {
        return receiveBufferSize.getAsInt();
    }

    /**
     * Babel runs on an interface: joins the group there. A link that went down and up again may still be a member
     * (the kernel keeps a socket's membership across a link flap), which counts as joined; any other failure is
     * counted in {@code join_failed} and never escapes, so the interface still runs (unicast keeps working).
     */
    @Override
    public void interfaceUp(int ifindex) {
        if (joined.add(ifindex)) {
            socket.join(group, ifindex);
        }
    }

    /** Babel stops on an interface: leaves the group there (the kernel may have done so already). */
    @Override
    public void interfaceDown(int ifindex) {
        if (joined.remove(ifindex)) {
            socket.leave(group, ifindex);
        }
    }

    /** Forgets an interface the kernel deleted (its memberships went with it). */
    @Override
    public void forget(int ifindex) {
        joined.remove(ifindex);
    }

    /** Sends one datagram to {@code destination} out of interface {@code ifindex}, without waiting. */
    @Override
    public void send(int ifindex, IpAddress destination, byte[] payload) {
        socket.send(destination, port, ifindex, payload);
    }

    /** Socket counters by name ({@code send_error}, {@code send_dropped}, {@code join_failed}, {@code receive_truncated} ...). */
    @Override
    public Map<String, Long> counters() {
        return new TreeMap<>(network.counters().snapshot());
    }

    @Override
    public void close() {
        network.close();
    }
}
