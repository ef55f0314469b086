package org.jbabel.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jbabel.engine.InterfaceType;
import org.jbabel.engine.Time;
import org.jbabel.sim.SimConfig;
import org.jbabel.sim.SimReport;
import org.jbabel.sim.Simulation;
import org.jbabel.sim.Topology;
import org.jbabel.sim.TopologyException;
import org.jbabel.sim.TopologyLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jbabel sim [--topology FILE|NAME|grid:WxH|line:N] [--seed N] [--loss P] [--duration S] [--json] ...}: runs
 * a Babel mesh in virtual time and reports convergence, loops and traffic. Exit code 0 when the mesh converged
 * without loops, 1 when it did not converge or a loop was seen, 2 for bad arguments or a bad topology, 3 when the
 * simulation itself failed.
 */
@Command(
        name = "sim",
        mixinStandardHelpOptions = true,
        description = {
            "Simulate a Babel mesh in virtual time: every node runs the jbabel engine, links lose and delay packets.",
            "Prints a progress line on stderr and a summary on stdout; with --json the last stdout line is one JSON"
                    + " object.",
            "Exit code: 0 converged without loops, 1 not converged or loops seen, 2 bad input, 3 simulation failed."
        })
final class SimCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--topology", paramLabel = "FILE|NAME|grid:WxH|line:N",
            description = "meshnet-lab JSON file, a bundled topology (${COMPLETION-CANDIDATES}) or a generator"
                    + " (default: ${DEFAULT-VALUE})",
            defaultValue = TopologyLoader.DEFAULT,
            completionCandidates = Bundled.class)
    String topology;

    @Option(names = "--seed", description = "seed of every random choice (default: ${DEFAULT-VALUE})", defaultValue = "1")
    long seed;

    @Option(names = "--loss", paramLabel = "P", description = "loss probability of every link direction, 0..1"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "0")
    double loss;

    @Option(names = "--tq-loss", description = "add the loss 1 - tq from the topology's source_tq/target_tq, capped")
    boolean tqLoss;

    @Option(names = "--tq-loss-cap", paramLabel = "P", description = "largest loss a tq may give (default: ${DEFAULT-VALUE})",
            defaultValue = "0.5")
    double tqLossCap;

    @Option(names = "--delay-ms", description = "one-way link delay in ms (default: ${DEFAULT-VALUE})", defaultValue = "5")
    long delayMs;

    @Option(names = "--type", paramLabel = "TYPE", description = "force every interface to this type (wired, wireless,"
            + " tunnel, auto); default: from each link's type (wifi: wireless, vpn: tunnel, else wired)")
    String type;

    @Option(names = "--carrier", description = "a failed link takes its interfaces down (default: it silently drops"
            + " packets)")
    boolean carrier;

    @Option(names = "--duration", paramLabel = "S", description = "stop after this many simulated seconds at the latest"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "600")
    double duration;

    @Option(names = "--settle", paramLabel = "S", description = "keep running this long after convergence"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "10")
    double settle;

    @Option(names = "--fail-links", paramLabel = "K", description = "after convergence, K random links fail and recover"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int failLinks;

    @Option(names = "--restart-nodes", paramLabel = "K", description = "after convergence, K random nodes restart"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int restartNodes;

    @Option(names = "--disrupt-window", paramLabel = "S", description = "failures and restarts happen within this many"
            + " seconds after convergence (default: ${DEFAULT-VALUE})", defaultValue = "30")
    double disruptWindow;

    @Option(names = "--down-time", paramLabel = "S", description = "how long a failed link stays down"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "20")
    double downTime;

    @Option(names = "--json", description = "end the output with one line of JSON")
    boolean json;

    @Option(names = "--quiet", description = "no progress line")
    boolean quiet;

    static final class Bundled implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return TopologyLoader.BUNDLED.iterator();
        }
    }

    private static final long PROGRESS_EVERY = Time.seconds(5);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimConfig config;
        Topology topo;
        try {
            config = config();
            topo = TopologyLoader.load(topology);
        } catch (TopologyException | IllegalArgumentException e) {
            err.println("jbabel sim: " + e.getMessage());
            err.flush();
            return 2;
        }
        Simulation sim = new Simulation(topo, config);
        boolean terminal = System.console() != null && System.console().isTerminal();
        try {
            while (!sim.finished()) {
                sim.advance(Math.min(config.duration(), sim.now() + PROGRESS_EVERY));
                if (!quiet) {
                    err.print(String.format(Locale.ROOT, "t=%7.1fs  fib %5.1f%%  packets %d  loops %d%s",
                            Time.toSeconds(sim.now()), 100 * sim.fibCompleteness(), sim.packetsSent(),
                            sim.loopsObserved(), terminal ? "\r" : System.lineSeparator()));
                    err.flush();
                }
            }
        } catch (RuntimeException e) {
            err.println();
            err.println("jbabel sim: " + e.getMessage());
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                err.println("  caused by: " + c);
            }
            err.flush();
            return 3;
        }
        if (!quiet && terminal) {
            err.println();
            err.flush();
        }
        SimReport report = sim.report();
        out.print(report.summary());
        if (json) {
            out.println(report.toJson());
        }
        out.flush();
        return report.converged() && report.convergedAtEnd() && report.loopsObserved() == 0 ? 0 : 1;
    }

    private SimConfig config() {
        if (!(duration > 0) || !(settle >= 0) || !(disruptWindow >= 0) || !(downTime >= 0) || delayMs < 0) {
            throw new IllegalArgumentException("times must be positive (--duration) or not negative (the others)");
        }
        InterfaceType forced = null;
        if (type != null) {
            try {
                forced = InterfaceType.valueOf(type.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--type must be wired, wireless, tunnel or auto, not " + type, e);
            }
        }
        return SimConfig.defaults()
                .withSeed(seed)
                .withLoss(loss)
                .withTqLoss(tqLoss, tqLossCap)
                .withDelay(Time.millis(delayMs))
                .withForcedType(forced)
                .withCarrierSense(carrier)
                .withDuration(nanos(duration))
                .withSettle(nanos(settle))
                .withDisruptions(failLinks, restartNodes, nanos(disruptWindow), nanos(downTime));
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }
}
