package org.jbabel.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh network namespace for one test: made with {@code ip netns add}, entered by one dedicated thread with
 * {@code setns(2)} ({@link Netns}) so that netlink sockets opened there belong to it, and deleted on {@link #close()}. Its
 * loopback interface is up. The
 * {@code ip} tool sets up and checks; the product code under test runs on the namespace's thread. Public for the
 * other modules' kernel tests (babel-core's test-jar).
 */
public final class NetworkNamespace implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String PREFIX = "jbabel-test-";
    /** Our names: the prefix, the pid of the test JVM, a counter. */
    private static final Pattern OURS = Pattern.compile("(jbabel-test-(\\d{1,18})-\\d+)\\b");

    private final String name;
    private final ExecutorService thread;

    private NetworkNamespace(String name) throws Exception {
        this.name = name;
        run("ip", "netns", "add", name);
        // Up like on any real host; IPv4 on-link gateways are refused while the local table is empty.
        run("ip", "-n", name, "link", "set", "lo", "up");
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + name);
            t.setDaemon(true);
            return t;
        });
        try {
            inside(() -> {
                Netns.enter(name);
                return null;
            });
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** True when this machine lets us make namespaces: root, Linux, {@code ip} installed. */
    public static boolean available() {
        try {
            return "root".equals(System.getProperty("user.name"))
                    && new ProcessBuilder("ip", "netns", "list").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A new namespace; first deletes those that test JVMs which no longer run left behind. */
    public static NetworkNamespace create() throws Exception {
        for (String line : run("ip", "netns", "list").lines().toList()) {
            Matcher m = OURS.matcher(line);
            if (m.lookingAt() && !ProcessHandle.of(Long.parseLong(m.group(2))).map(ProcessHandle::isAlive).orElse(false)) {
                run("ip", "netns", "del", m.group(1));
            }
        }
        return new NetworkNamespace(PREFIX + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
    }

    /** The namespace's name, for {@code ip netns exec} and {@code ip link set ... netns}. */
    public String name() {
        return name;
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec}) and returns its output; fails when it fails. */
    public String exec(String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(List.of(command));
        return run(c.toArray(String[]::new));
    }

    /** Runs {@code task} on the thread that lives in this namespace. */
    public <T> T inside(Callable<T> task) throws Exception {
        try {
            return thread.submit(task).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Runs {@code task} on a thread of its own that has entered the existing namespace {@code name} (one made by
     * {@code ip netns add}, not necessarily by this class); sockets the task opens stay in that namespace.
     */
    public static <T> T runIn(String name, Callable<T> task) throws Exception {
        return Netns.call(name, task);
    }

    /** Runs {@code ip -n NAME ARGS...} and returns its output; fails the test when ip fails. */
    public String ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    /** Runs {@code bridge -n NAME ARGS...} (iproute2's bridge tool); fails the test when it fails. */
    public String bridge(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bridge", "-n", name));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
            run("ip", "netns", "del", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting namespace " + name, e);
        }
    }
}
