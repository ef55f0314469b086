package org.jbabel.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;

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
     * Babel's own socket: a UDP socket as {@code options} says, sending with traffic class {@code trafficClass},
     * its receive buffer forced to {@code receiveBuffer} bytes with SO_RCVBUFFORCE (asked for with SO_RCVBUF, so
     * capped at net.core.rmem_max, without CAP_NET_ADMIN).
     */
    public BabelUdp babelUdp(UdpSocket.Options options, int trafficClass, int receiveBuffer,
            Consumer<Datagram> receiver) throws IOException {
        LinuxUdpSocket s = LinuxUdpSocket.udp(poller.counters(), options, receiver, maxDatagram);
        try {
            s.trafficClass(trafficClass);
            if (!s.forceReceiveBuffer(receiveBuffer)) {
                s.option(Libc.SOL_SOCKET, Libc.SO_RCVBUF, receiveBuffer, "SO_RCVBUF");
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        LinuxUdpSocket added = add(s);
        return new BabelUdp(added, added::receiveBufferSize);
    }

    /** A socket of {@link #babelUdp} and its receive buffer size as the kernel reports it. */
    public record BabelUdp(UdpSocket socket, java.util.function.IntSupplier receiveBufferSize) {}

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
