package org.jbabel.ddhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.jbabel.ddhcp.block.BlockEngine;
import org.jbabel.ddhcp.block.BlockState;
import org.jbabel.ddhcp.block.Standing;
import org.jbabel.extension.Extension;
import org.jbabel.roaming.mmfd.Mmfd;
import org.jbabel.roaming.mmfd.MmfdSettings;
import org.jbabel.sim.SimConfig;
import org.jbabel.sim.Simulation;
import org.jbabel.engine.Time;
import org.jbabel.sim.Topology;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/**
 * The ddhcp extension on simulated meshes, its block messages flooded by mmfd: every block has one owner, every node
 * knows it and can reach it across the routed mesh for lease forwarding.
 */
class DdhcpSimTest {

    static DdhcpSettings settings(int spare, boolean exit, Prefix exitRange) {
        List<Object> statements = new ArrayList<>();
        statements.add(new DdhcpProvider.Range(null, Prefix.parse("10.116.224.0/22"), 4, exitRange, List.of(), null,
                DdhcpSettings.LEASE_TIME));
        statements.add(new DdhcpProvider.Setting("spare-leases", spare));
        if (exit) {
            statements.add(new DdhcpProvider.Exit());
        }
        return DdhcpProvider.settings(statements);
    }

    /** Runs {@code ddhcp} with mmfd on every node of {@code topology}; the instances by node. */
    static Map<Integer, Ddhcp> run(Simulation sim, java.util.function.IntFunction<DdhcpSettings> settings) {
        Map<Integer, Ddhcp> instances = new HashMap<>();
        sim.setExtensions(node -> {
            Map<String, Extension> m = new LinkedHashMap<>();
            m.put("mmfd", new Mmfd(new MmfdSettings(MmfdSettings.DEFAULT_DEVICE, Set.of()), new SplittableRandom(node)));
            Ddhcp d = new Ddhcp(settings.apply(node), new SplittableRandom(1000 + node), null);
            instances.put(node, d);
            m.put("ddhcp", d);
            return m;
        });
        return instances;
    }

    /** Blocks that two nodes hold as OURS. */
    static List<Integer> ownedTwice(Map<Integer, Ddhcp> nodes) {
        Map<Integer, Integer> owners = new HashMap<>();
        List<Integer> twice = new ArrayList<>();
        for (Ddhcp d : nodes.values()) {
            for (int b : d.engine().ownBlocks()) {
                if (owners.merge(b, 1, Integer::sum) == 2) {
                    twice.add(b);
                }
            }
        }
        return twice;
    }

    @Test
    void fiveNodesOnALineShareTheRangeAndForwardToAnOwnerFourHopsAway() {
        Simulation sim = new Simulation(Topology.line(5), SimConfig.defaults().withDuration(Time.seconds(200)));
        Map<Integer, Ddhcp> nodes = run(sim, n -> settings(5, false, null)); // two blocks each
        sim.runUntil(Time.seconds(150));

        assertThat(ownedTwice(nodes)).isEmpty();
        for (int n = 0; n < 5; n++) {
            Ddhcp d = nodes.get(n);
            assertThat(d.engine().ownBlocks()).as("node %d", n).hasSize(2);
            assertThat(d.source()).as("the loopback address, routable").isNotNull();
            for (int b : d.engine().ownBlocks()) {
                for (int m = 0; m < 5; m++) {
                    if (m != n) {
                        assertThat(nodes.get(m).engine().standingOfBlock(b)).isInstanceOfSatisfying(
                                Standing.Remote.class, r -> {
                                    assertThat(r.owner()).isEqualTo(d.node());
                                    assertThat(r.peer().address()).isEqualTo(d.source());
                                });
                    }
                }
            }
        }
        // a client of node 0 asks for an address of node 4's block: RENEWLEASE there, LEASEACK back
        int block = nodes.get(4).engine().ownBlocks()[0];
        int address = nodes.get(4).engine().swarm().firstAddress(block) + 2;
        assertThat(nodes.get(0).renewLease(address, 7, new byte[16])).isTrue();
        sim.runUntil(Time.seconds(152));
        assertThat(sim.extensionCounters(4)).containsEntry("ddhcp.received_renewlease", 1L)
                .containsEntry("ddhcp.sent_leaseack", 1L);
        assertThat(sim.extensionCounters(0)).containsEntry("ddhcp.received_leaseack", 1L);
    }

    @Test
    void exitsTakeOneAddressEachFromTheExitRange() {
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(200)));
        Prefix exitRange = Prefix.parse("10.116.255.0/30"); // 4 addresses
        Map<Integer, Ddhcp> nodes = run(sim, n -> settings(2, n != 1, exitRange));
        sim.runUntil(Time.seconds(150));
        assertThat(nodes.get(0).exitAddress()).isPresent();
        assertThat(nodes.get(2).exitAddress()).isPresent().isNotEqualTo(nodes.get(0).exitAddress());
        assertThat(nodes.get(1).exitAddress()).isEmpty();
        BlockEngine exitOf1 = nodes.get(1).exitEngine().orElseThrow();
        assertThat(exitOf1.rows(sim.now()).stream().filter(r -> r.state() == BlockState.CLAIMED)).hasSize(2);
        assertThat(nodes.get(0).exitEngine().orElseThrow().ownBlocks()).hasSize(1);
    }
}
