package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimReportTest {

    private static SimReport report(Double convergence) {
        return new SimReport("freifunk-ulm", 217, 447, 1, 1, convergence != null, convergence, convergence != null, null,
                0, 3, 12345, 678901, 12, 12333, 0, 50000, 46872, 1.0, 99999, 0, 0, 0, 0, 41.5, 2.25,
                List.of(), Map.of(), 0, Map.of(), List.of());
    }

    @Test
    void theJsonIsOneLineWithTheFieldsTheIssueAsksFor() throws Exception {
        String json = report(23.4567).toJson();
        assertThat(json).doesNotContain("\n");
        JsonNode n = new ObjectMapper().readTree(json);
        assertThat(n.get("nodes").asInt()).isEqualTo(217);
        assertThat(n.get("links").asInt()).isEqualTo(447);
        assertThat(n.get("components").asInt()).isEqualTo(1);
        assertThat(n.get("converged").asBoolean()).isTrue();
        assertThat(n.get("convergenceSeconds").asDouble()).isEqualTo(23.457);
        assertThat(n.get("loopsObserved").asLong()).isZero();
        assertThat(n.get("packetsSent").asLong()).isEqualTo(12345);
        assertThat(n.get("bytesSent").asLong()).isEqualTo(678901);
        assertThat(n.get("wallSeconds").asDouble()).isEqualTo(2.25);
        assertThat(n.get("seed").asLong()).isEqualTo(1);
        assertThat(n.get("durationSeconds").asDouble()).isEqualTo(41.5);
        assertThat(n.get("fibEntries").asLong()).isEqualTo(46872);
        assertThat(n.get("problemsCounted").asLong()).isZero();
        assertThat(n.get("blackholesObserved").asLong()).isEqualTo(3);
        assertThat(n.get("events").asLong()).isEqualTo(99999);
        assertThat(n.get("refusals").isEmpty()).isTrue();
        assertThat(n.get("refusingNodes").asInt()).isZero();
    }

    @Test
    void refusalsForFullTablesAreInTheJsonAndTheSummaryNamesTheNodes() throws Exception {
        SimReport r = new SimReport("star", 61, 60, 1, 1, false, null, false, null, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0.5, 1,
                0, 0, 0, 0, 10, 1, List.of(), Map.of("route_table_full", 1234L), 1, Map.of("hub", 1234L), List.of());
        JsonNode n = new ObjectMapper().readTree(r.toJson());
        assertThat(n.get("refusals").get("route_table_full").asLong()).isEqualTo(1234);
        assertThat(n.get("refusingNodes").asInt()).isEqualTo(1);
        assertThat(n.get("refusingNodesNamed").get("hub").asLong()).isEqualTo(1234);
        assertThat(r.summary()).contains("REFUSED for full tables (engine limits): {route_table_full=1234} at 1 nodes,"
                + " most at {hub=1234}");
    }

    @Test
    void extensionChecksAreInTheJsonAndTheSummaryAndAWrongOneFailsTheReport() throws Exception {
        SimReport plain = report(1.0);
        assertThat(plain.checksOk()).isTrue();
        assertThat(new ObjectMapper().readTree(plain.toJson()).has("checks")).isFalse();
        SimReport r = plain.withChecks(List.of(
                new SimReport.Check("ddhcp", Map.of("blocksOwnedTwice", 1L), false, "1 of them owned twice")));
        assertThat(r.checksOk()).isFalse();
        JsonNode c = new ObjectMapper().readTree(r.toJson()).get("checks").get("ddhcp");
        assertThat(c.get("ok").asBoolean()).isFalse();
        assertThat(c.get("blocksOwnedTwice").asLong()).isEqualTo(1);
        assertThat(r.summary()).contains("ddhcp: 1 of them owned twice (WRONG)\n");
    }

    @Test
    void aRunThatNeverConvergedHasANullConvergenceTime() throws Exception {
        SimReport r = report(null);
        JsonNode n = new ObjectMapper().readTree(r.toJson());
        assertThat(n.get("converged").asBoolean()).isFalse();
        assertThat(n.get("convergenceSeconds").isNull()).isTrue();
        assertThat(r.summary()).contains("NOT converged");
    }

    @Test
    void theSummaryNamesTheTopologyTheConvergenceAndTheLoops() {
        assertThat(report(23.4567).summary()).contains("freifunk-ulm", "217 nodes", "converged after 23.46 s",
                "loops observed: 0");
    }
}
