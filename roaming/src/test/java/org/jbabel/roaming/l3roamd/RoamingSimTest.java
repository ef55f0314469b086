package org.jbabel.roaming.l3roamd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jbabel.engine.Time;
import org.jbabel.sim.SimClients;
import org.jbabel.sim.ClientWalk;
import org.jbabel.sim.SimConfig;
import org.jbabel.sim.SimReport;
import org.jbabel.sim.Simulation;
import org.jbabel.sim.Topology;
import org.jbabel.sim.TopologyLoader;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/**
 * l3roamd on every node of a simulated line; a client walks from node 0 to the far end while a fixed node sends it a
 * datagram every 100 ms: after each move the datagrams reach it at its new node.
 */
class RoamingSimTest {

    static final Prefix CLIENTS = Prefix.parse("2001:db8:c::/64");
    static final IpAddress PHONE = IpAddress.parse("2001:db8:c::1");

    static RoamingSettings settings() {
        return new RoamingSettings(SimClients.DEFAULT_INTERFACE, List.of(CLIENTS), null, null, null,
                RoamingSettings.DEFAULT_NEXT_NODE, null,
                HexFormat.ofDelimiter(":").parseHex(RoamingSettings.DEFAULT_NEXT_NODE_MAC),
                RoamingSettings.DEFAULT_NEXT_NODE_INTERFACE, RoamingSettings.DEFAULT_DEVICE);
    }

    record Delivery(long at, int node) {}

    @Test
    void aClientWalkingAlongALineIsReachedAtEachNodeItMovesTo() {
        walkAlongALine(false);
    }

    /**
     * With NAT426 the node-client addresses are routed into the TUN device instead of lo (docs/XLAT.md): the CLAIMs
     * addressed to them are read from the device, and the hand-over works as before.
     */
    @Test
    void theHandOverWorksWithNodeClientAddressesRoutedIntoTheDevice() {
        Simulation sim = walkAlongALine(true);
        long viaDevice = 0;
        for (int node = 0; node < sim.nodeCount(); node++) {
            viaDevice += sim.extensionCounters(node).getOrDefault("roaming.node_client_intercom", 0L);
        }
        assertThat(viaDevice).as("CLAIMs read from the TUN device").isPositive();
    }

    private static Simulation walkAlongALine(boolean nodeClientsIntoDevice) {
        Simulation sim = new Simulation(Topology.line(4), SimConfig.defaults().withDuration(Time.seconds(120)));
        sim.setExtensions(node -> {
            L3roamd roaming = new L3roamd(settings(), new SplittableRandom(node));
            if (nodeClientsIntoDevice) {
                roaming.deliverNodeClientTraffic(packet -> {});
            }
            return Map.of("roaming", roaming);
        });
        List<Delivery> deliveries = new ArrayList<>();
        sim.clients().setObserver((client, what) -> {
            if (what.protocol() == 17 && what.port() == 9) {
                deliveries.add(new Delivery(sim.now(), what.node()));
            }
        });
        sim.clients().add(SimClients.Client.of("phone", 1, PHONE));
        long first = Time.seconds(20);
        long every = Time.seconds(10);
        int[] path = {0, 1, 2};
        for (int i = 0; i < path.length; i++) {
            sim.clients().scheduleAttach(first + i * every, "phone", path[i]);
        }
        for (long t = first; t < first + path.length * every; t += Time.millis(100)) {
            sim.scheduleUdp(t, 3, 7, PHONE, 9, new byte[] {1});
        }
        sim.runUntil(first + path.length * every);

        for (int i = 0; i < path.length; i++) {
            long moved = first + i * every;
            int at = path[i];
            Delivery d = deliveries.stream().filter(x -> x.at() >= moved && x.node() == at).findFirst().orElse(null);
            assertThat(d).as("a datagram reaches the client at node %d after its move at %d s; counters %s", at,
                    moved / Time.seconds(1), sim.extensionCounters(at)).isNotNull();
            assertThat(d.at() - moved).as("hand-over to node %d", at).isLessThan(Time.seconds(3));
        }
        return sim;
    }

    /** From {@code first}, each time the unvisited neighbour with the smallest index, {@code n} nodes in all. */
    static List<Integer> path(Simulation sim, int first, int n) {
        List<Integer> path = new ArrayList<>(List.of(first));
        while (path.size() < n) {
            int at = path.getLast();
            int next = -1;
            for (int k = 0; k < sim.nodeCount() && next < 0; k++) {
                if (!path.contains(k) && sim.linkBetween(at, k) >= 0) {
                    next = k;
                }
            }
            assertThat(next).as("a neighbour of %d not visited yet", at).isNotNegative();
            path.add(next);
        }
        return path;
    }

    @Test
    void aClientWalkingTenNodesAcrossUlmIsReachedAfterEveryMove() throws Exception {
        Simulation sim = new Simulation(TopologyLoader.load("freifunk-ulm"),
                SimConfig.defaults().withDuration(Time.seconds(600)));
        sim.setExtensions(node -> Map.of("roaming", new L3roamd(settings(), new SplittableRandom(node))));
        sim.clients().add(SimClients.Client.of("phone", 1, PHONE));
        List<Integer> path = path(sim, 0, 10);
        int from = 0;
        while (path.contains(from)) {
            from++;
        }
        SimReport converged = sim.run();
        assertThat(converged.converged()).isTrue();
        ClientWalk walk = sim.scheduleWalk("phone", PHONE, path, from, sim.now() + Time.seconds(1), Time.seconds(5),
                Time.millis(100));
        sim.runUntil(walk.end());

        SimReport report = sim.report();
        assertThat(walk.steps()).as("the client is reached at every node of its walk").allSatisfy(step ->
                assertThat(step.firstProbe()).as("step %s", step).isNotNegative());
        assertThat(report.handovers()).hasSize(9).allSatisfy(h -> assertThat(h).isBetween(0.0, 3.0));
        assertThat(report.toJson()).contains("\"handovers\":[");
        assertThat(report.summary()).contains("hand-over: 9 moves, median");
        System.out.print(report.summary()); // the figures for docs/BENCHMARKS.md
    }
}
