package org.jbabel.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.jbabel.extension.Network.PacketDevice;
import org.jbabel.kernel.Errno;

/**
 * {@link org.jbabel.extension.Network#bulkTun}: the veth pair {@code NAME} / {@code NAME-io}. {@code NAME} is the
 * kernel's side: routes lead into it, it has no ARP or neighbour discovery (frames leave it for its own MAC), and its
 * transmit checksumming is off, so the kernel completes every checksum and segments every GSO packet before one
 * leaves it. {@code NAME-io} is ours: an AF_PACKET socket (SOCK_DGRAM, every protocol, our own sends not looped
 * back) reads what the kernel sent into {@code NAME} with recvmmsg and writes into {@code NAME}, addressed to its
 * MAC, with sendmmsg, {@value #BATCH} packets a call. A TUN device costs two system calls per packet (a read, a
 * write); this one a fraction of one under load, which is what a translator's throughput is made of.
 *
 * <p>Each read becomes one task for the executor that hands its packets to the receiver in order; writes made while
 * such a task runs are queued (the task sends them when it ends, or when {@value #BATCH} wait), other writes go at
 * once. A veth pair outlives the process that made it: a pair left by a crashed run is deleted before the new one is
 * made (by the name {@code NAME-io}), and {@link #close} deletes it.
 */
final class LinuxBulkDevice extends PolledFd implements PacketDevice {

    /** Packets per recvmmsg or sendmmsg. */
    static final int BATCH = 64;
    private static final int MMSGHDR = 64;
    private static final int MSGHDR = 56;
    private static final int IOVEC = 16;
    private static final int SOCKADDR_LL = 20;
    private static final int SOL_PACKET = 263;
    private static final int PACKET_QDISC_BYPASS = 20;
    private static final int PACKET_IGNORE_OUTGOING = 23;
    private static final int ETH_P_ALL = 0x0003;
    private static final int ETH_P_IP = 0x0800;
    private static final int ETH_P_IPV6 = 0x86DD;
    private static final long SIOCGIFHWADDR = 0x8927;
    private static final long SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_STXCSUM = 0x17;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ = 40;
    /** The socket's receive buffer: a few ms of packets at line rate while the loop is busy. */
    private static final int RECEIVE_BUFFER = 4 << 20;
    private static final int ANSWER_TIMEOUT_MILLIS = 5_000;

    private final String name;
    private final String peer;
    private final int ifindex;
    private final int slot;
    private final Consumer<byte[]> receiver;
    /** Opened in the device's namespace, for deleting the pair at close from whichever thread closes it. */
    private final NetlinkSocket nl;
    private final MemorySegment rxVec;
    private final MemorySegment rxNames;
    private final MemorySegment rxData;
    private final MemorySegment txVec;
    private final MemorySegment txIov;
    private final MemorySegment txData;
    private final MemorySegment toV4;
    private final MemorySegment toV6;
    /** Guarded by this: packets queued in {@link #txVec}. */
    private int queued;
    /** Guarded by this: a batch of received packets is being delivered, so writes wait for its end. */
    private boolean holding;

    private LinuxBulkDevice(int fd, IoCounters counters, NetlinkSocket nl, String name, String peer, int ifindex,
            int peerIndex, byte[] mac, int mtu, Consumer<byte[]> receiver) {
        super(fd, counters);
        this.nl = nl;
        this.name = name;
        this.peer = peer;
        this.ifindex = ifindex;
        this.receiver = receiver;
        this.slot = (mtu + 7) & ~7;
        rxVec = arena.allocate((long) MMSGHDR * BATCH, 8);
        MemorySegment rxIov = arena.allocate((long) IOVEC * BATCH, 8);
        rxNames = arena.allocate((long) SOCKADDR_LL * BATCH, 8);
        // one byte more than the MTU: a longer packet is seen as truncated instead of passing as a whole one
        rxData = arena.allocate((long) (slot + 8) * BATCH, 8);
        txVec = arena.allocate((long) MMSGHDR * BATCH, 8);
        txIov = arena.allocate((long) IOVEC * BATCH, 8);
        txData = arena.allocate((long) slot * BATCH, 8);
        toV4 = linkAddress(arena, peerIndex, ETH_P_IP, mac);
        toV6 = linkAddress(arena, peerIndex, ETH_P_IPV6, mac);
        for (int i = 0; i < BATCH; i++) {
            MemorySegment iov = rxIov.asSlice((long) IOVEC * i, IOVEC);
            iov.set(ADDRESS, 0, rxData.asSlice((long) (slot + 8) * i, slot + 8));
            iov.set(JAVA_LONG, 8, slot + 8);
            MemorySegment h = rxVec.asSlice((long) MMSGHDR * i, MMSGHDR);
            h.set(ADDRESS, 0, rxNames.asSlice((long) SOCKADDR_LL * i, SOCKADDR_LL));
            h.set(ADDRESS, 16, iov);
            h.set(JAVA_LONG, 24, 1L);
            MemorySegment tiov = txIov.asSlice((long) IOVEC * i, IOVEC);
            tiov.set(ADDRESS, 0, txData.asSlice((long) slot * i, slot));
            MemorySegment t = txVec.asSlice((long) MMSGHDR * i, MMSGHDR);
            t.set(JAVA_INT, 8, SOCKADDR_LL);
            t.set(ADDRESS, 16, tiov);
            t.set(JAVA_LONG, 24, 1L);
        }
    }

    private static MemorySegment linkAddress(Arena arena, int ifindex, int protocol, byte[] mac) {
        MemorySegment a = arena.allocate(SOCKADDR_LL, 8);
        a.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
        a.set(LinuxUdpSocket.PORT, 2, (short) protocol);
        a.set(JAVA_INT, 4, ifindex);
        if (mac != null) {
            a.set(JAVA_BYTE, 11, (byte) 6);
            MemorySegment.copy(mac, 0, a, JAVA_BYTE, 12, 6);
        }
        return a;
    }

    /** The name of the far end of the device {@code name}. */
    static String peerName(String name) {
        return (name.length() > IFNAMSIZ - 4 ? name.substring(0, IFNAMSIZ - 4) : name) + "-io";
    }

    /** Makes the pair, sets it up and opens the socket, in the calling thread's namespace; not yet polled. */
    static LinuxBulkDevice open(IoCounters counters, String name, int mtu, Consumer<byte[]> receiver)
            throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length == 0 || nameBytes.length >= IFNAMSIZ || name.contains("/") || name.contains(" ")) {
            throw new IOException("not an interface name: '" + name + "'");
        }
        if (mtu < 68 || mtu > 65_535) {
            throw new IOException("MTU out of range: " + mtu);
        }
        String peer = peerName(name);
        NetlinkCounters nlCounters = new NetlinkCounters();
        NetlinkSocket nl = new NetlinkSocket(0, 0);
        int fd = -1;
        try (Arena arena = Arena.ofConfined()) {
            nl.request("delete a veth pair left by an earlier run (" + peer + ")",
                    message(b -> RtnlCodec.writeDeleteLink(b, peer, 1)), 1, x -> x == Errno.ENODEV, nlCounters,
                    ANSWER_TIMEOUT_MILLIS);
            nl.request("create the veth pair " + name + " / " + peer,
                    message(b -> RtnlCodec.writeNewVeth(b, name, peer, mtu, 2)), 2, x -> false, nlCounters,
                    ANSWER_TIMEOUT_MILLIS);
            Libc.Errno e = new Libc.Errno(arena);
            try {
                int ifindex = Libc.ifNameToIndex(e, arena.allocateFrom(name));
                int peerIndex = Libc.ifNameToIndex(e, arena.allocateFrom(peer));
                if (ifindex == 0 || peerIndex == 0) {
                    throw new IOException("the veth pair " + name + " / " + peer + " vanished");
                }
                nl.request("turn address generation off on " + peer,
                        message(b -> RtnlCodec.writeAddressGenerationOff(b, peerIndex, 3)), 3, x -> false,
                        nlCounters, ANSWER_TIMEOUT_MILLIS);
                byte[] mac = prepare(e, arena, name);
                for (int i : new int[] {peerIndex, ifindex}) {
                    nl.request("bring " + i + " up", message(b -> RtnlCodec.writeLinkUp(b, i, 4)), 4, x -> false,
                            nlCounters, ANSWER_TIMEOUT_MILLIS);
                }
                fd = Libc.socket(e, Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
                if (fd < 0) {
                    throw new IOException("cannot open a packet socket: " + Errno.name(e.get()));
                }
                LinuxBulkDevice d = new LinuxBulkDevice(fd, counters, nl, name, peer, ifindex, peerIndex, mac, mtu,
                        receiver);
                fd = -1; // the device's now: its close closes it, deletes the pair and closes nl
                try {
                    d.bind(peerIndex);
                    return d;
                } catch (IOException | RuntimeException ex) {
                    d.close();
                    throw ex;
                }
            } catch (IOException | RuntimeException ex) {
                if (fd >= 0) {
                    Libc.close(e, fd);
                }
                throw ex;
            }
        } catch (IOException | RuntimeException ex) {
            deletePair(nl, peer);
            nl.close();
            throw ex;
        }
    }

    private static java.nio.ByteBuffer message(Consumer<MessageBuilder> write) {
        MessageBuilder b = new MessageBuilder();
        write.accept(b);
        return b.take();
    }

    /** Turns transmit checksumming of {@code name} off and returns its MAC. */
    private static byte[] prepare(Libc.Errno e, Arena arena, String name) throws IOException {
        int s = Libc.socket(e, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (s < 0) {
            throw new IOException("cannot open a socket to configure " + name + ": " + Errno.name(e.get()));
        }
        try {
            MemorySegment ifr = arena.allocate(IFREQ, 8);
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(n, 0, ifr, JAVA_BYTE, 0, n.length);
            MemorySegment value = arena.allocate(8, 8);
            value.set(JAVA_INT, 0, ETHTOOL_STXCSUM);
            value.set(JAVA_INT, 4, 0);
            ifr.set(ADDRESS, IFNAMSIZ, value);
            if (Libc.ioctl(e, s, SIOCETHTOOL, ifr) < 0) {
                throw new IOException("cannot turn transmit checksumming off on " + name + ": " + Errno.name(e.get()));
            }
            ifr.asSlice(IFNAMSIZ).fill((byte) 0);
            if (Libc.ioctl(e, s, SIOCGIFHWADDR, ifr) < 0) {
                throw new IOException("cannot read the MAC of " + name + ": " + Errno.name(e.get()));
            }
            return ifr.asSlice(IFNAMSIZ + 2, 6).toArray(JAVA_BYTE);
        } finally {
            Libc.close(e, s);
        }
    }

    private void bind(int peerIndex) throws IOException {
        option(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
        option(SOL_PACKET, PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
        option(Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, RECEIVE_BUFFER, "SO_RCVBUFFORCE");
        if (Libc.bind(errno, fd, linkAddress(arena, peerIndex, ETH_P_ALL, null)) < 0) {
            throw new IOException("cannot bind the packet socket to " + peer + ": " + Errno.name(errno.get()));
        }
    }

    private void option(int level, int option, int value, String what) throws IOException {
        MemorySegment v = arena.allocate(JAVA_INT);
        v.set(JAVA_INT, 0, value);
        if (Libc.setsockopt(errno, fd, level, option, v) < 0) {
            throw new IOException("cannot set " + what + " on the socket of " + name + ": " + Errno.name(errno.get()));
        }
    }

    private static void deletePair(NetlinkSocket nl, String peer) {
        try {
            nl.request("delete the veth pair of " + peer, message(b -> RtnlCodec.writeDeleteLink(b, peer, 5)), 5,
                    e -> e == Errno.ENODEV, new NetlinkCounters(), ANSWER_TIMEOUT_MILLIS);
        } catch (IOException | RuntimeException e) {
            // deleted on the next start, or gone with the namespace
        }
    }

    @Override
    int maxPending() {
        return Math.max(1, FdPoller.MAX_PENDING / BATCH);
    }

    @Override
    Runnable receive(FdPoller.Buffers b) {
        for (int i = 0; i < BATCH; i++) {
            rxVec.set(JAVA_INT, (long) MMSGHDR * i + 8, SOCKADDR_LL);
        }
        int n = Libc.recvmmsg(errno, fd, rxVec, BATCH, Libc.MSG_DONTWAIT);
        if (n < 0) {
            return failed(errno.get());
        }
        errorsInRow = 0;
        byte[][] packets = new byte[n][];
        int count = 0;
        for (int i = 0; i < n; i++) {
            long h = (long) MMSGHDR * i;
            int length = rxVec.get(JAVA_INT, h + MSGHDR);
            if ((rxVec.get(JAVA_INT, h + 48) & Libc.MSG_TRUNC) != 0 || length > slot) {
                counters.count(IoCounters.Kind.RECEIVE_TRUNCATED);
                continue;
            }
            int protocol = Short.toUnsignedInt(rxNames.get(LinuxUdpSocket.PORT, (long) SOCKADDR_LL * i + 2));
            if (protocol != ETH_P_IP && protocol != ETH_P_IPV6) {
                continue; // not IP: a TUN device would not have carried it either
            }
            packets[count++] = rxData.asSlice((long) (slot + 8) * i, length).toArray(JAVA_BYTE);
        }
        if (count == 0) {
            return DROPPED;
        }
        int delivered = count;
        return () -> deliver(packets, delivered);
    }

    /** On the executor: the packets of one read to the receiver, the writes they cause sent together at the end. */
    private void deliver(byte[][] packets, int count) {
        synchronized (this) {
            holding = true;
        }
        RuntimeException failure = null;
        try {
            for (int i = 0; i < count; i++) {
                try {
                    receiver.accept(packets[i]);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        } finally {
            synchronized (this) {
                holding = false;
                flush();
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int ifindex() {
        return ifindex;
    }

    @Override
    public boolean write(byte[] packet) {
        return write(packet, 0, packet.length);
    }

    @Override
    public synchronized boolean write(byte[] buffer, int offset, int length) {
        int version = length > 0 ? (buffer[offset] & 0xf0) >>> 4 : 0;
        if (isClosed() || length > slot || (version != 4 && version != 6)) {
            counters.count(IoCounters.Kind.SEND_ERROR);
            return false;
        }
        long h = (long) MMSGHDR * queued;
        MemorySegment.copy(buffer, offset, txData, JAVA_BYTE, (long) slot * queued, length);
        txVec.set(ADDRESS, h, version == 4 ? toV4 : toV6);
        txIov.set(JAVA_LONG, (long) IOVEC * queued + 8, length);
        queued++;
        if (holding && queued < BATCH) {
            return true;
        }
        return flush();
    }

    /** Under the lock: sends what is queued; a packet the kernel refuses is counted and the rest still go. */
    private boolean flush() {
        boolean all = true;
        int sent = 0;
        while (sent < queued && !isClosed()) {
            int n = Libc.sendmmsg(errno, fd, txVec.asSlice((long) MMSGHDR * sent), queued - sent, Libc.MSG_DONTWAIT);
            if (n > 0) {
                sent += n;
                continue;
            }
            int e = errno.get();
            if (n < 0 && e == Errno.EINTR) {
                continue;
            }
            if (e == Errno.EAGAIN || e == Errno.ENOBUFS) {
                counters.count(IoCounters.Kind.SEND_DROPPED);
            } else {
                counters.count(IoCounters.Kind.SEND_ERROR);
            }
            all = false;
            sent++;
        }
        queued = 0;
        return all;
    }

    @Override
    void closeDescriptor() {
        super.closeDescriptor();
        deletePair(nl, peer);
        nl.close();
    }

    @Override
    public String toString() {
        return "bulk device " + name + " (" + ifindex + ", far end " + peer + ")";
    }
}
