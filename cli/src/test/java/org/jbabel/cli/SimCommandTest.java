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

    /**
     * {@code --svg} draws the mesh and each node's next hop towards the target: on a line of five towards its last
     * node, four links, four arrows (each node to its right-hand neighbour), the target drawn larger and green. The
     * file is well-formed XML.
     */
    @Test
    void svgDrawsTheLinksAndEveryNodesNextHopTowardsTheTarget(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("mesh.svg");
        assertThat(run("sim", "--topology", "line:5", "--quiet", "--svg", svg.toString(), "--svg-target", "4")).isZero();
        org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(svg.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        org.w3c.dom.NodeList groups = doc.getElementsByTagName("g");
        assertThat(((org.w3c.dom.Element) groups.item(0)).getElementsByTagName("line").getLength()).as("links").isEqualTo(4);
        assertThat(((org.w3c.dom.Element) groups.item(1)).getElementsByTagName("line").getLength()).as("arrows").isEqualTo(4);
        org.w3c.dom.NodeList circles = doc.getElementsByTagName("circle");
        assertThat(circles.getLength()).isEqualTo(5);
        assertThat(((org.w3c.dom.Element) circles.item(4)).getAttribute("fill")).as("the target").isEqualTo("#2a9d3a");
        for (int i = 0; i < 4; i++) { // node i's route to 4 goes to node i + 1: its arrow points there
            org.w3c.dom.Element arrow = (org.w3c.dom.Element) ((org.w3c.dom.Element) groups.item(1))
                    .getElementsByTagName("line").item(i);
            org.w3c.dom.Element from = (org.w3c.dom.Element) circles.item(i);
            org.w3c.dom.Element to = (org.w3c.dom.Element) circles.item(i + 1);
            double ax = Double.parseDouble(arrow.getAttribute("x2")) - Double.parseDouble(arrow.getAttribute("x1"));
            double ay = Double.parseDouble(arrow.getAttribute("y2")) - Double.parseDouble(arrow.getAttribute("y1"));
            double nx = Double.parseDouble(to.getAttribute("cx")) - Double.parseDouble(from.getAttribute("cx"));
            double ny = Double.parseDouble(to.getAttribute("cy")) - Double.parseDouble(from.getAttribute("cy"));
            assertThat(ax * nx + ay * ny).as("arrow %d points at node %d", i, i + 1).isPositive();
        }
        assertThat(run("sim", "--topology", "line:3", "--quiet", "--svg", svg.toString(), "--svg-target", "9"))
                .isEqualTo(2);
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

    /**
     * Issue 15: 30 % loss on every link direction of the 10-node grid of bench/loss-mesh.sh, wireless links (ETX):
     * the mesh converges, stays converged to the end with every route present, and never loops, for three seeds.
     */
    @Test
    void aGridWithThirtyPercentLossOnEveryLinkConvergesAndStaysConvergedWithoutLoops() throws Exception {
        for (String seed : new String[] {"1", "2", "3"}) {
            out.getBuffer().setLength(0);
            assertThat(run("sim", "--topology", "grid:5x2", "--loss", "0.3", "--type", "wireless", "--duration",
                    "600", "--seed", seed, "--json", "--quiet")).as(err.toString()).isZero();
            String[] lines = out.toString().strip().split("\n");
            JsonNode report = new ObjectMapper().readTree(lines[lines.length - 1]);
            assertThat(report.get("converged").asBoolean()).as("seed %s", seed).isTrue();
            assertThat(report.get("convergedAtEnd").asBoolean()).as("seed %s", seed).isTrue();
            assertThat(report.get("fibCompleteness").asDouble()).as("seed %s", seed).isEqualTo(1.0);
            assertThat(report.get("loopsObserved").asLong()).as("seed %s", seed).isZero();
            assertThat(report.get("packetsLost").asLong()).as("the loss was applied").isPositive();
        }
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

    /**
     * With {@code ddhcp} on every node the report checks DDHCP: on a line of five, 40 simulated DHCP clients
     * ({@code --dhcp-clients}) arrive after the run, wait out the learning phase and are all bound; no block is owned
     * twice and no address acknowledged twice; the JSON has the figures under {@code checks.ddhcp} and the summary
     * its line.
     */
    @Test
    void withDdhcpTheReportCountsBlocksOwnedTwiceAndAddressesAcknowledgedTwice() throws Exception {
        assertThat(run("sim", "--topology", "line:5", "--extension", "mmfd", "--extension",
                "ddhcp client-interface br-client range 10.116.0.0/22 block-size 4", "--dhcp-clients", "40",
                "--quiet", "--json")).as(err.toString()).isZero();
        String[] lines = out.toString().split("\n");
        JsonNode check = new ObjectMapper().readTree(lines[lines.length - 1]).get("checks").get("ddhcp");
        assertThat(check.get("ok").asBoolean()).isTrue();
        assertThat(check.get("nodes").asLong()).isEqualTo(5);
        assertThat(check.get("blocksOwned").asLong()).isGreaterThanOrEqualTo(10); // 40 addresses in blocks of 4
        assertThat(check.get("blocksOwnedTwice").asLong()).isZero();
        assertThat(check.get("clientsBound").asLong()).isEqualTo(40);
        assertThat(check.get("acks").asLong()).isEqualTo(40);
        assertThat(check.get("addressesAcknowledgedTwice").asLong()).isZero();
        assertThat(out.toString()).contains("ddhcp: 5 nodes own ", " blocks, 0 of them owned twice; 40 of 40 DHCP"
                + " clients bound (40 ACKs, 0 NAKs), 0 addresses acknowledged to two clients");
    }

    /**
     * The check fails the run when DDHCP goes wrong: two nodes without a link (two islands) share a range of one
     * block; with {@code --settle} long enough for the learning phase and a claim, both own it, and their clients
     * are acknowledged the same address (seed 5 puts the two clients at different nodes): counted, the summary says
     * WRONG, exit code 1.
     */
    @Test
    void twoIslandsOwningTheOneBlockOfARangeFailTheDdhcpCheck(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("islands.json");
        Files.writeString(f, "{\"nodes\": [{\"id\": \"a\"}, {\"id\": \"b\"}], \"links\": []}");
        assertThat(run("sim", "--topology", f.toString(), "--extension",
                "ddhcp client-interface br-client range 10.116.0.0/30 block-size 4", "--settle", "90",
                "--dhcp-clients", "2", "--dhcp-window", "0", "--seed", "5", "--quiet", "--json"))
                .as(err.toString()).isEqualTo(1);
        String[] lines = out.toString().split("\n");
        JsonNode report = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(report.get("converged").asBoolean()).isTrue();
        assertThat(report.get("durationSeconds").asDouble()).as("--settle kept it running").isGreaterThan(90);
        JsonNode check = report.get("checks").get("ddhcp");
        assertThat(check.get("ok").asBoolean()).isFalse();
        assertThat(check.get("blocksOwned").asLong()).isEqualTo(2);
        assertThat(check.get("blocksOwnedTwice").asLong()).isEqualTo(1);
        assertThat(check.get("addressesAcknowledgedTwice").asLong()).isEqualTo(1);
        assertThat(out.toString()).contains("1 of them owned twice", "1 addresses acknowledged to two clients",
                "(WRONG)");
    }

    @Test
    void dhcpClientsWithoutDdhcpAreABadArgument() {
        assertThat(run("sim", "--topology", "line:3", "--dhcp-clients", "5", "--quiet")).isEqualTo(2);
        assertThat(run("sim", "--topology", "line:3", "--extension", "mmfd", "--dhcp-clients", "5", "--quiet"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--dhcp-clients needs --extension 'ddhcp client-interface br-client");
    }

    static final String ROAMING = "roaming client-interface br-client client-prefix 2001:db8:c::/64";

    @Test
    void aClientWalkingALineWithTheRoamingExtensionIsReachedAfterEveryMoveAndTheReportHasTheHandovers()
            throws Exception {
        assertThat(run("sim", "--topology", "line:4", "--extension", ROAMING, "--roam-client", "0,1,2",
                "--roam-address", "2001:db8:c::1", "--roam-from", "3", "--quiet", "--json")).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(out.toString()).contains("roaming client 2001:db8:c::1 walked 0,1,2, probes from 3: 2 moves",
                "hand-over: 2 moves, median");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.get("handovers")).hasSize(2);
        json.get("handovers").forEach(h -> assertThat(h.asDouble()).isBetween(0.0, 3.0));
        assertThat(json.get("handoversFailed").asLong()).isZero();
    }

    @Test
    void roamingOptionsThatDoNotFitAreABadArgument() {
        assertThat(run("sim", "--topology", "line:3", "--roam-client", "0,1", "--roam-address", "2001:db8:c::1",
                "--quiet")).isEqualTo(2);
        assertThat(run("sim", "--topology", "line:3", "--extension", ROAMING, "--roam-client", "0,1",
                "--quiet")).isEqualTo(2);
        assertThat(run("sim", "--topology", "line:3", "--extension", ROAMING, "--roam-client", "0,2",
                "--roam-address", "2001:db8:c::1", "--quiet")).isEqualTo(2);
        assertThat(run("sim", "--topology", "line:3", "--extension", ROAMING, "--roam-client", "0,7",
                "--roam-address", "2001:db8:c::1", "--quiet")).isEqualTo(2);
        assertThat(run("sim", "--topology", "line:3", "--roam-address", "2001:db8:c::1", "--quiet")).isEqualTo(2);
        assertThat(err.toString()).contains("needs the roaming extension", "needs --roam-address",
                "0 and 2 are not neighbours", "7 is not a node of", "go with --roam-client");
    }

    @Test
    void helpNamesTheOptionsAndTheBundledTopologies() {
        assertThat(run("sim", "--help")).isZero();
        assertThat(out.toString()).contains("--topology", "--seed", "--loss", "--duration", "--json", "--tq-loss",
                "--fail-links", "--restart-nodes", "freifunk-ulm");
    }

    /**
     * {@code --daemon-heap} gives the engines jbabeld's limits for that heap (a line of five fits 64 MiB's): the
     * option's parsing, and refusals reported as a JSON field (none here; {@code sim.SimLimitsTest} has some).
     */
    @Test
    void daemonHeapTakesJavasSizesAndTheJsonReportsRefusals() throws Exception {
        assertThat(SimCommand.bytes("64m")).isEqualTo(64L << 20);
        assertThat(SimCommand.bytes("2G")).isEqualTo(2L << 30);
        assertThat(SimCommand.bytes("4096")).isEqualTo(4096);
        assertThat(run("sim", "--topology", "line:5", "--quiet", "--daemon-heap", "64m", "--json")).isZero();
        String json = out.toString().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("refusingNodes").asInt())
                .isZero();
        assertThat(run("sim", "--topology", "line:5", "--daemon-heap", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("--daemon-heap takes a size like 64m or 2g, not lots");
    }
}
