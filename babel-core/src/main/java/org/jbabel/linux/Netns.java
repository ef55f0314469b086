package org.jbabel.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jbabel.kernel.Errno;

/**
 * Entering a network namespace made by {@code ip netns add NAME} (its file {@code /var/run/netns/NAME}) with
 * {@code setns(2)}: only the calling thread moves, so sockets and netlink sockets it opens afterwards belong to that
 * namespace, wherever they are used from later. Needs CAP_SYS_ADMIN.
 */
public final class Netns {

    /** Where {@code ip netns} keeps the namespaces it names. */
    public static final Path DIRECTORY = Path.of("/var/run/netns");
    private static final int CLONE_NEWNET = 0x4000_0000;

    private Netns() {}

    /** Moves the calling thread into namespace {@code name}; an IOException says why it could not. */
    public static void enter(String name) throws IOException {
        Path file = DIRECTORY.resolve(name);
        if (!file.getParent().equals(DIRECTORY)) {
            throw new IOException("not a namespace name: " + name);
        }
        try (Arena arena = Arena.ofConfined()) {
            Libc.Errno e = new Libc.Errno(arena);
            int fd = Libc.open(e, arena.allocateFrom(file.toString()), Libc.O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("cannot open " + file + ": " + Errno.name(e.get()));
            }
            int rc = Libc.setns(e, fd, CLONE_NEWNET);
            int error = e.get();
            Libc.close(e, fd);
            if (rc != 0) {
                throw new IOException("cannot enter network namespace " + name + ": " + Errno.name(error));
            }
        }
    }

    /**
     * Runs {@code task} on a new thread that entered namespace {@code name} first, waits for it (at most a minute)
     * and returns its result; what the task opens stays in that namespace.
     */
    public static <T> T call(String name, Callable<T> task) throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + name);
            t.setDaemon(true);
            return t;
        });
        try {
            return thread.submit(() -> {
                enter(name);
                return task.call();
            }).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new IOException("a task in network namespace " + name + " took more than a minute", e);
        } finally {
            thread.shutdownNow();
        }
    }
}
