package org.jbabel.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.jbabel.kernel.Errno;

/**
 * Listening stream sockets bound over FFM, for a server that starts serving them only when the first client knocks:
 * the control socket's, whose server (netty) is loaded then (docs/DAEMON.md, "Start-up"). Each socket is
 * non-blocking and close-on-exec, listening, and handed over as its descriptor; {@link #awaitConnection} waits on a
 * thread of its own until one of them has a connection waiting.
 */
public final class StreamListeners {

    private static final int BACKLOG = 64;
    private static final int SOCKADDR_IN6 = 28;
    private static final int SOCKADDR_UN = 110;
    private static final int SUN_PATH = 108;

    private StreamListeners() {}

    /** A TCP socket listening on [::1]:{@code port} (0: a free port, {@link #port}); its descriptor. */
    public static int tcpLoopback(int port) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.Errno e = new Libc.Errno(arena);
            int fd = open(e, Libc.AF_INET6);
            MemorySegment one = arena.allocate(JAVA_INT);
            one.set(JAVA_INT, 0, 1);
            MemorySegment name = arena.allocate(SOCKADDR_IN6, 4);
            name.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
            name.set(JAVA_BYTE, 2, (byte) (port >>> 8));
            name.set(JAVA_BYTE, 3, (byte) port);
            name.set(JAVA_BYTE, 8 + 15, (byte) 1); // ::1
            if (Libc.setsockopt(e, fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, one) < 0
                    || Libc.setsockopt(e, fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, one) < 0
                    || Libc.bind(e, fd, name) < 0 || Libc.listen(e, fd, BACKLOG) < 0) {
                throw failed(e, fd, "cannot listen on [::1]:" + port);
            }
            return fd;
        }
    }

    /** A UNIX stream socket listening at {@code path} (which must not exist); its descriptor. */
    public static int unix(String path) throws IOException {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SUN_PATH) {
            throw new IOException("cannot listen on " + path + ": the path is too long for a UNIX socket");
        }
        try (Arena arena = Arena.ofConfined()) {
            Libc.Errno e = new Libc.Errno(arena);
            int fd = open(e, Libc.AF_UNIX);
            MemorySegment name = arena.allocate(SOCKADDR_UN, 2);
            name.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
            MemorySegment.copy(bytes, 0, name, JAVA_BYTE, 2, bytes.length);
            if (Libc.bind(e, fd, name) < 0 || Libc.listen(e, fd, BACKLOG) < 0) {
                throw failed(e, fd, "cannot listen on " + path);
            }
            return fd;
        }
    }

    /** The local port of a TCP socket. */
    public static int port(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.Errno e = new Libc.Errno(arena);
            MemorySegment name = arena.allocate(SOCKADDR_IN6, 4);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, SOCKADDR_IN6);
            if (Libc.getsockname(e, fd, name, length) < 0) {
                throw new IOException("getsockname: " + Errno.name(e.get()));
            }
            return (name.get(JAVA_BYTE, 2) & 0xFF) << 8 | name.get(JAVA_BYTE, 3) & 0xFF;
        }
    }

    /** Closes a descriptor (one not handed over to another owner). */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.close(new Libc.Errno(arena), fd);
        }
    }

    /**
     * Starts a daemon thread named {@code threadName} that waits until one of {@code fds} has a connection waiting,
     * then runs {@code action} on that thread, once. Closing the returned handle before that ends the wait without
     * running it (it does not close {@code fds}); after {@code action} has started, closing it waits for nothing.
     */
    public static AutoCloseable awaitConnection(int[] fds, String threadName, Runnable action) throws IOException {
        Arena arena = Arena.ofShared();
        Libc.Errno e = new Libc.Errno(arena);
        int wake = Libc.eventfd(e, 0, Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (wake < 0) {
            int errno = e.get();
            arena.close();
            throw new IOException("cannot create an eventfd: " + Errno.name(errno));
        }
        MemorySegment pollfds = arena.allocate(8L * (fds.length + 1), 4);
        pollfds.set(JAVA_INT, 0, wake);
        for (int i = 0; i < fds.length; i++) {
            pollfds.set(JAVA_INT, 8L * (i + 1), fds[i]);
        }
        MemorySegment one = arena.allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1L);
        Object lock = new Object();
        boolean[] done = new boolean[1];
        Thread waiter = Thread.ofPlatform().name(threadName).daemon().unstarted(() -> {
            Libc.Errno errno = new Libc.Errno(Arena.ofAuto());
            boolean connection = false;
            while (true) {
                for (int i = 0; i <= fds.length; i++) {
                    pollfds.set(JAVA_SHORT, 8L * i + 4, Libc.POLLIN);
                    pollfds.set(JAVA_SHORT, 8L * i + 6, (short) 0);
                }
                int ready = Libc.poll(errno, pollfds, fds.length + 1, -1);
                if (ready < 0 && errno.get() == Errno.EINTR) {
                    continue;
                }
                if (ready > 0 && pollfds.get(JAVA_SHORT, 6) == 0) {
                    connection = true; // not woken by close: a listener is readable (or broken: its server sees)
                }
                break;
            }
            boolean cancelled;
            synchronized (lock) {
                cancelled = done[0];
                done[0] = true;
                Libc.close(errno, wake);
            }
            arena.close();
            if (connection && !cancelled) {
                action.run();
            }
        });
        waiter.start();
        return () -> {
            synchronized (lock) {
                if (done[0]) {
                    return; // over already, or the action runs
                }
                done[0] = true;
                Libc.write(e, wake, one, 8);
            }
            try {
                waiter.join(5_000);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static int open(Libc.Errno e, int family) throws IOException {
        int fd = Libc.socket(e, family, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot open a stream socket: " + Errno.name(e.get()));
        }
        return fd;
    }

    private static IOException failed(Libc.Errno e, int fd, String what) {
        int errno = e.get();
        Libc.close(e, fd);
        return new IOException(what + ": " + Errno.name(errno));
    }
}
