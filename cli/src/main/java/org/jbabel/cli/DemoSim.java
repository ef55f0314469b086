package org.jbabel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jbabel.cli.TextTable.Cell;
import org.jbabel.config.ConfigParser;
import org.jbabel.config.DaemonConfig;
import org.jbabel.engine.Time;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.sim.ClientWalk;
import org.jbabel.sim.SimClients;
import org.jbabel.sim.SimConfig;
import org.jbabel.sim.SimFib;
import org.jbabel.sim.Simulation;
import org.jbabel.sim.Topology;
import org.jbabel.sim.TopologyLoader;
import org.jbabel.wire.IpAddress;

/**
 * {@code jbabel demo} without root: the same mesh (E, A, B, R: a triangle of E, A and B, R beside A and B) in the
 * simulator, in virtual time, every node running the engine with mmfd, roaming and DDHCP's DHCP side as extensions
 * (docs/DEMO.md says what the simulated story leaves out). It converges, an IPv4 client gets a DDHCP lease, and an
 * IPv6 client walks A, B, A, ... while E sends it a probe every 25 ms; each move's hand-over time and the next hop of
 * the client's route at E and R are shown.
 */
final class DemoSim {

    static final String TOPOLOGY = """
            {"nodes": [{"id": "E"}, {"id": "A"}, {"id": "B"}, {"id": "R"}],
             "links": [{"source": "E", "target": "A"}, {"source": "E", "target": "B"},
                       {"source": "A", "target": "B"}, {"source": "R", "target": "A"},
                       {"source": "R", "target": "B"}]}
            """;
    private static final IpAddress CLIENT6 = IpAddress.parse("2001:db8:c::6");
    private static final long EVERY = Time.seconds(5);
    private static final long PERIOD = Time.millis(25);

    private DemoSim() {}

    /** Runs the story with {@code moves} moves, shown on {@code view} (simulated time), into {@code report}. */
    static boolean run(DemoView view, int moves, long seed, ObjectNode report) throws Exception {
        report.put("mode", "simulator");
        Topology topo = TopologyLoader.parse("demo", new ByteArrayInputStream(TOPOLOGY.getBytes(StandardCharsets.UTF_8)));
        Simulation sim = new Simulation(topo, SimConfig.defaults().withSeed(seed).withDuration(Time.seconds(600)));
        SplittableRandom seeds = new SplittableRandom(seed);
        List<ExtensionProvider> providers = BuiltInExtensions.providers(seeds::split);
        ConfigParser parser = new ConfigParser(providers);
        parser.parseStatement("demo", "mmfd");
        parser.parseStatement("demo", "roaming client-interface " + SimClients.DEFAULT_INTERFACE
                + " client-prefix 2001:db8:c::/64");
        parser.parseStatement("demo", "ddhcp client-interface " + SimClients.DEFAULT_INTERFACE
                + " range 10.116.224.0/24 block-size 4 router 10.116.224.1 lease-time 20");
        parser.parseStatement("demo", "ddhcp learning false");
        DaemonConfig parsed = parser.build();
        sim.setExtensions(node -> BuiltInExtensions.create(parsed, providers));
        view.event(sim.now(), "simulated mesh: E, A, B and R, each running the jbabel engine with mmfd, roaming and"
                + " DDHCP (virtual time; run as root for the real thing in network namespaces)");

        while (!sim.checkConvergedNow() && sim.now() < Time.seconds(120)) {
            sim.runUntil(sim.now() + Time.millis(100));
        }
        boolean converged = sim.converged();
        report.put("converged", converged);
        report.put("convergedSeconds", Math.round(Time.toSeconds(sim.now()) * 10) / 10.0);
        view.event(sim.now(), converged ? "converged: every node routes to every other node" : "NOT converged");
        view.show(sim.now(), "converged", routes(sim, topo), true);

        DdhcpSimClients dhcp = new DdhcpSimClients(sim, 1, 0, sim.now(), 0, new SplittableRandom(seed ^ 4));
        boolean leased = dhcp.runUntilBound(sim.now() + Time.seconds(60));
        DdhcpSimClients.Client c4 = dhcp.clients().iterator().next();
        String lease = leased ? IpAddress.v4(c4.address()).toString() : null;
        view.event(sim.now(), leased ? "c4 (IPv4) got " + lease + " from DDHCP at " + topo.nodeIds().get(c4.node())
                : "c4 (IPv4) got no lease");

        int a = topo.nodeIds().indexOf("A");
        int b = topo.nodeIds().indexOf("B");
        int e = topo.nodeIds().indexOf("E");
        int r = topo.nodeIds().indexOf("R");
        List<Integer> path = new ArrayList<>();
        for (int i = 0; i <= moves; i++) {
            path.add(i % 2 == 0 ? a : b);
        }
        sim.clients().add(SimClients.Client.of("c6", 1, CLIENT6));
        long start = sim.now() + Time.seconds(1);
        ClientWalk walk = sim.scheduleWalk("c6", CLIENT6, path, e, start, EVERY, PERIOD);
        ArrayNode clients = report.putArray("clients");
        ObjectNode c6 = clients.addObject();
        c6.put("name", "c6").put("family", "IPv6").put("address", CLIENT6.toString()).put("moves", moves);
        ArrayNode handovers = c6.putArray("handoverMillis");
        boolean ended = true;
        for (int i = 0; i < path.size(); i++) {
            sim.runUntil(start + i * EVERY + EVERY - Time.millis(1));
            ClientWalk.Step step = walk.steps().get(i);
            String where = topo.nodeIds().get(step.node());
            String atE = nextHop(sim, topo, e);
            String atR = nextHop(sim, topo, r);
            if (i == 0) {
                view.event(sim.now(), "c6 (IPv6 " + CLIENT6 + ") attached at " + where + "; E routes it via " + atE
                        + ", R via " + atR);
                continue;
            }
            Double s = step.seconds();
            if (s == null) {
                handovers.addNull();
                ended = false;
            } else {
                handovers.add(Math.round(s * 1000));
            }
            view.event(sim.now(), String.format(Locale.ROOT, "c6 moves %s -> %s: hand-over %s; E routes it via %s, R"
                    + " via %s", topo.nodeIds().get(path.get(i - 1)), where, s == null ? "never ended"
                    : Math.round(s * 1000) + " ms", atE, atR));
        }
        c6.put("handoversEnded", ended && moves > 0);
        c6.put("probesReceived", walk.probesReceived());
        ObjectNode o4 = clients.addObject();
        o4.put("name", "c4").put("family", "IPv4").put("address", lease).put("moves", 0);
        o4.putObject("lease").put("address", lease).put("at", topo.nodeIds().get(c4.node())).put("kept", leased);
        report.put("leaseKept", leased);
        report.putNull("tcpOk");
        report.putNull("lostPackets");
        boolean ok = converged && ended && moves > 0 && leased;
        report.put("ok", ok);
        view.show(sim.now(), "done", routes(sim, topo), true);
        return ok;
    }

    /** The neighbour {@code node} routes the walking client through, or "-". */
    private static String nextHop(Simulation sim, Topology topo, int node) {
        SimFib.Entry entry = sim.fib(node).lookup(CLIENT6, IpAddress.V6_UNSPECIFIED);
        if (entry == null || entry.unreachable()) {
            return "-";
        }
        int next = sim.nextNode(node, entry);
        return next < 0 ? entry.ifname() : topo.nodeIds().get(next);
    }

    /** Each node's number of FIB entries. */
    private static List<String> routes(Simulation sim, Topology topo) {
        TextTable t = new TextTable(List.of("NODE", "ROUTES"));
        for (int i = 0; i < topo.nodeCount(); i++) {
            t.row(List.of(Cell.text(topo.nodeIds().get(i)), new Cell(Integer.toString(sim.fib(i).size()), true)));
        }
        return t.lines();
    }
}
