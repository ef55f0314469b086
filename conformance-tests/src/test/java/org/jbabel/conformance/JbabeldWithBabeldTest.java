package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jbabel.control.BabeldText;
import org.jbabel.control.ChangeEvent;
import org.jbabel.control.JsonFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * jbabeld next to the real babeld (Debian's 1.12.1): A runs babeld on {@code va}, B runs jbabeld on {@code vb}, the
 * two ends of a veth pair in two network namespaces. Each has an IPv6 address on its loopback and an IPv4 address on
 * its veth; B also has a stub interface with static routes that its {@code redistribute} rules pick from. The
 * network is set up once; the tests run in order and the last ones stop, crash and restart B, and start a second
 * B.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JbabeldWithBabeldTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");
    private static final List<String> B_ARGS = List.of(
            "-C", "redistribute ip 2001:db8:f1::/48 deny",
            "-C", "redistribute ip 2001:db8:f2::/48 src-prefix 2001:db8:b::/48",
            "-C", "redistribute ip 2001:db8::/32 ge 48 metric 128",
            "vb");

    private Lab lab;
    private String a;
    private String b;
    private Lab.Daemon babeld;
    private Lab.Daemon jbabeld;

    @BeforeAll
    void network(@TempDir Path dir) throws Exception {
        Lab.tool("babeld", "babeld");
        lab = new Lab(dir);
        a = lab.ns("a");
        b = lab.ns("b");
        lab.link(a, "va", b, "vb");
        lab.link(b, "stub0", b, "stub1");
        lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
        lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
        lab.ip(a, "addr", "add", "10.1.0.1/32", "dev", "va");
        lab.ip(b, "addr", "add", "10.1.0.2/32", "dev", "vb");
        lab.ip(b, "-6", "route", "add", "2001:db8:f1::/48", "dev", "stub0", "proto", "static");
        babeld = lab.babeld(a, "a", concat(FAST, List.of("va")));
        jbabeld = lab.jbabeld(b, "b", concat(FAST, B_ARGS));
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void routesFlowBothWaysIntoTheKernelAndTrafficIsForwarded() throws Exception {
        lab.await("babeld's routes in jbabeld's FIB", CONVERGE, () -> {
            String v6 = lab.babelRoutes(b, "-6");
            String v4 = lab.babelRoutes(b, "-4");
            return v6.contains("2001:db8:a::1 via fe80:") && v4.contains("10.1.0.1 via 10.1.0.1 dev vb") ? v6 : null;
        });
        lab.await("jbabeld's routes in babeld's FIB", CONVERGE, () -> {
            String v6 = lab.babelRoutes(a, "-6");
            String v4 = lab.babelRoutes(a, "-4");
            return v6.contains("2001:db8:b::1 via fe80:") && v4.contains("10.1.0.2 via 10.1.0.2 dev va") ? v6 : null;
        });
        assertThat(lab.ping(a, "-6", "-I", "2001:db8:a::1", "2001:db8:b::1"))
                .as("ping6 from A's loopback to B's").isZero();
        assertThat(lab.ping(b, "10.1.0.1")).as("ping from B to A over IPv4").isZero();
    }

    @Test
    @Order(2)
    void kernelRoutesAreRedistributedThroughTheFiltersAndRetractedWhenTheyGo() throws Exception {
        lab.ip(b, "-6", "route", "add", "2001:db8:f0::/48", "dev", "stub0", "proto", "static");
        lab.ip(b, "-6", "route", "add", "2001:db8:f2::/48", "dev", "stub0", "proto", "static");
        String fib = lab.await("redistributed routes at babeld", CONVERGE, () -> {
            String v6 = lab.babelRoutes(a, "-6");
            return v6.contains("2001:db8:f0::/48 via") && v6.contains("2001:db8:f2::/48 from 2001:db8:b::/48 via")
                    ? v6 : null;
        });
        assertThat(fib).as("denied by a redistribute rule").doesNotContain("2001:db8:f1::");
        List<String> dump = Lab.dump(lab.dir().resolve("a.sock"));
        assertThat(dump).anyMatch(l -> l.startsWith("add route") && l.contains("prefix 2001:db8:f0::/48 from ::/0")
                && l.contains("refmetric 128"));

        lab.ip(b, "-6", "route", "del", "2001:db8:f0::/48", "dev", "stub0");
        lab.await("the retraction of 2001:db8:f0::/48 at babeld", CONVERGE,
                () -> lab.babelRoutes(a, "-6").contains("2001:db8:f0::/48 via") ? null : true);
        assertThat(lab.babelRoutes(a, "-6")).contains("2001:db8:f2::/48 from 2001:db8:b::/48 via");
    }

    @Test
    @Order(3)
    void dumpShowsTheLineKindsAndFieldsOfBabeldsDump() throws Exception {
        List<String> ours = lab.await("jbabeld's dump with babeld's routes", CONVERGE, () -> {
            List<String> d = Lab.dump(jbabeld.socket());
            return d != null && d.stream().anyMatch(l -> l.contains("prefix 10.1.0.1/32") && l.contains("installed yes"))
                    ? d : null;
        });
        List<String> theirs = Lab.dump(babeld.socket());
        assertThat(shapes(ours)).isEqualTo(shapes(theirs));
        for (String line : ours) {
            assertThat(BabeldText.format(BabeldText.parse(line))).as("re-printed").isEqualTo(line);
        }
        assertThat(ours).anyMatch(l -> l.startsWith("add interface vb up true ipv6 fe80:") && l.endsWith("ipv4 10.1.0.2"));
        assertThat(ours).anyMatch(l -> l.startsWith("add xroute 2001:db8:b::1/128-::/0"));
        assertThat(ours).anyMatch(l -> l.startsWith("add route") && l.contains("prefix 2001:db8:a::1/128 from ::/0 "
                + "installed yes"));

        List<String> json = Lab.ask(jbabeld.socket(), "dump json");
        JsonNode state = new ObjectMapper().readTree(json.get(json.size() - 2));
        assertThat(state.get("babel-routes").size()).isEqualTo(count(ours, "route"));
        assertThat(state.get("babel-neighbors").size()).isEqualTo(count(ours, "neighbour"));
        assertThat(state.get("xroutes").size()).isEqualTo(count(ours, "xroute"));
        assertThat(state.get("babel-interfaces").size()).isEqualTo(count(ours, "interface"));

        // jbabel ctl's routes table: from jbabeld's dump json, and from babeld's dump lines
        String header = "PREFIX +FROM +METRIC +REFMETRIC +VIA +INTERFACE +INSTALLED +ROUTER-ID";
        String jTable = MmfdLab.ctl(jbabeld.socket(), "routes");
        assertThat(jTable).containsPattern("^" + header + "\n")
                .containsPattern("(?m)^2001:db8:a::1/128 +::/0 +\\d+ +\\d+ +fe80:\\S+ +vb +yes +\\S+$");
        String bTable = MmfdLab.ctl(babeld.socket(), "routes");
        assertThat(bTable).containsPattern("^" + header + "\n")
                .containsPattern("(?m)^2001:db8:b::1/128 +::/0 +\\d+ +\\d+ +fe80:\\S+ +va +yes +\\S+$");
    }

    @Test
    @Order(4)
    void badPacketsAreCountedAndTheNeighbourAndItsRoutesStay() throws Exception {
        Map<String, Long> before = counters();
        int rc = lab.exec(a, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), UdpSend.class.getName(), "va",
                "2b020000",                             // wrong magic
                "2a0200040406",                         // a Hello whose length runs past the body
                "2a02000c080a09000000019000010000",     // an Update with address encoding 9
                "2a02000409020500",                     // a Route Request with address encoding 5
                "2a0200ff0102",                         // a body length past the datagram
                "ffffffffffffffffffffffffffff");        // noise
        assertThat(rc).isZero();
        Map<String, Long> after = lab.await("the bad packets counted", CONVERGE, () -> {
            Map<String, Long> c = counters();
            long sumBefore = wireTotal(before);
            return wireTotal(c) >= sumBefore + 4 ? c : null;
        });
        assertThat(after.get("daemon.packet_unknown_interface")).isNull();
        List<String> dump = Lab.dump(jbabeld.socket());
        assertThat(dump).anyMatch(l -> l.startsWith("add neighbour") && l.contains(" if vb ") && l.contains("cost 96"));
        assertThat(lab.babelRoutes(b, "-6")).contains("2001:db8:a::1 via fe80:");
    }

    @Test
    @Order(5)
    void garbageOnTheControlSocketIsAnsweredBadAndCounted() throws Exception {
        List<String> answers = Lab.ask(jbabeld.socket(), "frobnicate", "interface", "in ip 2001:db8::/32 deny",
                "flush interface nosuch", "\u0001\u0002 ]]", "dump");
        assertThat(answers.subList(5, 10)).containsExactly("bad", "bad", "bad", "no No such interface", "bad");
        assertThat(answers.getLast()).isEqualTo("ok");
        assertThat(counters().get("control.bad-requests")).isGreaterThanOrEqualTo(4);
        assertThat(Lab.dump(jbabeld.socket())).anyMatch(l -> l.startsWith("add neighbour"));
    }

    @Test
    @Order(6)
    void cleanStopLeavesNoRouteAndARestartAfterKill9IsReachableAgain() throws Exception {
        lab.stop(jbabeld);
        assertThat(lab.babelRoutes(b, "-6") + lab.babelRoutes(b, "-4")).as("routes left after a clean stop").isEmpty();
        assertThat(Files.exists(lab.dir().resolve("b.pid"))).as("pid file removed").isFalse();
        lab.await("babeld dropping B's routes", CONVERGE,
                () -> lab.babelRoutes(a, "-6").contains("2001:db8:b::1 via") ? null : true);

        jbabeld = lab.jbabeld(b, "b", concat(FAST, B_ARGS));
        lab.await("B's routes back at babeld", CONVERGE,
                () -> lab.babelRoutes(a, "-6").contains("2001:db8:b::1 via fe80:") ? true : null);
        lab.await("A's routes in B's FIB", CONVERGE,
                () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via") ? true : null);

        // kill -9 and a restart at once, with the same pid file, while the killed process may still be dying
        Lab.Daemon killed = jbabeld;
        lab.crash(killed);
        assertThat(lab.babelRoutes(b, "-6")).as("a crash leaves its routes").contains("2001:db8:a::1 via");
        jbabeld = lab.jbabeld(b, "b", concat(FAST, B_ARGS));
        lab.ip(b, "-6", "route", "add", "2001:db8:f3::/48", "dev", "stub0", "proto", "static");
        assertThat(killed.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        lab.await("the restarted B's new route at babeld", CONVERGE,
                () -> lab.babelRoutes(a, "-6").contains("2001:db8:f3::/48 via fe80:") ? true : null);
        assertThat(Files.readString(jbabeld.log())).contains("stale routes of protocol 42");
        lab.await("A's routes in the restarted B's FIB", CONVERGE,
                () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via") ? true : null);
        assertThat(lab.exec(a, "ping", "-6", "-c", "1", "-W", "2", "-I", "2001:db8:a::1", "2001:db8:b::1")).isZero();
    }

    @Test
    @Order(7)
    void aSecondStartWithTheSamePidFileIsRefusedWhileTheFirstRuns() throws Exception {
        Process second = new ProcessBuilder(lab.jbabeldCommand(b, "b", concat(FAST, B_ARGS)))
                .redirectErrorStream(true).start();
        second.getOutputStream().close();
        String output = new String(second.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(second.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as("exit status; it said: %s", output).isEqualTo(1);
        assertThat(output).contains("another jbabeld (pid " + jbabeld.process().pid() + ") is running")
                .contains("b.pid.lock");
        assertThat(jbabeld.process().isAlive()).as("the first one runs on").isTrue();
        assertThat(Lab.dump(jbabeld.socket())).as("and serves its control socket").isNotNull();
    }

    private Map<String, Long> counters() {
        try {
            List<String> json = Lab.ask(jbabeld.socket(), "dump json");
            JsonNode c = new ObjectMapper().readTree(json.get(json.size() - 2)).get("counters");
            Map<String, Long> out = new TreeMap<>();
            c.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long wireTotal(Map<String, Long> counters) {
        return counters.entrySet().stream().filter(e -> e.getKey().startsWith("wire."))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Each line's table and its keywords in order (the values left out): what must match babeld's. */
    private static Set<String> shapes(List<String> dump) {
        Set<String> out = new TreeSet<>();
        for (String line : dump) {
            ChangeEvent e = BabeldText.parse(line);
            String[] w = line.split(" ");
            StringBuilder sb = new StringBuilder(JsonFormat.table(e.entry()));
            for (int i = 3; i < w.length; i += 2) {
                sb.append(' ').append(w[i]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static long count(List<String> dump, String table) {
        return dump.stream().filter(l -> l.startsWith("add " + table + " ")).count();
    }

    private static List<String> concat(List<String> x, List<String> y) {
        List<String> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
    }
}
