package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jbabel.engine.EngineLimits;
import org.junit.jupiter.api.Test;

/**
 * The bytes per route that the daemon's default table limits are computed from ({@link EngineLimits#BYTES_PER_ROUTE},
 * docs/DAEMON.md "Memory") are measured, not estimated: {@link RouteFootprint} runs in a JVM with the daemon's
 * collector and object layout (from bin/jbabeld.options) and the constant must be that measurement, rounded up.
 */
class RouteFootprintTest {

    private static final List<String> LAYOUT_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders");

    @Test
    void theBytesPerRouteTheLimitsAreSizedWithAreWhatARouteMeasurablyCosts() throws Exception {
        Path options = Path.of(System.getProperty("user.dir")).resolveSibling("bin").resolve("jbabeld.options");
        List<String> daemonOptions = Files.readAllLines(options).stream().map(String::strip).toList();
        assertThat(daemonOptions).as("the daemon runs with the layout measured here").containsAll(LAYOUT_OPTIONS);

        Map<String, Long> m = measure(100_000);
        long perRoute = m.get("bytes_per_route");
        assertThat(perRoute).as("the constant covers the measurement")
                .isLessThanOrEqualTo(EngineLimits.BYTES_PER_ROUTE);
        assertThat(perRoute).as("the constant is the measurement rounded up, not a guess far above it")
                .isGreaterThan(EngineLimits.BYTES_PER_ROUTE * 85L / 100);
        assertThat(m.get("bytes_per_retracted_route")).as("losing the routes costs no more than holding them")
                .isLessThanOrEqualTo(perRoute);
    }

    private static Map<String, Long> measure(int routes) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(LAYOUT_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RouteFootprint.class.getName(),
                Integer.toString(routes)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, Long> result = new HashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 2 && f[1].matches("-?\\d+")) {
                result.put(f[0], Long.parseLong(f[1]));
            }
        }
        System.out.println("RouteFootprint: " + out.strip().replace('\n', ','));
        return result;
    }
}
