package org.jbabel.sim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jbabel.control.ExtensionControls;
import org.jbabel.control.ExtensionEntry;
import org.jbabel.engine.BabelEngine;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.ExtensionHost;
import org.jbabel.extension.HostPlatform;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.NetInterface;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.IpAddress;

/**
 * One simulated node as a host of extensions, a small model of a Linux node: the simulation's virtual clock and event
 * queue; UDP over the simulated links (link-local unicast and multicast to the peer on the interface) and routed
 * hop by hop to global addresses (each node forwards by the longest prefix of Babel's {@link SimFib} and its
 * extensions' own routes, {@link SimKernel}); TUN devices whose writes the simulation records and the kernel
 * routes, and into which routed packets and a scenario's packets go; the node's kernel state (addresses,
 * neighbour table, own routes); and the client interface ({@link SimClients}) with AF_PACKET and ICMPv6 sockets and
 * UDP sockets bound to it. TAP devices are refused with a clear {@link IOException}; docs/SIMULATOR.md lists what is
 * modelled.
 *
 * <p>Interface indices: 1 is the loopback (the node's probe address {@link Simulation#probeOf} is on it), the links'
 * interfaces count from 2, the client interface is {@link #CLIENT_INDEX}, TUN devices count from
 * {@link #FIRST_DEVICE_INDEX}.
 */
final class SimNodeHost implements HostPlatform {

    /** What the simulation does for its nodes' hosts. */
    interface Wiring {
        /** Engine time now. */
        long now();

        /** Runs {@code task} on this node after {@code delay}, unless the node restarted meanwhile (-1: any). */
        void at(long delay, int node, int incarnation, Runnable task);

        /** The node's interfaces. */
        List<NetInterface> interfaces(int node);

        /** Where a datagram sent out of interface {@code ifindex} arrives, or null when the link is down or lost it. */
        SimNodeHost peer(int node, int ifindex);

        /** The link-local address of the peer's end of interface {@code ifindex}'s link. */
        IpAddress peerAddress(int node, int ifindex);

        /** The peer's interface index on that link. */
        int peerIfindex(int node, int ifindex);

        /** The node at the other end of interface {@code ifindex}'s link, or -1. */
        int peerNode(int node, int ifindex);

        /** Whether the link of interface {@code ifindex} is up. */
        boolean linkUp(int node, int ifindex);

        /** Whether one packet sent out of interface {@code ifindex} now is lost (counted with Babel's packets). */
        boolean lost(int node, int ifindex);

        /** The latency of a link. */
        long delay();

        /** Babel's forwarding table of a node. */
        SimFib fib(int node);

        /** The current host of a node, or null. */
        SimNodeHost host(int node);

        /** The clients and their attachments. */
        SimClients clients();

        /** The node's name in the topology. */
        String nodeName(int node);

        /** Carries out the node's engine actions. */
        void turn(int node);

        /** A packet written into a simulated TUN device. */
        void tunWritten(int node, String device, byte[] packet);

        /** Whether the caller is the simulation's thread. */
        boolean onSimulationThread();
    }

    /** The loopback's interface index. */
    static final int LOOPBACK_INDEX = 1;
    /** The client interface's index. */
    static final int CLIENT_INDEX = 9_000;
    /** The first interface index of simulated TUN devices. */
    static final int FIRST_DEVICE_INDEX = 10_000;
    /** The hop limit of routed datagrams an extension sends. */
    static final int HOP_LIMIT = 64;

    private final Wiring wiring;
    private final int node;
    private final int incarnation;
    private final ExtensionHost host;
    private final SimKernel kernel;
    private final byte[] clientMac;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<IcmpSocket> icmpSockets = new ArrayList<>();
    private final List<PacketSocket> packetSockets = new ArrayList<>();
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Set<String> clientAliases = new HashSet<>();
    /** The MACs the client interface has seen frames from and not yet forgotten (a bridge's learned stations). */
    private final Set<Long> stations = new HashSet<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final ExtensionControls controls = new ExtensionControls();

    SimNodeHost(Wiring wiring, int node, int incarnation, BabelEngine engine, Map<String, Extension> extensions) {
        this.wiring = wiring;
        this.node = node;
        this.incarnation = incarnation;
        this.clientMac = new byte[] {0x02, (byte) 0xb0, (byte) (node >>> 24), (byte) (node >>> 16),
            (byte) (node >>> 8), (byte) node};
        List<InterfaceAddress> initial = new ArrayList<>();
        initial.add(new InterfaceAddress(LOOPBACK_INDEX, Simulation.probeOf(node), 128, 0, false));
        for (NetInterface i : wiring.interfaces(node)) {
            initial.add(new InterfaceAddress(i.ifindex(), i.linkLocal(), 64, InterfaceAddress.SCOPE_LINK, false));
        }
        initial.add(new InterfaceAddress(CLIENT_INDEX, SimPackets.linkLocalOf(clientMac), 64,
                InterfaceAddress.SCOPE_LINK, false));
        this.kernel = new SimKernel(wiring.nodeName(node), initial, this::ifindexOf, this::addClientAlias, this::soon);
        this.host = new ExtensionHost(this, engine);
        extensions.forEach(host::add);
    }

    ExtensionHost host() {
        return host;
    }

    /** Stops the node's extensions as a daemon's shutdown would: then their own routes go, their subscriptions end. */
    void stopExtensions() {
        host.stopAll();
        clientAliases.clear();
        kernel.flushOwnRoutes();
        kernel.forgetObservers();
    }

    /** Counters of the simulated network of this node (datagrams lost, undeliverable ...). */
    Map<String, Long> counters() {
        return counters;
    }

    /** Delivers {@code packet} into TUN device {@code device} as if the kernel routed it there. */
    boolean injectIntoDevice(String device, byte[] packet) {
        Device d = devices.get(device);
        if (d == null || d.closed) {
            return false;
        }
        d.receiver.accept(packet.clone());
        wiring.turn(node);
        return true;
    }

    /**
     * Sends a UDP datagram from this node, as a local application with an unbound socket would: from the node's
     * address for {@code destination} ({@link Simulation#probeOf} for a global one), through the node's forwarding
     * state. Returns false (counted as {@code scenario_...}) when it cannot leave.
     */
    boolean sendUdp(int sourcePort, IpAddress destination, int port, byte[] data) {
        IpAddress source = sourceFor(IpAddress.V6_UNSPECIFIED, destination, 0);
        boolean sent = originate(SimPackets.udp(source, sourcePort, destination, port, HOP_LIMIT, data), 0,
                "scenario_");
        wiring.turn(node);
        return sent;
    }

    /** The objects of one extension's control section, as the control socket would show them. */
    List<ExtensionEntry> section(String extension, String kind) {
        return controls.entries().stream().filter(e -> e.extension().equals(extension) && e.kind().equals(kind))
                .toList();
    }

    /** The own routes of every protocol installed now (for scenarios and tests). */
    List<KernelRoute> ownRoutes() {
        return kernel.allOwnRoutes();
    }

    /** The neighbour table of the client interface now. */
    List<KernelAccess.Neighbour> clientNeighbours() {
        return kernel.neighbours(CLIENT_INDEX);
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    /** Runs {@code task} in this node at the current time, after the current task, then the engine's turn. */
    private void soon(Runnable task) {
        wiring.at(0, node, incarnation, () -> {
            task.run();
            wiring.turn(node);
        });
    }

    // ---------------------------------------------------------------- HostPlatform

    @Override
    public long now() {
        return wiring.now();
    }

    @Override
    public ExtensionContext.Timer schedule(long delayNanos, Runnable task) {
        boolean[] cancelled = new boolean[1];
        wiring.at(delayNanos, node, incarnation, () -> {
            if (!cancelled[0]) {
                task.run();
                wiring.turn(node);
            }
        });
        return () -> cancelled[0] = true;
    }

    @Override
    public void execute(Runnable task) {
        schedule(0, task);
    }

    @Override
    public boolean onHostThread() {
        return wiring.onSimulationThread();
    }

    @Override
    public void engineTurn() {
        // the simulation carries out the node's actions after every event of the node
    }

    @Override
    public List<NetInterface> interfaces() {
        return wiring.interfaces(node);
    }

    @Override
    public Network network(String extension) {
        return new SimNetwork();
    }

    @Override
    public KernelAccess kernel(String extension) {
        return kernel.access();
    }

    @Override
    public ControlRegistry control(String extension) {
        return controls.registry(extension);
    }

    @Override
    public ExtensionContext.Log log(String extension) {
        return new ExtensionContext.Log() {
            @Override
            public void info(String message) {}

            @Override
            public void debug(String message) {}

            @Override
            public void error(String message, Throwable cause) {
                count(extension + ".errors_logged");
            }
        };
    }

    // ---------------------------------------------------------------- delivery at this node

    /**
     * A multicast or broadcast datagram goes to every socket that accepts it; a unicast one, as on Linux without
     * SO_REUSEPORT, to one socket only: the most specific (bound to the address before the wildcard, bound to the
     * device before unbound), the first opened among equals.
     */
    private void deliver(IpAddress source, int sourcePort, IpAddress destination, int port, int ifindex, byte[] data) {
        boolean toAll = destination.isMulticast() || destination.equals(SimPackets.V4_BROADCAST);
        List<Socket> takers = new ArrayList<>(1);
        int best = -1;
        for (Socket s : sockets) {
            if (!s.accepts(destination, port, ifindex)) {
                continue;
            }
            int score = toAll ? 0 : s.specificity();
            if (score > best) {
                if (!toAll) {
                    takers.clear();
                }
                best = score;
            }
            if (toAll || takers.isEmpty()) {
                takers.add(s);
            }
        }
        for (Socket s : takers) {
            s.receiver.accept(new Network.Datagram(source, sourcePort, destination, ifindex, data.clone()));
        }
        if (takers.isEmpty()) {
            count("udp_no_socket");
        }
        wiring.turn(node);
    }

    /** An IP packet for this node (one of its addresses, a group, the broadcast) that came in on {@code ifindex}. */
    private void deliverLocal(SimPackets.Ip p, int ifindex) {
        switch (p.protocol()) {
            case SimPackets.UDP -> deliver(p.source(), p.sourcePort(), p.destination(), p.destinationPort(), ifindex,
                    p.data());
            case SimPackets.ICMPV6 -> {
                byte[] message = p.data();
                boolean taken = false;
                for (IcmpSocket s : List.copyOf(icmpSockets)) {
                    if (!s.closed && s.ifindex == ifindex && message.length > 0
                            && s.types.contains(message[0] & 0xff)) {
                        s.receiver.accept(new Network.Datagram(p.source(), 0, p.destination(), ifindex,
                                message.clone()));
                        taken = true;
                    }
                }
                int type = message.length > 0 ? message[0] & 0xff : -1;
                if (!taken && (type < 133 || type > 137)) { // the kernel itself takes neighbour discovery
                    count("icmp6_no_socket");
                }
                wiring.turn(node);
            }
            default -> count("ip_unknown_protocol");
        }
    }

    private boolean isLocal(IpAddress destination) {
        return destination.isMulticast() || destination.equals(SimPackets.V4_BROADCAST) || kernel.isLocal(destination);
    }

    /**
     * A routed packet arriving at this node on {@code ifindex} (a link, the client interface, a TUN device): delivered
     * when it is for this node, else forwarded with its hop limit decreased. Every drop is counted.
     */
    private void arrive(SimPackets.Ip p, int ifindex) {
        if (isLocal(p.destination())) {
            deliverLocal(p, ifindex);
            return;
        }
        if (p.hopLimit() <= 1) {
            count("routed_hop_limit");
            return;
        }
        transmit(p.withHopLimit(p.hopLimit() - 1), "routed_");
    }

    /**
     * Sends a packet by this node's forwarding state: the most specific of Babel's FIB entry and the extensions' own
     * routes (an own route wins a tie). Returns false, counting {@code prefix + reason}, when it cannot leave.
     */
    private boolean transmit(SimPackets.Ip p, String prefix) {
        IpAddress dst = p.destination();
        KernelRoute own = kernel.lookup(dst, p.source());
        SimFib.Entry entry = wiring.fib(node).lookup(dst, p.source());
        if (own != null && (entry == null || own.destination().length() >= entry.key().prefix().length())) {
            if (own.type() != RouteType.UNICAST) {
                count(prefix + "unreachable");
                return false;
            }
            Device d = deviceAt(own.ifindex());
            if (d != null) {
                intoDevice(d, p);
                return true;
            }
            if (own.ifindex() == CLIENT_INDEX) {
                if (wiring.clients().ipFromNode(node, p) == 0) {
                    count(prefix + "no_client");
                }
                return true;
            }
            return toLink(p, own.ifindex(), own.nextHop(), prefix);
        }
        if (entry == null) {
            count(prefix + "no_route");
            return false;
        }
        if (entry.unreachable()) {
            count(prefix + "unreachable");
            return false;
        }
        return toLink(p, ifindexOf(entry.ifname()), entry.nextHop(), prefix);
    }

    private boolean toLink(SimPackets.Ip p, int ifindex, IpAddress nextHop, String prefix) {
        IpAddress peerAddress = wiring.peerAddress(node, ifindex);
        if (peerAddress == null || (nextHop != null && !nextHop.equals(peerAddress))) {
            count(prefix + "no_neighbour");
            return false;
        }
        if (!wiring.linkUp(node, ifindex)) {
            count(prefix + "link_down");
            return false;
        }
        if (wiring.lost(node, ifindex)) {
            count(prefix + "lost");
            return true; // lost on the link, as a real packet would be
        }
        int next = wiring.peerNode(node, ifindex);
        int peerIfindex = wiring.peerIfindex(node, ifindex);
        wiring.at(wiring.delay(), next, -1, () -> {
            SimNodeHost h = wiring.host(next);
            if (h == null) {
                count(prefix + "next_node_down");
            } else {
                h.arrive(p, peerIfindex);
            }
        });
        return true;
    }

    /** A frame from an attached client on the client interface (called in a task of this node). */
    void fromClient(byte[] mac, int ethertype, byte[] payload) {
        if (stations.add(macKey(mac))) {
            kernel.station(CLIENT_INDEX, mac, false); // the client bridge learned the station
        }
        SimPackets.Ip p = null;
        if (ethertype == SimPackets.ETHERTYPE_ARP) {
            SimPackets.Arp arp = SimPackets.parseArp(payload);
            if (arp != null && !arp.senderIp().equals(IpAddress.V4_UNSPECIFIED)) {
                kernel.neighbourSeen(CLIENT_INDEX, arp.senderIp(), mac);
            }
        } else {
            p = SimPackets.parse(payload);
            if (p == null) {
                count("client_frame_unparsed");
            } else if (!p.source().equals(IpAddress.V6_UNSPECIFIED) && !p.source().equals(IpAddress.V4_UNSPECIFIED)) {
                kernel.neighbourSeen(CLIENT_INDEX, p.source(), mac);
            }
        }
        for (PacketSocket s : List.copyOf(packetSockets)) {
            if (!s.closed && (s.ethertype == ethertype || s.ethertype == PacketSocket.ETH_P_ALL)) {
                int accepted = s.program == null ? payload.length : s.program.run(payload);
                if (accepted > 0) {
                    s.receiver.accept(new Network.LinkFrame(CLIENT_INDEX, mac.clone(),
                            java.util.Arrays.copyOf(payload, Math.min(accepted, payload.length))));
                }
            }
        }
        if (p != null) {
            arrive(p, CLIENT_INDEX);
        }
        wiring.turn(node);
    }

    /** The client with {@code mac} left this node's client interface: its bridge forgets the station at once. */
    void clientLeft(byte[] mac) {
        if (stations.remove(macKey(mac))) {
            kernel.station(CLIENT_INDEX, mac, true);
        }
    }

    private static long macKey(byte[] mac) {
        long k = 0;
        for (byte b : mac) {
            k = (k << 8) | (b & 0xff);
        }
        return k;
    }

    /** The client with {@code mac} left {@code address}'s entry unconfirmed long enough: it goes. */
    void neighbourExpired(IpAddress address, byte[] mac) {
        kernel.neighbourExpired(CLIENT_INDEX, address, mac);
    }

    /** A packet written into a TUN device: the kernel delivers it here or routes it on. */
    private void fromDevice(Device d, byte[] packet) {
        SimPackets.Ip p = SimPackets.parse(packet);
        if (p == null) {
            count("tun_not_ip");
            return;
        }
        soon(() -> arrive(p, d.ifindex));
    }

    // ---------------------------------------------------------------- interfaces

    private String ifname(int ifindex) {
        for (NetInterface i : wiring.interfaces(node)) {
            if (i.ifindex() == ifindex) {
                return i.name();
            }
        }
        if (ifindex == CLIENT_INDEX) {
            return wiring.clients().interfaceName();
        }
        if (ifindex == LOOPBACK_INDEX) {
            return "lo";
        }
        Device d = deviceAt(ifindex);
        return d == null ? null : d.name;
    }

    /**
     * A macvlan an extension creates: on the client interface, another name for it (the simulated clients do not
     * resolve their gateway's hardware address, so a second MAC there would change nothing they do).
     */
    private int addClientAlias(String name, String parent) throws IOException {
        if (ifindexOf(parent) != CLIENT_INDEX) {
            throw new IOException("the simulator has macvlans only on the client interface "
                    + wiring.clients().interfaceName() + ", not on " + parent);
        }
        if (ifindexOf(name) != 0 && !clientAliases.contains(name)) {
            throw new IOException("node " + node + " has an interface " + name + " already");
        }
        clientAliases.add(name);
        return CLIENT_INDEX;
    }

    /** The index of an interface by name, or 0. */
    private int ifindexOf(String name) {
        if (name == null) {
            return 0;
        }
        for (NetInterface i : wiring.interfaces(node)) {
            if (i.name().equals(name)) {
                return i.ifindex();
            }
        }
        if (name.equals(wiring.clients().interfaceName()) || clientAliases.contains(name)) {
            return CLIENT_INDEX;
        }
        if (name.equals("lo")) {
            return LOOPBACK_INDEX;
        }
        Device d = devices.get(name);
        return d == null ? 0 : d.ifindex;
    }

    private Device deviceAt(int ifindex) {
        for (Device d : devices.values()) {
            if (d.ifindex == ifindex && !d.closed) {
                return d;
            }
        }
        return null;
    }

    /** The source of a datagram to {@code destination} out of {@code ifindex} from a socket bound to {@code bind}. */
    private IpAddress sourceFor(IpAddress bind, IpAddress destination, int ifindex) {
        boolean unbound = bind.equals(IpAddress.V6_UNSPECIFIED) || bind.equals(IpAddress.V4_UNSPECIFIED);
        if (!unbound && bind.family() == destination.family()) {
            return bind;
        }
        boolean linkScope = destination.isLinkLocal() || destination.isMulticast()
                || destination.equals(SimPackets.V4_BROADCAST);
        if (linkScope && ifindex != 0) {
            IpAddress a = kernel.addressOn(ifindex, destination.family());
            if (a != null) {
                return a;
            }
        }
        if (destination.family() == org.jbabel.wire.Family.V4) {
            IpAddress a = kernel.addressOn(ifindex, destination.family());
            return a != null ? a : IpAddress.V4_UNSPECIFIED;
        }
        return Simulation.probeOf(node);
    }

    /** The kernel puts a packet into a TUN device: its reader gets it in a later task. */
    private void intoDevice(Device d, SimPackets.Ip p) {
        byte[] packet = SimPackets.encode(p);
        soon(() -> {
            if (!d.closed) {
                d.receiver.accept(packet);
            }
        });
    }

    /**
     * Sends a packet this node originates out of interface {@code ifindex} (0: by the forwarding state). Link-scope
     * destinations need an interface; global ones are routed. Returns false (counted) when it cannot leave.
     */
    private boolean originate(SimPackets.Ip p, int ifindex, String prefix) {
        IpAddress dst = p.destination();
        boolean linkScope = dst.isLinkLocal() || dst.isMulticast() || dst.equals(SimPackets.V4_BROADCAST);
        Device d = deviceAt(ifindex);
        if (d != null) {
            intoDevice(d, p);
            return true;
        }
        if (ifindex == CLIENT_INDEX) {
            if (wiring.clients().ipFromNode(node, p) == 0 && !linkScope) {
                count(prefix + "no_client");
            }
            return true;
        }
        if (!linkScope) {
            if (kernel.isLocal(dst)) {
                soon(() -> deliverLocal(p, LOOPBACK_INDEX));
                return true;
            }
            return transmit(p, prefix);
        }
        if (ifindex == 0) {
            count(prefix + "no_interface");
            return false;
        }
        IpAddress peerAddress = wiring.peerAddress(node, ifindex);
        if (peerAddress == null || (!dst.isMulticast() && !dst.equals(peerAddress))) {
            count(prefix + "no_neighbour");
            return false;
        }
        SimNodeHost peer = wiring.peer(node, ifindex);
        if (peer == null) {
            count(prefix + "lost");
            return true; // lost on the link, as a real datagram would be
        }
        int peerIfindex = wiring.peerIfindex(node, ifindex);
        wiring.at(wiring.delay(), peer.node, peer.incarnation, () -> peer.deliverLocal(p, peerIfindex));
        return true;
    }

    // ---------------------------------------------------------------- sockets and devices

    private final class Socket implements UdpSocket {
        final UdpSocket.Options options;
        final Consumer<Network.Datagram> receiver;
        final Set<String> joined = new HashSet<>();
        final int port;
        boolean closed;

        Socket(UdpSocket.Options options, Consumer<Network.Datagram> receiver, int port) {
            this.options = options;
            this.receiver = receiver;
            this.port = port;
        }

        boolean accepts(IpAddress destination, int toPort, int ifindex) {
            if (closed || toPort != port) {
                return false;
            }
            if (options.device() != null && !options.device().equals(ifname(ifindex))) {
                return false;
            }
            if (destination.isMulticast()) {
                return joined.contains(destination + "%" + ifindex);
            }
            IpAddress bind = options.bind();
            return bind.equals(IpAddress.V6_UNSPECIFIED) || bind.equals(IpAddress.V4_UNSPECIFIED)
                    || bind.equals(destination);
        }

        /** How closely the socket's binding matches a unicast datagram it accepts: address 2, device 1. */
        int specificity() {
            IpAddress bind = options.bind();
            boolean wildcard = bind.equals(IpAddress.V6_UNSPECIFIED) || bind.equals(IpAddress.V4_UNSPECIFIED);
            return (wildcard ? 0 : 2) + (options.device() != null ? 1 : 0);
        }

        @Override
        public void join(IpAddress group, int ifindex) {
            joined.add(group + "%" + ifindex);
        }

        @Override
        public void leave(IpAddress group, int ifindex) {
            joined.remove(group + "%" + ifindex);
        }

        @Override
        public boolean send(IpAddress destination, int toPort, int ifindex, byte[] data) {
            if (closed) {
                return false;
            }
            int out = ifindex != 0 ? ifindex : ifindexOf(options.device());
            IpAddress source = sourceFor(options.bind(), destination, out);
            int hops = destination.isMulticast() ? options.multicastHops() : HOP_LIMIT;
            return originate(SimPackets.udp(source, port, destination, toPort, hops, data), out, "udp_");
        }

        @Override
        public int localPort() {
            return port;
        }

        @Override
        public void close() {
            closed = true;
            sockets.remove(this);
        }
    }

    /** A raw ICMPv6 socket bound to one interface. */
    private final class IcmpSocket implements UdpSocket {
        final int ifindex;
        final Set<Integer> types;
        final Consumer<Network.Datagram> receiver;
        boolean closed;

        IcmpSocket(int ifindex, Set<Integer> types, Consumer<Network.Datagram> receiver) {
            this.ifindex = ifindex;
            this.types = Set.copyOf(types);
            this.receiver = receiver;
        }

        @Override
        public void join(IpAddress group, int index) {}

        @Override
        public void leave(IpAddress group, int index) {}

        @Override
        public boolean send(IpAddress destination, int port, int index, byte[] data) {
            if (closed || destination.family() != org.jbabel.wire.Family.V6 || data.length < 4) {
                count("icmp6_refused");
                return false;
            }
            IpAddress source = sourceFor(IpAddress.V6_UNSPECIFIED, destination, ifindex);
            return originate(SimPackets.icmp6(source, destination, 255, data), ifindex, "icmp6_");
        }

        @Override
        public int localPort() {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
            icmpSockets.remove(this);
        }
    }

    /** An AF_PACKET socket on the client interface. */
    private final class PacketSocket implements Network.LinkSocket {
        static final int ETH_P_ALL = 0x0003;
        final int ethertype;
        final ClassicBpf.Program program;
        final Consumer<Network.LinkFrame> receiver;
        boolean closed;

        PacketSocket(int ethertype, ClassicBpf.Program program, Consumer<Network.LinkFrame> receiver) {
            this.ethertype = ethertype;
            this.program = program;
            this.receiver = receiver;
        }

        @Override
        public boolean send(byte[] destinationHardwareAddress, byte[] payload) {
            if (closed || destinationHardwareAddress == null || destinationHardwareAddress.length != 6
                    || ethertype == ETH_P_ALL) {
                count("packet_refused");
                return false;
            }
            if (wiring.clients().frameFromNode(node, clientMac, destinationHardwareAddress, ethertype,
                    payload.clone()) == 0) {
                count("packet_no_client");
            }
            return true;
        }

        @Override
        public void close() {
            closed = true;
            packetSockets.remove(this);
        }
    }

    private final class Device implements Network.PacketDevice {
        final String name;
        final int ifindex;
        final Consumer<byte[]> receiver;
        boolean closed;

        Device(String name, int ifindex, Consumer<byte[]> receiver) {
            this.name = name;
            this.ifindex = ifindex;
            this.receiver = receiver;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int ifindex() {
            return ifindex;
        }

        @Override
        public boolean write(byte[] packet) {
            if (closed) {
                return false;
            }
            wiring.tunWritten(node, name, packet.clone());
            fromDevice(this, packet.clone());
            return true;
        }

        /** Its link-local address, as Linux gives a TUN device one: {@code fe80::ff:<node>:<ifindex>}. */
        InterfaceAddress linkLocal() {
            return new InterfaceAddress(ifindex, IpAddress.v6(0xfe80_0000_0000_0000L,
                    0x00ff_0000_0000_0000L | ((node & 0xffffL) << 32) | (ifindex & 0xffff_ffffL)), 64,
                    InterfaceAddress.SCOPE_LINK, false);
        }

        @Override
        public void close() {
            if (!closed) {
                kernel.removeAddress(linkLocal());
            }
            closed = true;
            devices.remove(name);
        }
    }

    private int nextDeviceIndex = FIRST_DEVICE_INDEX;

    private final class SimNetwork implements Network {
        @Override
        public UdpSocket udp(UdpSocket.Options options, Consumer<Datagram> receiver) throws IOException {
            int port = options.port();
            for (Socket s : sockets) {
                if (s.port == port && options.port() != 0 && s.options.bind().equals(options.bind())
                        && java.util.Objects.equals(s.options.device(), options.device())) {
                    throw new IOException("port " + port + " already in use on node " + node);
                }
            }
            if (options.device() != null && ifindexOf(options.device()) == 0) {
                throw new IOException("no device " + options.device() + " on node " + node);
            }
            if (port == 0) {
                port = 40_000 + sockets.size();
            }
            Socket s = new Socket(options, receiver, port);
            sockets.add(s);
            return s;
        }

        @Override
        public PacketDevice tun(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
            if (devices.containsKey(name) || ifindexOf(name) != 0) {
                throw new IOException("device " + name + " exists on node " + node);
            }
            Device d = new Device(name, nextDeviceIndex++, receiver);
            devices.put(name, d);
            kernel.addAddress(d.linkLocal());
            return d;
        }

        @Override
        public PacketDevice tap(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
            throw new IOException("the simulator has no TAP devices (only TUN; see docs/SIMULATOR.md)");
        }

        @Override
        public LinkSocket packet(String ifname, int ethertype, byte[] bpfProgram, Consumer<LinkFrame> receiver)
                throws IOException {
            if (ifindexOf(ifname) != CLIENT_INDEX) {
                throw new IOException("the simulator has AF_PACKET sockets only on the client interface "
                        + wiring.clients().interfaceName() + ", not on " + ifname);
            }
            ClassicBpf.Program program = null;
            if (bpfProgram != null) {
                try {
                    program = ClassicBpf.compile(bpfProgram);
                } catch (IllegalArgumentException e) {
                    throw new IOException("bad BPF program: " + e.getMessage(), e);
                }
            }
            PacketSocket s = new PacketSocket(ethertype, program, receiver);
            packetSockets.add(s);
            return s;
        }

        @Override
        public UdpSocket icmp6(String ifname, Set<Integer> types, Consumer<Datagram> receiver) throws IOException {
            int ifindex = ifindexOf(ifname);
            if (ifindex == 0) {
                throw new IOException("no interface " + ifname + " on node " + node);
            }
            IcmpSocket s = new IcmpSocket(ifindex, types, receiver);
            icmpSockets.add(s);
            return s;
        }
    }
}
