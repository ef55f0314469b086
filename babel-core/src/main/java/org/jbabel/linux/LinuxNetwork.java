package org.jbabel.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.wire.IpAddress;

/**
 * The daemon's {@link Network}: Linux sockets and devices over FFM, read by one {@link FdPoller} thread and handed to
 * the executor (the daemon's event loop), written directly by the caller without blocking. Sockets and devices are
 * made in the network namespace of the calling thread. {@link #close} closes everything opened through it.
 */
public final class LinuxNetwork implements Network, AutoCloseable {

    private final FdPoller poller;
    private final boolean ownsPoller;
    private final int maxDatagram;
    private final List<PolledFd> opened = new ArrayList<>();

    /** A network with a poller of its own (closed with it); receivers run on {@code executor}. */
    public LinuxNetwork(Executor executor, IoCounters counters) {
        this(new FdPoller(executor, counters), true, FdPoller.MAX_ITEM);
    }

    /** A network on a shared poller (for one extension each, say); closing it leaves the poller running. */
    public LinuxNetwork(FdPoller poller) {
        this(poller, false, FdPoller.MAX_ITEM);
    }

    /** As above, taking datagrams of at most {@code maxDatagram} bytes (longer ones are counted and dropped). */
    LinuxNetwork(FdPoller poller, boolean ownsPoller, int maxDatagram) {
        this.poller = poller;
        this.ownsPoller = ownsPoller;
        this.maxDatagram = maxDatagram;
    }

    public FdPoller poller() {
        return poller;
    }

    public IoCounters counters() {
        return poller.counters();
    }

    @Override
    public UdpSocket udp(UdpSocket.Options options, Consumer<Datagram> receiver) throws IOException {
        return add(LinuxUdpSocket.udp(poller.counters(), options, receiver, maxDatagram));
    }

    /**
     * Babel's socket on one interface: bound to [::]:{@code port} with SO_REUSEADDR and to interface
     * {@code ifindex} (SO_BINDTOIFINDEX), so it receives only what arrives there and sends only there; multicast
     * hop limit 1 without loop-back, traffic class {@code trafficClass}, receive buffer {@code receiveBuffer} bytes
     * ({@link BabelUdp#receiveBuffer}).
     */
    public BabelUdp babelUdp(int ifindex, int port, int trafficClass, int receiveBuffer,
            Consumer<Datagram> receiver) throws IOException {
        LinuxUdpSocket s = LinuxUdpSocket.udp(poller.counters(), UdpSocket.Options.any(port), ifindex, receiver,
                maxDatagram);
        try {
            s.trafficClass(trafficClass);
            s.receiveBuffer(receiveBuffer);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return new BabelUdp(add(s), ifindex);
    }

    /** A socket of {@link #babelUdp}: Babel on one interface. */
    public static final class BabelUdp implements AutoCloseable {
        private final LinuxUdpSocket socket;
        private final int ifindex;

        private BabelUdp(LinuxUdpSocket socket, int ifindex) {
            this.socket = socket;
            this.ifindex = ifindex;
        }

        /** Joins {@code group} on the socket's interface (a refusal is counted in {@code join_failed}). */
        public void join(IpAddress group) {
            socket.join(group, ifindex);
        }

        /** Sends without waiting; false when dropped (counted). */
        public boolean send(IpAddress destination, int port, byte[] payload) {
            return socket.send(destination, port, ifindex, payload);
        }

        /**
         * Sets the receive buffer: forced with SO_RCVBUFFORCE, which ignores net.core.rmem_max but needs
         * CAP_NET_ADMIN; without it asked for with SO_RCVBUF, so capped at net.core.rmem_max.
         */
        public void receiveBuffer(int bytes) throws IOException {
            socket.receiveBuffer(bytes);
        }

        /** The receive buffer as the kernel reports it (twice what was set, for its bookkeeping); -1 when closed. */
        public int receiveBufferSize() {
            return socket.receiveBufferSize();
        }

        /** What the kernel dropped on this socket since it was opened (its receive buffer full); -1 when closed. */
        public long kernelDrops() {
            return socket.kernelDrops();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Override
    public PacketDevice tun(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
        return add(LinuxPacketDevice.open(poller.counters(), name, false, mtu, receiver));
    }

    @Override
    public PacketDevice bulkTun(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
        return add(LinuxBulkDevice.open(poller.counters(), name, mtu, receiver));
    }

    @Override
    public PacketDevice tap(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
        return add(LinuxPacketDevice.open(poller.counters(), name, true, mtu, receiver));
    }

    @Override
    public LinkSocket packet(String ifname, int ethertype, byte[] bpfProgram, Consumer<LinkFrame> receiver)
            throws IOException {
        return add(LinuxLinkSocket.open(poller.counters(), ifname, ethertype, bpfProgram, receiver));
    }

    @Override
    public UdpSocket icmp6(String ifname, Set<Integer> types, Consumer<Datagram> receiver) throws IOException {
        return add(LinuxUdpSocket.icmp6(poller.counters(), ifname, types, receiver, maxDatagram));
    }

    private <T extends PolledFd> T add(T fd) {
        synchronized (opened) {
            opened.removeIf(PolledFd::isClosed);
            opened.add(fd);
        }
        return poller.register(fd);
    }

    /** Closes every socket and device opened through this network (and its poller, when it is its own). */
    @Override
    public void close() {
        List<PolledFd> all;
        synchronized (opened) {
            all = new ArrayList<>(opened);
            opened.clear();
        }
        all.forEach(PolledFd::close);
        if (ownsPoller) {
            poller.close();
        }
    }
}
