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
import org.jbabel.wire.IpAddress;

/**
 * One simulated node as a host of extensions: the simulation's virtual clock and event queue, UDP over the simulated
 * links (link-local unicast and multicast to the peer on the interface), TUN devices whose writes the simulation
 * records and into which a scenario injects packets. What the simulator does not model yet (routed UDP to global
 * addresses, TAP, AF_PACKET, ICMPv6, the kernel's neighbour table) fails with a clear {@link IOException} or
 * {@link UnsupportedOperationException}; docs/SIMULATOR.md lists it.
 */
final class SimNodeHost implements HostPlatform {

    /** What the simulation does for its nodes' hosts. */
    interface Wiring {
        /** Engine time now. */
        long now();

        /** Runs {@code task} on this node after {@code delay}, unless the node restarted meanwhile. */
        void at(long delay, int node, int incarnation, Runnable task);

        /** The node's interfaces. */
        List<NetInterface> interfaces(int node);

        /** Where a datagram sent out of interface {@code ifindex} arrives, or null when the link is down or lost it. */
        SimNodeHost peer(int node, int ifindex);

        /** The link-local address of the peer's end of interface {@code ifindex}'s link. */
        IpAddress peerAddress(int node, int ifindex);

        /** The peer's interface index on that link. */
        int peerIfindex(int node, int ifindex);

        /** The latency of a link. */
        long delay();

        /** Carries out the node's engine actions. */
        void turn(int node);

        /** A packet written into a simulated TUN device. */
        void tunWritten(int node, String device, byte[] packet);

        /** Whether the caller is the simulation's thread. */
        boolean onSimulationThread();
    }

    /** The first interface index of simulated TUN devices (the links' interfaces count from 1). */
    static final int FIRST_DEVICE_INDEX = 10_000;

    private final Wiring wiring;
    private final int node;
    private final int incarnation;
    private final ExtensionHost host;
    private final List<Socket> sockets = new ArrayList<>();
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final ExtensionControls controls = new ExtensionControls();

    SimNodeHost(Wiring wiring, int node, int incarnation, BabelEngine engine, Map<String, Extension> extensions) {
        this.wiring = wiring;
        this.node = node;
        this.incarnation = incarnation;
        this.host = new ExtensionHost(this, engine);
        extensions.forEach(host::add);
    }

    ExtensionHost host() {
        return host;
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

    /** The objects of one extension's control section, as the control socket would show them. */
    List<ExtensionEntry> section(String extension, String kind) {
        return controls.entries().stream().filter(e -> e.extension().equals(extension) && e.kind().equals(kind))
                .toList();
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
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
        throw new UnsupportedOperationException("the simulator has no kernel neighbour table or addresses yet");
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

    // ---------------------------------------------------------------- delivery

    private void deliver(IpAddress source, int sourcePort, IpAddress destination, int port, int ifindex, byte[] data) {
        boolean taken = false;
        for (Socket s : List.copyOf(sockets)) {
            if (s.accepts(destination, port, ifindex)) {
                s.receiver.accept(new Network.Datagram(source, sourcePort, destination, ifindex, data.clone()));
                taken = true;
            }
        }
        if (!taken) {
            count("udp_no_socket");
        }
        wiring.turn(node);
    }

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
            return options.bind().equals(IpAddress.V6_UNSPECIFIED) || options.bind().equals(destination);
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
            if (!destination.isLinkLocal() && !destination.isMulticast()) {
                count("udp_unroutable");
                return false;
            }
            if (ifindex == 0) {
                count("udp_no_interface");
                return false;
            }
            IpAddress peerAddress = wiring.peerAddress(node, ifindex);
            if (peerAddress == null || (!destination.isMulticast() && !destination.equals(peerAddress))) {
                count("udp_no_neighbour");
                return false;
            }
            IpAddress source = localAddress(ifindex);
            SimNodeHost peer = wiring.peer(node, ifindex);
            if (peer == null) {
                count("udp_lost");
                return true; // lost on the link, as a real datagram would be
            }
            int peerIfindex = wiring.peerIfindex(node, ifindex);
            byte[] copy = data.clone();
            wiring.at(wiring.delay(), peer.node, peer.incarnation,
                    () -> peer.deliver(source, port, destination, toPort, peerIfindex, copy));
            return true;
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

    private String ifname(int ifindex) {
        for (NetInterface i : wiring.interfaces(node)) {
            if (i.ifindex() == ifindex) {
                return i.name();
            }
        }
        Device d = devices.values().stream().filter(x -> x.ifindex == ifindex).findFirst().orElse(null);
        return d == null ? null : d.name;
    }

    private IpAddress localAddress(int ifindex) {
        for (NetInterface i : wiring.interfaces(node)) {
            if (i.ifindex() == ifindex) {
                return i.linkLocal();
            }
        }
        return IpAddress.V6_UNSPECIFIED;
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
            return true;
        }

        @Override
        public void close() {
            closed = true;
            devices.remove(name);
        }
    }

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
            if (port == 0) {
                port = 40_000 + sockets.size();
            }
            Socket s = new Socket(options, receiver, port);
            sockets.add(s);
            return s;
        }

        @Override
        public PacketDevice tun(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
            if (devices.containsKey(name)) {
                throw new IOException("device " + name + " exists on node " + node);
            }
            Device d = new Device(name, FIRST_DEVICE_INDEX + devices.size(), receiver);
            devices.put(name, d);
            return d;
        }

        @Override
        public PacketDevice tap(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
            throw new IOException("the simulator has no TAP devices yet");
        }

        @Override
        public LinkSocket packet(String ifname, int ethertype, byte[] bpfProgram, Consumer<LinkFrame> receiver)
                throws IOException {
            throw new IOException("the simulator has no AF_PACKET sockets yet");
        }

        @Override
        public UdpSocket icmp6(String ifname, Set<Integer> types, Consumer<Datagram> receiver) throws IOException {
            throw new IOException("the simulator has no ICMPv6 sockets yet");
        }
    }
}
