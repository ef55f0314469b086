package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbabel demo} end to end as root (issue 16, docs/DEMO.md): the demo runs as a JVM of its own, as
 * {@code bin/jbabel demo} runs it, builds its namespaces, roams its two clients and ends by itself; its report says
 * the mesh converged, both clients moved at least twice and every hand-over ended, both TCP transfers were byte-exact
 * and the IPv4 client kept its lease; nothing of the demo is left (namespaces, processes), also after a SIGINT in
 * the middle of a run.
 */
class JbabelDemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Process demo(Path dir, String... args) throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djbabel.root=" + root, "-cp",
                System.getProperty("java.class.path"), "org.jbabel.cli.Main", "demo"));
        c.addAll(List.of(args));
        return new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(dir.resolve("demo.out").toFile())
                .start();
    }

    /** Namespaces and processes the demo of process {@code pid} left. */
    private static List<String> leftovers(long pid) throws Exception {
        List<String> left = new ArrayList<>();
        Lab.run("ip", "netns", "list").lines().filter(l -> l.startsWith("jbdemo-" + pid + "-")).forEach(left::add);
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("jbabel-demo"))
                .forEach(p -> left.add("process " + p.pid() + ": " + p.info().commandLine().orElse("")));
        return left;
    }

    @Test
    void theDemoRoamsBothClientsWithoutLosingTheTransfersOrTheLeaseAndLeavesNothing(@TempDir Path dir)
            throws Exception {
        Path report = dir.resolve("report.json");
        Process p = demo(dir, "--duration", "25", "--moves", "2", "--report", report.toString());
        boolean ended = p.waitFor(150, TimeUnit.SECONDS);
        String out = Files.readString(dir.resolve("demo.out"));
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as("the demo ends by itself\n%s", out).isTrue();
        assertThat(p.exitValue()).as("exit status\n%s", out).isZero();
        JsonNode r = JSON.readTree(Files.readString(report));
        assertThat(r.path("mode").asText()).isEqualTo("namespaces");
        assertThat(r.path("converged").asBoolean()).isTrue();
        assertThat(r.path("clients")).hasSize(2);
        for (JsonNode c : r.path("clients")) {
            assertThat(c.path("moves").asInt()).as("%s moved", c.path("name")).isGreaterThanOrEqualTo(2);
            assertThat(c.path("handoversEnded").asBoolean()).as("%s: every hand-over ended", c).isTrue();
            assertThat(c.path("handoverMillis")).allMatch(h -> h.isNumber() && h.asLong() <= 10_000);
            assertThat(c.path("tcpExact").asBoolean()).as("%s: TCP byte-exact", c).isTrue();
            assertThat(c.path("tcpBytes").asLong()).isPositive();
        }
        assertThat(r.path("leaseKept").asBoolean()).as("the IPv4 client kept its lease\n%s", out).isTrue();
        assertThat(r.path("tcpOk").asBoolean()).isTrue();
        assertThat(r.path("ok").asBoolean()).isTrue();
        assertThat(r.path("leftNamespaces").asInt()).isZero();
        assertThat(leftovers(p.pid())).as("left behind").isEmpty();
    }

    @Test
    void aDemoInterruptedBySigintRemovesEverythingItMade(@TempDir Path dir) throws Exception {
        Process p = demo(dir, "--duration", "30");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end && p.isAlive()
                && !Files.readString(dir.resolve("demo.out")).contains("hand-over")) {
            Thread.sleep(200);
        }
        String before = Files.readString(dir.resolve("demo.out"));
        assertThat(before).as("the demo was roaming").contains("hand-over");
        assertThat(Lab.run("ip", "netns", "list")).contains("jbdemo-" + p.pid() + "-");
        Lab.run("kill", "-INT", Long.toString(p.pid()));
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the demo stops on SIGINT").isTrue();
        assertThat(Files.readString(dir.resolve("demo.out"))).contains("interrupted, removing everything");
        assertThat(leftovers(p.pid())).as("left behind").isEmpty();
    }
}
