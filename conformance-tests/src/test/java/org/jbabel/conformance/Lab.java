package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jbabel.linux.NetworkNamespace;

/**
 * A throw-away network of Linux network namespaces joined by veth pairs, with real routing daemons in them
 * (babeld, BIRD 2, FRR's babeld through {@link FrrNode}, and jbabeld started as a separate JVM from the test's own
 * class path). {@link #close()} stops
 * every daemon and deletes every namespace, also after a failure. Missing babeld or bird FAIL with an install hint.
 */
final class Lab implements AutoCloseable {

    /** A daemon process of the lab. */
    record Daemon(String name, String ns, Process process, Path log, Path socket) {}


    private final Path dir;
    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private final List<String> namespaces = new ArrayList<>();
    private final Map<String, Daemon> daemons = new LinkedHashMap<>();

    Lab(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The absolute path of a tool, or a failed test telling how to install it. */
    static String tool(String name, String debianPackage) {
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(d, name))) {
                return d + "/" + name;
            }
        }
        return fail("%s is not installed: install the Debian package `%s` (apt-get install -y %s, or run bin/test "
                + "as root)", name, debianPackage, debianPackage);
    }

    /** A new namespace with its loopback up; returns its full name. */
    String ns(String name) throws Exception {
        String full = "jbd-" + name + "-" + tag;
        run("ip", "netns", "add", full);
        namespaces.add(full);
        run("ip", "-n", full, "link", "set", "lo", "up");
        return full;
    }

    /** A veth pair between two namespaces, both ends up. */
    void link(String nsA, String ifA, String nsB, String ifB) throws Exception {
        run("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        run("ip", "-n", nsA, "link", "set", ifA, "up");
        run("ip", "-n", nsB, "link", "set", ifB, "up");
    }

    /** A daemon's arguments: {@code base} followed by {@code more}. */
    static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** {@code ip -n NS args...}. */
    String ip(String ns, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "-n", ns));
        c.addAll(List.of(args));
        return run(c.toArray(String[]::new));
    }

    /** Runs a command in a namespace and returns its exit status (output discarded). */
    int exec(String ns, String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /**
     * What the kernel dropped on the sockets of port 6696 (Babel's, whoever holds them: babeld or jbabeld) in a
     * namespace, mostly for want of room in their receive buffers: the sum of /proc/net/udp6's drops column.
     */
    long udpDrops(String ns) throws Exception {
        long drops = 0;
        for (String line : run("ip", "netns", "exec", ns, "cat", "/proc/net/udp6").lines().skip(1).toList()) {
            String[] f = line.strip().split("\\s+");
            if (f[1].endsWith(":1A28")) {
                drops += Long.parseLong(f[f.length - 1]);
            }
        }
        return drops;
    }

    /**
     * {@code ping -c 2 -i 0.2 -W 2 args...} in a namespace: two echo requests, a second try 0.2 s after the first;
     * its exit status, 0 when a reply came back.
     */
    int ping(String ns, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of("ping", "-c", "2", "-i", "0.2", "-W", "2"));
        c.addAll(List.of(args));
        return exec(ns, c.toArray(String[]::new));
    }

    static String run(String... command) throws Exception {
        return run(Duration.ofSeconds(20), command);
    }

    /** Runs a command, output and errors together, failing the test if it fails or takes longer than {@code limit}. */
    static String run(Duration limit, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            fail("%s failed: %s", String.join(" ", command), out);
        }
        return out;
    }

    /** The options in {@code bin/jbabeld.options}, as {@code bin/jbabeld} reads them. */
    static final List<String> JBABELD_JVM_OPTIONS = jvmOptions();

    private static List<String> jvmOptions() {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        try {
            return org.jbabel.cli.JbabeldOptions.read(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read jbabeld's JVM options under " + root, e);
        }
    }

    /** babeld with a UNIX control socket, pid and state files in the lab's directory. */
    Daemon babeld(String ns, String name, List<String> args) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns, tool("babeld", "babeld"),
                "-I", dir.resolve(name + ".pid").toString(), "-S", dir.resolve(name + ".state").toString(),
                "-G", dir.resolve(name + ".sock").toString()));
        c.addAll(args);
        return start(name, ns, c);
    }

    /**
     * jbabeld, as a JVM of its own from this test's class path with the JVM options of {@code bin/jbabeld}
     * ({@code bin/jbabeld.options}), and with the same files as {@link #babeld}.
     */
    Daemon jbabeld(String ns, String name, List<String> args) throws Exception {
        return start(name, ns, jbabeldCommand(ns, name, args));
    }

    /** As {@link #jbabeld(String, String, List)}, with more JVM options after those of {@code bin/jbabeld}. */
    Daemon jbabeld(String ns, String name, List<String> jvmOptions, List<String> args) throws Exception {
        List<String> c = jbabeldCommand(ns, name, args);
        c.addAll(c.indexOf("-cp"), jvmOptions);
        return start(name, ns, c);
    }

    List<String> jbabeldCommand(String ns, String name, List<String> args) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        c.addAll(JBABELD_JVM_OPTIONS);
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.jbabel.cli.Jbabeld",
                "-I", dir.resolve(name + ".pid").toString(), "-S", dir.resolve(name + ".state").toString(),
                "-G", dir.resolve(name + ".sock").toString()));
        c.addAll(args);
        return c;
    }

    /**
     * The project's root with {@code bin/jbabeld} ready to run: its jar built (the tests that run the script do not
     * let it build); a failed test saying how to build it otherwise.
     */
    static Path scriptRoot() {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        Path jar = root.resolve("cli/target/jbabel-cli.jar");
        if (!Files.exists(jar)) {
            fail("%s is missing: build with `./mvnw install` or `bin/test` (the test runs bin/jbabeld)", jar);
        }
        return root;
    }

    /**
     * jbabeld as a user starts it, through {@code bin/jbabeld} (which must not build: {@code JBABEL_NO_BUILD=1}), with
     * more variables in its environment and the same files as {@link #babeld}; without the ahead-of-time cache unless
     * the environment names one ({@code JBABEL_AOT_CACHE}).
     */
    Daemon jbabeldScript(String ns, String name, Map<String, String> environment, List<String> args)
            throws IOException {
        Path root = scriptRoot();
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env", "JBABEL_NO_BUILD=1"));
        if (!environment.containsKey("JBABEL_AOT_CACHE")) {
            c.add("JBABEL_AOT_CACHE="); // no cache, so that no training run delays the start (JbabeldAotCacheTest)
        }
        environment.forEach((k, v) -> c.add(k + "=" + v));
        c.addAll(List.of(root.resolve("bin/jbabeld").toString(), "-I", dir.resolve(name + ".pid").toString(),
                "-S", dir.resolve(name + ".state").toString(), "-G", dir.resolve(name + ".sock").toString()));
        c.addAll(args);
        return start(name, ns, c);
    }

    /** BIRD 2 in the foreground with the given configuration. */
    Daemon bird(String ns, String name, String config) throws Exception {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, config);
        return start(name, ns, List.of("ip", "netns", "exec", ns, tool("bird", "bird2"), "-f", "-c", conf.toString(),
                "-s", dir.resolve(name + ".ctl").toString()));
    }

    /** Starts a daemon of the lab (stopped by {@link #close()}), its output in {@code dir/NAME.log}. */
    Daemon start(String name, String ns, List<String> command) throws IOException {
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Daemon d = new Daemon(name, ns, p, log, dir.resolve(name + ".sock"));
        daemons.put(name, d);
        return d;
    }

    /** Stops a daemon with SIGTERM (a clean exit), waiting for it. */
    void stop(Daemon d) throws Exception {
        stop(d, Duration.ofSeconds(15));
    }

    /** Stops a daemon with SIGTERM (a clean exit), waiting at most {@code limit} for it. */
    void stop(Daemon d, Duration limit) throws Exception {
        d.process().destroy();
        if (!d.process().waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            d.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail("%s did not stop on SIGTERM within %s", d.name(), limit);
        }
        daemons.remove(d.name());
    }

    /** Sends SIGKILL to a daemon and returns at once, while the process may still be dying. */
    void crash(Daemon d) {
        d.process().destroyForcibly();
        daemons.remove(d.name());
    }

    /** Kills a daemon with SIGKILL: a crash. */
    void kill(Daemon d) throws Exception {
        d.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        daemons.remove(d.name());
    }

    /**
     * Waits (polling every 100 ms, at most {@code limit}) until {@code check} gives non-null; fails otherwise. A wait
     * of a second or more is printed with its length, so that a test's log shows where its time goes.
     */
    <T> T await(String what, Duration limit, Supplier<T> check) throws Exception {
        long start = System.nanoTime();
        long end = start + limit.toNanos();
        while (true) {
            for (Daemon d : daemons.values()) {
                if (!d.process().isAlive()) {
                    fail("%s exited while waiting for %s: %s", d.name(), what, Files.readString(d.log()));
                }
            }
            T t = check.get();
            if (t != null) {
                long took = (System.nanoTime() - start) / 1_000_000;
                if (took >= 1000) {
                    System.out.printf("[lab] %.1f s waiting for %s%n", took / 1000.0, what);
                }
                return t;
            }
            if (System.nanoTime() > end) {
                return fail("timed out after %s waiting for %s", limit, what);
            }
            Thread.sleep(100);
        }
    }

    /** The routes of protocol babel in a namespace, as {@code ip -6 route show proto babel} prints them. */
    String babelRoutes(String ns, String family) {
        try {
            return ip(ns, family, "route", "show", "proto", "babel");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What differs between the kernel's IPv6 routes of protocol babel in {@code ns} and the control socket's {@code dump}, or null when
     * nothing does: each installed route must be a kernel route through its next hop and interface, each kernel route
     * an installed route, and each unreachable kernel route a prefix whose routes are all retracted.
     */
    String kernelMismatch(String ns, Daemon daemon) {
        List<String> dump = Lab.dump(daemon.socket());
        if (dump == null) {
            return "no dump";
        }
        Set<String> expected = new TreeSet<>();
        Map<String, Boolean> allRetracted = new TreeMap<>();
        for (String line : dump) {
            String[] w = line.split(" ");
            if (w.length < 2 || !w[1].equals("route")) {
                continue;
            }
            Map<String, String> f = new HashMap<>();
            for (int k = 3; k + 1 < w.length; k += 2) {
                f.put(w[k], w[k + 1]);
            }
            String prefix = hostRoute(f.get("prefix"));
            if ("yes".equals(f.get("installed"))) {
                expected.add(prefix + " via " + f.get("via") + " dev " + f.get("if"));
            }
            boolean retracted = "65535".equals(f.get("metric"));
            allRetracted.merge(prefix, retracted, Boolean::logicalAnd);
        }
        Set<String> actual = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (String route : babelRoutes(ns, "-6").lines().toList()) {
            String[] w = route.strip().split("\\s+");
            if (w[0].equals("unreachable")) {
                String prefix = hostRoute(w[1]);
                if (!Boolean.TRUE.equals(allRetracted.get(prefix))) {
                    problems.add("unreachable " + prefix + " without a retracted route only");
                }
                continue;
            }
            actual.add(w[0] + " via " + w[2] + " dev " + w[4]);
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        if (!missing.isEmpty()) {
            problems.add("missing from the kernel: " + missing);
        }
        if (!extra.isEmpty()) {
            problems.add("in the kernel but not installed: " + extra);
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** The kernel prints a /128 without its length. */
    private static String hostRoute(String prefix) {
        return prefix.endsWith("/128") ? prefix.substring(0, prefix.length() - 4) : prefix;
    }

    /** The lines a control socket answers to {@code request}: banner and answer, up to the final status. */
    static List<String> ask(Path socket, String... requests) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            readStatus(in, lines);
            for (String r : requests) {
                Channels.newOutputStream(ch).write((r + "\n").getBytes(StandardCharsets.UTF_8));
                readStatus(in, lines);
            }
            return lines;
        }
    }

    /** {@code dump} on a control socket: the data lines only, or null while the socket is not there. */
    static List<String> dump(Path socket) {
        if (!Files.exists(socket)) {
            return null;
        }
        try {
            List<String> all = ask(socket, "dump");
            return all.subList(5, all.size() - 1);
        } catch (IOException e) {
            return null;
        }
    }

    private static void readStatus(BufferedReader in, List<String> lines) throws IOException {
        for (String l = in.readLine(); l != null; l = in.readLine()) {
            lines.add(l);
            if (l.equals("ok") || l.equals("bad") || l.equals("no") || l.startsWith("no ")) {
                return;
            }
        }
        throw new IOException("the control socket closed; got " + lines);
    }

    /** jbabeld's {@code roaming clients} answer, empty while its control socket does not answer. */
    static String roamingClients(Daemon d) {
        try {
            return String.join("\n", ask(d.socket(), "roaming clients"));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * A roaming client in namespace {@code ns} speaks on its interface {@code ifname} as one that attaches anew: it
     * forgets its neighbour entries and resolves its router, the next-node fe80::1. Its frames make the new node's
     * client bridge learn it; the C l3roamd learns a wired client only from what it snoops (NS, NA, neighbour entries
     * of its own kernel), so a client that stays silent is not found by it until a SEEK makes it probe the address.
     */
    void speak(String ns, String ifname) throws Exception {
        ip(ns, "-6", "neigh", "flush", "dev", ifname);
        exec(ns, "ping", "-6", "-c", "1", "-W", "1", "-I", ifname, "fe80::1");
    }

    /** A daemon's resident memory ({@code VmRSS} of /proc/PID/status) in KiB, 0 once it is gone. */
    static long rssKib(Daemon d) throws IOException {
        return statusKib(d, "VmRSS");
    }

    /** A daemon's peak resident memory so far ({@code VmHWM} of /proc/PID/status) in KiB, 0 once it is gone. */
    static long peakRssKib(Daemon d) throws IOException {
        return statusKib(d, "VmHWM");
    }

    private static long statusKib(Daemon d, String field) throws IOException {
        Path status = Path.of("/proc", Long.toString(d.process().pid()), "status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** The {@code counters} of jbabeld's {@code dump json}; an empty object while the socket does not answer. */
    static com.fasterxml.jackson.databind.JsonNode counters(Path socket) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            List<String> lines = ask(socket, "dump json");
            return json.readTree(lines.get(lines.size() - 2)).path("counters");
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    /**
     * jbabeld's counters once {@code counter} stood still for a second (waiting at most {@code limit}): what the
     * socket buffers took of a flood is handled.
     */
    com.fasterxml.jackson.databind.JsonNode settledCounters(Daemon d, String counter, Duration limit)
            throws Exception {
        long[] last = {-1};
        return await(counter + " standing still", limit, () -> {
            com.fasterxml.jackson.databind.JsonNode c = counters(d.socket());
            long now = c.path(counter).asLong();
            boolean still = now == last[0];
            last[0] = now;
            try {
                Thread.sleep(1000);
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
            return still ? c : null;
        });
    }

    /**
     * A busybox udhcpc script that appends its environment to {@code out}, each line prefixed with the event
     * ({@code bound: ip=...}), and configures nothing; written into the lab's directory.
     */
    Path udhcpcRecorder(Path out) throws IOException {
        Path script = dir.resolve("udhcpc-" + out.getFileName() + ".sh");
        Files.writeString(script, "#!/bin/sh\nenv | sed 's/^/'\"$1\"': /' >> " + out + "\nexit 0\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /**
     * A script for busybox udhcpc and ISC dhclient that configures the client as an L3 mesh client: on an address
     * (udhcpc bound/renew, dhclient BOUND/REBOOT/RENEW) it puts it on as the only /32 with a host route to the router
     * and a default route through it; on losing it (udhcpc deconfig, dhclient EXPIRE/FAIL/RELEASE) it takes the
     * addresses off. Every event's variables, and {@code at} (the time in ms since the epoch), are appended to
     * {@code out}, each line prefixed with the event ({@code bound: ip=...}). Written into the lab's directory.
     */
    Path dhcpClientScript(Path out) throws IOException {
        Path s = dir.resolve("dhcp-client-" + out.getFileName() + ".sh");
        Files.writeString(s, """
                #!/bin/sh
                a=""; gw="$router"; dev="$interface"
                case "$1$reason" in
                  bound|renew) a="$ip";;
                  BOUND|REBOOT|RENEW) a="$new_ip_address"; gw="$new_routers";;
                  deconfig|EXPIRE|FAIL|RELEASE) ip -4 addr flush dev "$dev";;
                esac
                if [ -n "$a" ]; then
                  gw="${gw%%%% *}"
                  for old in $(ip -4 -o addr show dev "$dev" | awk '{print $4}'); do
                    [ "$old" = "$a/32" ] || ip addr del "$old" dev "$dev"
                  done
                  ip addr replace "$a/32" dev "$dev"
                  ip route replace "$gw" dev "$dev"
                  ip route replace default via "$gw" dev "$dev"
                fi
                at=$(date +%%s%%3N) env | sed 's/^/'"$1$reason"': /' >> %s
                exit 0
                """.formatted(out));
        Files.setPosixFilePermissions(s, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    /** A UDP echo server (python3) on {@code address:port} in a namespace, stopped with the lab. */
    Daemon udpEcho(String ns, String name, String address, int port) throws IOException {
        return start(name, ns, List.of("ip", "netns", "exec", ns, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("%s", %d))
                while True:
                    data, peer = s.recvfrom(2048)
                    s.sendto(data, peer)
                """.formatted(address, port)));
    }

    /** Runs {@code task} on a thread that has entered namespace {@code ns} (sockets it opens stay there). */
    static <T> T inside(String ns, Callable<T> task) throws Exception {
        return NetworkNamespace.runIn(ns, task);
    }

    @Override
    public void close() throws Exception {
        for (Daemon d : List.copyOf(daemons.values())) {
            d.process().destroy();
        }
        for (Daemon d : List.copyOf(daemons.values())) {
            if (!d.process().waitFor(10, TimeUnit.SECONDS)) {
                d.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        daemons.clear();
        for (String ns : namespaces) {
            new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
