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
import org.jbabel.ddhcp.block.BlockMessage;
import org.jbabel.ddhcp.block.NodeId;
import org.jbabel.ddhcp.block.Swarm;
import org.jbabel.ddhcp.block.BlockState;
import org.jbabel.ddhcp.block.Standing;
import org.jbabel.extension.Extension;
import org.jbabel.roaming.mmfd.Mmfd;
import org.jbabel.roaming.mmfd.MmfdSettings;
import org.jbabel.sim.SimConfig;
import org.jbabel.sim.Simulation;
import org.jbabel.engine.Time;
import org.jbabel.sim.Topology;
import org.jbabel.wire.IpAddress;
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
        return run(sim, settings, null);
    }

    static Map<Integer, Ddhcp> run(Simulation sim, java.util.function.IntFunction<DdhcpSettings> settings,
            DhcpSide.Factory dhcp) {
        Map<Integer, Ddhcp> instances = new HashMap<>();
        sim.setExtensions(node -> {
            Map<String, Extension> m = new LinkedHashMap<>();
            m.put("mmfd", new Mmfd(new MmfdSettings(MmfdSettings.DEFAULT_DEVICE, Set.of()), new SplittableRandom(node)));
            Ddhcp d = new Ddhcp(settings.apply(node), new SplittableRandom(1000 + node), dhcp);
            instances.put(node, d);
            m.put("ddhcp", d);
            return m;
        });
        return instances;
    }

    @Test
    void fiveNodesOnALineShareTheRangeAndForwardToAnOwnerFourHopsAway() {
        Simulation sim = new Simulation(Topology.line(5), SimConfig.defaults().withDuration(Time.seconds(200)));
        Map<Integer, Ddhcp> nodes = run(sim, n -> settings(5, false, null)); // two blocks each
        sim.runUntil(Time.seconds(150));

        assertThat(Ddhcp.ownedTwice(nodes.values())).isEmpty();
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

        // bad datagrams are counted and dropped, by reason
        IpAddress at4 = nodes.get(4).source();
        sim.scheduleUdp(sim.now(), 0, 1235, at4, Ddhcp.LEASE_PORT, new byte[] {1, 2, 3});
        byte[] foreign = org.jbabel.ddhcp.block.BlockWriter.write(new BlockMessage.Inquire(new BlockMessage.Header(
                NodeId.parse("0100000000000000"), Swarm.of(Prefix.parse("10.0.0.0/24"), 4)), List.of(1L)));
        sim.scheduleUdp(sim.now(), 0, 1235, at4, Ddhcp.LEASE_PORT, foreign);
        byte[] inquire = org.jbabel.ddhcp.block.BlockWriter.write(new BlockMessage.Inquire(new BlockMessage.Header(
                NodeId.parse("0100000000000000"), nodes.get(4).engine().swarm()), List.of(1L)));
        sim.scheduleUdp(sim.now(), 0, 1235, at4, Ddhcp.LEASE_PORT, inquire);
        sim.scheduleUdp(sim.now(), 0, 1234, at4, Ddhcp.BLOCK_PORT, inquire);
        sim.runUntil(Time.seconds(153));
        assertThat(sim.extensionCounters(4)).containsEntry("ddhcp.short", 1L).containsEntry("ddhcp.foreign_swarm", 1L)
                .containsEntry("ddhcp.wrong_port", 1L)
                .hasEntrySatisfying("ddhcp.unicast_on_block_port", v -> assertThat(v).isPositive());

        // the control command lists the blocks as ddhcpdctl -b does
        String text = DdhcpControl.blocks(nodes.get(0), List.of()).text();
        assertThat(text).startsWith("block size/number\t4/256\n").contains("node id\t" + nodes.get(0).node())
                .contains(block + "\t2\t" + nodes.get(4).node() + "\t0\t").endsWith("blocks in use: 10\n");
    }

    /**
     * Freifunk Ulm (217 nodes) shares a /21 (512 blocks of 4) and every node wants two blocks (434 in all): the claims
     * of nodes that start together collide and are settled by the rule; in the end no block has two owners and every
     * node knows every other node's blocks. Prints the figures (docs/DDHCP.md).
     */
    @Test
    void freifunkUlmSharesARangeWithNoBlockOwnedTwice() throws Exception {
        Simulation sim = new Simulation(org.jbabel.sim.TopologyLoader.load("freifunk-ulm"),
                SimConfig.defaults().withDuration(Time.seconds(400)));
        int n = sim.topology().nodeCount();
        Map<Integer, Ddhcp> nodes = run(sim, node -> {
            List<Object> statements = new ArrayList<>();
            statements.add(new DdhcpProvider.Range(null, Prefix.parse("10.116.232.0/21"), 4, null, List.of(), null,
                    DdhcpSettings.LEASE_TIME));
            statements.add(new DdhcpProvider.Setting("spare-leases", 5));
            return DdhcpProvider.settings(statements);
        });
        long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long settled = -1;
        for (int t = 10; t <= 150; t += 5) {
            sim.runUntil(Time.seconds(t));
            boolean all = nodes.size() == n && nodes.values().stream().allMatch(d -> d.engine().ownBlocks().length == 2);
            if (all && Ddhcp.ownedTwice(nodes.values()).isEmpty() && settled < 0) {
                settled = t;
            }
        }
        long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
        assertThat(Ddhcp.ownedTwice(nodes.values())).isEmpty();
        int views = 0;
        for (Ddhcp d : nodes.values()) {
            assertThat(d.engine().ownBlocks()).hasSize(2);
            for (int b : d.engine().ownBlocks()) {
                for (Ddhcp other : nodes.values()) {
                    if (other != d) {
                        assertThat(other.engine().standingOfBlock(b)).isInstanceOfSatisfying(Standing.Remote.class,
                                r -> assertThat(r.owner()).isEqualTo(d.node()));
                        views++;
                    }
                }
            }
        }
        Map<String, Long> sums = new java.util.TreeMap<>();
        for (int node = 0; node < n; node++) {
            sim.extensionCounters(node).forEach((k, v) -> {
                if (k.startsWith("ddhcp.")) {
                    sums.merge(k, v, Long::sum);
                }
            });
        }
        System.out.printf("DdhcpSimTest freifunk-ulm: %d nodes, %d blocks owned, all settled at t=%d s (learning"
                + " ends at 60 s), %d owner views checked, simulation CPU %.1f s; counters %s%n", n,
                2 * n, settled, views, cpu / 1e9, sums);
        assertThat(sums.getOrDefault("ddhcp.conflict_lost", 0L) + sums.getOrDefault("ddhcp.inquiry_yielded", 0L)
                + sums.getOrDefault("ddhcp.claim_lost", 0L)).as("nodes that start together collide").isPositive();
    }

    @Test
    void theDhcpSideIsPluggedInRestoresItsBlocksAndDecidesForwardedRenewals() {
        Simulation sim = new Simulation(Topology.line(2), SimConfig.defaults().withDuration(Time.seconds(200)));
        List<String> events = new ArrayList<>();
        DhcpSide.Factory factory = (context, settings, ddhcp) -> {
            ddhcp.restoreOwnBlocks(new int[] {7});
            return new DhcpSide() {
                @Override
                public org.jbabel.ddhcp.block.LeaseUsage usage() {
                    return org.jbabel.ddhcp.block.LeaseUsage.none(ddhcp.engine());
                }

                @Override
                public org.jbabel.ddhcp.block.ForwardedLeases leases() {
                    return new org.jbabel.ddhcp.block.ForwardedLeases() {
                        @Override
                        public boolean renew(BlockMessage.LeaseEntry entry, org.jbabel.ddhcp.block.Peer from) {
                            events.add("renew " + IpAddress.v4(entry.address()));
                            return false;
                        }
                    };
                }

                @Override
                public void ownershipChanged(int block, boolean ours) {
                    events.add((ours ? "+" : "-") + block);
                }
            };
        };
        Map<Integer, Ddhcp> nodes = run(sim, n -> {
            List<Object> statements = new ArrayList<>();
            statements.add(new DdhcpProvider.Range(n == 0 ? "br-client" : null, Prefix.parse("10.116.224.0/22"), 4,
                    null, List.of(), null, DdhcpSettings.LEASE_TIME));
            statements.add(new DdhcpProvider.Setting("spare-leases", 5));
            return DdhcpProvider.settings(statements);
        }, factory);
        sim.runUntil(Time.seconds(150));
        int[] own = nodes.get(0).engine().ownBlocks();
        assertThat(own).hasSize(2).startsWith(7);
        assertThat(events).containsExactly("+" + own[1]);
        assertThat(nodes.get(1).engine().standingOfBlock(7)).isInstanceOf(Standing.Remote.class);
        int address = nodes.get(0).engine().swarm().firstAddress(7) + 3;
        assertThat(nodes.get(1).renewLease(address, 1, new byte[16])).isTrue();
        sim.runUntil(Time.seconds(151));
        assertThat(events).last().isEqualTo("renew " + IpAddress.v4(address));
        assertThat(sim.extensionCounters(1)).containsEntry("ddhcp.received_leasenak", 1L);
    }

    /**
     * A line of six cut in the middle: both halves take blocks of a range of four, so some block is taken on both
     * sides; once the link is back (mmfd finds its neighbour again, Babel routes again), each such block stays with
     * the higher node id and no block has two owners.
     */
    @Test
    void afterAPartitionOfTheMeshHealsEachBlockHasOneOwnerTheHigherId() {
        Simulation sim = new Simulation(Topology.line(6), SimConfig.defaults().withDuration(Time.seconds(400)));
        Map<Integer, Ddhcp> nodes = run(sim, n -> {
            List<Object> statements = new ArrayList<>();
            statements.add(new DdhcpProvider.Range(null, Prefix.parse("10.116.224.0/28"), 4, null, List.of(), null,
                    DdhcpSettings.LEASE_TIME));
            statements.add(new DdhcpProvider.Setting("spare-leases", 1));
            return DdhcpProvider.settings(statements);
        });
        sim.scheduleLinkState(0, 2, false); // 0-1-2 | 3-4-5
        sim.runUntil(Time.seconds(150));
        assertThat(Ddhcp.ownedTwice(nodes.values())).as("both halves took the same block").isNotEmpty();
        Map<Integer, NodeId> highest = new HashMap<>();
        for (Ddhcp d : nodes.values()) {
            for (int b : d.engine().ownBlocks()) {
                highest.merge(b, d.node(), (x, y) -> x.isHigherThan(y) ? x : y);
            }
        }
        List<Integer> twice = Ddhcp.ownedTwice(nodes.values());
        sim.scheduleLinkState(sim.now(), 2, true);
        sim.runUntil(Time.seconds(260));
        assertThat(Ddhcp.ownedTwice(nodes.values())).isEmpty();
        for (int b : twice) {
            assertThat(nodes.values().stream().filter(d -> d.engine().state(b) == BlockState.OURS)
                    .map(Ddhcp::node).toList()).containsExactly(highest.get(b));
        }
        long lost = 0;
        for (int n = 0; n < 6; n++) {
            lost += sim.extensionCounters(n).getOrDefault("ddhcp.conflict_lost", 0L);
        }
        assertThat(lost).isGreaterThanOrEqualTo(twice.size());
    }

    /**
     * Without mmfd and without {@code server-interface}, block messages go to every Babel interface: one hop. The
     * middle of a line of three hears both ends, the ends do not hear each other; an interface that goes down and
     * comes back is joined again.
     */
    @Test
    void withoutMmfdBlockMessagesReachTheNeighboursOnEveryBabelInterface() {
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(300)));
        Map<Integer, Ddhcp> nodes = new HashMap<>();
        sim.setExtensions(node -> {
            Ddhcp d = new Ddhcp(settings(2, false, null), new SplittableRandom(node), null);
            nodes.put(node, d);
            return Map.of("ddhcp", d);
        });
        sim.runUntil(Time.seconds(120));
        int b0 = nodes.get(0).engine().ownBlocks()[0];
        int b2 = nodes.get(2).engine().ownBlocks()[0];
        assertThat(nodes.get(1).engine().standingOfBlock(b0)).isInstanceOf(Standing.Remote.class);
        assertThat(nodes.get(1).engine().standingOfBlock(b2)).isInstanceOf(Standing.Remote.class);
        assertThat(nodes.get(0).engine().standingOfBlock(b2)).as("two hops: not heard")
                .isNotInstanceOf(Standing.Remote.class);
        assertThat(nodes.get(1).source()).isNull();
        long heard = sim.extensionCounters(1).get("ddhcp.received_updateclaim");
        sim.scheduleInterfaceDown(sim.now(), 1, 0);
        sim.scheduleInterfaceUp(sim.now() + Time.seconds(5), 1, 0, 0);
        sim.runUntil(Time.seconds(200));
        assertThat(sim.extensionCounters(1).get("ddhcp.received_updateclaim")).isGreaterThan(heard);
        assertThat(nodes.get(1).engine().standingOfBlock(b0)).isInstanceOf(Standing.Remote.class);
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
