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
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Set;

/**
 * The few libc calls the netlink layer and the sockets need, through one shared downcall stub ({@link #CALL}) with
 * errno captured right after the call. Every method returns the C return value; {@link Errno#get()} then holds the
 * errno of that call.
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
    static final int SOCK_STREAM = 1;
    static final int AF_UNIX = 1;
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
    static final int SO_MEMINFO = 55;
    static final int SO_BINDTOIFINDEX = 62;
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

    /** The 64-bit Linux ABIs on which {@link #CALL}'s one shared stub is sound (see there). */
    static final Set<String> SHARED_STUB_ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64",
            "riscv64");

    static {
        String arch = System.getProperty("os.arch", "");
        if (!SHARED_STUB_ARCHITECTURES.contains(arch) || ADDRESS.byteSize() != 8) {
            throw new UnsupportedOperationException("jbabel calls libc through one shared stub that needs a 64-bit"
                    + " Linux ABI (x86-64, AArch64 or RISC-V 64), not os.arch " + arch + " (docs/KERNEL.md)");
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /**
     * The one downcall stub of every non-variadic call: {@code long f(long, long, long, long, long, long)} with errno
     * captured, called with the function's address first. Each distinct function descriptor costs the JVM a stub
     * generated at run time (a class spun with the class-file API, a native stub and a chain of method-handle
     * classes; some 15 ms of CPU each at start, and the ahead-of-time cache does not keep them), so all calls share
     * one. That is sound because every libc function called here takes at most six integer or pointer arguments
     * and returns an integer, and on the 64-bit Linux ABIs (x86-64 System V, AArch64, RISC-V 64) all of these travel
     * in the same general-purpose registers: an {@code int} argument is passed sign-extended to a {@code long}
     * (what RISC-V requires, and what the others ignore), arguments a function does not take are ignored, and an
     * {@code int} result is the low half of the register ({@code (int)} of the {@code long}). Pointers are passed as
     * addresses ({@link #address}), checked as FFM would: native, alive, accessible by the calling thread. FFM would
     * also keep the segment alive for the duration of the call: our sockets never close their memory while a call on
     * it runs (their close and their calls hold the same lock, or run on one thread), and a segment of an automatic
     * arena must stay reachable until the call returns (the poller's {@code pollfds} is read after its poll).
     */
    private static final MethodHandle CALL = link(FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);

    private static final MemorySegment SOCKET = symbol("socket");
    private static final MemorySegment BIND = symbol("bind");
    private static final MemorySegment LISTEN = symbol("listen");
    private static final MemorySegment SENDTO = symbol("sendto");
    private static final MemorySegment RECV = symbol("recv");
    private static final MemorySegment SETSOCKOPT = symbol("setsockopt");
    private static final MemorySegment GETSOCKOPT = symbol("getsockopt");
    private static final MemorySegment POLL = symbol("poll");
    private static final MemorySegment CLOSE = symbol("close");
    private static final MemorySegment RECVMSG = symbol("recvmsg");
    private static final MemorySegment SENDMSG = symbol("sendmsg");
    private static final MemorySegment RECVMMSG = symbol("recvmmsg");
    private static final MemorySegment SENDMMSG = symbol("sendmmsg");
    private static final MemorySegment READ = symbol("read");
    private static final MemorySegment WRITE = symbol("write");
    private static final MemorySegment EVENTFD = symbol("eventfd");
    private static final MemorySegment GETSOCKNAME = symbol("getsockname");
    private static final MemorySegment IF_NAMETOINDEX = symbol("if_nametoindex");
    private static final MemorySegment SETSID = symbol("setsid");
    private static final MemorySegment DUP2 = symbol("dup2");
    private static final MemorySegment SETNS = symbol("setns");

    /**
     * The variadic calls ({@code ioctl}, {@code open}: a TUN device, or {@code -D}), linked the first time one is
     * made: a variadic call has a stub of its own (x86-64 passes the number of vector registers used in {@code al}).
     */
    private static final class VariadicCalls {
        /** {@code long f(long, long, long...)}: two fixed arguments and one variadic. */
        static final MethodHandle CALL = link(FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
        static final MemorySegment IOCTL = symbol("ioctl");
        static final MemorySegment OPEN = symbol("open");
    }

    private Libc() {}

    @SuppressWarnings("restricted") // the point of this class; the JVM runs with --enable-native-access
    private static MethodHandle link(FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(descriptor, options);
    }

    private static MemorySegment symbol(String name) {
        java.util.Optional<MemorySegment> found = LIBC.find(name);
        if (found.isEmpty()) {
            throw new UnsatisfiedLinkError("libc has no " + name);
        }
        return found.get();
    }

    /** The captured errno of one thread's calls: one per socket, used under the socket's lock. */
    static final class Errno {
        private final MemorySegment state;

        Errno(Arena arena) {
            state = arena.allocate(CAPTURE);
        }

        int get() {
            return state.get(JAVA_INT, ERRNO_OFFSET);
        }
    }

    /** The address of {@code segment} as an argument, after the checks FFM makes of a pointer argument. */
    private static long address(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("not a native segment: " + segment);
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("Already closed");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException("the segment belongs to another thread");
        }
        return segment.address();
    }

    private static long call(MemorySegment function, Errno e, long a, long b, long c, long d, long f, long g) {
        try {
            return (long) CALL.invokeExact(function, e.state, a, b, c, d, f, g);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long variadic(MemorySegment function, Errno e, long a, long b, long c) {
        try {
            return (long) VariadicCalls.CALL.invokeExact(function, e.state, a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int socket(Errno e, int domain, int type, int protocol) {
        return (int) call(SOCKET, e, domain, type, protocol, 0, 0, 0);
    }

    static int bind(Errno e, int fd, MemorySegment address) {
        return (int) call(BIND, e, fd, address(address), address.byteSize(), 0, 0, 0);
    }

    static int listen(Errno e, int fd, int backlog) {
        return (int) call(LISTEN, e, fd, backlog, 0, 0, 0, 0);
    }

    static long sendto(Errno e, int fd, MemorySegment buffer, long length, MemorySegment address) {
        return call(SENDTO, e, fd, address(buffer), length, 0, address(address), address.byteSize());
    }

    static long recv(Errno e, int fd, MemorySegment buffer, int flags) {
        return call(RECV, e, fd, address(buffer), buffer.byteSize(), flags, 0, 0);
    }

    static int setsockopt(Errno e, int fd, int level, int option, MemorySegment value) {
        return (int) call(SETSOCKOPT, e, fd, level, option, address(value), value.byteSize(), 0);
    }

    /** getsockopt(2) into {@code value}; {@code length} (an int) holds its size before and what came after. */
    static int getsockopt(Errno e, int fd, int level, int option, MemorySegment value, MemorySegment length) {
        return (int) call(GETSOCKOPT, e, fd, level, option, address(value), address(length), 0);
    }

    /** getsockopt(2) of an int option: the value, or -1 on error (errno in {@code e}). */
    static int getsockoptInt(Errno e, int fd, int level, int option, MemorySegment intAndLength) {
        intAndLength.set(JAVA_INT, 4, 4);
        long at = address(intAndLength);
        int r = (int) call(GETSOCKOPT, e, fd, level, option, at, at + 4, 0);
        return r < 0 ? -1 : intAndLength.get(JAVA_INT, 0);
    }

    /**
     * Waits until {@code fd} is readable: 1 when it is, 0 on timeout, -1 on error; {@code pollfd} (8 bytes,
     * 4-aligned) is used as the {@code struct pollfd}.
     */
    static int pollIn(Errno e, MemorySegment pollfd, int fd, int timeoutMillis) {
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, POLLIN);
        pollfd.set(JAVA_SHORT, 6, (short) 0);
        return (int) call(POLL, e, address(pollfd), 1, timeoutMillis, 0, 0, 0);
    }

    /** poll(2) over {@code count} {@code struct pollfd}s (8 bytes each) at {@code pollfds}. */
    static int poll(Errno e, MemorySegment pollfds, int count, int timeoutMillis) {
        return (int) call(POLL, e, address(pollfds), count, timeoutMillis, 0, 0, 0);
    }

    static long recvmsg(Errno e, int fd, MemorySegment msghdr, int flags) {
        return call(RECVMSG, e, fd, address(msghdr), flags, 0, 0, 0);
    }

    static long sendmsg(Errno e, int fd, MemorySegment msghdr, int flags) {
        return call(SENDMSG, e, fd, address(msghdr), flags, 0, 0, 0);
    }

    /** recvmmsg(2) into the {@code count} {@code struct mmsghdr}s (64 bytes each) at {@code msgvec}, no timeout. */
    static int recvmmsg(Errno e, int fd, MemorySegment msgvec, int count, int flags) {
        return (int) call(RECVMMSG, e, fd, address(msgvec), count, flags, 0, 0);
    }

    /** sendmmsg(2) of the {@code count} {@code struct mmsghdr}s at {@code msgvec}: how many went, or -1. */
    static int sendmmsg(Errno e, int fd, MemorySegment msgvec, int count, int flags) {
        return (int) call(SENDMMSG, e, fd, address(msgvec), count, flags, 0, 0);
    }

    static long read(Errno e, int fd, MemorySegment buffer, long length) {
        return call(READ, e, fd, address(buffer), length, 0, 0, 0);
    }

    static long write(Errno e, int fd, MemorySegment buffer, long length) {
        return call(WRITE, e, fd, address(buffer), length, 0, 0, 0);
    }

    static int ioctl(Errno e, int fd, long request, MemorySegment argument) {
        return (int) variadic(VariadicCalls.IOCTL, e, fd, request, address(argument));
    }

    static int eventfd(Errno e, int initial, int flags) {
        return (int) call(EVENTFD, e, initial, flags, 0, 0, 0, 0);
    }

    /** getsockname(2) into {@code address}; {@code length} (an int) holds its size before, the used size after. */
    static int getsockname(Errno e, int fd, MemorySegment address, MemorySegment length) {
        return (int) call(GETSOCKNAME, e, fd, address(address), address(length), 0, 0, 0);
    }

    /** The index of the interface named {@code name} in the calling thread's namespace; 0 when there is none. */
    static int ifNameToIndex(Errno e, MemorySegment name) {
        return (int) call(IF_NAMETOINDEX, e, address(name), 0, 0, 0, 0, 0);
    }

    static int close(Errno e, int fd) {
        return (int) call(CLOSE, e, fd, 0, 0, 0, 0, 0);
    }

    static int setsid(Errno e) {
        return (int) call(SETSID, e, 0, 0, 0, 0, 0, 0);
    }

    static int open(Errno e, MemorySegment path, int flags, int mode) {
        return (int) variadic(VariadicCalls.OPEN, e, address(path), flags, mode);
    }

    static int dup2(Errno e, int from, int to) {
        return (int) call(DUP2, e, from, to, 0, 0, 0, 0);
    }

    /** Moves the calling thread into the namespace of {@code fd} ({@code nstype} 0: whatever kind it is). */
    static int setns(Errno e, int fd, int nstype) {
        return (int) call(SETNS, e, fd, nstype, 0, 0, 0, 0);
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
