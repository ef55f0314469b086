package org.jbabel.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.jbabel.engine.Action;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.InterfaceType;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.Time;
import org.jbabel.extension.Extension;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;
import org.jbabel.wire.WireCounters;

/**
 * Many {@link BabelEngine}s in one JVM, joined by simulated point-to-point links, in virtual time.
 *
 * <p>Node {@code i} has router-id {@code 02:00:00:00:00:00:00:00 + i + 1}, originates {@link #prefixOf(int)
 * fd00:HHHH:LLLL::/48} (the node index in the middle 32 bits) and has one interface {@code l<k>} (index k + 2;
 * 1 is the loopback) per topology link {@code k} it is on, with link-local address {@code fe80::<i>:<k>} (node index
 * and link index in the low 64 bits), MTU 1500. Sends are encoded with {@link PacketWriter}, lost or delayed per
 * link direction, decoded with {@link PacketReader} at the receiver and handed to its engine. FIB updates go to an
 * in-memory {@link SimFib} per node; after every event the routes that changed are walked for loops, and the
 * {@link ConvergenceTracker} decides when the mesh has converged.
 *
 * <p>Deterministic: one {@link SplittableRandom} from the seed draws losses, start times and disruptions, each
 * engine gets its own generator derived from the seed, its node index and its incarnation, and events of equal
 * time run in the order they were scheduled. Times in this API are nanoseconds since the start of the run.
 */
public final class Simulation implements ForwardingPlane {

    /** Engine time of the start of the run: far from zero, like a real monotonic clock. */
    public static final long ORIGIN = Time.seconds(1000);
    /** MTU of every simulated interface. */
    public static final int MTU = 1500;
    /** After a tick, the engine is woken no sooner than this (a real event loop's timer granularity). */
    static final long TIMER_GRANULARITY = Time.millis(1);
    private static final int LOOPS_RECORDED = 10;
    private static final long NO_WAKEUP = Long.MAX_VALUE;

    private sealed interface Event {}

    private record NodeStart(int node) implements Event {}

    private record Wakeup(int node, long generation) implements Event {}

    private record Deliver(int node, Port port, IpAddress destination, byte[] datagram) implements Event {}

    private record LinkState(int link, boolean up) implements Event {}

    private record LinkLoss(int link, double lossAtoB, double lossBtoA) implements Event {}

    /** Node {@code node}'s own interface on link {@code link} goes down or up (tentative for {@code dad}). */
    private record InterfaceState(int node, int link, boolean up, long dad) implements Event {}

    /** The tentative address of node {@code node} on link {@code link} became usable (if it is still that flap's). */
    private record InterfaceReady(int node, int link, long flap) implements Event {}

    private record Restart(int node) implements Event {}

    private record Originate(int node, RouteKey key, int metric) implements Event {}

    private record Withdraw(int node, RouteKey key) implements Event {}

    /** Work of the client model ({@link SimClients}); {@code scripted} for what a scenario scheduled. */
    private record ClientTask(Runnable run, boolean scripted) implements Event {}

    /** Work of a node's extensions (a timer, a datagram's arrival), dropped when the node restarted meanwhile. */
    private record Task(int node, int incarnation, Runnable run) implements Event {}

    /** Makes the extensions of each node (and of each restart of it); see {@link #setExtensions}. */
    public interface NodeExtensions {
        Map<String, Extension> create(int node);
    }

    /**
     * Which TLVs of a received packet a node's engine gets ({@link #setReceiveFilter}): a model of a neighbour that
     * ignores some of what it is sent.
     */
    public interface ReceiveFilter {
        /** Whether {@code tlv}, sent by {@code source} to {@code destination}, reaches the engine on {@code ifname}. */
        boolean accepts(String ifname, IpAddress source, IpAddress destination, Tlv tlv);
    }

    /** Sees every packet an extension writes into a simulated TUN device. */
    public interface DeviceObserver {
        void written(int node, String device, byte[] packet);
    }

    /** One end of a link: the interface of node {@code node} on link {@code link}. */
    private record Port(
            int node, int link, String ifname, int ifindex, IpAddress linkLocal, InterfaceType type, int slot) {}

    /**
     * A topology link joining two ports, with its state and per-direction loss, and for each end whether it can know
     * that the other end restarted.
     */
    private static final class Link extends SimLink {
        final Port a;
        final Port b;
        /** Node b restarted and node a has received neither a Hello nor a wildcard retraction from it since. */
        boolean aUnheard;
        /** Node a restarted and node b has received neither a Hello nor a wildcard retraction from it since. */
        boolean bUnheard;

        Link(Port a, Port b, double lossAtoB, double lossBtoA) {
            super(lossAtoB, lossBtoA);
            this.a = a;
            this.b = b;
        }

        Port peer(Port p) {
            return p == a ? b : a;
        }

        /** Whether the node at end {@code p} cannot know yet that the other end restarted. */
        boolean unheardAt(Port p) {
            return p == a ? aUnheard : bUnheard;
        }

        void setUnheardAt(Port p, boolean unheard) {
            if (p == a) {
                aUnheard = unheard;
            } else {
                bUnheard = unheard;
            }
        }
    }

    private static final class Node {
        final int index;
        final RouterId routerId;
        final Prefix prefix;
        final List<Port> ports = new ArrayList<>();
        final Map<String, Port> portsByName = new HashMap<>();
        final List<Prefix> owned = new ArrayList<>();
        final Map<RouteKey, Integer> originated = new HashMap<>();
        final SimFib fib = new SimFib();
        /** Links on which this node's own interface is down ({@link #scheduleInterfaceDown}). */
        final Set<Integer> ownDown = new HashSet<>();
        /** Interfaces whose link-local address is tentative: the engine hears there but nothing it sends leaves. */
        final Set<String> tentative = new HashSet<>();
        EngineConfig engineConfig;
        UnaryOperator<InterfaceConfig> interfaces = UnaryOperator.identity();
        ReceiveFilter receiveFilter;
        boolean tableOnCarrierReturn;
        /** For each tentative interface (by link), the id of the flap whose {@link InterfaceReady} ends it. */
        final Map<Integer, Long> readyDue = new HashMap<>();
        long flaps;
        SimEngine engine;
        SimNodeHost host;
        int seqno;
        int incarnation;
        long pendingWakeup = NO_WAKEUP;
        long wakeupGeneration;
        /**
         * The path checks' copy of the FIB while it holds nothing but other nodes' own prefixes ({@link #hop}): per
         * destination node, 0 = no entry, 1 = an entry whose next hop is no neighbour, else 2 + the slot of the port
         * it leaves by. Null until the first entry, and for good once another key is installed ({@code fast} false).
         */
        char[] hops;
        boolean fast = true;

        Node(int index) {
            this.index = index;
            this.routerId = new RouterId(0x0200_0000_0000_0000L + index + 1);
            this.prefix = prefixOf(index);
        }
    }

    private final Topology topology;
    private final SimConfig config;
    private final SplittableRandom random;
    private final EventQueue<Event> queue = new EventQueue<>();
    private final Node[] nodes;
    private final Link[] links;
    private final Map<IpAddress, Port> portsByAddress = new HashMap<>();
    private final SimEngine.Factory engines;
    private final PacketCodec codec;
    private final WireCounters problems = new WireCounters();
    private final ConvergenceTracker tracker;
    private final PathWalker walker;
    private final LinkedHashSet<FibChange> changed = new LinkedHashSet<>();
    private final List<String> firstLoops = new ArrayList<>();

    private record FibChange(int node, RouteKey key) {}

    /**
     * Whether the path checks may use the nodes' {@code hops} tables: every node owns just its own prefix and no
     * extension touches a FIB. Scripted originations and withdrawals, and extensions, turn it off for the run.
     */
    private boolean fastPlane = true;
    private long now;
    private long events;
    private long packetsSent;
    private long bytesSent;
    private long packetsLost;
    private long sendsWhileTentative;
    private long packetsDelivered;
    private long problemsCounted;
    private long fibUpdates;
    private long loops;
    private long loopsThroughUnheardRestarts;
    private long blackholes;
    private int scriptedPending;
    private int linkFailures;
    private int nodeRestarts;
    private long lastCheck = Long.MIN_VALUE;
    private boolean convergedNow;
    private long firstConverged = -1;
    private long convergedSince = -1;
    private long lastScripted = -1;
    private long reconvergedAfterScripted = -1;
    private boolean disruptionsScheduled;
    private long wallNanos;
    private NodeExtensions extensions;
    private DeviceObserver deviceObserver = (node, device, packet) -> {};
    private Thread runner = Thread.currentThread();

    public Simulation(Topology topology, SimConfig config) {
        this(topology, config, SimEngine.babel(), PacketCodec.wire(MTU));
    }

    /** With another engine or codec: for the simulator's own tests. */
    Simulation(Topology topology, SimConfig config, SimEngine.Factory engines, PacketCodec codec) {
        this.engines = engines;
        this.codec = codec;
        this.topology = topology;
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        int n = topology.nodeCount();
        nodes = new Node[n];
        List<ConvergenceTracker.Destination> destinations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes[i] = new Node(i);
            nodes[i].seqno = random.nextInt(0x10000);
            nodes[i].owned.add(nodes[i].prefix);
            destinations.add(new ConvergenceTracker.Destination(i, RouteKey.of(nodes[i].prefix), probeOf(i)));
        }
        links = new Link[topology.links().size()];
        for (int k = 0; k < links.length; k++) {
            Topology.Link l = topology.links().get(k);
            InterfaceType type = config.typeFor(l.type());
            Port a = addPort(l.a(), k, type);
            Port b = addPort(l.b(), k, type);
            links[k] = new Link(a, b, config.lossFor(l.tqAtoB()), config.lossFor(l.tqBtoA()));
        }
        tracker = new ConvergenceTracker(this, destinations, components(n, topology.links()));
        walker = new PathWalker(this);
        for (int i = 0; i < n; i++) {
            long at = config.startSpread() == 0 ? 0 : random.nextLong(config.startSpread());
            queue.schedule(at, new NodeStart(i));
        }
    }

    /** For each node, the smallest node index of its connected component (islands converge on their own). */
    static int[] components(int n, List<Topology.Link> links) {
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (Topology.Link l : links) {
            int a = root(parent, l.a());
            int b = root(parent, l.b());
            if (a != b) {
                parent[Math.max(a, b)] = Math.min(a, b);
            }
        }
        for (int i = 0; i < n; i++) {
            parent[i] = root(parent, i);
        }
        return parent;
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** The prefix node {@code index} originates: {@code fd00:HHHH:LLLL::/48}. */
    public static Prefix prefixOf(int index) {
        return new Prefix(IpAddress.v6(0xfd00_0000_0000_0000L | ((index & 0xffff_ffffL) << 16), 0), 48);
    }

    /** The address the checks route to for node {@code index}: {@code fd00:HHHH:LLLL::1}. */
    public static IpAddress probeOf(int index) {
        return IpAddress.v6(prefixOf(index).address().hi(), 1);
    }

    /** The link-local address of node {@code node} on link {@code link}: {@code fe80::<node>:<link>}. */
    public static IpAddress linkLocalOf(int node, int link) {
        return IpAddress.v6(0xfe80_0000_0000_0000L, ((node & 0xffff_ffffL) << 32) | (link & 0xffff_ffffL));
    }

    private Port addPort(int node, int link, InterfaceType type) {
        Node n = nodes[node];
        Port p = new Port(node, link, "l" + link, link + 2, linkLocalOf(node, link), type, n.ports.size());
        n.ports.add(p);
        n.portsByName.put(p.ifname(), p);
        portsByAddress.put(p.linkLocal(), p);
        return p;
    }

    // ---------------------------------------------------------------- extensions

    /**
     * Runs extensions on every node: {@code factory} makes a node's extensions when it starts (and again when it
     * restarts); they get the same {@link org.jbabel.extension.ExtensionContext} as in the daemon, over the
     * simulated links and clock. Call before the run starts.
     */
    public void setExtensions(NodeExtensions factory) {
        if (now > 0 || events > 0) {
            throw new IllegalStateException("extensions are set before the run starts");
        }
        this.extensions = Objects.requireNonNull(factory);
        fastPlane = false;
    }

    /** Sees every packet the nodes' extensions write into their simulated TUN devices. */
    public void setDeviceObserver(DeviceObserver observer) {
        this.deviceObserver = Objects.requireNonNull(observer);
    }

    // ---------------------------------------------------------------- per-node behaviour

    /** Node {@code node} runs with {@code engineConfig} instead of {@link SimConfig#engineConfig()}. Before the run. */
    public void setEngineConfig(int node, EngineConfig engineConfig) {
        beforeRun("engine configurations");
        nodes[checkNode(node)].engineConfig = Objects.requireNonNull(engineConfig);
    }

    /**
     * Node {@code node}'s interfaces are configured by {@code change} applied to the default
     * ({@link InterfaceConfig#of}): other Hello or update intervals, costs. Before the run.
     */
    public void setInterfaceConfig(int node, UnaryOperator<InterfaceConfig> change) {
        beforeRun("interface configurations");
        nodes[checkNode(node)].interfaces = Objects.requireNonNull(change);
    }

    /**
     * Node {@code node}'s engine gets only the TLVs of each received packet that {@code filter} accepts (the others
     * are dropped before it, as if it ignored them): e.g. a neighbour that ignores wildcard route requests, as babeld
     * and FRR do for a while after a full dump. Before the run.
     */
    public void setReceiveFilter(int node, ReceiveFilter filter) {
        beforeRun("receive filters");
        nodes[checkNode(node)].receiveFilter = Objects.requireNonNull(filter);
    }

    /**
     * When carrier returns on one of node {@code node}'s interfaces ({@link SimConfig#carrierSense()}), it also sends
     * its whole table to the group, once (with the start-up Hello: {@link SimEngine.Babel#announceTable}), as babeld
     * and FRR do when an interface comes up; jbabel itself only sends Hellos and a wildcard request then, and gives
     * its table to each neighbour that becomes bidirectional (fast start). Before the run.
     */
    public void setTableOnCarrierReturn(int node) {
        beforeRun("carrier-return dumps");
        nodes[checkNode(node)].tableOnCarrierReturn = true;
    }

    private void beforeRun(String what) {
        if (now > 0 || events > 0) {
            throw new IllegalStateException(what + " are set before the run starts");
        }
    }

    /**
     * At time {@code at}, hands {@code packet} to the extension that owns TUN device {@code device} on node
     * {@code node}, as if the node's kernel routed it into the device (nothing happens when there is no such
     * device then).
     */
    public void scheduleDevicePacket(long at, int node, String device, byte[] packet) {
        checkNode(node);
        byte[] copy = packet.clone();
        queue.schedule(at, new Task(node, -1, () -> {
            Node n = nodes[node];
            if (n.host != null) {
                n.host.injectIntoDevice(device, copy);
            }
        }));
    }

    /** The items of a control section of an extension on a node (empty when there is none). */
    public List<org.jbabel.control.ExtensionEntry> extensionSection(int node, String extension, String kind) {
        SimNodeHost h = nodes[checkNode(node)].host;
        return h == null ? List.of() : h.section(extension, kind);
    }

    /** The counters of a node's extensions ({@code NAME.counter}) and of its simulated sockets. */
    public Map<String, Long> extensionCounters(int node) {
        SimNodeHost h = nodes[checkNode(node)].host;
        if (h == null) {
            return Map.of();
        }
        Map<String, Long> all = new java.util.TreeMap<>(h.host().counters());
        h.counters().forEach((k, v) -> all.put("sim." + k, v));
        return all;
    }

    /**
     * The clients that a scenario attaches to the nodes' client interfaces. Their frames reach a node's kernel only
     * while it has a host, that is with {@link #setExtensions} (an empty map of extensions is enough).
     */
    public SimClients clients() {
        return clients;
    }

    /**
     * At {@code at}, stops node {@code node}'s extensions as a daemon's shutdown would: each one's {@code stop}, its
     * originations withdrawn, its sockets and devices closed, its own kernel routes and rules removed.
     */
    public void scheduleExtensionsStop(long at, int node) {
        checkNode(node);
        queue.schedule(at, new Task(node, -1, () -> {
            nodes[node].host.stopExtensions();
            drain(nodes[node], false);
        }));
    }

    /** The own kernel routes (every protocol) of node {@code node}'s extensions now. */
    public List<org.jbabel.kernel.KernelRoute> ownRoutes(int node) {
        SimNodeHost h = nodes[checkNode(node)].host;
        return h == null ? List.of() : h.ownRoutes();
    }

    /** The neighbour table of node {@code node}'s client interface now. */
    public List<org.jbabel.extension.KernelAccess.Neighbour> clientNeighbours(int node) {
        SimNodeHost h = nodes[checkNode(node)].host;
        return h == null ? List.of() : h.clientNeighbours();
    }

    private final SimClients clients = new SimClients(new SimClients.Driver() {
        @Override
        public long now() {
            return now;
        }

        @Override
        public void at(long at, Runnable task) {
            queue.schedule(at, new ClientTask(task, false));
        }

        @Override
        public void script(long at, Runnable task) {
            Simulation.this.script(at, new ClientTask(task, true));
        }

        @Override
        public SimNodeHost host(int node) {
            return nodes[node].host;
        }

        @Override
        public int nodeCount() {
            return nodes.length;
        }
    });

    private final SimNodeHost.Wiring wiring = new SimNodeHost.Wiring() {
        @Override
        public long now() {
            return engineNow();
        }

        @Override
        public void at(long delay, int node, int incarnation, Runnable task) {
            queue.schedule(Simulation.this.now + Math.max(0, delay), new Task(node, incarnation, task));
        }

        @Override
        public List<org.jbabel.extension.NetInterface> interfaces(int node) {
            List<org.jbabel.extension.NetInterface> out = new ArrayList<>();
            for (Port p : nodes[node].ports) {
                boolean up = !nodes[node].ownDown.contains(p.link())
                        && (!config.carrierSense() || links[p.link()].up());
                out.add(new org.jbabel.extension.NetInterface(p.ifname(), p.ifindex(), up, p.linkLocal(),
                        List.of(p.linkLocal())));
            }
            return out;
        }

        private Port port(int node, int ifindex) {
            for (Port p : nodes[node].ports) {
                if (p.ifindex() == ifindex) {
                    return p;
                }
            }
            return null;
        }

        @Override
        public SimNodeHost peer(int node, int ifindex) {
            Port p = port(node, ifindex);
            if (p == null) {
                return null;
            }
            Link link = links[p.link()];
            packetsSent++;
            if (!link.up() || link.drops(p == link.a, random)) {
                packetsLost++;
                return null;
            }
            return nodes[link.peer(p).node()].host;
        }

        @Override
        public IpAddress peerAddress(int node, int ifindex) {
            Port p = port(node, ifindex);
            return p == null ? null : links[p.link()].peer(p).linkLocal();
        }

        @Override
        public int peerIfindex(int node, int ifindex) {
            Port p = port(node, ifindex);
            return p == null ? 0 : links[p.link()].peer(p).ifindex();
        }

        @Override
        public int peerNode(int node, int ifindex) {
            Port p = port(node, ifindex);
            return p == null ? -1 : links[p.link()].peer(p).node();
        }

        @Override
        public boolean linkUp(int node, int ifindex) {
            Port p = port(node, ifindex);
            return p != null && links[p.link()].up();
        }

        @Override
        public boolean lost(int node, int ifindex) {
            Port p = port(node, ifindex);
            Link link = links[p.link()];
            packetsSent++;
            if (link.drops(p == link.a, random)) {
                packetsLost++;
                return true;
            }
            return false;
        }

        @Override
        public long delay() {
            return config.delay();
        }

        @Override
        public SimFib fib(int node) {
            return nodes[node].fib;
        }

        @Override
        public SimNodeHost host(int node) {
            return nodes[node].host;
        }

        @Override
        public SimClients clients() {
            return clients;
        }

        @Override
        public String nodeName(int node) {
            return topology.nodeIds().get(node);
        }

        @Override
        public void turn(int node) {
            if (nodes[node].engine != null) {
                drain(nodes[node], false);
            }
        }

        @Override
        public void tunWritten(int node, String device, byte[] packet) {
            deviceObserver.written(node, device, packet);
        }

        @Override
        public boolean onSimulationThread() {
            return Thread.currentThread() == runner;
        }
    };

    // ---------------------------------------------------------------- scripting

    /** Takes link {@code link} down or up at time {@code at}. */
    public void scheduleLinkState(long at, int link, boolean up) {
        script(at, new LinkState(checkLink(link), up));
    }

    /**
     * Takes node {@code node}'s own interface on link {@code link} down at {@code at}, as the daemon tells its engine
     * when the interface goes down (whatever {@link SimConfig#carrierSense()} says: it is the node's own interface).
     * The link then carries nothing, and with carrier sense the far end sees carrier loss. Not meant to be mixed with
     * {@link #scheduleLinkState} on the same link.
     */
    public void scheduleInterfaceDown(long at, int node, int link) {
        script(at, new InterfaceState(checkNode(node), checkPort(node, link), false, 0));
    }

    /**
     * Brings node {@code node}'s own interface on link {@code link} back up at {@code at}, its link-local address
     * tentative for {@code dad} (Linux duplicate address detection, 1 to 2 s), as the daemon does: the engine gets
     * {@code interfaceUp} at once and hears the link from then on, but what it sends there is dropped
     * ({@link #sendsWhileTentative()}) until {@code interfaceReady}, {@code dad} later. The link carries traffic
     * again, and with carrier sense the far end sees carrier return.
     */
    public void scheduleInterfaceUp(long at, int node, int link, long dad) {
        if (dad < 0) {
            throw new IllegalArgumentException("negative DAD delay");
        }
        script(at, new InterfaceState(checkNode(node), checkPort(node, link), true, dad));
    }

    /** Sets the loss of link {@code link} per direction (a → b, b → a as the topology orders its ends). */
    public void scheduleLinkLoss(long at, int link, double lossAtoB, double lossBtoA) {
        if (!(lossAtoB >= 0 && lossAtoB <= 1 && lossBtoA >= 0 && lossBtoA <= 1)) {
            throw new IllegalArgumentException("loss must be in 0..1");
        }
        script(at, new LinkLoss(checkLink(link), lossAtoB, lossBtoA));
    }

    /** Restarts node {@code node} at {@code at}: its engine vanishes without goodbye and a new one starts. */
    public void scheduleRestart(long at, int node) {
        script(at, new Restart(checkNode(node)));
    }

    /** Makes node {@code node} originate {@code key} (also owning its prefix for the path checks). */
    public void scheduleOriginate(long at, int node, RouteKey key, int metric) {
        script(at, new Originate(checkNode(node), key, metric));
    }

    /** Makes node {@code node} withdraw {@code key} (its own prefix included). */
    public void scheduleWithdraw(long at, int node, RouteKey key) {
        script(at, new Withdraw(checkNode(node), key));
    }

    private void script(long at, Event e) {
        if (at < now) {
            throw new IllegalArgumentException("cannot schedule in the past: " + at + " < " + now);
        }
        scriptedPending++;
        queue.schedule(at, e);
    }

    private int checkLink(int link) {
        if (link < 0 || link >= links.length) {
            throw new IllegalArgumentException("no link " + link);
        }
        return link;
    }

    private int checkPort(int node, int link) {
        checkLink(link);
        if (links[link].a.node() != node && links[link].b.node() != node) {
            throw new IllegalArgumentException("node " + node + " is not on link " + link);
        }
        return link;
    }

    private int checkNode(int node) {
        if (node < 0 || node >= nodes.length) {
            throw new IllegalArgumentException("no node " + node);
        }
        return node;
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs until the mesh has been converged for {@link SimConfig#settle()} with no scripted event pending, or
     * until {@link SimConfig#duration()}.
     */
    public SimReport run() {
        while (!finished()) {
            advance(config.duration());
        }
        return report();
    }

    /** True when {@link #run()} would stop now. */
    public boolean finished() {
        if (now >= config.duration()) {
            return true;
        }
        boolean disruptionsDue = (config.failLinks() > 0 || config.restartNodes() > 0) && !disruptionsScheduled;
        return convergedNow && scriptedPending == 0 && !disruptionsDue && now - convergedSince >= config.settle();
    }

    /**
     * Processes the events up to and including time {@code until}, or until {@link #finished()} holds, whichever
     * comes first: {@link #run()} in steps, for callers that show progress.
     */
    public void advance(long until) {
        process(until, true);
    }

    /** Processes every event up to and including time {@code until}, whatever {@link #finished()} says. */
    public void runUntil(long until) {
        process(until, false);
    }

    private void process(long until, boolean stopWhenFinished) {
        runner = Thread.currentThread();
        long wallStart = System.nanoTime();
        try {
            while (queue.nextTime() <= until && !(stopWhenFinished && finished())) {
                EventQueue.Scheduled<Event> s = queue.poll();
                now = s.time();
                events++;
                try {
                    handle(s.event());
                } catch (RuntimeException e) {
                    throw new IllegalStateException(
                            String.format(Locale.ROOT, "simulation failed at t=%.3fs handling %s", Time.toSeconds(now),
                                    s.event()), e);
                }
                afterEvent();
            }
            if (!(stopWhenFinished && finished())) {
                now = Math.max(now, until);
                maybeCheckConvergence();
            }
        } finally {
            wallNanos += System.nanoTime() - wallStart;
        }
    }

    /** Simulated time now, since the start. */
    public long now() {
        return now;
    }

    private void handle(Event event) {
        switch (event) {
            case NodeStart(int node) -> {
                if (nodes[node].engine == null) {
                    start(nodes[node]);
                }
            }
            case Wakeup(int node, long generation) -> wakeup(nodes[node], generation);
            case Deliver d -> deliver(d);
            case LinkState(int link, boolean up) -> {
                scripted();
                linkState(link, up);
            }
            case InterfaceState(int node, int link, boolean up, long dad) -> {
                scripted();
                ownInterface(nodes[node], link, up, dad);
            }
            case InterfaceReady(int node, int link, long flap) -> interfaceReady(nodes[node], link, flap);
            case LinkLoss(int link, double ab, double ba) -> {
                scripted();
                links[link].setLoss(ab, ba);
            }
            case Restart(int node) -> {
                scripted();
                restart(nodes[node]);
            }
            case Originate(int node, RouteKey key, int metric) -> {
                scripted();
                originate(nodes[node], key, metric);
            }
            case Withdraw(int node, RouteKey key) -> {
                scripted();
                withdraw(nodes[node], key);
            }
            case ClientTask(Runnable run, boolean isScripted) -> {
                if (isScripted) {
                    scripted();
                }
                run.run();
            }
            case Task(int node, int incarnation, Runnable run) -> {
                if ((incarnation < 0 || nodes[node].incarnation == incarnation) && nodes[node].host != null) {
                    run.run();
                }
            }
        }
    }

    /** A scripted event ran: the mesh counts as unconverged until the next check says otherwise. */
    private void scripted() {
        scriptedPending--;
        lastScripted = now;
        reconvergedAfterScripted = -1;
        convergedNow = false;
        lastCheck = Long.MIN_VALUE;
    }

    private void start(Node n) {
        n.engine = engines.create(n.routerId, n.seqno,
                n.engineConfig == null ? config.engineConfig() : n.engineConfig, engineRandom(n));
        if (n.engine instanceof SimEngine.Babel b) {
            // What the daemon logs and survives (a TLV or an observer that threw) fails a simulated run: it is a bug
            b.engine().setErrorReporter((what, error) -> {
                throw new IllegalStateException("node " + topology.nodeIds().get(n.index) + ": " + what, error);
            });
        }
        for (Port p : n.ports) {
            if (!n.ownDown.contains(p.link()) && (!config.carrierSense() || links[p.link()].up())) {
                n.engine.interfaceUp(engineNow(), interfaceConfig(n, p));
            }
        }
        if (n.originated.isEmpty()) {
            n.originated.put(RouteKey.of(n.prefix), 0);
        }
        n.originated.forEach((key, metric) -> n.engine.originate(engineNow(), key, metric));
        drain(n, false);
        if (extensions != null && n.engine instanceof SimEngine.Babel b) {
            n.host = new SimNodeHost(wiring, n.index, n.incarnation, b.engine(), extensions.create(n.index));
            try {
                n.host.host().startAll();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("node " + topology.nodeIds().get(n.index) + ": " + e.getMessage(), e);
            }
            drain(n, false);
        }
    }

    private void restart(Node n) {
        nodeRestarts++;
        n.fib.forEach((key, e) -> tracker.fibChanged(n.index, key, true, false));
        n.fib.clear();
        n.hops = null;
        n.fast = true;
        if (n.engine != null) {
            n.seqno = config.randomSeqnoOnRestart() ? random.nextInt(0x10000) : (n.seqno + 1) & 0xFFFF;
        }
        n.incarnation++;
        n.wakeupGeneration++;
        n.host = null; // a crash: its extensions vanish with it, their pending work is dropped
        n.tentative.clear(); // the new incarnation starts on usable addresses (pending InterfaceReady do nothing)
        n.readyDue.clear();
        for (Port p : n.ports) {
            Link link = links[p.link()];
            link.setUnheardAt(link.peer(p), true);
        }
        n.pendingWakeup = NO_WAKEUP;
        start(n);
    }

    private void originate(Node n, RouteKey key, int metric) {
        fastPlane = false;
        n.originated.put(key, metric);
        if (!n.owned.contains(key.prefix())) {
            n.owned.add(key.prefix());
        }
        tracker.invalidateAll();
        if (n.engine != null) {
            n.engine.originate(engineNow(), key, metric);
            drain(n, false);
        }
    }

    private void withdraw(Node n, RouteKey key) {
        fastPlane = false;
        n.originated.remove(key);
        if (n.originated.keySet().stream().noneMatch(k -> k.prefix().equals(key.prefix()))) {
            n.owned.remove(key.prefix());
        }
        tracker.invalidateAll();
        if (n.engine != null) {
            n.engine.withdraw(engineNow(), key);
            drain(n, false);
        }
    }

    private void wakeup(Node n, long generation) {
        if (generation != n.wakeupGeneration || n.engine == null) {
            return;
        }
        n.pendingWakeup = NO_WAKEUP;
        n.engine.tick(engineNow());
        drain(n, true);
    }

    private void linkState(int k, boolean up) {
        linkState(k, up, -1);
    }

    /** Link {@code k} goes down or up; with carrier sense its ends' interfaces follow, but node {@code except}'s. */
    private void linkState(int k, boolean up, int except) {
        Link link = links[k];
        if (link.up() == up) {
            return;
        }
        link.setUp(up);
        if (!up) {
            linkFailures++;
        }
        tracker.invalidateAll();
        if (config.carrierSense()) {
            for (Port p : List.of(link.a, link.b)) {
                Node n = nodes[p.node()];
                if (p.node() != except && n.engine != null) {
                    if (up) {
                        n.engine.interfaceUp(engineNow(), interfaceConfig(n, p));
                        if (n.tableOnCarrierReturn) {
                            n.engine.announceTable(engineNow());
                        }
                    } else {
                        n.engine.interfaceDown(engineNow(), p.ifname());
                    }
                    if (n.host != null) {
                        n.host.host().interfacesChanged();
                    }
                    drain(n, false);
                }
            }
        }
    }

    /**
     * A node's own interface goes down or up ({@link #scheduleInterfaceDown}, {@link #scheduleInterfaceUp}): its engine
     * is told at once, the link follows, and the far end sees it through {@link #linkState} when carrier sense is on.
     */
    private void ownInterface(Node n, int link, boolean up, long dad) {
        Port own = links[link].a.node() == n.index ? links[link].a : links[link].b;
        if (up != n.ownDown.contains(link)) {
            return; // already so
        }
        if (up) {
            n.ownDown.remove(link);
            if (n.engine != null) {
                if (dad > 0) {
                    n.tentative.add(own.ifname());
                    n.readyDue.put(link, ++n.flaps);
                    queue.schedule(now + dad, new InterfaceReady(n.index, link, n.flaps));
                }
                n.engine.interfaceUp(engineNow(), interfaceConfig(n, own));
                hostInterfacesChanged(n);
                drain(n, false);
            }
        } else {
            n.ownDown.add(link);
            n.tentative.remove(own.ifname());
            n.readyDue.remove(link);
            if (n.engine != null) {
                n.engine.interfaceDown(engineNow(), own.ifname());
                hostInterfacesChanged(n);
                drain(n, false);
            }
        }
        linkState(link, up, n.index);
    }

    private void interfaceReady(Node n, int link, long flap) {
        Port own = links[link].a.node() == n.index ? links[link].a : links[link].b;
        if (!Objects.equals(n.readyDue.get(link), flap) || n.engine == null) {
            return; // the interface went down again, or the node restarted, meanwhile
        }
        n.readyDue.remove(link);
        n.tentative.remove(own.ifname());
        n.engine.interfaceReady(engineNow(), own.ifname());
        drain(n, false);
    }

    private void hostInterfacesChanged(Node n) {
        if (n.host != null) {
            n.host.host().interfacesChanged();
        }
    }

    private void deliver(Deliver d) {
        Node n = nodes[d.node()];
        if (!links[d.port().link()].up() || n.engine == null) {
            packetsLost++;
            return;
        }
        packetsDelivered++;
        ReadResult r = codec.decode(d.datagram());
        problems.countAll(r.problems());
        problemsCounted += r.problems().size();
        if (r.dropped()) {
            return;
        }
        if (tellsOfARestart(r.packet())) {
            links[d.port().link()].setUnheardAt(d.port(), false);
        }
        Port from = links[d.port().link()].peer(d.port());
        Packet packet = r.packet();
        if (n.receiveFilter != null) {
            List<Tlv> kept = new ArrayList<>(packet.body().size());
            for (Tlv tlv : packet.body()) {
                if (n.receiveFilter.accepts(d.port().ifname(), from.linkLocal(), d.destination(), tlv)) {
                    kept.add(tlv);
                }
            }
            packet = new Packet(kept, packet.trailer());
        }
        n.engine.receive(engineNow(), d.port().ifname(), from.linkLocal(), d.destination(), packet);
        drain(n, false);
    }

    /**
     * Whether a packet can tell its receiver that its sender restarted: it carries a Hello (a new seqno sequence) or a
     * wildcard retraction. Nothing else a node sends says which incarnation it is.
     */
    private static boolean tellsOfARestart(Packet packet) {
        for (Tlv tlv : packet.body()) {
            switch (tlv) {
                case Tlv.Hello h -> {
                    return true;
                }
                case Tlv.Update u when u.wildcard() && u.retraction() -> {
                    return true;
                }
                default -> { }
            }
        }
        return false;
    }

    private void drain(Node n, boolean afterTick) {
        for (Action a : n.engine.pollActions()) {
            switch (a) {
                case Action.Send s -> send(n, s);
                case Action.FibUpdate f -> fibUpdate(n, f);
                case Action.StateChanged sc -> n.seqno = sc.seqno();
            }
        }
        long w = n.engine.nextWakeup();
        if (w == NO_WAKEUP) {
            return;
        }
        long at = Math.max(w - ORIGIN, afterTick ? now + TIMER_GRANULARITY : now);
        if (at < n.pendingWakeup) {
            n.pendingWakeup = at;
            queue.schedule(at, new Wakeup(n.index, ++n.wakeupGeneration));
        }
    }

    private void send(Node n, Action.Send s) {
        if (n.tentative.contains(s.ifname())) {
            sendsWhileTentative++; // the daemon's send_tentative: the kernel cannot send from a tentative address
            return;
        }
        Port port = n.portsByName.get(s.ifname());
        Link link = port == null ? null : links[port.link()];
        Port peer = link == null ? null : link.peer(port);
        boolean reachesPeer = peer != null && (s.destination().isMulticast() || s.destination().equals(peer.linkLocal()));
        for (byte[] datagram : codec.encode(s.tlvs())) {
            packetsSent++;
            bytesSent += datagram.length;
            if (!reachesPeer || link.drops(port == link.a, random)) {
                packetsLost++;
                continue;
            }
            queue.schedule(now + config.delay(), new Deliver(peer.node(), peer, s.destination(), datagram));
        }
    }

    /**
     * Applies a FIB change and remembers it for the loop check when it can change where packets go: a new or
     * re-pointed entry, or a removal that uncovers a less specific entry. A metric-only change cannot.
     */
    private void fibUpdate(Node n, Action.FibUpdate f) {
        fibUpdates++;
        SimFib.Entry old = n.fib.applyAndGetOld(f);
        int d = destinationOf(f.key());
        noteHop(n, f, d);
        boolean is = f.op() != Action.FibOp.REMOVE;
        if (d >= 0) {
            tracker.fibChanged(n.index, d, old != null, is); // node d's own prefix is destination d
        } else {
            tracker.fibChanged(n.index, f.key(), old != null, is);
        }
        boolean forwardingChanged = is
                ? old == null || !Objects.equals(old.nextHop(), f.nextHop()) || !Objects.equals(old.ifname(), f.ifname())
                : n.fib.lookup(f.key().prefix().address(), f.key().source().address()) != null;
        if (forwardingChanged) {
            changed.add(new FibChange(n.index, f.key()));
        }
    }

    /** Keeps node {@code n}'s {@code hops} table in step with its FIB after {@code f}. */
    private void noteHop(Node n, Action.FibUpdate f, int d) {
        if (!n.fast) {
            return;
        }
        if (d < 0 || n.ports.size() > Character.MAX_VALUE - 2) {
            n.fast = false;
            n.hops = null;
            return;
        }
        if (n.hops == null) {
            n.hops = new char[nodes.length];
        }
        if (f.op() == Action.FibOp.REMOVE) {
            n.hops[d] = 0;
            return;
        }
        Port own = ownPort(n.index, f.nextHop(), f.ifname());
        n.hops[d] = own == null ? 1 : (char) (2 + own.slot());
    }

    /** The node whose own prefix {@code key} is (destination-only, /48), or -1. */
    private int destinationOf(RouteKey key) {
        Prefix p = key.prefix();
        if (!key.source().isZeroLength() || p.length() != 48) {
            return -1;
        }
        return destinationOf(p.address());
    }

    /** The node whose own prefix holds {@code a}, or -1. */
    private int destinationOf(IpAddress a) {
        if (a.family() != org.jbabel.wire.Family.V6 || (a.hi() >>> 48) != 0xfd00) {
            return -1;
        }
        long index = (a.hi() >>> 16) & 0xffff_ffffL;
        return index < nodes.length ? (int) index : -1;
    }

    private void afterEvent() {
        for (FibChange c : changed) {
            IpAddress dst = c.key().prefix().address();
            switch (walker.walk(c.node(), dst, c.key().source().address(), true)) {
                case LOOP -> {
                    loops++;
                    int[] path = walker.lastPath();
                    String unheard = unheardRestart(path);
                    if (unheard != null) {
                        loopsThroughUnheardRestarts++;
                    }
                    if (firstLoops.size() < LOOPS_RECORDED) {
                        firstLoops.add(describeLoop(c.key(), path) + (unheard == null ? "" : " (" + unheard + ")"));
                    }
                }
                case BLACKHOLE -> blackholes++;
                case DELIVERED, LINK_DOWN -> {}
            }
        }
        changed.clear();
        maybeCheckConvergence();
    }

    /**
     * For a loop that passes a hop u → v where v restarted and u has received neither a Hello nor a wildcard
     * retraction from v since, a description of that hop; else null. {@code path} is a walk that ends where the loop
     * closes; only the hops of the loop itself count, not those that led into it.
     */
    private String unheardRestart(int[] path) {
        int start = 0;
        while (path[start] != path[path.length - 1]) {
            start++;
        }
        for (int i = start; i + 1 < path.length; i++) {
            int link = linkBetween(path[i], path[i + 1]);
            if (link >= 0) {
                Link l = links[link];
                Port at = l.a.node() == path[i] ? l.a : l.b;
                if (l.unheardAt(at)) {
                    List<String> ids = topology.nodeIds();
                    return "through " + ids.get(path[i + 1]) + ", whose restart " + ids.get(path[i])
                            + " has not heard of";
                }
            }
        }
        return null;
    }

    private String describeLoop(RouteKey key, int[] path) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "t=%.3fs %s:", Time.toSeconds(now), key));
        for (int i = 0; i < path.length; i++) {
            sb.append(i == 0 ? " " : " -> ").append(topology.nodeIds().get(path[i]));
        }
        return sb.toString();
    }

    private void maybeCheckConvergence() {
        if (lastCheck != Long.MIN_VALUE && now - lastCheck < config.checkInterval()) {
            return;
        }
        lastCheck = now;
        boolean c = tracker.check();
        if (c && !convergedNow) {
            convergedSince = now;
            if (firstConverged < 0) {
                firstConverged = now;
                scheduleDisruptions();
            }
            if (lastScripted >= 0 && reconvergedAfterScripted < 0) {
                reconvergedAfterScripted = now;
            }
        }
        convergedNow = c;
    }

    private void scheduleDisruptions() {
        if (disruptionsScheduled) {
            return;
        }
        disruptionsScheduled = true;
        for (int k : pick(config.failLinks(), links.length)) {
            long at = now + random.nextLong(Math.max(1, config.disruptWindow()));
            scheduleLinkState(at, k, false);
            scheduleLinkState(at + config.downTime(), k, true);
        }
        for (int i : pick(config.restartNodes(), nodes.length)) {
            scheduleRestart(now + random.nextLong(Math.max(1, config.disruptWindow())), i);
        }
    }

    /** {@code count} distinct indices below {@code bound} (all of them when count ≥ bound), chosen by the seed. */
    private int[] pick(int count, int bound) {
        int[] all = new int[bound];
        for (int i = 0; i < bound; i++) {
            all[i] = i;
        }
        int m = Math.min(count, bound);
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(bound - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, m);
    }

    private long engineNow() {
        return ORIGIN + now;
    }

    private RandomGenerator engineRandom(Node n) {
        return new SplittableRandom(mix(mix(config.seed() ^ 0x6a09e667f3bcc909L, n.index), n.incarnation));
    }

    private static long mix(long a, long b) {
        long z = a + 0x9e3779b97f4a7c15L * (b + 1);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static InterfaceConfig interfaceConfig(Node n, Port p) {
        return n.interfaces.apply(InterfaceConfig.of(p.ifname(), p.ifindex(), p.linkLocal(), MTU, p.type()));
    }

    // ---------------------------------------------------------------- observation

    /** The report of the run so far. */
    public SimReport report() {
        long fibEntries = 0;
        for (Node n : nodes) {
            fibEntries += n.fib.size();
        }
        Double reconvergence = lastScripted >= 0 && reconvergedAfterScripted >= 0
                ? Time.toSeconds(reconvergedAfterScripted - lastScripted)
                : null;
        EngineRefusals refusals = new EngineRefusals();
        for (Node n : nodes) {
            if (n.engine instanceof SimEngine.Babel b) {
                refusals.add(topology.nodeIds().get(n.index), b.engine().counters());
            }
        }
        return new SimReport(topology.name(), nodes.length, links.length, tracker.components(), config.seed(),
                firstConverged >= 0, firstConverged >= 0 ? Time.toSeconds(firstConverged) : null, convergedNow, reconvergence, loops,
                blackholes, packetsSent, bytesSent, packetsLost, packetsDelivered, problemsCounted, fibUpdates,
                fibEntries, tracker.completeness(), events, linkFailures, nodeRestarts, topology.selfLoopsIgnored(),
                topology.duplicateLinksIgnored(), Time.toSeconds(now), wallNanos / 1e9, firstLoops,
                refusals.totals(), refusals.nodeCount(), refusals.nodes());
    }

    /** True when the mesh is converged as of the last check. */
    public boolean converged() {
        return convergedNow;
    }

    /** Checks convergence now, whatever the check interval. */
    public boolean checkConvergedNow() {
        lastCheck = Long.MIN_VALUE;
        maybeCheckConvergence();
        return convergedNow;
    }

    /** Share of the required FIB entries present now (0..1). */
    public double fibCompleteness() {
        return tracker.completeness();
    }

    public long loopsObserved() {
        return loops;
    }

    /**
     * The loops among {@link #loopsObserved()} that pass a hop u → v where v restarted and u has received neither a
     * Hello nor a wildcard retraction from v since: u still forwards on the routes v announced before, and nothing
     * that reached u could tell it that v no longer has them (Babel learns of a neighbour's restart only from its
     * retraction or from the new seqno sequence of its Hellos).
     */
    public long loopsThroughUnheardRestarts() {
        return loopsThroughUnheardRestarts;
    }

    public long packetsSent() {
        return packetsSent;
    }

    /** The sends dropped because their interface's address was tentative ({@link #scheduleInterfaceUp}). */
    public long sendsWhileTentative() {
        return sendsWhileTentative;
    }

    /** The reader's problem counters over all received datagrams. */
    public WireCounters problems() {
        return problems;
    }

    /** The routes node {@code node}'s engine has selected (empty before it starts). */
    public List<SelectedRoute> selectedRoutes(int node) {
        SimEngine e = nodes[checkNode(node)].engine;
        return e == null ? List.of() : e.selectedRoutes();
    }

    /** The destinations that some node cannot reach now. */
    public List<ConvergenceTracker.Destination> unreachable() {
        return tracker.unreachable();
    }

    /** The topology index of the link between nodes {@code a} and {@code b}, or -1. */
    public int linkBetween(int a, int b) {
        for (Port p : nodes[checkNode(a)].ports) {
            if (links[p.link()].peer(p).node() == b) {
                return p.link();
            }
        }
        return -1;
    }

    public Topology topology() {
        return topology;
    }

    // ---------------------------------------------------------------- ForwardingPlane

    @Override
    public int nodeCount() {
        return nodes.length;
    }

    @Override
    public SimFib fib(int node) {
        return nodes[node].fib;
    }

    @Override
    public boolean delivers(int node, IpAddress destination) {
        if (fastPlane) {
            return destinationOf(destination) == node;
        }
        for (Prefix p : nodes[node].owned) {
            if (p.contains(destination)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The port of {@code node} that an entry with this next hop and interface leaves by, or null when its next hop
     * is no neighbour's: {@link #nextNode}'s rule, returning the own port of the hop instead of the peer.
     */
    private Port ownPort(int node, IpAddress nextHop, String ifname) {
        if (ifname == null) {
            Port theirs = nextHop == null ? null : portsByAddress.get(nextHop);
            if (theirs == null || theirs.node() == node) {
                return null;
            }
            Link l = links[theirs.link()];
            Port own = l.peer(theirs);
            // As nextNode: the neighbour must be on this link (linkBetween finds the first link to it).
            return own.node() == node && linkBetween(node, theirs.node()) == theirs.link() ? own : null;
        }
        Port own = nodes[node].portsByName.get(ifname);
        if (own == null) {
            return null;
        }
        if (own.node() != node) {
            return null;
        }
        Port peer = links[own.link()].peer(own);
        return nextHop == null || nextHop.equals(peer.linkLocal()) ? own : null;
    }

    @Override
    public int nextNode(int node, SimFib.Entry entry) {
        Port port = entry.ifname() == null
                ? (entry.nextHop() == null ? null : portsByAddress.get(entry.nextHop()))
                : nodes[node].portsByName.get(entry.ifname());
        if (port == null) {
            return -1;
        }
        if (port.node() != node) {
            // Found by next-hop address: the next hop is the neighbour's own port.
            return linkBetween(node, port.node()) == port.link() ? port.node() : -1;
        }
        Port peer = links[port.link()].peer(port);
        return entry.nextHop() == null || entry.nextHop().equals(peer.linkLocal()) ? peer.node() : -1;
    }

    @Override
    public long hop(int node, IpAddress destination, IpAddress source) {
        Node n = nodes[node];
        if (!fastPlane || !n.fast) {
            return NOT_KNOWN;
        }
        int d = destinationOf(destination);
        if (d < 0) {
            return NOT_KNOWN;
        }
        char h = n.hops == null ? 0 : n.hops[d];
        if (h < 2) {
            return NO_HOP;
        }
        Port p = n.ports.get(h - 2);
        Link l = links[p.link()];
        return l.peer(p).node() | (l.up() ? UP : 0);
    }

    @Override
    public boolean hopUp(int node, SimFib.Entry entry) {
        Port port = entry.ifname() == null ? portsByAddress.get(entry.nextHop()) : nodes[node].portsByName.get(entry.ifname());
        return port != null && links[port.link()].up();
    }
}
