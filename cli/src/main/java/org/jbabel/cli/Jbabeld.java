package org.jbabel.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * SIGUSR2 reopens the log file and re-reads interfaces and kernel routes, as babeld.
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
            config = options.toConfig(ConfigFiles.SYSTEM);
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
                    fib -> SourceRoutingSupport.choose(g.ipv6Subtrees(), fib, tables).choice());
        } catch (IOException | RuntimeException e) {
            err.println("jbabeld: " + e.getMessage());
            deleteQuietly(pidFile);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.stop();
            deleteQuietly(pidFile);
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

    /**
     * babeld refuses to start when its pid file exists; we do the same when the process it names is alive, and
     * take over a file left behind by a process that is gone (a crash).
     */
    static void writePidFile(Path file) throws IOException {
        long self = ProcessControl.pid();
        String pid = self + "\n";
        try {
            Files.writeString(file, pid, StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            long other;
            try {
                other = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
            } catch (NumberFormatException | IOException bad) {
                other = -1;
            }
            if (other > 0 && other != self && Files.exists(Path.of("/proc", Long.toString(other)))) {
                throw new IOException("another jbabeld (pid " + other + ") is running");
            }
            Files.writeString(file, pid, StandardCharsets.US_ASCII);
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
            command.addAll(Arrays.asList(jvmArgs.get()));
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
