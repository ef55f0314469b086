package org.jbabel.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.jbabel.ddhcp.dhcp.DhcpMessage;
import org.jbabel.ddhcp.dhcp.DhcpOption;
import org.jbabel.ddhcp.dhcp.DhcpOptions;
import org.jbabel.ddhcp.dhcp.DhcpReader;
import org.jbabel.ddhcp.dhcp.DhcpWriter;
import org.jbabel.ddhcp.dhcp.MessageType;
import org.jbabel.engine.Time;
import org.jbabel.sim.SimClients;
import org.jbabel.sim.Simulation;
import org.jbabel.wire.IpAddress;

/**
 * Simulated DHCP clients for a run with {@code ddhcp} (its DHCP side on {@link SimClients#DEFAULT_INTERFACE}): each
 * attaches to a random node at a random time of an arrival window and runs DISCOVER, OFFER, REQUEST, ACK from
 * {@code 0.0.0.0:68} to {@code 255.255.255.255:67}, a new DISCOVER every {@link #RETRY} until bound (a NAK starts it
 * over). Every ACK is remembered, so that an address acknowledged to two clients is seen even when one of them later
 * got another. Used by {@code jbabel sim --dhcp-clients} and {@code DdhcpClientsSimTest}. It lives here, not in the ddhcp
 * module, because an extension's own code may use the extension API only ({@code LayeringTest}).
 */
final class DdhcpSimClients {

    /** How long a client waits for an answer before it starts over with a new DISCOVER. */
    public static final long RETRY = Time.seconds(4);

    private static final IpAddress ANY = IpAddress.V4_UNSPECIFIED;
    private static final IpAddress BROADCAST = IpAddress.parse("255.255.255.255");

    /** One simulated client's DHCP state. */
    public static final class Client {
        final String name;
        final byte[] mac;
        int xid;
        boolean requesting;
        int address;
        int node;
        long lastSent = Long.MIN_VALUE / 2;
        int discovers;
        long arrived;
        long boundAt;

        Client(String name, byte[] mac) {
            this.name = name;
            this.mac = mac;
        }

        public String name() {
            return name;
        }

        /** The node it attached to. */
        public int node() {
            return node;
        }

        /** Its address as an int, 0 while unbound. */
        public int address() {
            return address;
        }

        /** Simulated time from its arrival to its ACK. */
        public long latency() {
            return boundAt - arrived;
        }
    }

    private final Simulation sim;
    private final SimClients clients;
    private final SplittableRandom random;
    private final Map<String, Client> byName = new LinkedHashMap<>();
    /** Every address acknowledged, to the clients it was acknowledged to. */
    private final Map<Integer, Set<String>> acknowledgedTo = new HashMap<>();
    private long acks;
    private long naks;

    /**
     * {@code count} clients attaching at random nodes at random times of [{@code start}, {@code start + window}),
     * their MACs numbered from {@code firstIndex} (as {@link SimClients.Client#of}).
     */
    public DdhcpSimClients(Simulation sim, int count, int firstIndex, long start, long window, SplittableRandom random) {
        this.sim = sim;
        this.clients = sim.clients();
        this.random = random;
        int n = sim.nodeCount();
        for (int i = 0; i < count; i++) {
            SimClients.Client sc = SimClients.Client.of("dhcp" + (firstIndex + i), firstIndex + i);
            clients.add(sc);
            Client c = new Client(sc.name(), sc.mac());
            c.arrived = start + (window > 0 ? random.nextLong(window) : 0);
            c.node = random.nextInt(n);
            byName.put(c.name, c);
            clients.scheduleAttach(c.arrived, c.name, c.node);
        }
        clients.setObserver(this::received);
    }

    private void received(String name, SimClients.Received what) {
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
            acknowledgedTo.computeIfAbsent(c.address, a -> new HashSet<>()).add(c.name);
            acks++;
        } else if (type == MessageType.NAK) {
            naks++;
            c.requesting = false;
            c.lastSent = Long.MIN_VALUE / 2;
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

    /**
     * Runs the simulation in steps of a second until every client is bound or {@code until}; each client that
     * arrived and has waited {@link #RETRY} sends a new DISCOVER. Returns whether all are bound.
     */
    public boolean runUntilBound(long until) {
        for (long t = sim.now(); t <= until; t += Time.seconds(1)) {
            sim.runUntil(t);
            boolean all = true;
            for (Client c : byName.values()) {
                if (c.address != 0) {
                    continue;
                }
                all = false;
                if (c.arrived <= t && t - c.lastSent >= RETRY) {
                    c.xid = random.nextInt();
                    c.requesting = false;
                    c.discovers++;
                    clients.scheduleSend(t, c.name, ANY, 68, BROADCAST, 67, message(c, MessageType.DISCOVER));
                    c.lastSent = t;
                }
            }
            if (all) {
                return true;
            }
        }
        return bound() == byName.size();
    }

    public Collection<Client> clients() {
        return byName.values();
    }

    public int bound() {
        return (int) byName.values().stream().filter(c -> c.address != 0).count();
    }

    public long acks() {
        return acks;
    }

    public long naks() {
        return naks;
    }

    /** DISCOVER rounds over all clients. */
    public long discovers() {
        return byName.values().stream().mapToLong(c -> c.discovers).sum();
    }

    /** Addresses acknowledged to two clients or more over the run. */
    public List<IpAddress> acknowledgedTwice() {
        return acknowledgedTo.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> IpAddress.v4(e.getKey())).toList();
    }

    /** The bound clients' arrival-to-ACK times, sorted. */
    public long[] latencies() {
        return byName.values().stream().filter(c -> c.address != 0).mapToLong(Client::latency).sorted().toArray();
    }
}
