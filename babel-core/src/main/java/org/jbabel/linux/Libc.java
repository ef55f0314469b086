package org.jbabel.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the netlink layer needs, as downcall handles with errno captured right after the call.
 * Every method returns the C return value; {@link Errno#get()} then holds the errno of that call.
 */
final class Libc {

    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVBUFFORCE = 33;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_ADD_MEMBERSHIP = 1;
    static final int NETLINK_CAP_ACK = 10;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_TRUNC = 0x20;
    static final short POLLIN = 1;
    static final short POLLERR = 8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int SO_REUSEADDR = 2;
    static final int SO_BROADCAST = 6;
    static final int IPPROTO_IP = 0;
    static final int IP_PKTINFO = 8;
    static final int SO_BINDTODEVICE = 25;
    static final int SO_ATTACH_FILTER = 26;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int IPV6_DROP_MEMBERSHIP = 21;
    static final int IPV6_V6ONLY = 26;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_TCLASS = 67;
    static final int ICMP6_FILTER = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO = downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle POLL = downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** The calls of the fd poller and the sockets and devices of extensions, linked when first used. */
    private static final class IoCalls {
        static final MethodHandle RECVMSG = downcall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SENDMSG = downcall("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle READ = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle IOCTL = downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle EVENTFD = downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle GETSOCKNAME = downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle IF_NAMETOINDEX = downcall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /**
     * The calls of daemonising only, linked the first time one is made: each downcall handle costs the JVM a
     * dozen generated classes, which a daemon started without {@code -D} never needs.
     */
    private static final class ProcessCalls {
        static final MethodHandle SETSID = downcall("setsid", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle DUP2 = downcall("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private Libc() {}

    @SuppressWarnings("restricted") // the point of this class; the JVM runs with --enable-native-access
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... more) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(more, 0, options, 1, more.length);
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** The captured errno of one thread's calls: one per socket, used under the socket's lock. */
    static final class Errno {
        private final MemorySegment state;

        Errno(Arena arena) {
            state = arena.allocate(CAPTURE);
        }

        int get() {
            return (int) ERRNO.get(state, 0L);
        }
    }

    static int socket(Errno e, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(e.state, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(Errno e, int fd, MemorySegment address) {
        try {
            return (int) BIND.invokeExact(e.state, fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long sendto(Errno e, int fd, MemorySegment buffer, long length, MemorySegment address) {
        try {
            return (long) SENDTO.invokeExact(e.state, fd, buffer, length, 0, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long recv(Errno e, int fd, MemorySegment buffer, int flags) {
        try {
            return (long) RECV.invokeExact(e.state, fd, buffer, buffer.byteSize(), flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(Errno e, int fd, int level, int option, MemorySegment value) {
        try {
            return (int) SETSOCKOPT.invokeExact(e.state, fd, level, option, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockopt(2) of an int option: the value, or -1 on error (errno in {@code e}). */
    static int getsockoptInt(Errno e, int fd, int level, int option, MemorySegment intAndLength) {
        intAndLength.set(JAVA_INT, 4, 4);
        try {
            int r = (int) GETSOCKOPT.invokeExact(e.state, fd, level, option, intAndLength.asSlice(0, 4),
                    intAndLength.asSlice(4, 4));
            return r < 0 ? -1 : intAndLength.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Waits until {@code fd} is readable: 1 when it is, 0 on timeout, -1 on error; {@code pollfd} (8 bytes,
     * 4-aligned) is used as the {@code struct pollfd}.
     */
    static int pollIn(Errno e, MemorySegment pollfd, int fd, int timeoutMillis) {
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, POLLIN);
        pollfd.set(JAVA_SHORT, 6, (short) 0);
        try {
            return (int) POLL.invokeExact(e.state, pollfd, 1L, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** poll(2) over {@code count} {@code struct pollfd}s (8 bytes each) at {@code pollfds}. */
    static int poll(Errno e, MemorySegment pollfds, int count, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(e.state, pollfds, (long) count, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long recvmsg(Errno e, int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) IoCalls.RECVMSG.invokeExact(e.state, fd, msghdr, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long sendmsg(Errno e, int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) IoCalls.SENDMSG.invokeExact(e.state, fd, msghdr, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(Errno e, int fd, MemorySegment buffer, long length) {
        try {
            return (long) IoCalls.READ.invokeExact(e.state, fd, buffer, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(Errno e, int fd, MemorySegment buffer, long length) {
        try {
            return (long) IoCalls.WRITE.invokeExact(e.state, fd, buffer, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ioctl(Errno e, int fd, long request, MemorySegment argument) {
        try {
            return (int) IoCalls.IOCTL.invokeExact(e.state, fd, request, argument);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfd(Errno e, int initial, int flags) {
        try {
            return (int) IoCalls.EVENTFD.invokeExact(e.state, initial, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockname(2) into {@code address}; {@code length} (an int) holds its size before, the used size after. */
    static int getsockname(Errno e, int fd, MemorySegment address, MemorySegment length) {
        try {
            return (int) IoCalls.GETSOCKNAME.invokeExact(e.state, fd, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The index of the interface named {@code name} in the calling thread's namespace; 0 when there is none. */
    static int ifNameToIndex(Errno e, MemorySegment name) {
        try {
            return (int) IoCalls.IF_NAMETOINDEX.invokeExact(e.state, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(Errno e, int fd) {
        try {
            return (int) CLOSE.invokeExact(e.state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsid(Errno e) {
        try {
            return (int) ProcessCalls.SETSID.invokeExact(e.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int open(Errno e, MemorySegment path, int flags, int mode) {
        try {
            return (int) ProcessCalls.OPEN.invokeExact(e.state, path, flags, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int dup2(Errno e, int from, int to) {
        try {
            return (int) ProcessCalls.DUP2.invokeExact(e.state, from, to);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
