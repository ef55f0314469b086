package org.jbabel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jbabel.control.JsonFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jbabel demo}: the newcomer's live demo (docs/DEMO.md). As root a small mesh in network namespaces
 * ({@link DemoMesh}), otherwise the same story in the simulator ({@link DemoSim}); a live view, a summary, and the
 * report as JSON ({@code --report FILE}, {@code --json}). Exit code 0 when every check held, 1 when one did not, 2
 * for bad options, 3 when the demo itself failed, 130 when interrupted.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A live demo: as root, a mesh of jbabelds (and a babeld when installed) in network namespaces "
                + "with an IPv6 and an IPv4-only client roaming between two nodes under a ping stream and a TCP "
                + "transfer; without root, the same story in the simulator. Ends by itself and removes everything it "
                + "made (also on Ctrl-C).",
            "Exit code: 0 every check held, 1 one did not, 2 bad options, 3 the demo failed, 130 interrupted."})
final class DemoCommand implements Callable<Integer> {

    static final double MAX_DURATION = 45;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "35",
            description = "seconds of roaming in namespaces, 10.." + "45 (default: ${DEFAULT-VALUE})")
    double duration;

    @Option(names = "--moves", paramLabel = "N", defaultValue = "3",
            description = "moves of each client, 1..10 (default: ${DEFAULT-VALUE})")
    int moves;

    @Option(names = "--simulator", description = "run the simulated demo even as root")
    boolean simulator;

    @Option(names = "--no-babeld", description = "leave the reference babeld node out even when babeld is installed")
    boolean noBabeld;

    @Option(names = "--report", paramLabel = "FILE", description = "write the report (JSON) to FILE at the end")
    Path reportFile;

    @Option(names = "--json", description = "end the output with the report as one line of JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(duration >= 10 && duration <= MAX_DURATION) || moves < 1 || moves > 10) {
            err.println("jbabel demo: --duration must be 10.." + (int) MAX_DURATION + " seconds and --moves 1..10");
            err.flush();
            return 2;
        }
        boolean terminal = System.console() != null && System.console().isTerminal();
        ObjectNode report = MAPPER.createObjectNode();
        boolean ok;
        if (!simulator && DemoMesh.available()) {
            DemoView view = new DemoView(out, terminal, System.nanoTime());
            Path root = projectRoot();
            if (!Files.isRegularFile(root.resolve("bin/jbabeld.options"))) {
                err.println("jbabel demo: cannot find bin/jbabeld.options under " + root);
                err.flush();
                return 3;
            }
            DemoMesh mesh = new DemoMesh(root, view, noBabeld ? null : babeld(), duration, moves);
            Thread hook = Thread.ofPlatform().unstarted(() -> {
                out.println("jbabel demo: interrupted, removing everything the demo made");
                out.flush();
                mesh.close();
            });
            try {
                DemoMesh.removeLeftovers();
                Runtime.getRuntime().addShutdownHook(hook);
                ok = mesh.run(report);
            } catch (Exception e) {
                err.println("jbabel demo: " + e.getMessage());
                err.print(mesh.logs());
                err.flush();
                return 3;
            } finally {
                mesh.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down: the hook runs (close() does its work once)
                }
            }
            try {
                report.put("leftNamespaces", DemoMesh.ourNamespaces().size());
            } catch (IOException e) {
                report.put("leftNamespaces", -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            DemoView view = new DemoView(out, false, 0);
            try {
                ok = DemoSim.run(view, moves, 1, report);
            } catch (Exception e) {
                err.println("jbabel demo: the simulation failed: " + e.getMessage());
                err.flush();
                return 3;
            }
        }
        out.println();
        summary(report).forEach(out::println);
        if (json) {
            out.println(JsonFormat.line(report));
        }
        out.flush();
        if (reportFile != null) {
            try {
                Files.writeString(reportFile, JsonFormat.line(report) + "\n");
            } catch (IOException e) {
                err.println("jbabel demo: cannot write " + reportFile + ": " + e.getMessage());
                err.flush();
                return 2;
            }
        }
        return ok ? 0 : 1;
    }

    /** The report in words. */
    static List<String> summary(ObjectNode report) {
        List<String> lines = new ArrayList<>();
        boolean sim = "simulator".equals(report.path("mode").asText());
        lines.add(String.format(Locale.ROOT, "%s: %s", sim ? "simulated mesh (virtual time)" : "mesh in namespaces",
                report.path("converged").asBoolean() ? "converged after " + report.path("convergedSeconds").asDouble()
                        + " s" : "did NOT converge"));
        report.path("clients").forEach(c -> {
            StringBuilder b = new StringBuilder("  ").append(c.path("name").asText()).append(" (")
                    .append(c.path("family").asText()).append(' ').append(c.path("address").asText("-")).append("): ")
                    .append(c.path("moves").asInt()).append(" moves");
            if (c.path("handoverMillis").size() > 0) {
                b.append(", hand-overs (ms) ").append(c.path("handoverMillis").toString());
            }
            if (c.has("lost")) {
                b.append(", ").append(c.path("sent").asLong()).append(" echoes sent, ").append(c.path("lost").asLong())
                        .append(" lost");
            }
            if (c.has("tcpExact")) {
                b.append(", TCP ").append(c.path("tcpBytes").asLong()).append(" bytes ")
                        .append(c.path("tcpExact").asBoolean() ? "byte-exact" : "NOT byte-exact");
            }
            if (c.has("lease")) {
                b.append(", lease ").append(c.path("lease").path("kept").asBoolean() ? "kept" : "NOT kept");
                if (c.path("lease").has("renewals")) {
                    b.append(" (").append(c.path("lease").path("renewals").asInt()).append(" renewals)");
                }
            }
            lines.add(b.toString());
        });
        if (sim) {
            lines.add("  (no TCP transfer or NAT426/NAT64 in the simulator: run as root for those)");
        }
        lines.add(report.path("ok").asBoolean() ? "all checks held" : "a check FAILED");
        return lines;
    }

    /**
     * The project's directory: the system property {@code jbabel.root} when set, else found from where this class
     * was loaded (ROOT/cli/target/jbabel-cli.jar, or ROOT/cli/target/classes).
     */
    static Path projectRoot() {
        if (System.getProperty("jbabel.root") != null) {
            return Path.of(System.getProperty("jbabel.root"));
        }
        try {
            Path where = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return where.toAbsolutePath().getParent().getParent().getParent();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Path.of(".").toAbsolutePath();
        }
    }

    /** babeld's path when it is installed, else null. */
    static String babeld() {
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(d, "babeld"))) {
                return d + "/babeld";
            }
        }
        return null;
    }
}
