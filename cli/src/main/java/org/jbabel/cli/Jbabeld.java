package org.jbabel.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jbabel.config.CommandLineOptions;
import org.jbabel.config.ConfigException;
import org.jbabel.config.ConfigFiles;
import org.jbabel.config.ConfigWarning;
import org.jbabel.config.DaemonConfig;
import org.jbabel.config.GlobalSettings;
import org.jbabel.linux.ProcessControl;
import org.jbabel.runtime.Daemon;
import org.jbabel.runtime.DaemonLog;
import org.jbabel.runtime.FatalErrors;
import org.jbabel.sourcerouting.SourceRoutingSupport;
import org.jbabel.sourcerouting.TableSettings;
import sun.misc.Signal;

/**
 * {@code jbabeld}: babeld's command line ({@code jbabeld [option...] interface...}, the same options and
 * configuration files), running {@link Daemon}. No picocli here: babeld's getopt semantics are parsed by
 * {@link CommandLineOptions}.
 *
 * <p>{@code -D} daemonises as babeld does, with what Java allows: the process re-launches itself with the same
 * command line, the child detaches (new session, standard streams to /dev/null or the log file), writes the pid
 * file and tells the parent it runs; the parent then exits 0 (or 1, with the child's error, when the child failed).
 * SIGTERM and SIGINT stop the daemon cleanly; the pid file is removed at exit. SIGUSR1 writes the tables to the log,
 * SIGUSR2 reopens the log file and re-reads interfaces and kernel routes, as babeld. A parent that records an
 * ahead-of-time cache ({@code -XX:AOTCacheOutput}, from {@code bin/jbabeld}) does not hand that option on: the cache
 * is written once, by the parent as it exits, never again later by the child over a file other JVMs have mapped.
 *
 * <p>Source-specific routes go into the kernel as babel-source-routing decides at start
 * ({@link SourceRoutingSupport}): IPv4 through rules and tables numbered from {@code first-table-number} and
 * {@code first-rule-priority}; IPv6 with its source prefix when the kernel has IPv6 subtrees (probed, or
 * {@code ipv6-subtrees}), else as IPv4.
 */
public final class Jbabeld {

    /** Set in the environment of the re-launched child of {@code -D}. */
    static final String CHILD_MARKER = "JBABELD_DAEMON_CHILD";
    /** The line the child prints when it runs. */
    static final String READY = "jbabeld: ready";

    private Jbabeld() {}

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) {
        CommandLineOptions options;
        DaemonConfig config;
        try {
            options = CommandLineOptions.parse(Arrays.asList(args));
            if (options.showVersion()) {
                System.out.println(Daemon.VERSION);
                return 0;
            }
            config = options.toConfig(ConfigFiles.SYSTEM, BuiltInExtensions.PROVIDERS);
        } catch (ConfigException e) {
            err.println("jbabeld: " + e.getMessage());
            err.println("usage: jbabeld [option...] interface...   (babeld's options; see docs/DAEMON.md)");
            return 1;
        }
        for (ConfigWarning w : config.warnings()) {
            err.println("jbabeld: warning: " + w);
        }
        GlobalSettings g = config.globals();
        boolean child = System.getenv(CHILD_MARKER) != null;
        if (g.daemonise() && !child) {
            return launchDetached(args, err);
        }
        return runDaemon(config, child, err);
    }

    private static int runDaemon(DaemonConfig config, boolean child, PrintStream err) {
        GlobalSettings g = config.globals();
        TableSettings tables;
        try {
            tables = TableSettings.of(g);
        } catch (IllegalArgumentException e) {
            err.println("jbabeld: " + e.getMessage());
            return 1;
        }
        String logFile = g.effectiveLogFile();
        DaemonLog log;
        try {
            if (child) {
                ProcessControl.newSession();
            }
            log = logFile == null ? DaemonLog.stderr(g.debug()) : new DaemonLog(logFile, g.debug());
        } catch (IOException e) {
            err.println("jbabeld: " + e.getMessage());
            return 1;
        }
        // From here on an Error in any thread is fatal: logged, our kernel routes removed, exit status 70
        FatalErrors.install(log);
        Path pidFile = g.pidFile() == null || g.pidFile().isEmpty() ? null : Path.of(g.pidFile());
        try {
            if (pidFile != null) {
                writePidFile(pidFile);
            }
        } catch (IOException e) {
            err.println("jbabeld: cannot write pid file " + pidFile + ": " + e.getMessage());
            return 1;
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(config, log,
                    fib -> SourceRoutingSupport.choose(g.ipv6Subtrees(), fib, tables).choice(),
                    BuiltInExtensions.create(config));
        } catch (IOException | RuntimeException e) {
            err.println("jbabeld: " + e.getMessage());
            deleteQuietly(pidFile);
            releaseLock();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.stop();
            deleteQuietly(pidFile);
            releaseLock();
        }, "jbabeld-exit"));
        Signal.handle(new Signal("USR1"), s -> daemon.dumpToLog());
        Signal.handle(new Signal("USR2"), s -> daemon.reopenLogAndRescan());
        if (child) {
            System.out.println(READY);
            System.out.flush();
            try {
                ProcessControl.redirectStandardStreams(logFile);
            } catch (IOException e) {
                log.info("cannot detach standard streams: " + e.getMessage());
            }
        }
        daemon.terminated().join();
        return 0;
    }

    /** How long a start waits for the lock of a process that is still dying (a restart right after kill -9). */
    static final long LOCK_WAIT_MILLIS = 3_000;
    /** The lock of this process's pid file, held for its life (closed by the kernel when the process dies). */
    private static FileChannel lock;

    /** The lock file of a pid file: next to it, with {@code .lock} appended to its name. */
    static Path lockFileOf(Path pidFile) {
        return pidFile.resolveSibling(pidFile.getFileName() + ".lock");
    }

    /**
     * babeld refuses to start when its pid file exists; we refuse when another process holds the pid file's lock
     * ({@link #lockFileOf}, an fcntl lock the kernel drops when its holder dies, however it dies), so that a file
     * left behind by a crash is taken over, and a restart right after kill -9 waits up to {@value
     * #LOCK_WAIT_MILLIS} ms for the dying process to let go. The lock is kept for the life of the process; the lock
     * file itself stays (removing it would let two processes hold locks on two files of the same name).
     */
    static void writePidFile(Path file) throws IOException {
        FileChannel channel = FileChannel.open(lockFileOf(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            long deadline = System.nanoTime() + LOCK_WAIT_MILLIS * 1_000_000;
            FileLock held = tryLock(channel);
            while (held == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
                held = tryLock(channel);
            }
            if (held == null) {
                throw new IOException("another jbabeld (" + describeHolder(file) + ") is running: it holds "
                        + lockFileOf(file));
            }
            Files.writeString(file, ProcessControl.pid() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + lockFileOf(file));
        }
        lock = channel;
    }

    /** The lock, or null when another process (or this one, through another channel) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static String describeHolder(Path pidFile) {
        try {
            return "pid " + Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException | IOException e) {
            return "pid unknown";
        }
    }

    /** Releases the pid file's lock (at exit, after the pid file is removed). */
    static void releaseLock() {
        FileChannel l = lock;
        lock = null;
        if (l != null) {
            try {
                l.close();
            } catch (IOException e) {
                // the kernel drops the lock at exit anyway
            }
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // nothing more to do at exit
        }
    }

    /** The parent of {@code -D}: re-launches this JVM with the same arguments and waits until the child runs. */
    private static int launchDetached(String[] args, PrintStream err) {
        List<String> command = new ArrayList<>();
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String> java = info.command();
        Optional<String[]> jvmArgs = info.arguments();
        if (java.isEmpty() || jvmArgs.isEmpty()) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Jbabeld.class.getName());
            command.addAll(Arrays.asList(args));
        } else {
            command.add(java.get());
            for (String a : jvmArgs.get()) {
                if (!a.startsWith("-XX:AOTCacheOutput=")) {
                    command.add(a);
                }
            }
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put(CHILD_MARKER, "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            err.println("jbabeld: cannot start the daemon process: " + e.getMessage());
            return 1;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals(READY)) {
                    return 0;
                }
                err.println(line);
            }
        } catch (IOException e) {
            err.println("jbabeld: " + e.getMessage());
        }
        try {
            return p.waitFor() == 0 ? 1 : p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
