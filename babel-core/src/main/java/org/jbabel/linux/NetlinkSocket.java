package org.jbabel.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.KernelException;

/**
 * A netlink socket, NETLINK_ROUTE unless said otherwise: send a buffer of requests, receive a buffer of messages with a bounded wait. Not
 * thread-safe; its owner serialises the calls. The socket belongs to the network namespace of the thread that
 * opened it.
 */
final class NetlinkSocket implements AutoCloseable {

    /**
     * Twice the largest datagram the kernel sends on a route socket: it sizes dump datagrams after the largest
     * buffer a socket has received into, capped at 32 KiB. Each socket's buffers are zeroed, so resident: 64 + 16 KiB
     * instead of the 256 + 64 KiB of before (five sockets, among them the two of {@link EmergencyFlush}).
     */
    private static final int RECEIVE_BUFFER = 64 * 1024;
    /** The send buffer to begin with; it grows to the largest batch sent. */
    private static final int SEND_BUFFER = 16 * 1024;

    private final Arena arena = Arena.ofShared();
    private final Libc.Errno errno = new Libc.Errno(arena);
    private final MemorySegment kernelAddress;
    private final MemorySegment receiveBuffer;
    /** The {@code struct pollfd} of {@link #awaitReadable}. */
    private final MemorySegment pollfd;
    private MemorySegment sendBuffer;
    private final int fd;
    private boolean closed;

    /**
     * Opens a route socket subscribed to the multicast groups in the {@code groups} bit mask (0 for none)
     * with a socket receive buffer of at least {@code kernelBuffer} bytes (0 for the system default).
     */
    NetlinkSocket(int groups, int kernelBuffer) {
        this(Libc.NETLINK_ROUTE, groups, kernelBuffer);
    }

    /** The same for another netlink protocol ({@link Nl80211#NETLINK_GENERIC}). */
    NetlinkSocket(int protocol, int groups, int kernelBuffer) {
        int s = Libc.socket(errno, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        if (s < 0) {
            int e = errno.get();
            arena.close();
            throw new KernelException("cannot open a netlink socket (protocol " + protocol + ")", e);
        }
        fd = s;
        try {
            kernelAddress = sockaddr(0);
            if (Libc.bind(errno, fd, sockaddr(groups)) < 0) {
                throw new KernelException("cannot bind the netlink socket", errno.get());
            }
            MemorySegment one = arena.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            // Errors echo only the header of the failed request, not all of it: keeps ACKs small in batches.
            Libc.setsockopt(errno, fd, Libc.SOL_NETLINK, Libc.NETLINK_CAP_ACK, one);
            if (kernelBuffer > 0) {
                MemorySegment size = arena.allocate(JAVA_INT);
                size.set(JAVA_INT, 0, kernelBuffer);
                if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, size) < 0) {
                    Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, size);
                }
            }
            receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
            pollfd = arena.allocate(8, 4);
            sendBuffer = arena.allocate(SEND_BUFFER, 8);
        } catch (RuntimeException e) {
            Libc.close(errno, fd);
            arena.close();
            throw e;
        }
    }

    private MemorySegment sockaddr(int groups) {
        MemorySegment a = arena.allocate(12, 4);
        a.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        a.set(JAVA_SHORT, 2, (short) 0);
        a.set(JAVA_INT, 4, 0);
        a.set(JAVA_INT, 8, groups);
        return a;
    }

    /** Joins multicast group {@code group} (a number beyond the 32 of the bind mask, as generic netlink's are). */
    void join(int group) {
        MemorySegment id = arena.allocate(JAVA_INT);
        id.set(JAVA_INT, 0, group);
        if (Libc.setsockopt(errno, fd, Libc.SOL_NETLINK, Libc.NETLINK_ADD_MEMBERSHIP, id) < 0) {
            throw new KernelException("cannot join netlink group " + group, errno.get());
        }
    }

    /** The descriptor, for polling it. */
    int fd() {
        return fd;
    }

    /** Sends the messages between position and limit of {@code messages} in one datagram. */
    void send(ByteBuffer messages) {
        int length = messages.remaining();
        if (sendBuffer.byteSize() < length) {
            sendBuffer = arena.allocate(length, 8);
        }
        MemorySegment.copy(MemorySegment.ofBuffer(messages), 0, sendBuffer, 0, length);
        while (true) {
            long sent = Libc.sendto(errno, fd, sendBuffer, length, kernelAddress);
            if (sent >= 0) {
                return;
            }
            int e = errno.get();
            if (e != Errno.EINTR) {
                throw new KernelException("netlink sendto failed", e);
            }
        }
    }

    /**
     * Receives one datagram, waiting at most {@code timeoutMillis} (0: do not wait). Returns a copy of it in
     * native byte order, or null when nothing came in time. Throws {@link KernelException} with
     * {@link Errno#ENOBUFS} when the kernel dropped messages because the socket buffer was full.
     */
    ByteBuffer receive(int timeoutMillis) {
        while (true) {
            // MSG_TRUNC: the datagram's real length, so that one larger than the buffer is an error, not garbage
            long n = Libc.recv(errno, fd, receiveBuffer, Libc.MSG_DONTWAIT | Libc.MSG_TRUNC);
            if (n > RECEIVE_BUFFER) {
                throw new KernelException("a netlink datagram of " + n + " bytes, larger than the receive buffer",
                        Errno.EMSGSIZE);
            }
            if (n >= 0) {
                return received((int) n);
            }
            int e = errno.get();
            if (e == Errno.EINTR) {
                continue;
            }
            if (e != Errno.EAGAIN) {
                throw new KernelException("netlink recv failed", e);
            }
            if (timeoutMillis <= 0 || !awaitReadable(timeoutMillis)) {
                return null;
            }
            timeoutMillis = 0;
        }
    }

    /**
     * Sends one request (sequence number {@code seq}) and waits for its ACK, at most {@code timeoutMillis} for each
     * datagram; an error {@code fine} accepts is taken as success, any other is thrown, named after {@code what}.
     */
    void request(String what, ByteBuffer message, int seq, java.util.function.IntPredicate fine,
            NetlinkCounters counters, int timeoutMillis) throws java.io.IOException {
        try {
            send(message);
            while (true) {
                ByteBuffer answer = receive(timeoutMillis);
                if (answer == null) {
                    counters.count(NetlinkCounters.Kind.UNANSWERED);
                    throw new java.io.IOException(what + ": the kernel did not answer");
                }
                for (NetlinkMessage m : NetlinkMessage.split(answer, counters)) {
                    if (m.type() == Rtnl.NLMSG_ERROR && m.seq() == seq) {
                        int e = m.errno();
                        if (e == 0 || fine.test(e)) {
                            return;
                        }
                        throw new java.io.IOException(what + ": " + (e < 0 ? "malformed answer" : Errno.name(e)));
                    }
                }
            }
        } catch (KernelException e) {
            throw new java.io.IOException(what + ": " + e.getMessage(), e);
        }
    }

    /** A copy of the first {@code length} bytes of the receive buffer, in native byte order. */
    private ByteBuffer received(int length) {
        ByteBuffer copy = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        MemorySegment.copy(receiveBuffer, ValueLayout.JAVA_BYTE, 0, copy.array(), 0, length);
        return copy;
    }

    /**
     * Waits up to {@code timeoutMillis} for a datagram; false when none came (true after a signal, too).
     *
     * <p>This and {@link #received} are methods of their own because the JIT inlines the foreign-memory machinery
     * wherever it is used: inside {@link #receive}, which a burst of kernel notifications makes hot, they made its
     * compilation take 2.8 MB of scratch memory (docs/DAEMON.md, "Memory").
     */
    private boolean awaitReadable(int timeoutMillis) {
        int ready = Libc.pollIn(errno, pollfd, fd, timeoutMillis);
        if (ready < 0 && errno.get() != Errno.EINTR) {
            throw new KernelException("poll on the netlink socket failed", errno.get());
        }
        return ready != 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(errno, fd);
            arena.close();
        }
    }
}
