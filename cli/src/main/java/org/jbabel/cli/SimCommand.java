package org.jbabel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jbabel.config.ConfigException;
import org.jbabel.config.ConfigParser;
import org.jbabel.config.DaemonConfig;
import org.jbabel.ddhcp.Ddhcp;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;
import java.util.concurrent.Callable;
import org.jbabel.engine.InterfaceType;
import org.jbabel.engine.Time;
import org.jbabel.sim.ClientWalk;
import org.jbabel.sim.MeshSvg;
import org.jbabel.sim.SimClients;
import org.jbabel.sim.SimConfig;
import org.jbabel.sim.SimReport;
import org.jbabel.sim.Simulation;
import org.jbabel.sim.Topology;
import org.jbabel.sim.TopologyException;
import org.jbabel.sim.TopologyLoader;
import org.jbabel.wire.IpAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jbabel sim [--topology FILE|NAME|grid:WxH|line:N|rgg:N] [--seed N] [--loss P] [--duration S] [--json] ...}: runs
 * a Babel mesh in virtual time and reports convergence, loops and traffic. Exit code 0 when the mesh converged
 * without loops, 1 when it did not converge or a loop was seen, 2 for bad arguments or a bad topology, 3 when the
 * simulation itself failed.
 */
@Command(
        name = "sim",
        mixinStandardHelpOptions = true,
        description = {
            "Simulate a Babel mesh in virtual time: every node runs the jbabel engine, links lose and delay packets.",
            "Prints a progress line on stderr about every 10 s of wall time and a summary on stdout; with --json the last stdout line is one JSON"
                    + " object.",
            "Exit code: 0 converged without loops, 1 not converged or loops seen, 2 bad input, 3 simulation failed."
        })
final class SimCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--topology", paramLabel = "FILE|NAME|grid:WxH|line:N|rgg:N",
            description = "meshnet-lab JSON file, a bundled topology (${COMPLETION-CANDIDATES}) or a generator:"
                    + " line:N, grid:WxH, rgg:N[:DEGREE[:SEED]] (random geometric, degree 4, seed 1)"
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

    @Option(names = "--extension", paramLabel = "STATEMENT", description = "run an extension on every node, configured"
            + " by this statement as in jbabeld's configuration (repeatable), e.g. --extension mmfd")
    List<String> extensionStatements = new ArrayList<>();

    @Option(names = "--multicast-into", paramLabel = "DEVICE", description = "once the mesh has converged (and at the"
            + " earliest after " + MULTICAST_EARLIEST_S + " s), put one IPv6 multicast packet into TUN device DEVICE of"
            + " the first node and report how often it came out of DEVICE on every other node (e.g. mmfd0 with"
            + " --extension mmfd)")
    String multicastDevice;

    @Option(names = "--roam-client", paramLabel = "NODE,NODE,...", split = ",", description = "once the mesh has"
            + " converged, walk a client along these nodes (ids of the topology, neighbours one after another), a move"
            + " every --roam-every seconds, while --roam-from sends it a probe every 100 ms; report the hand-over time"
            + " of each move (needs --extension roaming ... with client-interface br-client and --roam-address)")
    List<String> roamPath;

    @Option(names = "--roam-address", paramLabel = "ADDR", description = "the walking client's address (in a"
            + " client-prefix of the roaming extension)")
    String roamAddress;

    @Option(names = "--roam-from", paramLabel = "NODE", description = "the node that sends the probes (default: the"
            + " first node not on the walk)")
    String roamFrom;

    @Option(names = "--roam-every", paramLabel = "S", description = "seconds between moves (default: ${DEFAULT-VALUE})",
            defaultValue = "5")
    double roamEvery;

    @Option(names = "--dhcp-clients", paramLabel = "N", description = "after the run, N simulated DHCP clients arrive at"
            + " random nodes within --dhcp-window seconds and run DISCOVER to ACK until bound (at most the window + "
            + DHCP_GRACE_S + " s); the report's ddhcp check then counts them (needs --extension 'ddhcp client-interface"
            + " " + SimClients.DEFAULT_INTERFACE + " range PREFIX ...')")
    int dhcpClients;

    @Option(names = "--dhcp-window", paramLabel = "S", description = "the DHCP clients' arrival window"
            + " (default: ${DEFAULT-VALUE})", defaultValue = "100")
    double dhcpWindow;

    @Option(names = "--svg", paramLabel = "FILE", description = "at the end, draw the mesh and every node's path"
            + " towards one node (--svg-target) as SVG into FILE")
    Path svg;

    @Option(names = "--svg-target", paramLabel = "NODE", description = "the node whose routes --svg draws (an id of"
            + " the topology; default: the first node)")
    String svgTarget;

    @Option(names = "--daemon-heap", paramLabel = "SIZE", description = "give every engine the table limits jbabeld"
            + " computes for this heap (-Xmx, e.g. 64m, the daemon's default, or 2g) instead of the simulator's,"
            + " which refuse no route")
    String daemonHeap;

    @Option(names = "--threads", paramLabel = "N", description = "run the engines of the nodes that receive at the same"
            + " instant on up to N threads; the outcome is the same for every N (default: the processors, at most 4)")
    Integer threads;

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

    /** Simulated time run between looks at the wall clock. */
    private static final long STEP = Time.millis(100);
    /** A progress line on stderr about this often (wall time), so short runs print none. */
    private static final long PROGRESS_EVERY_WALL = 10_000_000_000L;
    /** Two mmfd HELLO intervals: every node has heard its neighbours' HELLOs by then. */
    static final int MULTICAST_EARLIEST_S = 21;
    /** How long copies of the multicast packet are waited for. */
    private static final long MULTICAST_WAIT = Time.seconds(10);
    /** How long after the arrival window DHCP clients may take to be bound: DDHCP's learning phase and a claim. */
    static final int DHCP_GRACE_S = 120;

    /** Each node's current {@code ddhcp} instance (a restart makes a new one), when ddhcp runs. */
    private final Map<Integer, Ddhcp> ddhcp = new TreeMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimConfig config;
        Topology topo;
        try {
            config = config();
            topo = TopologyLoader.load(topology);
            if (svgTarget != null && !topo.nodeIds().contains(svgTarget)) {
                throw new IllegalArgumentException("--svg-target " + svgTarget + " is not a node of " + topo.name());
            }
            checkRoaming(topo);
        } catch (TopologyException | IllegalArgumentException e) {
            err.println("jbabel sim: " + e.getMessage());
            err.flush();
            return 2;
        }
        Simulation sim = new Simulation(topo, config);
        Map<Integer, Integer> copies = new TreeMap<>();
        try {
            if (threads != null && threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1");
            }
            sim.setThreads(threads != null ? threads : Math.min(4, Runtime.getRuntime().availableProcessors()));
            setUpExtensions(sim, copies);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("jbabel sim: " + e.getMessage());
            err.flush();
            return 2;
        }
        boolean terminal = System.console() != null && System.console().isTerminal();
        long wallStart = System.nanoTime();
        long lastProgress = wallStart;
        try {
            while (!sim.finished()) {
                sim.advance(Math.min(config.duration(), sim.now() + STEP));
                long wall = System.nanoTime();
                if (!quiet && wall - lastProgress >= PROGRESS_EVERY_WALL && !sim.finished()) {
                    lastProgress = wall;
                    err.print(String.format(Locale.ROOT,
                            "t=%7.1fs  fib %5.1f%%  %s  packets %d  loops %d  (wall %.0fs)%s",
                            Time.toSeconds(sim.now()), 100 * sim.fibCompleteness(),
                            sim.converged() ? "converged" : "converging", sim.packetsSent(), sim.loopsObserved(),
                            (wall - wallStart) / 1e9, terminal ? "\r" : System.lineSeparator()));
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
        boolean multicastOk = true;
        if (multicastDevice != null) {
            try {
                multicastOk = multicast(sim, copies, out);
            } catch (RuntimeException e) {
                err.println("jbabel sim: " + e.getMessage());
                err.flush();
                return 3;
            }
        }
        DdhcpSimClients clients = null;
        if (dhcpClients > 0) {
            try {
                clients = new DdhcpSimClients(sim, dhcpClients, 0, sim.now(), nanos(dhcpWindow),
                        new SplittableRandom(seed ^ 0xd6c9L));
                clients.runUntilBound(sim.now() + nanos(dhcpWindow) + Time.seconds(DHCP_GRACE_S));
            } catch (RuntimeException e) {
                err.println("jbabel sim: " + e.getMessage());
                err.flush();
                return 3;
            }
        }
        boolean roamOk = true;
        if (roamPath != null) {
            try {
                roamOk = walk(sim, topo, out);
            } catch (RuntimeException e) {
                err.println("jbabel sim: " + e.getMessage());
                err.flush();
                return 3;
            }
        }
        if (svg != null) {
            try {
                drawSvg(sim, topo);
            } catch (IOException e) {
                err.println("jbabel sim: cannot write " + svg + ": " + e.getMessage());
                err.flush();
                return 2;
            }
        }
        SimReport report = sim.report();
        if (!ddhcp.isEmpty()) {
            report = report.withChecks(List.of(DdhcpSimCheck.check(ddhcp, clients)));
        }
        out.print(report.summary());
        if (json) {
            out.println(report.toJson());
        }
        out.flush();
        return report.converged() && report.convergedAtEnd() && report.loopsObserved() == 0 && multicastOk
                && roamOk && report.checksOk() ? 0 : 1;
    }

    /** The {@code --roam-*} options make sense together: a walk of neighbours, an address, a probing node. */
    private void checkRoaming(Topology topo) {
        if (roamPath == null) {
            if (roamAddress != null || roamFrom != null) {
                throw new IllegalArgumentException("--roam-address and --roam-from go with --roam-client");
            }
            return;
        }
        if (extensionStatements.isEmpty()) {
            throw new IllegalArgumentException("--roam-client needs the roaming extension on every node (--extension"
                    + " 'roaming client-interface " + SimClients.DEFAULT_INTERFACE + " client-prefix PREFIX')");
        }
        if (roamAddress == null) {
            throw new IllegalArgumentException("--roam-client needs --roam-address ADDR (in a client-prefix)");
        }
        try {
            IpAddress.parse(roamAddress);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--roam-address: not an address: " + roamAddress, e);
        }
        if (!(roamEvery > 0)) {
            throw new IllegalArgumentException("--roam-every must be positive");
        }
        List<String> ids = new ArrayList<>(roamPath);
        if (roamFrom != null) {
            ids.add(roamFrom);
        }
        for (String id : ids) {
            if (!topo.nodeIds().contains(id)) {
                throw new IllegalArgumentException(id + " is not a node of " + topo.name());
            }
        }
        for (int i = 1; i < roamPath.size(); i++) {
            int a = topo.nodeIds().indexOf(roamPath.get(i - 1));
            int b = topo.nodeIds().indexOf(roamPath.get(i));
            if (topo.links().stream().noneMatch(l -> (l.a() == a && l.b() == b) || (l.a() == b && l.b() == a))) {
                throw new IllegalArgumentException("--roam-client: " + roamPath.get(i - 1) + " and "
                        + roamPath.get(i) + " are not neighbours");
            }
        }
    }

    /** {@code --roam-client}: walks the client after convergence; true when a probe reached it after every move. */
    private boolean walk(Simulation sim, Topology topo, PrintWriter out) {
        List<Integer> path = roamPath.stream().map(topo.nodeIds()::indexOf).toList();
        int from = roamFrom != null ? topo.nodeIds().indexOf(roamFrom) : 0;
        while (roamFrom == null && path.contains(from) && from < topo.nodeCount() - 1) {
            from++;
        }
        IpAddress address = IpAddress.parse(roamAddress);
        sim.clients().add(SimClients.Client.of("walker", 1, address));
        ClientWalk walk = sim.scheduleWalk("walker", address, path, from, sim.now() + Time.seconds(1),
                nanos(roamEvery), Time.millis(100));
        sim.runUntil(walk.end());
        out.println(String.format(Locale.ROOT, "roaming client %s walked %s, probes from %s: %d moves, %d received",
                address, String.join(",", roamPath), topo.nodeIds().get(from), path.size() - 1,
                walk.probesReceived()));
        return walk.steps().stream().allMatch(st -> st.firstProbe() >= 0);
    }

    /** {@code --svg}: the mesh (force layout, seeded by {@code --seed}) and the paths towards {@code --svg-target}. */
    private void drawSvg(Simulation sim, Topology topo) throws IOException {
        int target = svgTarget == null ? 0 : topo.nodeIds().indexOf(svgTarget);
        int iterations = topo.nodeCount() > 1000 ? 100 : 300;
        Files.writeString(svg, MeshSvg.render(topo, MeshSvg.layout(topo, seed, iterations), target,
                MeshSvg.nextHops(sim, target)));
    }

    /** The extensions of {@code --extension} on every node, each node with its own seeded randomness. */
    private void setUpExtensions(Simulation sim, Map<Integer, Integer> copies) throws ConfigException {
        if (dhcpClients < 0 || !(dhcpWindow >= 0)) {
            throw new IllegalArgumentException("--dhcp-clients and --dhcp-window must not be negative");
        }
        if (extensionStatements.isEmpty()) {
            if (dhcpClients > 0) {
                throw new IllegalArgumentException("--dhcp-clients needs --extension 'ddhcp client-interface "
                        + SimClients.DEFAULT_INTERFACE + " range PREFIX ...'");
            }
            if (multicastDevice != null) {
                throw new IllegalArgumentException("--multicast-into needs an extension that owns the device"
                        + " (--extension mmfd)");
            }
            return;
        }
        SplittableRandom seeds = new SplittableRandom(seed ^ 0x5ee_d0_e47L);
        List<ExtensionProvider> providers = BuiltInExtensions.providers(seeds::split);
        ConfigParser parser = new ConfigParser(providers);
        int k = 0;
        for (String statement : extensionStatements) {
            parser.parseStatement("--extension #" + ++k, statement);
        }
        DaemonConfig parsed = parser.build();
        if (parsed.extensionStatements().isEmpty()) {
            throw new IllegalArgumentException("--extension takes statements of extensions, like 'mmfd'");
        }
        if (dhcpClients > 0 && !parsed.extensionStatements().containsKey("ddhcp")) {
            throw new IllegalArgumentException("--dhcp-clients needs --extension 'ddhcp client-interface "
                    + SimClients.DEFAULT_INTERFACE + " range PREFIX ...'");
        }
        sim.setExtensions(node -> {
            Map<String, Extension> made = BuiltInExtensions.create(parsed, providers);
            if (made.get("ddhcp") instanceof Ddhcp d) {
                ddhcp.put(node, d);
            }
            return made;
        });
        if (multicastDevice != null) {
            sim.setDeviceObserver((node, device, packet) -> {
                if (device.equals(multicastDevice) && Arrays.equals(packet, MULTICAST_PACKET)) {
                    copies.merge(node, 1, Integer::sum);
                }
            });
        }
    }

    /** An IPv6 UDP packet from fe80::1 port 1001 to ff05::2:1001 port 1001 with an 8-byte payload. */
    static final byte[] MULTICAST_PACKET = multicastPacket();

    private static byte[] multicastPacket() {
        byte[] payload = "jbabel-1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(48 + payload.length);
        b.putInt(0x6000_0000).putShort((short) (8 + payload.length)).put((byte) 17).put((byte) 64);
        b.putLong(0xfe80_0000_0000_0000L).putLong(1);
        b.putLong(0xff05_0000_0000_0000L).putLong(0x2_1001L);
        b.putShort((short) 1001).putShort((short) 1001).putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    /** Puts the packet into the first node's device and counts the copies; true when each other node got one. */
    private boolean multicast(Simulation sim, Map<Integer, Integer> copies, PrintWriter out) {
        long at = Math.max(sim.now(), Time.seconds(MULTICAST_EARLIEST_S));
        sim.scheduleDevicePacket(at, 0, multicastDevice, MULTICAST_PACKET);
        sim.runUntil(at + MULTICAST_WAIT);
        int others = sim.nodeCount() - 1;
        long once = copies.entrySet().stream().filter(e -> e.getKey() != 0 && e.getValue() == 1).count();
        long more = copies.entrySet().stream().filter(e -> e.getKey() != 0 && e.getValue() > 1).count();
        int back = copies.getOrDefault(0, 0);
        long missing = others - copies.keySet().stream().filter(n -> n != 0).count();
        out.println(String.format(Locale.ROOT, "multicast into %s of %s at t=%.1fs: %d of %d other nodes got it"
                + " exactly once, %d more than once, %d not at all%s", multicastDevice,
                sim.topology().nodeIds().get(0), Time.toSeconds(at), once, others, more, missing,
                back == 0 ? "" : ", " + back + " copies back at the origin"));
        return once == others && back == 0;
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
        SimConfig c = SimConfig.defaults()
                .withSeed(seed)
                .withLoss(loss)
                .withTqLoss(tqLoss, tqLossCap)
                .withDelay(Time.millis(delayMs))
                .withForcedType(forced)
                .withCarrierSense(carrier)
                .withDuration(nanos(duration))
                .withSettle(nanos(settle))
                .withDisruptions(failLinks, restartNodes, nanos(disruptWindow), nanos(downTime));
        return daemonHeap == null ? c : c.withDaemonHeap(bytes(daemonHeap));
    }

    /** A size as -Xmx takes it: a number of bytes, or with k, m or g (KiB, MiB, GiB). */
    static long bytes(String size) {
        String t = size.trim().toLowerCase(Locale.ROOT);
        long unit = t.endsWith("k") ? 1L << 10 : t.endsWith("m") ? 1L << 20 : t.endsWith("g") ? 1L << 30 : 1;
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n > 0 && n <= Long.MAX_VALUE / unit) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--daemon-heap takes a size like 64m or 2g, not " + size);
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }
}
