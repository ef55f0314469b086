package org.jbabel.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jbabel.engine.Time;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * Clients (phones, laptops) that a scenario attaches to, moves between and detaches from the nodes' client
 * interfaces ({@value #DEFAULT_INTERFACE} unless {@link #setInterfaceName} says otherwise). A client behaves as a Linux
 * host whose link just came up: on attach it sends a DAD Neighbour Solicitation (from ::) for each of its IPv6
 * addresses, a Router Solicitation from its link-local address and a gratuitous ARP for each IPv4 address; it answers
 * Neighbour Solicitations for its addresses with Neighbour Advertisements and ARP requests with ARP replies; it sends
 * UDP when the scenario says so ({@link #scheduleSend}), and the scenario sees what it receives ({@link #setObserver}).
 *
 * <p>The node's kernel learns from the client's frames: each frame with a source address makes that address's
 * neighbour entry REACHABLE with the client's MAC (RTM_NEWNEIGH when it was not). When the client leaves, its entries
 * stay for {@link #NEIGHBOUR_TIMEOUT} and then go (RTM_DELNEIGH): Linux keeps an entry REACHABLE for about
 * base_reachable_time (30 s) after the last confirmation and then lets it go stale and fail; the model folds that into
 * one removal after 30 s, unless the client came back to the same node meanwhile.
 *
 * <p>Frames from a client reach the node's kernel in a task at the same simulated time (never inside the call that
 * caused them); frames to a client are handled at once.
 */
public final class SimClients {

    /** The client interface's name on every node unless {@link #setInterfaceName} changes it. */
    public static final String DEFAULT_INTERFACE = "br-client";
    /** How long a left client's neighbour entries stay on its old node. */
    public static final long NEIGHBOUR_TIMEOUT = Time.seconds(30);

    /**
     * A client.
     *
     * @param name its name in the scenario (unique)
     * @param mac its unicast MAC (6 bytes)
     * @param addresses its IPv6 and IPv4 addresses; its EUI-64 link-local address is added first when missing
     */
    public record Client(String name, byte[] mac, List<IpAddress> addresses) {
        public Client {
            Objects.requireNonNull(name, "name");
            if (mac == null || mac.length != 6 || SimPackets.isGroupMac(mac)) {
                throw new IllegalArgumentException("client " + name + " needs a unicast MAC of 6 bytes");
            }
            mac = mac.clone();
            List<IpAddress> all = new ArrayList<>();
            all.add(SimPackets.linkLocalOf(mac));
            for (IpAddress a : addresses) {
                if (a.isMulticast() || a.equals(IpAddress.V6_UNSPECIFIED) || a.equals(IpAddress.V4_UNSPECIFIED)) {
                    throw new IllegalArgumentException("client " + name + " cannot have address " + a);
                }
                if (!all.contains(a)) {
                    all.add(a);
                }
            }
            addresses = List.copyOf(all);
        }

        /** A client with MAC {@code 02:c1:XX:XX:XX:XX} (the index in the low 32 bits) and the given addresses. */
        public static Client of(String name, int index, IpAddress... addresses) {
            byte[] mac = {0x02, (byte) 0xc1, (byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8),
                (byte) index};
            return new Client(name, mac, List.of(addresses));
        }

        public IpAddress linkLocal() {
            return addresses.getFirst();
        }

        boolean has(IpAddress a) {
            return addresses.contains(a);
        }

        @Override
        public String toString() {
            return name + " (" + HexFormat.ofDelimiter(":").formatHex(mac) + ")";
        }
    }

    /**
     * What a client received: a UDP datagram or an ICMPv6 message (other than the Neighbour Solicitations it answers).
     *
     * @param node the node it is attached to
     * @param protocol 17 for UDP (data is the UDP payload), 58 for ICMPv6 (data is the message)
     */
    public record Received(int node, IpAddress source, int sourcePort, IpAddress destination, int port, int protocol,
            byte[] data) {}

    /** Sees what clients receive. */
    public interface Observer {
        void received(String client, Received what);
    }

    /** What the simulation does for the client model. */
    interface Driver {
        long now();

        /** Runs {@code task} at simulated time {@code at}. */
        void at(long at, Runnable task);

        /** Runs a scenario's {@code task} at {@code at}: a scripted event, which {@link Simulation#run} waits for. */
        void script(long at, Runnable task);

        /** The node's host, or null while it has none (not started, or no extensions). */
        SimNodeHost host(int node);

        int nodeCount();
    }

    private static final class State {
        final Client client;
        int node = -1;
        long generation;

        State(Client client) {
            this.client = client;
        }
    }

    private final Driver driver;
    private final Map<String, State> clients = new LinkedHashMap<>();
    /** The clients attached to each node, in attach order. */
    private final Map<Integer, List<State>> byNode = new HashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private String interfaceName = DEFAULT_INTERFACE;
    private Observer observer = (client, what) -> {};
    /** The simulation's own observers ({@link ClientWalk}), besides the scenario's. */
    private final List<Observer> watchers = new ArrayList<>();

    SimClients(Driver driver) {
        this.driver = driver;
    }

    /** Names the client interface on every node; before any client attaches. */
    public void setInterfaceName(String name) {
        if (clients.values().stream().anyMatch(s -> s.node >= 0)) {
            throw new IllegalStateException("the client interface is named before clients attach");
        }
        interfaceName = Objects.requireNonNull(name);
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** Adds a client (detached); names and MACs are unique. */
    public void add(Client client) {
        if (clients.containsKey(client.name())) {
            throw new IllegalArgumentException("there is a client " + client.name() + " already");
        }
        for (State s : clients.values()) {
            if (Arrays.equals(s.client.mac(), client.mac())) {
                throw new IllegalArgumentException(client + " has the MAC of " + s.client);
            }
        }
        clients.put(client.name(), new State(client));
    }

    public void setObserver(Observer observer) {
        this.observer = Objects.requireNonNull(observer);
    }

    /** Adds an observer of the simulation's own, which the scenario's {@link #setObserver} does not replace. */
    void watch(Observer watcher) {
        watchers.add(Objects.requireNonNull(watcher));
    }

    /** Whether there is a client of that name. */
    public boolean has(String client) {
        return clients.containsKey(client);
    }

    /** Attaches the client to {@code node} at {@code at} (moving it there when it is attached elsewhere). */
    public void scheduleAttach(long at, String client, int node) {
        State s = state(client);
        checkNode(node);
        schedule(at, () -> {
            if (s.node == node) {
                return;
            }
            if (s.node >= 0) {
                leave(s);
            }
            attach(s, node);
        });
    }

    /** Moves the client to {@code node} at {@code at}: it leaves its node and attaches to the new one at once. */
    public void scheduleMove(long at, String client, int node) {
        scheduleAttach(at, client, node);
    }

    /** Detaches the client at {@code at} (nothing happens when it is not attached then). */
    public void scheduleDetach(long at, String client) {
        State s = state(client);
        schedule(at, () -> {
            if (s.node >= 0) {
                leave(s);
            }
        });
    }

    /**
     * Makes the client send one UDP datagram at {@code at} through its node (dropped and counted as
     * {@code not_attached} when it is not attached then). {@code source} is one of its addresses or the unspecified
     * address of the destination's family (a DHCP client's 0.0.0.0).
     */
    public void scheduleSend(long at, String client, IpAddress source, int sourcePort, IpAddress destination, int port,
            byte[] data) {
        State s = state(client);
        if (source.family() != destination.family()) {
            throw new IllegalArgumentException("source " + source + " and destination " + destination + " differ");
        }
        boolean unspecified = source.equals(IpAddress.V6_UNSPECIFIED) || source.equals(IpAddress.V4_UNSPECIFIED);
        if (!unspecified && !s.client.has(source)) {
            throw new IllegalArgumentException(s.client + " has no address " + source);
        }
        byte[] copy = data.clone();
        schedule(at, () -> {
            if (s.node < 0) {
                count("not_attached");
                return;
            }
            SimPackets.Ip p = SimPackets.udp(source, sourcePort, destination, port, 64, copy);
            toNode(s, source.family() == Family.V6 ? SimPackets.ETHERTYPE_IPV6 : SimPackets.ETHERTYPE_IPV4,
                    SimPackets.encode(p));
        });
    }

    /** The node the client is attached to, or -1. */
    public int nodeOf(String client) {
        return state(client).node;
    }

    /** Frames of the client model that went nowhere: {@code not_attached}, {@code no_host}. */
    public Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    // ---------------------------------------------------------------- the link

    private void attach(State s, int node) {
        s.node = node;
        byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(s);
        s.generation++;
        Client c = s.client;
        for (IpAddress a : c.addresses()) {
            if (a.family() == Family.V6) {
                toNode(s, SimPackets.ETHERTYPE_IPV6, SimPackets.encode(SimPackets.icmp6(IpAddress.V6_UNSPECIFIED,
                        SimPackets.solicitedNode(a), 255, SimPackets.neighbourSolicitation(a, null))));
            }
        }
        toNode(s, SimPackets.ETHERTYPE_IPV6, SimPackets.encode(SimPackets.icmp6(c.linkLocal(), SimPackets.ALL_ROUTERS,
                255, SimPackets.routerSolicitation(c.mac()))));
        for (IpAddress a : c.addresses()) {
            if (a.family() == Family.V4) {
                toNode(s, SimPackets.ETHERTYPE_ARP, SimPackets.arp(1, c.mac(), a, new byte[6], a));
            }
        }
    }

    private void leave(State s) {
        int old = s.node;
        s.generation++;
        s.node = -1;
        byNode.get(old).remove(s);
        SimNodeHost left = driver.host(old);
        if (left != null) {
            left.clientLeft(s.client.mac());
        }
        driver.at(driver.now() + NEIGHBOUR_TIMEOUT, () -> {
            if (s.node != old) { // unless it came back meanwhile
                SimNodeHost h = driver.host(old);
                if (h != null) {
                    for (IpAddress a : s.client.addresses()) {
                        h.neighbourExpired(a, s.client.mac());
                    }
                }
            }
        });
    }

    /** A frame from the client to its node's client interface, handled by the node in a task at the same time. */
    private void toNode(State s, int ethertype, byte[] payload) {
        int node = s.node;
        long generation = s.generation;
        driver.at(driver.now(), () -> {
            if (s.node != node || s.generation != generation) {
                count("not_attached"); // it left before the frame arrived
                return;
            }
            SimNodeHost h = driver.host(node);
            if (h == null) {
                count("no_host");
                return;
            }
            h.fromClient(s.client.mac(), ethertype, payload);
        });
    }

    /**
     * A link-layer frame from {@code node} on its client interface to {@code destinationMac} (a group address reaches
     * every client there). Returns how many clients took it.
     */
    int frameFromNode(int node, byte[] nodeMac, byte[] destinationMac, int ethertype, byte[] payload) {
        int taken = 0;
        for (State s : List.copyOf(byNode.getOrDefault(node, List.of()))) {
            if (s.node != node || !(SimPackets.isGroupMac(destinationMac)
                    || Arrays.equals(destinationMac, s.client.mac()))) {
                continue;
            }
            taken++;
            if (ethertype == SimPackets.ETHERTYPE_ARP) {
                SimPackets.Arp arp = SimPackets.parseArp(payload);
                if (arp != null && arp.op() == 1 && s.client.has(arp.targetIp())) {
                    toNode(s, SimPackets.ETHERTYPE_ARP,
                            SimPackets.arp(2, s.client.mac(), arp.targetIp(), arp.senderMac(), arp.senderIp()));
                }
            } else {
                SimPackets.Ip p = SimPackets.parse(payload);
                if (p != null) {
                    receive(s, p);
                }
            }
        }
        return taken;
    }

    /** An IP packet from {@code node} on its client interface: to every client there that has its destination. */
    int ipFromNode(int node, SimPackets.Ip p) {
        boolean group = p.destination().isMulticast() || p.destination().equals(SimPackets.V4_BROADCAST);
        int taken = 0;
        for (State s : List.copyOf(byNode.getOrDefault(node, List.of()))) {
            if (s.node == node && (group || s.client.has(p.destination()))) {
                taken++;
                receive(s, p);
            }
        }
        return taken;
    }

    private void receive(State s, SimPackets.Ip p) {
        Client c = s.client;
        byte[] data = p.data();
        if (p.protocol() == SimPackets.ICMPV6 && data.length >= 24
                && (data[0] & 0xff) == SimPackets.NEIGHBOUR_SOLICITATION) {
            IpAddress target = SimPackets.ndTarget(data);
            if (c.has(target)) {
                boolean dad = p.source().equals(IpAddress.V6_UNSPECIFIED);
                IpAddress to = dad ? SimPackets.ALL_NODES : p.source();
                toNode(s, SimPackets.ETHERTYPE_IPV6, SimPackets.encode(SimPackets.icmp6(target, to, 255,
                        SimPackets.neighbourAdvertisement(target, c.mac(), !dad))));
            }
            return;
        }
        if (p.protocol() != SimPackets.UDP && p.protocol() != SimPackets.ICMPV6) {
            count("unknown_protocol");
            return;
        }
        Received r = new Received(s.node, p.source(), p.sourcePort(), p.destination(), p.destinationPort(),
                p.protocol(), data);
        for (Observer w : watchers) {
            w.received(c.name(), r);
        }
        observer.received(c.name(), r);
    }

    // ---------------------------------------------------------------- plumbing

    private State state(String client) {
        State s = clients.get(client);
        if (s == null) {
            throw new IllegalArgumentException("no client " + client);
        }
        return s;
    }

    private void checkNode(int node) {
        if (node < 0 || node >= driver.nodeCount()) {
            throw new IllegalArgumentException("no node " + node);
        }
    }

    private void schedule(long at, Runnable task) {
        if (at < driver.now()) {
            throw new IllegalArgumentException("cannot schedule in the past: " + at + " < " + driver.now());
        }
        driver.script(at, task);
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }
}
