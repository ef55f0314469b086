package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * jbabeld's runtime against babeld 1.12.1: A runs babeld on {@code va}, B runs jbabeld on {@code vb} (started by
 * {@code bin/jbabeld -D}), C runs babeld on {@code vc}, linked to B's {@code vb2}, on which jbabeld runs only when
 * told at run time. babeld on A sends a periodic update only every 60 s, so whatever jbabeld gets from it sooner
 * came from triggered updates. B's {@code vb} has a universal MAC address, from which babeld would derive its
 * router-id. The tests run in order on one network.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JbabeldRuntimeTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final int BURST = 3_000;
    private static final List<String> B_ARGS = List.of("-C", "default hello-interval 0.5 update-interval 4", "vb");

    private Lab lab;
    private Path dir;
    private String a;
    private String b;
    private String c;
    private Lab.Daemon babeldA;
    private Lab.Daemon babeldC;
    private long daemonPid;
    private Lab.Daemon restarted;

    @BeforeAll
    void network(@TempDir Path tmp) throws Exception {
        Lab.tool("babeld", "babeld");
        dir = tmp;
        lab = new Lab(dir);
        a = lab.ns("a");
        b = lab.ns("b");
        c = lab.ns("c");
        lab.link(a, "va", b, "vb");
        lab.link(c, "vc", b, "vb2");
        lab.link(a, "st0", a, "st1");
        lab.ip(b, "link", "set", "vb", "down");
        lab.ip(b, "link", "set", "vb", "address", "00:16:3e:4a:42:01");
        lab.ip(b, "link", "set", "vb", "up");
        lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
        lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
        lab.ip(c, "-6", "addr", "add", "2001:db8:c0::1/128", "dev", "lo");
        babeldA = lab.babeld(a, "a", List.of("-C", "default hello-interval 0.5 update-interval 60",
                "-C", "redistribute ip 2001:db8:c::/48 ge 64", "va"));
        babeldC = lab.babeld(c, "c", List.of("-C", "default hello-interval 0.5 update-interval 4", "vc"));
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (daemonPid > 0) {
            ProcessHandle.of(daemonPid).ifPresent(p -> {
                p.destroy();
                p.onExit().completeOnTimeout(p, 10, TimeUnit.SECONDS).join();
                p.destroyForcibly();
            });
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void daemoniseLeavesADetachedProcessThatWroteThePidFileAndServesTheControlSocket() throws Exception {
        Path root = Lab.scriptRoot();
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", b, root.resolve("bin/jbabeld").toString(),
                "-D", "-I", dir.resolve("b.pid").toString(), "-S", dir.resolve("b.state").toString(),
                "-G", dir.resolve("b.sock").toString(), "-L", dir.resolve("b.log").toString()));
        command.addAll(B_ARGS);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JBABEL_NO_BUILD", "1");
        Process parent = pb.start();
        parent.getOutputStream().close();
        String output = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(parent.waitFor(60, TimeUnit.SECONDS)).as("the parent returns").isTrue();
        assertThat(parent.exitValue()).as("parent's exit status; it said: %s", output).isZero();

        daemonPid = Long.parseLong(Files.readString(dir.resolve("b.pid")).strip());
        assertThat(daemonPid).as("the pid file names the process that keeps running").isNotEqualTo(parent.pid());
        assertThat(ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(sessionOf(daemonPid)).as("a session of its own").isEqualTo(daemonPid)
                .isNotEqualTo(sessionOf(ProcessHandle.current().pid()));
        lab.await("the daemon's control socket showing vb up", CONVERGE, () -> {
            List<String> d = Lab.dump(dir.resolve("b.sock"));
            return d != null && d.stream().anyMatch(l -> l.startsWith("add interface vb up true")) ? true : null;
        });
        lab.await("babeld hearing B and B's route at A", CONVERGE,
                () -> lab.babelRoutes(a, "-6").contains("2001:db8:b::1 via fe80:") ? true : null);
    }

    @Test
    @Order(2)
    void aUnicastRouteRequestIsAnsweredByUnicast() throws Exception {
        lab.await("babeld as B's neighbour", CONVERGE, () -> {
            List<String> d = Lab.dump(dir.resolve("b.sock"));
            return d != null && d.stream().anyMatch(l -> l.startsWith("add neighbour") && l.contains(" if vb ")
                    && !l.contains("txcost 65535")) ? true : null;
        });
        String bLinkLocal = linkLocal(b, "vb");
        // A Route Request (type 9) for 2001:db8:b::1/128: AE 2, plen 128, the full address
        String request = "2a020014" + "0912" + "0280" + "20010db8000b00000000000000000001";
        String answer = javaIn(a, UdpExchange.class.getName(), "va", bLinkLocal, request);
        assertThat(answer).as("an answer sent to A's link-local address, not to the group").isNotBlank();
        ReadResult r = PacketReader.read(HexFormat.of().parseHex(answer));
        assertThat(r.packet().body()).anySatisfy(t -> {
            assertThat(t).isInstanceOf(Tlv.Update.class);
            Tlv.Update u = (Tlv.Update) t;
            assertThat(u.prefix()).isEqualTo(Prefix.parse("2001:db8:b::1/128"));
            assertThat(u.metric()).isLessThan(0xFFFF);
        });
    }

    @Test
    @Order(3)
    void aBurstOf3000PrefixesFromBabeldArrivesWithoutADroppedDatagram() throws Exception {
        long dropsBefore = lab.udpDrops(b);
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < BURST; i++) {
            batch.append("route add 2001:db8:c:").append(Integer.toHexString(i)).append("::/64 dev st0 proto static\n");
        }
        Path file = dir.resolve("burst.batch");
        Files.writeString(file, batch);
        lab.ip(a, "-batch", file.toString());
        long count = lab.await("all " + BURST + " prefixes in jbabeld's FIB", CONVERGE, () -> {
            long n = lab.babelRoutes(b, "-6").lines().filter(l -> l.startsWith("2001:db8:c:")).count();
            return n >= BURST ? n : null;
        });
        assertThat(count).isEqualTo(BURST);
        assertThat(lab.udpDrops(b) - dropsBefore).as("datagrams the kernel dropped on jbabeld's sockets").isZero();
        lab.ip(a, "-6", "route", "flush", "dev", "st0");
        // retracted routes stay as unreachable routes for their hold time (docs/ENGINE.md, "Hold time")
        lab.await("the burst retracted", CONVERGE, () -> lab.babelRoutes(b, "-6").lines()
                .anyMatch(l -> l.contains("2001:db8:c:") && !l.startsWith("unreachable")) ? null : true);
    }

    @Test
    @Order(4)
    void monitorShowsNeighboursAndRoutesComingAndGoingWithBabeldsLineKinds() throws Exception {
        try (Monitor ours = new Monitor(dir.resolve("b.sock")); Monitor babeldsA = new Monitor(babeldA.socket());
                Monitor babeldsC = new Monitor(babeldC.socket())) {
            // A route appears and goes: at jbabeld from babeld (a static route babeld redistributes), at babeld
            // from jbabeld (an address jbabeld redistributes).
            lab.ip(a, "-6", "route", "add", "2001:db8:c:ffff::/64", "dev", "st0", "proto", "static");
            lab.ip(b, "-6", "addr", "add", "2001:db8:e::2/128", "dev", "lo");
            ours.await(lab, l -> l.startsWith("add route") && l.contains("prefix 2001:db8:c:ffff::/64"));
            ours.await(lab, l -> l.startsWith("add xroute 2001:db8:e::2/128"));
            babeldsA.await(lab, l -> l.startsWith("add route") && l.contains("prefix 2001:db8:e::2/128"));
            babeldsA.await(lab, l -> l.startsWith("add xroute 2001:db8:c:ffff::/64"));
            lab.ip(a, "-6", "route", "del", "2001:db8:c:ffff::/64", "dev", "st0");
            lab.ip(b, "-6", "addr", "del", "2001:db8:e::2/128", "dev", "lo");
            // Both keep a retracted route for a while (a change to metric 65535), then flush it.
            ours.await(lab, l -> (l.startsWith("change route") || l.startsWith("flush route"))
                    && l.contains("prefix 2001:db8:c:ffff::/64") && l.contains("metric 65535"));
            ours.await(lab, l -> l.startsWith("flush xroute 2001:db8:e::2/128"));
            babeldsA.await(lab, l -> l.startsWith("flush xroute 2001:db8:c:ffff::/64"));
            babeldsA.await(lab, l -> (l.startsWith("change route") || l.startsWith("flush route"))
                    && l.contains("prefix 2001:db8:e::2/128") && l.contains("metric 65535"));

            // A neighbour appears and goes: jbabeld starts and stops on vb2, where babeld on C runs.
            assertThat(Lab.ask(dir.resolve("b.sock"), "interface vb2 hello-interval 0.5")).last().isEqualTo("ok");
            ours.await(lab, l -> l.startsWith("add interface vb2 up true"));
            ours.await(lab, l -> l.startsWith("add neighbour") && l.contains(" if vb2 "));
            ours.await(lab, l -> l.startsWith("add route") && l.contains("prefix 2001:db8:c0::1/128"));
            babeldsC.await(lab, l -> l.startsWith("add neighbour") && l.contains(" if vc "));
            babeldsC.await(lab, l -> l.startsWith("add route") && l.contains("prefix 2001:db8:b::1/128"));
            assertThat(Lab.ask(dir.resolve("b.sock"), "flush interface vb2")).last().isEqualTo("ok");
            ours.await(lab, l -> l.startsWith("flush route") && l.contains("prefix 2001:db8:c0::1/128"));
            ours.await(lab, l -> l.startsWith("flush neighbour") && l.contains(" if vb2 "));
            ours.await(lab, l -> l.startsWith("flush interface vb2"));
            babeldsC.await(lab, l -> l.startsWith("flush neighbour") && l.contains(" if vc "));

            assertThat(ours.kinds()).as("jbabeld's line kinds for these events").containsAll(Set.of(
                    "add interface", "add neighbour", "add route", "add xroute",
                    "flush interface", "flush neighbour", "flush route", "flush xroute"));
            Set<String> babelds = new TreeSet<>(babeldsA.kinds());
            babelds.addAll(babeldsC.kinds());
            assertThat(ours.kinds()).as("every kind babeld printed for the same events").containsAll(babelds);
        }
    }

    @Test
    @Order(5)
    void sigtermStopsTheDaemonisedJbabeldCleanly() throws Exception {
        ProcessHandle daemon = ProcessHandle.of(daemonPid).orElseThrow();
        daemon.destroy(); // SIGTERM
        assertThat(daemon.onExit().completeOnTimeout(null, 15, TimeUnit.SECONDS).join()).as("stopped").isNotNull();
        daemonPid = 0;
        assertThat(Files.exists(dir.resolve("b.pid"))).as("pid file removed").isFalse();
        assertThat(Files.exists(dir.resolve("b.sock"))).as("control socket removed").isFalse();
        assertThat(lab.babelRoutes(b, "-6") + lab.babelRoutes(b, "-4")).as("routes left behind").isEmpty();
    }

    @Test
    @Order(6)
    void aRestartAfterKill9WithoutAStateFileIsAcceptedByBabeldAtOnce() throws Exception {
        List<String> noStateFile = new ArrayList<>(List.of("-S", ""));
        noStateFile.addAll(B_ARGS);
        restarted = lab.jbabeld(b, "b2", noStateFile);
        String before = lab.await("B's route at A", CONVERGE, () -> routeToB(a));
        lab.kill(restarted);
        assertThat(lab.babelRoutes(a, "-6")).as("babeld still holds the crashed node's route")
                .contains("2001:db8:b::1 via");

        restarted = lab.jbabeld(b, "b3", noStateFile);
        String after = lab.await("the restarted B's route accepted by babeld", CONVERGE, () -> {
            String line = routeToB(a);
            return line != null && !routerId(line).equals(routerId(before)) ? line : null;
        });
        assertThat(after).contains("installed yes");
        assertThat(lab.babelRoutes(a, "-6")).contains("2001:db8:b::1 via fe80:");
    }

    // ------------------------------------------------------------------------------------------------------

    /** babeld's installed route to 2001:db8:b::1 with a finite metric, or null. */
    private String routeToB(String ns) {
        List<String> d = Lab.dump(lab.dir().resolve("a.sock"));
        if (d == null) {
            return null;
        }
        return d.stream().filter(l -> l.startsWith("add route") && l.contains("prefix 2001:db8:b::1/128")
                && l.contains("installed yes") && !l.contains("metric 65535")).findFirst().orElse(null);
    }

    private static String routerId(String routeLine) {
        String[] w = routeLine.split(" ");
        for (int i = 0; i < w.length - 1; i++) {
            if (w[i].equals("id")) {
                return w[i + 1];
            }
        }
        return "";
    }

    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // pid (comm) state ppid pgrp session ...: the fields after the command's closing parenthesis
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(rest[3]);
    }

    private String linkLocal(String ns, String ifname) throws Exception {
        for (String line : lab.ip(ns, "-6", "addr", "show", "dev", ifname).lines().toList()) {
            String t = line.strip();
            if (t.startsWith("inet6 fe80:")) {
                return t.split(" ")[1].split("/")[0];
            }
        }
        return fail("no link-local address on %s", ifname);
    }

    /** Runs a class of this test's class path in a namespace and returns its standard output. */
    private static String javaIn(String ns, String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** A client in monitor mode on a control socket, collecting the event lines. */
    private static final class Monitor implements AutoCloseable {
        private final SocketChannel channel;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        Monitor(Path socket) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            Channels.newOutputStream(channel).write("monitor\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String l = in.readLine(); l != null; l = in.readLine()) {
                        synchronized (lines) {
                            lines.add(l);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
        }

        /** Waits for an event line (the initial dump's lines are events too: "add ..."). */
        void await(Lab lab, Predicate<String> line) throws Exception {
            lab.await("a monitor line", CONVERGE, () -> {
                synchronized (lines) {
                    return lines.stream().anyMatch(line) ? true : null;
                }
            });
        }

        /** "add route", "flush neighbour" ...: the kind and table of every event line so far. */
        Set<String> kinds() {
            Set<String> out = new TreeSet<>();
            synchronized (lines) {
                for (String l : lines) {
                    String[] w = l.split(" ");
                    if (w.length > 1 && Set.of("add", "change", "flush").contains(w[0])) {
                        out.add(w[0] + " " + w[1]);
                    }
                }
            }
            return out;
        }

        @Override
        public void close() throws Exception {
            channel.close();
            reader.join(2_000);
        }
    }
}
