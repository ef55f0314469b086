package org.jbabel.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.LinkKind;
import org.jbabel.kernel.LinkMonitor;
import org.jbabel.kernel.MemoryKernel;
import org.jbabel.kernel.Rules;
import org.jbabel.wire.IpAddress;

/**
 * A daemon's system in memory, for tests without root: a {@link MemoryKernel} (routes, rules, links, addresses and
 * their notifications, refusing like Linux) and a transport on a {@link Wire} shared with other memory systems, which
 * carries datagrams between the two ends of each link it joins. No sysctls; extensions get no sockets or kernel
 * access (they fail with a clear error).
 */
final class MemorySystem implements DaemonSystem {

    /** Links between memory systems: a datagram sent out of one end arrives at the other, on its daemon's loop. */
    static final class Wire {
        private record End(MemorySystem system, int ifindex) {}

        private final List<End[]> links = new ArrayList<>();

        /** Joins interface {@code ifA} of {@code a} and {@code ifB} of {@code b}. */
        synchronized void connect(MemorySystem a, int ifA, MemorySystem b, int ifB) {
            links.add(new End[] {new End(a, ifA), new End(b, ifB)});
        }

        /** Removes the link at interface {@code ifindex} of {@code system}: datagrams are lost from now on. */
        synchronized void cut(MemorySystem system, int ifindex) {
            links.removeIf(l -> (l[0].system == system && l[0].ifindex == ifindex)
                    || (l[1].system == system && l[1].ifindex == ifindex));
        }

        private synchronized End peer(MemorySystem system, int ifindex) {
            for (End[] l : links) {
                for (int i = 0; i < 2; i++) {
                    if (l[i].system == system && l[i].ifindex == ifindex) {
                        return l[1 - i];
                    }
                }
            }
            return null;
        }
    }

    final MemoryKernel kernel = new MemoryKernel();
    private final Wire wire;
    private final Map<String, Long> counters = new TreeMap<>();
    private volatile MemoryTransport transport;
    private volatile boolean closed;

    MemorySystem(Wire wire) {
        this.wire = wire;
    }

    /** Adds an interface that is up and running, with the link-local address {@code linkLocal}; returns its index. */
    int addInterface(String name, String linkLocal) {
        int ifindex = kernel.addLink(name, LinkKind.WIRED, 1500);
        kernel.setLinkState(ifindex, true, true);
        kernel.addAddress(ifindex, IpAddress.parse(linkLocal), 64);
        return ifindex;
    }

    /** The routes the daemon installed (protocol babel). */
    List<KernelRoute> babelRoutes() {
        return kernel.routes(KernelRoute.PROTOCOL_BABEL);
    }

    boolean closed() {
        return closed;
    }

    @Override
    public Fib fib() {
        return kernel;
    }

    @Override
    public Rules rules() {
        return kernel;
    }

    @Override
    public LinkMonitor links() {
        return kernel;
    }

    @Override
    public Transport openTransport(Executor loop, IpAddress group, int port, Transport.Receiver receiver)
            throws IOException {
        if (transport != null) {
            throw new IOException("port " + port + " is in use");
        }
        transport = new MemoryTransport(loop, group, receiver);
        return transport;
    }

    @Override
    public KernelSetup kernelSetup() {
        return null;
    }

    @Override
    public byte[] hardwareAddress(String name) {
        return null;
    }

    @Override
    public int emergencyFlush(int protocol) {
        return kernel.flush(protocol) + kernel.flushRules(protocol);
    }

    /** A memory kernel counts nothing. */
    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public ExtensionIo extensionIo(Executor loop) {
        return new ExtensionIo() {
            @Override
            public Network network(String extension) {
                return new NoNetwork();
            }

            @Override
            public KernelAccess kernel(String extension) {
                throw new UnsupportedOperationException("a memory system gives extensions no kernel access");
            }

            @Override
            public Map<String, Long> counters() {
                return Map.of();
            }

            @Override
            public void close(DaemonLog log) {}
        };
    }

    @Override
    public void close() {
        closed = true;
    }

    private void count(String name) {
        synchronized (counters) {
            counters.merge(name, 1L, Long::sum);
        }
    }

    private IpAddress linkLocal(int ifindex) {
        for (InterfaceAddress a : kernel.addresses(ifindex)) {
            if (a.address().isLinkLocal()) {
                return a.address();
            }
        }
        return null;
    }

    /** Babel's transport on the wire. */
    private final class MemoryTransport implements Transport {
        private final Executor loop;
        private final IpAddress group;
        private final Receiver receiver;
        private final Set<Integer> receiving = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile boolean open = true;

        MemoryTransport(Executor loop, IpAddress group, Receiver receiver) {
            this.loop = loop;
            this.group = group;
            this.receiver = receiver;
        }

        @Override
        public String description() {
            return "Babel on an in-memory wire";
        }

        @Override
        public void interfaceUp(int ifindex, String ifname) {
            receiving.add(ifindex);
        }

        @Override
        public void interfaceDown(int ifindex) {
            receiving.remove(ifindex);
        }

        @Override
        public void send(int ifindex, IpAddress destination, byte[] payload) {
            Wire.End peer = wire.peer(MemorySystem.this, ifindex);
            IpAddress source = linkLocal(ifindex);
            MemoryTransport there = peer == null ? null : peer.system().transport;
            if (peer == null || source == null || there == null || !there.open) {
                count("sent_lost");
                return;
            }
            // as BabelSocket: nothing is received on an interface Babel does not run on, unicast included
            boolean accepted = there.receiving.contains(peer.ifindex()) && (destination.equals(group)
                    || destination.equals(peer.system().linkLocal(peer.ifindex())));
            if (!accepted) {
                count("sent_lost");
                return;
            }
            count("sent");
            byte[] copy = payload.clone();
            there.loop.execute(() -> {
                if (there.open) {
                    there.receiver.received(peer.ifindex(), source, destination, copy);
                }
            });
        }

        @Override
        public Map<String, Long> counters() {
            synchronized (counters) {
                return new TreeMap<>(counters);
            }
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** Extensions of a memory daemon have no sockets. */
    private static final class NoNetwork implements Network {
        private static IOException none() {
            return new IOException("a memory system gives extensions no sockets or devices");
        }

        @Override
        public UdpSocket udp(UdpSocket.Options options, Consumer<Datagram> receiver) throws IOException {
            throw none();
        }

        @Override
        public PacketDevice tun(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
            throw none();
        }

        @Override
        public PacketDevice tap(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
            throw none();
        }

        @Override
        public LinkSocket packet(String ifname, int ethertype, byte[] bpfProgram, Consumer<LinkFrame> receiver)
                throws IOException {
            throw none();
        }

        @Override
        public UdpSocket icmp6(String ifname, Set<Integer> types, Consumer<Datagram> receiver) throws IOException {
            throw none();
        }
    }
}
