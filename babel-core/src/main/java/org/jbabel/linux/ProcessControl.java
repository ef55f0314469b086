package org.jbabel.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jbabel.kernel.Errno;

/**
 * What a daemon does to detach itself (Java cannot fork, so the daemon re-launches itself and the child detaches):
 * start a new session and point its standard streams away from the terminal; and its process id.
 */
public final class ProcessControl {

    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0100;
    private static final int O_APPEND = 02000;

    private ProcessControl() {}

    /**
     * This process's id, read from {@code /proc/self}: {@code ProcessHandle} would start up the JDK's process
     * machinery (a thread pool among it) in every daemon for one number (docs/DAEMON.md, "Memory").
     */
    public static long pid() throws IOException {
        return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
    }

    /** Makes this process the leader of a new session, without a controlling terminal. */
    public static void newSession() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.Errno e = new Libc.Errno(arena);
            if (Libc.setsid(e) < 0) {
                throw new IOException("setsid failed: " + Errno.name(e.get()));
            }
        }
    }

    /**
     * Points standard input at /dev/null and standard output and error at {@code logFile} (appending, created
     * with mode 0644), or at /dev/null when it is null.
     */
    public static void redirectStandardStreams(String logFile) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.Errno e = new Libc.Errno(arena);
            int in = open(arena, e, "/dev/null", O_RDONLY);
            int out = logFile == null ? open(arena, e, "/dev/null", O_WRONLY)
                    : open(arena, e, logFile, O_WRONLY | O_CREAT | O_APPEND);
            dup2(e, in, 0);
            dup2(e, out, 1);
            dup2(e, out, 2);
            Libc.close(e, in);
            Libc.close(e, out);
        }
    }

    private static int open(Arena arena, Libc.Errno e, String path, int flags) throws IOException {
        MemorySegment p = arena.allocateFrom(path);
        int fd = Libc.open(e, p, flags, 0644);
        if (fd < 0) {
            throw new IOException("cannot open " + path + ": " + Errno.name(e.get()));
        }
        return fd;
    }

    private static void dup2(Libc.Errno e, int from, int to) throws IOException {
        if (Libc.dup2(e, from, to) < 0) {
            throw new IOException("dup2 failed: " + Errno.name(e.get()));
        }
    }
}
