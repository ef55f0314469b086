package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void aBrokenTopologyFileIsAClearErrorWithExitCode2(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mesh.json");
        // (A link end missing from "nodes" is a node, as in meshnet-lab; a link without a target is broken.)
        Files.writeString(f, "{\"nodes\": [{\"id\": 1}], \"links\": [{\"source\": 1, \"to\": 2}]}");
        assertThat(run("sim", "--topology", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("mesh.json", "links[0] has no scalar \"target\"");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownTopologyNameListsTheBundledOnes() {
        assertThat(run("sim", "--topology", "nowhere")).isEqualTo(2);
        assertThat(err.toString()).contains("nowhere", "freifunk-ulm", "grid:WxH");
    }

    @Test
    void badOptionValuesAreRefusedWithExitCode2() {
        assertThat(run("sim", "--topology", "line:3", "--type", "carrier-pigeon")).isEqualTo(2);
        assertThat(err.toString()).contains("--type must be wired, wireless, tunnel or auto");
        assertThat(run("sim", "--topology", "line:3", "--loss", "1.5")).isEqualTo(2);
        assertThat(run("sim", "--topology", "line:3", "--duration", "0")).isEqualTo(2);
    }

    /** The acceptance run: the Ulm map, through the command line, converges without a forwarding loop. */
    @Test
    void theDefaultRunOnTheUlmMapConvergesLoopFreeAndEndsWithOneJsonLine() throws Exception {
        assertThat(run("sim", "--topology", "freifunk-ulm", "--json", "--quiet")).isZero();
        String[] lines = out.toString().strip().split("\n");
        JsonNode report = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(report.get("nodes").asInt()).isEqualTo(217);
        assertThat(report.get("links").asInt()).isEqualTo(447);
        assertThat(report.get("converged").asBoolean()).isTrue();
        assertThat(report.get("loopsObserved").asLong()).isZero();
        assertThat(report.get("convergenceSeconds").asDouble()).isPositive();
        for (String field : new String[] {"packetsSent", "bytesSent", "wallSeconds"}) {
            assertThat(report.has(field)).as(field).isTrue();
        }
    }

    @Test
    void mmfdOnEveryNodeOfTheUlmMapDeliversOneMulticastPacketToEachOfTheOther216ExactlyOnce() {
        assertThat(run("sim", "--topology", "freifunk-ulm", "--extension", "mmfd", "--multicast-into", "mmfd0",
                "--quiet")).isZero();
        assertThat(out.toString()).contains("216 of 216 other nodes got it exactly once, 0 more than once,"
                + " 0 not at all\n");
    }

    @Test
    void aMulticastWithoutAnExtensionOrABadExtensionStatementIsABadArgument() {
        assertThat(run("sim", "--topology", "line:3", "--multicast-into", "mmfd0", "--quiet")).isEqualTo(2);
        assertThat(run("sim", "--topology", "line:3", "--extension", "mmfd frobnicate", "--quiet")).isEqualTo(2);
        assertThat(err.toString()).contains("--extension #1", "frobnicate");
    }

    @Test
    void helpNamesTheOptionsAndTheBundledTopologies() {
        assertThat(run("sim", "--help")).isZero();
        assertThat(out.toString()).contains("--topology", "--seed", "--loss", "--duration", "--json", "--tq-loss",
                "--fail-links", "--restart-nodes", "freifunk-ulm");
    }
}
