package org.jbabel.ddhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jbabel.ddhcp.dhcp.DdhcpDhcpSide;
import org.jbabel.ddhcp.dhcp.DhcpMessage;
import org.jbabel.ddhcp.dhcp.DhcpOption;
import org.jbabel.ddhcp.dhcp.DhcpOptions;
import org.jbabel.ddhcp.dhcp.DhcpReader;
import org.jbabel.ddhcp.dhcp.DhcpWriter;
import org.jbabel.ddhcp.dhcp.MessageType;
import org.jbabel.engine.Time;
import org.jbabel.sim.SimClients;
import org.jbabel.sim.SimConfig;
import org.jbabel.sim.Simulation;
import org.jbabel.sim.TopologyLoader;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/**
 * DDHCP with its DHCP side ({@link DdhcpDhcpSide}, as jbabeld runs it) on every node of the Freifunk Ulm map (217
 * nodes, mmfd carrying the block messages), and 2,000 simulated DHCP clients arriving at random nodes over 100 s
 * after the learning phase: each runs DISCOVER, OFFER, REQUEST, ACK over the simulator's client attachment (UDP from
 * 0.0.0.0:68 to 255.255.255.255:67 on br-client), retrying every 4 s. Every client gets an address, no address is
 * acknowledged to two clients, each is in a block its node owns and no block has two owners. Prints the figures
 * (docs/DDHCP.md).
 */
class DdhcpClientsSimTest {

    private static final int CLIENTS = 2000;
    private static final IpAddress ANY = IpAddress.V4_UNSPECIFIED;
    private static final IpAddress BROADCAST = IpAddress.parse("255.255.255.255");

    /** One simulated client's DHCP state. */
    private static final class Client {
        final String name;
        final byte[] mac;
        int xid;
        boolean requesting;
        int address;
        int node = -1;
        long lastSent;
        int discovers;
        long arrived;
        long boundAt;

        Client(String name, byte[] mac) {
            this.name = name;
            this.mac = mac;
        }
    }

    private static byte[] message(Client c, MessageType type, DhcpOption... extra) {
        List<DhcpOption> o = new ArrayList<>();
        o.add(new DhcpOption(DhcpOptions.MESSAGE_TYPE, new byte[] {(byte) type.code()}));
        o.addAll(List.of(extra));
        o.add(new DhcpOption(DhcpOptions.PARAMETER_REQUEST_LIST, new byte[] {1, 3, 6, 51}));
        return DhcpWriter.write(new DhcpMessage(DhcpMessage.BOOTREQUEST, 1, 6, 0, c.xid, 0, 0, 0, 0, 0, 0,
                Arrays.copyOf(c.mac, 16), o));
    }

    @Test
    void twoThousandClientsAtRandomNodesOfUlmGetDistinctAddresses() throws Exception {
        Simulation sim = new Simulation(TopologyLoader.load("freifunk-ulm"),
                SimConfig.defaults().withDuration(Time.seconds(600)));
        int n = sim.topology().nodeCount();
        Map<Integer, Ddhcp> nodes = DdhcpSimTest.run(sim, node -> DdhcpProvider.settings(List.of(
                new DdhcpProvider.Range(SimClients.DEFAULT_INTERFACE, Prefix.parse("10.116.0.0/18"), 4, null,
                        List.of(IpAddress.parse("10.116.0.1")), IpAddress.parse("10.116.0.1"),
                        DdhcpSettings.LEASE_TIME))), DdhcpDhcpSide.factory());
        SplittableRandom random = new SplittableRandom(13);
        SimClients clients = sim.clients();
        Map<String, Client> byName = new HashMap<>();
        long start = sim.now() + Time.seconds(70); // after the 60 s learning phase
        for (int i = 0; i < CLIENTS; i++) {
            SimClients.Client sc = SimClients.Client.of("c" + i, i);
            clients.add(sc);
            Client c = new Client(sc.name(), sc.mac());
            c.arrived = start + random.nextLong(Time.seconds(100));
            c.node = random.nextInt(n);
            byName.put(c.name, c);
            clients.scheduleAttach(c.arrived, c.name, c.node);
        }
        long[] acks = {0};
        long[] naks = {0};
        clients.setObserver((name, what) -> {
            Client c = byName.get(name);
            if (c == null || what.protocol() != 17 || what.port() != 68 || c.address != 0) {
                return;
            }
            if (!(DhcpReader.read(what.data()) instanceof DhcpReader.Result.Parsed(DhcpMessage m))
                    || m.xid() != c.xid || !Arrays.equals(m.hardwareAddress(), c.mac)) {
                return;
            }
            MessageType type = m.messageType();
            if (type == MessageType.OFFER && !c.requesting) {
                c.requesting = true;
                byte[] request = message(c, MessageType.REQUEST,
                        DhcpOptions.int32(DhcpOptions.REQUESTED_ADDRESS, m.yiaddr()),
                        new DhcpOption(DhcpOptions.SERVER_IDENTIFIER, m.option(DhcpOptions.SERVER_IDENTIFIER)));
                clients.scheduleSend(sim.now(), name, ANY, 68, BROADCAST, 67, request);
                c.lastSent = sim.now();
            } else if (type == MessageType.ACK && c.requesting) {
                c.address = m.yiaddr();
                c.boundAt = sim.now();
                acks[0]++;
            } else if (type == MessageType.NAK) {
                naks[0]++;
                c.requesting = false;
                c.lastSent = Long.MIN_VALUE / 2;
            }
        });
        long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long end = start + Time.seconds(200);
        for (long t = start; t <= end; t += Time.seconds(1)) {
            sim.runUntil(t);
            boolean all = true;
            for (Client c : byName.values()) {
                if (c.address != 0) {
                    continue;
                }
                all = false;
                if (c.arrived <= t && t - c.lastSent >= Time.seconds(4)) {
                    c.xid = random.nextInt();
                    c.requesting = false;
                    c.discovers++;
                    clients.scheduleSend(t, c.name, ANY, 68, BROADCAST, 67, message(c, MessageType.DISCOVER));
                    c.lastSent = t;
                }
            }
            if (all) {
                break;
            }
        }
        long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;

        List<Client> unbound = byName.values().stream().filter(c -> c.address == 0).toList();
        assertThat(unbound).as("clients without an address").isEmpty();
        Map<Integer, String> holder = new HashMap<>();
        for (Client c : byName.values()) {
            String other = holder.put(c.address, c.name);
            assertThat(other).as("%s acknowledged to %s and %s", IpAddress.v4(c.address), other, c.name).isNull();
            Ddhcp at = nodes.get(c.node);
            int block = at.engine().swarm().blockOf(c.address);
            assertThat(at.engine().ownBlocks()).as("%s of %s is in a block of its node %d", IpAddress.v4(c.address),
                    c.name, c.node).contains(block);
        }
        assertThat(DdhcpSimTest.ownedTwice(nodes)).isEmpty();

        long[] latency = byName.values().stream().mapToLong(c -> c.boundAt - c.arrived).sorted().toArray();
        Map<String, Long> sums = new TreeMap<>();
        for (int node = 0; node < n; node++) {
            sim.extensionCounters(node).forEach((k, v) -> {
                if (k.startsWith("ddhcp.")) {
                    sums.merge(k, v, Long::sum);
                }
            });
        }
        int blocks = nodes.values().stream().mapToInt(d -> d.engine().ownBlocks().length).sum();
        int discovers = byName.values().stream().mapToInt(c -> c.discovers).sum();
        System.out.printf("DdhcpClientsSimTest freifunk-ulm: %d nodes, %d clients bound (%d ACKs, %d NAKs, %d"
                + " DISCOVER rounds), %d blocks owned, arrival-to-ACK simulated median %.1f s, p99 %.1f s, max %.1f s;"
                + " simulation CPU %.1f s; counters %s%n", n, CLIENTS - unbound.size(), acks[0], naks[0], discovers,
                blocks, latency[latency.length / 2] / 1e9, latency[latency.length * 99 / 100] / 1e9,
                latency[latency.length - 1] / 1e9, cpu / 1e9, sums);
    }
}
