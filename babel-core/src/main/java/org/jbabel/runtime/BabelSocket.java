package org.jbabel.runtime;

import java.io.IOException;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.jbabel.extension.Network.Datagram;
import org.jbabel.linux.IoCounters;
import org.jbabel.linux.LinuxNetwork;
import org.jbabel.wire.IpAddress;

/**
 * Babel's UDP sockets, over FFM ({@link LinuxNetwork#babelUdp}): one per interface Babel runs on, bound to
 * [::]:6696 with {@code SO_REUSEADDR} and to its interface, joined to the Babel group there only, opened when Babel
 * starts running on the interface and closed when it stops. The kernel gives each socket what arrives on its own
 * interface, multicast and unicast (to a link-local or global address of ours alike), so a flood on one interface
 * fills that interface's receive buffer and no other. There is no socket for interfaces Babel does not run on: a
 * datagram to port 6696 there finds no socket (the kernel counts it, and answers port unreachable, rate-limited).
 * Multicast loop off, multicast hop limit 1, unicast hop limit the kernel's default, traffic class 0xC0 (CS6).
 *
 * <p>The receive buffers share {@value #RECEIVE_BUFFERS} bytes evenly, each at least {@value #MIN_RECEIVE_BUFFER}
 * (so the total is bounded by {@value #RECEIVE_BUFFERS} up to eight interfaces, by {@value #MIN_RECEIVE_BUFFER} per
 * interface beyond); they are set again whenever an interface's socket opens or closes. Forced with
 * {@code SO_RCVBUFFORCE} (root, or CAP_NET_ADMIN; without it asked for with {@code SO_RCVBUF}, capped at
 * {@code net.core.rmem_max}).
 *
 * <p>Every datagram comes with its destination address and the interface it came in on from {@code IPV6_PKTINFO}
 * (recvmsg): the group for multicast, our own address for unicast. A datagram leaves through its interface's own
 * socket. Sends never block: sendmsg hands the datagram to the kernel before {@link #send} returns (a datagram the
 * kernel has no room for is counted in {@code send_dropped}).
 *
 * <p>The sockets are read by one poller thread, which serves each in turn (at most 64 datagrams of one per turn,
 * and none while 1,024 of one wait for the loop) and hands each datagram to the receiver on the daemon's event
 * loop. Every method runs on that loop except {@link #open} and {@link #close}.
 */
public final class BabelSocket implements Transport {

    /** The receive buffers of all interfaces together (up to eight interfaces). */
    static final int RECEIVE_BUFFERS = 8 << 20;
    /** The smallest receive buffer of one interface. */
    static final int MIN_RECEIVE_BUFFER = 1 << 20;
    private static final int TRAFFIC_CLASS = 0xC0;

    /** An interface's socket and its name (for the counters and the description). */
    private record Interface(String name, LinuxNetwork.BabelUdp socket) {}

    private final LinuxNetwork network;
    private final Receiver receiver;
    private final IpAddress group;
    private final int port;
    private final Map<Integer, Interface> sockets = new TreeMap<>();
    /** The kernel's drops on the sockets already closed. */
    private long closedKernelDrops;
    /** Datagrams for an interface whose socket could not be opened. */
    private long sentWithoutSocket;

    private BabelSocket(LinuxNetwork network, IpAddress group, int port, Receiver receiver) {
        this.network = network;
        this.group = group;
        this.port = port;
        this.receiver = receiver;
    }

    /**
     * Starts the poller for the sockets to come; each is made in the network namespace of the thread that calls
     * {@link #interfaceUp} (the daemon's loop, in the daemon's namespace). Datagrams are handed to {@code receiver}
     * on {@code loop}.
     */
    public static BabelSocket open(Executor loop, IpAddress protocolGroup, int port, Receiver receiver) {
        return new BabelSocket(new LinuxNetwork(loop, new IoCounters()), protocolGroup, port, receiver);
    }

    @Override
    public String description() {
        StringJoiner each = new StringJoiner(", ", ": ", "").setEmptyValue("");
        sockets.values().forEach(i -> each.add(i.name() + " " + i.socket().receiveBufferSize()));
        return "UDP port " + port + " with IPV6_PKTINFO, one socket per interface, receive buffers "
                + RECEIVE_BUFFERS + " bytes shared (at least " + MIN_RECEIVE_BUFFER + " each)" + each;
    }

    /** The receive buffer of an interface's socket as the kernel reports it (twice what was set); -1 without. */
    int receiveBufferSize(int ifindex) {
        Interface i = sockets.get(ifindex);
        return i == null ? -1 : i.socket().receiveBufferSize();
    }

    /** The receive buffer each of {@code count} interfaces gets. */
    static int share(int count) {
        return Math.max(MIN_RECEIVE_BUFFER, RECEIVE_BUFFERS / Math.max(1, count));
    }

    /**
     * Babel runs on an interface: its socket is opened and joined to the group there, unless it is open already. A
     * refused join is counted in {@code join_failed} (unicast still works).
     *
     * @throws IOException when the socket cannot be opened (nothing is received or sent there then)
     */
    @Override
    public void interfaceUp(int ifindex, String ifname) throws IOException {
        if (sockets.containsKey(ifindex)) {
            return;
        }
        LinuxNetwork.BabelUdp s = network.babelUdp(ifindex, port, TRAFFIC_CLASS, share(sockets.size() + 1),
                (Datagram d) -> receiver.received(d.ifindex(), d.source(), d.destination(), d.data()));
        s.join(group);
        sockets.put(ifindex, new Interface(ifname, s));
        shareReceiveBuffers();
    }

    /** Babel stops on an interface (or the kernel deleted it): its socket is closed. */
    @Override
    public void interfaceDown(int ifindex) {
        Interface i = sockets.remove(ifindex);
        if (i != null) {
            closedKernelDrops += Math.max(0, i.socket().kernelDrops());
            i.socket().close();
            shareReceiveBuffers();
        }
    }

    private void shareReceiveBuffers() {
        int each = share(sockets.size());
        for (Interface i : sockets.values()) {
            try {
                i.socket().receiveBuffer(each);
            } catch (IOException e) {
                // the kernel keeps the size it had: a bound all the same
            }
        }
    }

    /** Sends one datagram to {@code destination} out of interface {@code ifindex}, without waiting. */
    @Override
    public void send(int ifindex, IpAddress destination, byte[] payload) {
        Interface i = sockets.get(ifindex);
        if (i == null) {
            sentWithoutSocket++;
            return;
        }
        i.socket().send(destination, port, payload);
    }

    /**
     * Socket counters by name: the {@link IoCounters} kinds ({@code send_error}, {@code send_dropped},
     * {@code join_failed}, {@code receive_truncated} ...) over all sockets, {@code send_no_socket} (datagrams for
     * an interface whose socket could not be opened), {@code kernel_dropped} (what the kernel
     * dropped on Babel's sockets, open and closed, mostly for want of room in a receive buffer) and
     * {@code kernel_dropped.IFNAME} for each open socket (since it opened).
     */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> all = new TreeMap<>(network.counters().snapshot());
        long total = closedKernelDrops;
        for (Interface i : sockets.values()) {
            long drops = Math.max(0, i.socket().kernelDrops());
            all.put("kernel_dropped." + i.name(), drops);
            total += drops;
        }
        all.put("kernel_dropped", total);
        all.put("send_no_socket", sentWithoutSocket);
        return all;
    }

    @Override
    public void close() {
        network.close();
    }
}
