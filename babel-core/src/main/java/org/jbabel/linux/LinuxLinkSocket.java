package org.jbabel.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import org.jbabel.extension.Network.LinkFrame;
import org.jbabel.extension.Network.LinkSocket;
import org.jbabel.kernel.Errno;

/**
 * An AF_PACKET socket of type SOCK_DGRAM bound to one interface and one ethertype, with an optional classic BPF
 * filter attached before it is bound (so nothing unfiltered is ever queued), served by an {@link FdPoller}. What
 * the interface itself sends (PACKET_OUTGOING) is skipped.
 */
final class LinuxLinkSocket extends PolledFd implements LinkSocket {

    private static final int SOCKADDR_LL = 20;
    private static final int PACKET_OUTGOING = 4;

    private final int ifindex;
    private final int ethertype;
    private final Consumer<LinkFrame> receiver;
    private final MemorySegment name = arena.allocate(SOCKADDR_LL, 8);
    private final MemorySegment msghdr = arena.allocate(56, 8);
    private final MemorySegment iovec = arena.allocate(16, 8);
    private MemorySegment data;

    private LinuxLinkSocket(int fd, IoCounters counters, int ifindex, int ethertype, Consumer<LinkFrame> receiver) {
        super(fd, counters);
        this.ifindex = ifindex;
        this.ethertype = ethertype;
        this.receiver = receiver;
    }

    /** Opens the socket in the calling thread's namespace; not yet polled. */
    static LinuxLinkSocket open(IoCounters counters, String ifname, int ethertype, byte[] bpf,
            Consumer<LinkFrame> receiver) throws IOException {
        if (ethertype <= 0 || ethertype > 0xFFFF) {
            throw new IllegalArgumentException("not an ethertype: " + ethertype);
        }
        if (bpf != null && (bpf.length == 0 || bpf.length % 8 != 0 || bpf.length / 8 > 0xFFFF)) {
            throw new IllegalArgumentException("a BPF program is a whole number of 8-byte instructions, not "
                    + bpf.length + " bytes");
        }
        int ifindex;
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            Libc.Errno e = new Libc.Errno(arena);
            ifindex = Libc.ifNameToIndex(e, arena.allocateFrom(ifname));
            if (ifindex == 0) {
                throw new IOException("no interface " + ifname);
            }
            // protocol 0: nothing is received until bind names the ethertype, after the filter is in place
            fd = Libc.socket(e, Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("cannot open a packet socket: " + Errno.name(e.get()));
            }
        }
        LinuxLinkSocket s = new LinuxLinkSocket(fd, counters, ifindex, ethertype, receiver);
        try {
            if (bpf != null) {
                MemorySegment program = s.arena.allocate(bpf.length, 8);
                MemorySegment.copy(bpf, 0, program, JAVA_BYTE, 0, bpf.length);
                MemorySegment fprog = s.arena.allocate(16, 8);
                fprog.set(JAVA_SHORT, 0, (short) (bpf.length / 8));
                fprog.set(ADDRESS, 8, program);
                if (Libc.setsockopt(s.errno, fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, fprog) < 0) {
                    throw new IOException("the kernel refused the BPF program: " + Errno.name(s.errno.get()));
                }
            }
            s.sockaddr(ifindex, ethertype, null);
            if (Libc.bind(s.errno, fd, s.name) < 0) {
                throw new IOException("cannot bind the packet socket to " + ifname + ": " + Errno.name(s.errno.get()));
            }
            return s;
        } catch (IOException | RuntimeException ex) {
            s.close();
            throw ex;
        }
    }

    private void sockaddr(int index, int type, byte[] hardwareAddress) {
        name.fill((byte) 0);
        name.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
        name.set(LinuxUdpSocket.PORT, 2, (short) type);
        name.set(JAVA_INT, 4, index);
        if (hardwareAddress != null) {
            name.set(JAVA_BYTE, 11, (byte) hardwareAddress.length);
            MemorySegment.copy(hardwareAddress, 0, name, JAVA_BYTE, 12, hardwareAddress.length);
        }
    }

    @Override
    Runnable receive(FdPoller.Buffers b) {
        long n = b.recvmsg(fd, FdPoller.MAX_ITEM);
        if (n < 0) {
            return failed(b.errno.get());
        }
        errorsInRow = 0;
        if ((b.flags() & Libc.MSG_TRUNC) != 0) {
            counters.count(IoCounters.Kind.RECEIVE_TRUNCATED);
            return DROPPED;
        }
        if (b.nameLength() < 12 || Byte.toUnsignedInt(b.name.get(JAVA_BYTE, 10)) == PACKET_OUTGOING) {
            return DROPPED;
        }
        int from = b.name.get(JAVA_INT, 4);
        int halen = Math.min(8, Byte.toUnsignedInt(b.name.get(JAVA_BYTE, 11)));
        byte[] hardware = b.name.asSlice(12, halen).toArray(JAVA_BYTE);
        LinkFrame frame = new LinkFrame(from, hardware, b.copy((int) n));
        return () -> receiver.accept(frame);
    }

    @Override
    public synchronized boolean send(byte[] destinationHardwareAddress, byte[] payload) {
        if (isClosed() || destinationHardwareAddress.length > 8) {
            counters.count(IoCounters.Kind.SEND_ERROR);
            return false;
        }
        sockaddr(ifindex, ethertype, destinationHardwareAddress);
        if (data == null || data.byteSize() < payload.length) {
            data = arena.allocate(Math.max(payload.length, 2048), 8);
        }
        MemorySegment.copy(payload, 0, data, JAVA_BYTE, 0, payload.length);
        iovec.set(ADDRESS, 0, data);
        iovec.set(JAVA_LONG, 8, payload.length);
        msghdr.fill((byte) 0);
        msghdr.set(ADDRESS, 0, name);
        msghdr.set(JAVA_INT, 8, SOCKADDR_LL);
        msghdr.set(ADDRESS, 16, iovec);
        msghdr.set(JAVA_LONG, 24, 1L);
        if (Libc.sendmsg(errno, fd, msghdr, Libc.MSG_DONTWAIT) >= 0) {
            return true;
        }
        int e = errno.get();
        counters.count(e == Errno.EAGAIN || e == Errno.ENOBUFS ? IoCounters.Kind.SEND_DROPPED
                : IoCounters.Kind.SEND_ERROR);
        return false;
    }

    @Override
    public String toString() {
        return "packet socket fd " + fd + " on " + ifindex + " ethertype 0x" + Integer.toHexString(ethertype);
    }
}
