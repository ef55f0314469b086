package org.jbabel.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.function.Consumer;
import org.jbabel.extension.Network.Datagram;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.Errno;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * An AF_INET6 datagram socket (UDP, or raw ICMPv6) served by an {@link FdPoller}: IPv6 only, IPV6_RECVPKTINFO on,
 * so each datagram comes with the address it was sent to and the interface it came in on; sends go out with
 * sendmsg(2), with an IPV6_PKTINFO naming the interface when one is asked for (and the interface as scope of a
 * link-local destination), without waiting.
 *
 * <p>A UDP socket bound to an IPv4 address is an AF_INET socket instead, with IP_PKTINFO for the same purpose and
 * SO_BROADCAST on, so it can send to 255.255.255.255 (a DHCP server's replies); it joins no groups.
 */
final class LinuxUdpSocket extends PolledFd implements UdpSocket {

    static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int SOCKADDR_IN6 = 28;
    private static final int SOCKADDR_IN = 16;
    /** CMSG_LEN(sizeof(struct in_pktinfo)) and CMSG_SPACE of it. */
    private static final int PKTINFO4_CMSG_LEN = 16 + 12;
    private static final int PKTINFO4_CMSG_SPACE = 16 + 16;
    private static final int IN6_PKTINFO = 20;
    /** CMSG_LEN(sizeof(struct in6_pktinfo)) and CMSG_SPACE of it. */
    private static final int PKTINFO_CMSG_LEN = 16 + IN6_PKTINFO;
    private static final int PKTINFO_CMSG_SPACE = 16 + 24;
    private static final int EADDRINUSE = 98;
    /** SO_MEMINFO's array of u32: its length and the index of the drop count (include/uapi/linux/sock_diag.h). */
    private static final int SK_MEMINFO_VARS = 9;
    private static final int SK_MEMINFO_DROPS = 8;

    private final Consumer<Datagram> receiver;
    private final boolean icmp;
    private final boolean v4;
    private final int limit;
    private final MemorySegment name = arena.allocate(SOCKADDR_IN6, 8);
    private final MemorySegment control = arena.allocate(PKTINFO_CMSG_SPACE, 8);
    private final MemorySegment msghdr = arena.allocate(56, 8);
    private final MemorySegment iovec = arena.allocate(16, 8);
    private final MemorySegment mreq = arena.allocate(20, 4);
    /** An int option's value and length, reused by every call (the arena lives as long as the socket). */
    private final MemorySegment intOption = arena.allocate(8, 4);
    private final MemorySegment meminfo = arena.allocate(4L * SK_MEMINFO_VARS + 4, 4);
    private MemorySegment data;
    private int localPort;

    private LinuxUdpSocket(int fd, IoCounters counters, Consumer<Datagram> receiver, boolean icmp, boolean v4,
            int limit) {
        super(fd, counters);
        this.receiver = receiver;
        this.icmp = icmp;
        this.v4 = v4;
        this.limit = limit;
    }

    /** Opens and binds a UDP socket as {@code o} says, not yet polled. In the calling thread's namespace. */
    static LinuxUdpSocket udp(IoCounters counters, Options o, Consumer<Datagram> receiver, int limit)
            throws IOException {
        return udp(counters, o, 0, receiver, limit);
    }

    /**
     * As above; a {@code deviceIndex} other than 0 binds the IPv6 socket to that interface by its index
     * (SO_BINDTOIFINDEX, Linux 5.0), in place of {@code o}'s device name: an interface renamed meanwhile cannot
     * make it another one's.
     */
    static LinuxUdpSocket udp(IoCounters counters, Options o, int deviceIndex, Consumer<Datagram> receiver,
            int limit) throws IOException {
        if (o.bind().family() == Family.V4) {
            return udp4(counters, o, receiver, limit);
        }
        LinuxUdpSocket s = open(counters, Libc.SOCK_DGRAM, 0, receiver, false, limit, "UDP");
        try {
            s.option(Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 1, "IPV6_V6ONLY");
            s.option(Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1, "SO_REUSEADDR");
            s.option(Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            int scope = 0;
            if (deviceIndex != 0) {
                s.option(Libc.SOL_SOCKET, Libc.SO_BINDTOIFINDEX, deviceIndex, "SO_BINDTOIFINDEX " + deviceIndex);
                scope = deviceIndex;
            } else if (o.device() != null) {
                s.bindToDevice(o.device());
                scope = s.ifindex(o.device());
            }
            s.option(Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, o.multicastHops(), "IPV6_MULTICAST_HOPS");
            s.option(Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, o.multicastLoop() ? 1 : 0, "IPV6_MULTICAST_LOOP");
            if (o.bind().isLinkLocal() && scope == 0) {
                throw new IOException("binding to the link-local " + o.bind() + " needs a device");
            }
            s.sockaddr(o.bind(), o.port(), o.bind().isLinkLocal() ? scope : 0);
            if (Libc.bind(s.errno, s.fd, s.name) < 0) {
                throw s.error("cannot bind UDP [" + o.bind() + "]:" + o.port());
            }
            s.localPort = s.boundPort();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The AF_INET variant of {@link #udp}: IP_PKTINFO, SO_BROADCAST, no multicast options. */
    private static LinuxUdpSocket udp4(IoCounters counters, Options o, Consumer<Datagram> receiver, int limit)
            throws IOException {
        Libc.Errno e = new Libc.Errno(java.lang.foreign.Arena.ofAuto());
        int fd = Libc.socket(e, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot open an IPv4 UDP socket: " + Errno.name(e.get()));
        }
        LinuxUdpSocket s = new LinuxUdpSocket(fd, counters, receiver, false, true, limit);
        try {
            s.option(Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1, "SO_REUSEADDR");
            s.option(Libc.SOL_SOCKET, Libc.SO_BROADCAST, 1, "SO_BROADCAST");
            s.option(Libc.IPPROTO_IP, Libc.IP_PKTINFO, 1, "IP_PKTINFO");
            if (o.device() != null) {
                s.bindToDevice(o.device());
            }
            s.sockaddr4(o.bind().v4Bits(), o.port());
            if (Libc.bind(s.errno, s.fd, s.name) < 0) {
                throw s.error("cannot bind UDP " + o.bind() + ":" + o.port());
            }
            s.localPort = s.boundPort();
            return s;
        } catch (IOException | RuntimeException ex) {
            s.close();
            throw ex;
        }
    }

    /**
     * Opens a raw ICMPv6 socket on one interface that takes only {@code types}; unicast and multicast hop limit
     * 255, our own multicast not looped back. In the calling thread's namespace.
     */
    static LinuxUdpSocket icmp6(IoCounters counters, String ifname, Set<Integer> types, Consumer<Datagram> receiver,
            int limit) throws IOException {
        for (int t : types) {
            if (t < 0 || t > 255) {
                throw new IllegalArgumentException("not an ICMPv6 type: " + t);
            }
        }
        LinuxUdpSocket s = open(counters, Libc.SOCK_RAW, Libc.IPPROTO_ICMPV6, receiver, true, limit, "ICMPv6");
        try {
            // struct icmp6_filter: a set bit blocks its type
            MemorySegment filter = s.arena.allocate(32, 4);
            filter.fill((byte) 0xFF);
            for (int t : types) {
                long word = 4L * (t >> 5);
                filter.set(JAVA_INT, word, filter.get(JAVA_INT, word) & ~(1 << (t & 31)));
            }
            if (Libc.setsockopt(s.errno, s.fd, Libc.IPPROTO_ICMPV6, Libc.ICMP6_FILTER, filter) < 0) {
                throw s.error("cannot set ICMP6_FILTER");
            }
            s.bindToDevice(ifname);
            s.option(Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS");
            s.option(Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS");
            s.option(Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
            s.option(Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static LinuxUdpSocket open(IoCounters counters, int type, int protocol, Consumer<Datagram> receiver,
            boolean icmp, int limit, String what) throws IOException {
        Libc.Errno e = new Libc.Errno(java.lang.foreign.Arena.ofAuto());
        int fd = Libc.socket(e, Libc.AF_INET6, type | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw new IOException("cannot open an " + what + " socket: " + Errno.name(e.get()));
        }
        return new LinuxUdpSocket(fd, counters, receiver, icmp, false, limit);
    }

    /** Sets the traffic class of what is sent (Babel's 0xC0). */
    void trafficClass(int value) throws IOException {
        option(Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, value, "IPV6_TCLASS");
    }

    /**
     * Sets the receive buffer: forced with SO_RCVBUFFORCE (needs CAP_NET_ADMIN), else asked for with SO_RCVBUF
     * (capped at net.core.rmem_max).
     */
    synchronized void receiveBuffer(int bytes) throws IOException {
        if (!isClosed() && !SocketOptions.forceReceiveBuffer(fd, bytes)) {
            option(Libc.SOL_SOCKET, Libc.SO_RCVBUF, bytes, "SO_RCVBUF");
        }
    }

    /** The receive buffer as the kernel reports it (twice what was set, for its bookkeeping); -1 on error. */
    synchronized int receiveBufferSize() {
        return isClosed() ? -1 : Libc.getsockoptInt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, intOption);
    }

    /**
     * The datagrams the kernel dropped on this socket since it was opened, mostly for want of room in its receive
     * buffer (the socket's {@code sk_drops}, read with SO_MEMINFO, Linux 4.12); -1 when closed or refused.
     */
    synchronized long kernelDrops() {
        if (isClosed()) {
            return -1;
        }
        MemorySegment info = meminfo.asSlice(0, 4L * SK_MEMINFO_VARS);
        MemorySegment length = meminfo.asSlice(4L * SK_MEMINFO_VARS);
        length.set(JAVA_INT, 0, (int) info.byteSize());
        if (Libc.getsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_MEMINFO, info, length) < 0
                || length.get(JAVA_INT, 0) <= 4 * SK_MEMINFO_DROPS) {
            return -1;
        }
        return Integer.toUnsignedLong(info.get(JAVA_INT, 4L * SK_MEMINFO_DROPS));
    }

    synchronized void option(int level, int option, int value, String what) throws IOException {
        MemorySegment v = intOption.asSlice(0, 4);
        v.set(JAVA_INT, 0, value);
        if (Libc.setsockopt(errno, fd, level, option, v) < 0) {
            throw error("cannot set " + what);
        }
    }

    private void bindToDevice(String device) throws IOException {
        if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, arena.allocateFrom(device)) < 0) {
            throw error("cannot bind to device " + device);
        }
    }

    private int ifindex(String device) throws IOException {
        int index = Libc.ifNameToIndex(errno, arena.allocateFrom(device));
        if (index == 0) {
            throw new IOException("no interface " + device);
        }
        return index;
    }

    private IOException error(String what) {
        return new IOException(what + ": " + Errno.name(errno.get()));
    }

    private int boundPort() throws IOException {
        MemorySegment length = arena.allocate(JAVA_INT);
        length.set(JAVA_INT, 0, SOCKADDR_IN6);
        if (Libc.getsockname(errno, fd, name, length) < 0) {
            throw error("getsockname failed");
        }
        return Short.toUnsignedInt(name.get(PORT, 2));
    }

    private void sockaddr4(int address, int port) {
        name.fill((byte) 0);
        name.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
        name.set(PORT, 2, (short) port);
        name.set(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, address);
    }

    private void sockaddr(IpAddress address, int port, int scope) {
        name.fill((byte) 0);
        name.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
        name.set(PORT, 2, (short) port);
        MemorySegment.copy(address.toBytes16(), 0, name, JAVA_BYTE, 8, 16);
        name.set(JAVA_INT, 24, scope);
    }

    @Override
    Runnable receive(FdPoller.Buffers b) {
        long n = b.recvmsg(fd, limit);
        if (n < 0) {
            return failed(b.errno.get());
        }
        errorsInRow = 0;
        if ((b.flags() & Libc.MSG_TRUNC) != 0) {
            counters.count(IoCounters.Kind.RECEIVE_TRUNCATED);
            return DROPPED;
        }
        Datagram d = v4 ? datagram4(b, (int) n) : datagram(b, (int) n, icmp);
        return d == null ? DROPPED : () -> receiver.accept(d);
    }

    /** The datagram recvmsg left in {@code b}: source from the name, destination and interface from IPV6_PKTINFO. */
    static Datagram datagram(FdPoller.Buffers b, int length, boolean icmp) {
        MemorySegment from = b.name;
        if (b.nameLength() < SOCKADDR_IN6 || from.get(JAVA_SHORT, 0) != Libc.AF_INET6) {
            return null;
        }
        IpAddress source = IpAddress.of(from.asSlice(8, 16).toArray(JAVA_BYTE));
        int port = icmp ? 0 : Short.toUnsignedInt(from.get(PORT, 2));
        int ifindex = from.get(JAVA_INT, 24);
        IpAddress destination = IpAddress.V6_UNSPECIFIED;
        long at = controlMessage(b, Libc.IPPROTO_IPV6, Libc.IPV6_PKTINFO, PKTINFO_CMSG_LEN);
        if (at >= 0) {
            destination = IpAddress.of(b.control.asSlice(at + 16, 16).toArray(JAVA_BYTE));
            ifindex = b.control.get(JAVA_INT, at + 32);
        }
        return new Datagram(source, port, destination, ifindex, b.copy(length));
    }

    /** The same for an AF_INET socket: source from the name, destination and interface from IP_PKTINFO. */
    static Datagram datagram4(FdPoller.Buffers b, int length) {
        MemorySegment from = b.name;
        if (b.nameLength() < SOCKADDR_IN || from.get(JAVA_SHORT, 0) != Libc.AF_INET) {
            return null;
        }
        ValueLayout.OfInt big = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
        IpAddress source = IpAddress.v4(from.get(big, 4));
        int port = Short.toUnsignedInt(from.get(PORT, 2));
        IpAddress destination = IpAddress.V4_UNSPECIFIED;
        int ifindex = 0;
        long at = controlMessage(b, Libc.IPPROTO_IP, Libc.IP_PKTINFO, PKTINFO4_CMSG_LEN);
        if (at >= 0) {
            ifindex = b.control.get(JAVA_INT, at + 16);
            destination = IpAddress.v4(b.control.get(big, at + 24));
        }
        return new Datagram(source, port, destination, ifindex, b.copy(length));
    }

    /**
     * The offset in {@code b}'s control data of the last control message of {@code level} and {@code type} that is
     * at least {@code minLength} bytes long (its 16-byte header included), or -1; a malformed length ends the walk.
     */
    private static long controlMessage(FdPoller.Buffers b, int level, int type, int minLength) {
        int controlLength = b.controlLength();
        long found = -1;
        long offset = 0;
        while (offset + 16 <= controlLength) {
            long len = b.control.get(JAVA_LONG, offset);
            if (len < 16 || offset + len > controlLength) {
                break;
            }
            if (b.control.get(JAVA_INT, offset + 8) == level && b.control.get(JAVA_INT, offset + 12) == type
                    && len >= minLength) {
                found = offset;
            }
            offset += (len + 7) & ~7L;
        }
        return found;
    }

    @Override
    public synchronized void join(IpAddress group, int ifindex) {
        if (!membership(Libc.IPV6_ADD_MEMBERSHIP, group, ifindex) && errno.get() != EADDRINUSE) {
            counters.count(IoCounters.Kind.JOIN_FAILED);
        }
    }

    @Override
    public synchronized void leave(IpAddress group, int ifindex) {
        membership(Libc.IPV6_DROP_MEMBERSHIP, group, ifindex);
    }

    private boolean membership(int option, IpAddress group, int ifindex) {
        if (isClosed() || v4 || group.family() != Family.V6) {
            return false;
        }
        MemorySegment.copy(group.toBytes16(), 0, mreq, JAVA_BYTE, 0, 16);
        mreq.set(JAVA_INT, 16, ifindex);
        return Libc.setsockopt(errno, fd, Libc.IPPROTO_IPV6, option, mreq) == 0;
    }

    @Override
    public synchronized boolean send(IpAddress destination, int port, int ifindex, byte[] payload) {
        if (isClosed() || destination.family() != (v4 ? Family.V4 : Family.V6)) {
            counters.count(IoCounters.Kind.SEND_ERROR);
            return false;
        }
        if (v4) {
            sockaddr4(destination.v4Bits(), port);
        } else {
            sockaddr(destination, icmp ? 0 : port, needsScope(destination) ? ifindex : 0);
        }
        if (data == null || data.byteSize() < payload.length) {
            data = arena.allocate(Math.max(payload.length, 2048), 8);
        }
        MemorySegment.copy(payload, 0, data, JAVA_BYTE, 0, payload.length);
        iovec.set(ADDRESS, 0, data);
        iovec.set(JAVA_LONG, 8, payload.length);
        msghdr.fill((byte) 0);
        msghdr.set(ADDRESS, 0, name);
        msghdr.set(JAVA_INT, 8, v4 ? SOCKADDR_IN : SOCKADDR_IN6);
        msghdr.set(ADDRESS, 16, iovec);
        msghdr.set(JAVA_LONG, 24, 1L);
        if (ifindex != 0 && v4) {
            control.fill((byte) 0);
            control.set(JAVA_LONG, 0, PKTINFO4_CMSG_LEN);
            control.set(JAVA_INT, 8, Libc.IPPROTO_IP);
            control.set(JAVA_INT, 12, Libc.IP_PKTINFO);
            control.set(JAVA_INT, 16, ifindex);
            msghdr.set(ADDRESS, 32, control);
            msghdr.set(JAVA_LONG, 40, PKTINFO4_CMSG_SPACE);
        } else if (ifindex != 0) {
            control.fill((byte) 0);
            control.set(JAVA_LONG, 0, PKTINFO_CMSG_LEN);
            control.set(JAVA_INT, 8, Libc.IPPROTO_IPV6);
            control.set(JAVA_INT, 12, Libc.IPV6_PKTINFO);
            control.set(JAVA_INT, 32, ifindex);
            msghdr.set(ADDRESS, 32, control);
            msghdr.set(JAVA_LONG, 40, PKTINFO_CMSG_SPACE);
        }
        if (Libc.sendmsg(errno, fd, msghdr, Libc.MSG_DONTWAIT) >= 0) {
            return true;
        }
        int e = errno.get();
        counters.count(e == Errno.EAGAIN || e == Errno.ENOBUFS ? IoCounters.Kind.SEND_DROPPED
                : IoCounters.Kind.SEND_ERROR);
        return false;
    }

    /** Link-local unicast, and multicast of interface- or link-local scope, need the interface as scope id. */
    private static boolean needsScope(IpAddress a) {
        if (a.isLinkLocal()) {
            return true;
        }
        byte[] b = a.toBytes16();
        return a.isMulticast() && (b[1] & 0x0F) <= 2;
    }

    @Override
    public int localPort() {
        return localPort;
    }

    /** The descriptor, for tests. */
    int fd() {
        return fd;
    }

    @Override
    public String toString() {
        return (icmp ? "icmp6" : v4 ? "udp4" : "udp") + " socket fd " + fd + " port " + localPort;
    }
}
