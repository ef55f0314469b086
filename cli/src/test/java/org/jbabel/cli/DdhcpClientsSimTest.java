package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jbabel.config.ConfigParser;
import org.jbabel.config.DaemonConfig;
import org.jbabel.ddhcp.Ddhcp;
import org.jbabel.ddhcp.dhcp.DdhcpDhcpSide;
import org.jbabel.engine.Time;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.sim.SimClients;
import org.jbabel.sim.SimConfig;
import org.jbabel.sim.SimReport;
import org.jbabel.sim.Simulation;
import org.jbabel.sim.TopologyLoader;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * DDHCP with its DHCP side ({@link DdhcpDhcpSide}; the extensions made from their statements as jbabeld makes them) on every node of the Freifunk Ulm map (217
 * nodes, mmfd carrying the block messages), and 2,000 simulated DHCP clients ({@link DdhcpSimClients}) arriving at
 * random nodes over 100 s after the learning phase: each runs DISCOVER, OFFER, REQUEST, ACK over the simulator's
 * client attachment (UDP from 0.0.0.0:68 to 255.255.255.255:67 on br-client), retrying every 4 s. Every client gets
 * an address, no address is acknowledged to two clients, each is in a block its node owns and no block has two
 * owners ({@link DdhcpSimCheck}, also the check of {@code jbabel sim}). Prints the figures (docs/DDHCP.md).
 */
class DdhcpClientsSimTest {

    private static final int CLIENTS = 2000;

    @Test
    void twoThousandClientsAtRandomNodesOfUlmGetDistinctAddresses() throws Exception {
        Simulation sim = new Simulation(TopologyLoader.load("freifunk-ulm"),
                SimConfig.defaults().withDuration(Time.seconds(600)));
        int n = sim.topology().nodeCount();
        // the extensions as jbabeld and jbabel sim make them, from their statements, seeded per node
        SplittableRandom seeds = new SplittableRandom(11);
        List<ExtensionProvider> providers = BuiltInExtensions.providers(seeds::split);
        ConfigParser parser = new ConfigParser(providers);
        parser.parseStatement("test", "mmfd");
        parser.parseStatement("test", "ddhcp client-interface " + SimClients.DEFAULT_INTERFACE
                + " range 10.116.0.0/18 block-size 4 router 10.116.0.1 dns 10.116.0.1");
        DaemonConfig parsed = parser.build();
        Map<Integer, Ddhcp> nodes = new HashMap<>();
        sim.setExtensions(node -> {
            Map<String, Extension> made = BuiltInExtensions.create(parsed, providers);
            nodes.put(node, (Ddhcp) made.get("ddhcp"));
            return made;
        });
        long start = sim.now() + Time.seconds(70); // after the 60 s learning phase
        DdhcpSimClients clients = new DdhcpSimClients(sim, CLIENTS, 0, start, Time.seconds(100),
                new SplittableRandom(13));
        long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        sim.runUntil(start);
        clients.runUntilBound(start + Time.seconds(200));
        long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;

        List<String> unbound = clients.clients().stream().filter(c -> c.address() == 0)
                .map(DdhcpSimClients.Client::name).toList();
        assertThat(unbound).as("clients without an address").isEmpty();
        assertThat(clients.acknowledgedTwice()).as("addresses acknowledged to two clients").isEmpty();
        for (DdhcpSimClients.Client c : clients.clients()) {
            Ddhcp at = nodes.get(c.node());
            int block = at.engine().swarm().blockOf(c.address());
            assertThat(at.engine().ownBlocks()).as("%s of %s is in a block of its node %d", IpAddress.v4(c.address()),
                    c.name(), c.node()).contains(block);
            assertThat(at.leasedAddress(c.mac)).as("the lease NAT426 looks up for %s", c.name())
                    .contains(IpAddress.v4(c.address()));
            assertThat(at.leaseHolder(IpAddress.v4(c.address()))).as("the holder NAT426 looks up")
                    .hasValueSatisfying(mac -> assertThat(mac).isEqualTo(c.mac));
        }
        assertThat(Ddhcp.ownedTwice(nodes.values())).isEmpty();
        SimReport.Check check = DdhcpSimCheck.check(nodes, clients);
        assertThat(check.ok()).as(check.summary()).isTrue();

        Map<String, Long> sums = new TreeMap<>();
        for (int node = 0; node < n; node++) {
            sim.extensionCounters(node).forEach((k, v) -> {
                if (k.startsWith("ddhcp.")) {
                    sums.merge(k, v, Long::sum);
                }
            });
        }
        long[] latency = clients.latencies();
        System.out.printf("DdhcpClientsSimTest freifunk-ulm: %s; max %.1f s; simulation CPU %.1f s; counters %s%n",
                check.summary(), latency[latency.length - 1] / 1e9, cpu / 1e9, sums);
    }
}
