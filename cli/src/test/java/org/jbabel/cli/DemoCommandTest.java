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

/** {@code jbabel demo} without namespaces: the simulated story and its report; bad options. */
class DemoCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void theSimulatedDemoConvergesLeasesAndHandsTheWalkingClientOverAtEveryMove(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.json");
        int rc = run("demo", "--simulator", "--moves", "3", "--report", file.toString(), "--json");
        assertThat(rc).as("%s%s", out, err).isZero();
        JsonNode report = new ObjectMapper().readTree(Files.readString(file));
        assertThat(report.path("mode").asText()).isEqualTo("simulator");
        assertThat(report.path("converged").asBoolean()).isTrue();
        assertThat(report.path("ok").asBoolean()).isTrue();
        JsonNode c6 = report.path("clients").get(0);
        assertThat(c6.path("moves").asInt()).isEqualTo(3);
        assertThat(c6.path("handoverMillis")).hasSize(3).allMatch(JsonNode::isNumber);
        assertThat(c6.path("handoversEnded").asBoolean()).isTrue();
        JsonNode c4 = report.path("clients").get(1);
        assertThat(c4.path("lease").path("address").asText()).startsWith("10.116.224.");
        assertThat(report.path("leaseKept").asBoolean()).isTrue();
        String[] lines = out.toString().strip().split("\n");
        assertThat(new ObjectMapper().readTree(lines[lines.length - 1])).as("the last line is the report")
                .isEqualTo(report);
        assertThat(out.toString()).contains("c6 moves A -> B: hand-over", "converged", "all checks held");
    }

    @Test
    void outOfRangeOptionsAreRefusedWithExitCode2() {
        assertThat(run("demo", "--duration", "500")).isEqualTo(2);
        assertThat(run("demo", "--moves", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--duration must be");
    }
}
