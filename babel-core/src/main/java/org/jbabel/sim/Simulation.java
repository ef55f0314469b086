package org.jbabel.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.jbabel.control.ExtensionEntry;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.engine.Time;
import org.jbabel.extension.Extension;
import org.jbabel.extension.KernelAccess;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
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
 * <p>This class is the facade: it wires the parts and runs the event loop, handing each event to the part that owns
 * it. The {@link Timeline} holds the clock and the events, the {@link Scenario} the scripted events, the
 * {@link LinkLayer} the links and the datagrams on them, a {@link SimNode} per node drives its engine, the
 * {@link DataPlane} is the FIBs as the path checks see them, the {@link LoopMonitor} walks changed routes for loops
 * and the {@link ConvergenceWatch} says when the mesh converged (docs/SIMULATOR.md, "Layout").
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

    private final Topology topology;
    private final SimConfig config;
    private final Timeline timeline = new Timeline();
    private final LinkLayer links;
    private final DataPlane plane;
    private final ConvergenceTracker tracker;
    private final ConvergenceWatch watch;
    private final LoopMonitor loops;
    private final Scenario scenario;
    private final SimNode[] nodes;
    private final SimClients clients;
    private final ExtensionWiring wiring;
    private NodeExtensions extensions;
    private ClientWalk walk;
    private long wallNanos;
    /** Whether the engines and the codec may run on several threads (the production ones; not the tests' stand-ins). */
    private final boolean concurrentParts;
    private int threads = 1;
    private boolean receiveFilters;
    private Workers workers;
    /** For the current batch: the batch's events, what their engines made of them, and each node's first event. */
    private final List<SimEvent.Deliver> batch = new ArrayList<>();
    private SimNode.Received[] received = new SimNode.Received[16];
    private RuntimeException[] failures = new RuntimeException[16];
    /** Per batch item: the next event of the same node in the batch, or -1; per node, its last item (by stamp). */
    private int[] nextOfNode = new int[16];
    private final int[] lastOfNode;
    private final int[] stampOfNode;
    private int stamp;
    private long batchedEvents;
    private int[] firstOfNode = new int[16];
    private int chains;

    public Simulation(Topology topology, SimConfig config) {
        this(topology, config, SimEngine.babel(), PacketCodec.wire(MTU), true);
    }

    /** With another engine or codec: for the simulator's own tests. */
    Simulation(Topology topology, SimConfig config, SimEngine.Factory engines, PacketCodec codec) {
        this(topology, config, engines, codec, false);
    }

    private Simulation(Topology topology, SimConfig config, SimEngine.Factory engines, PacketCodec codec,
            boolean concurrentParts) {
        this.concurrentParts = concurrentParts;
        this.topology = topology;
        this.config = config;
        SplittableRandom random = new SplittableRandom(config.seed());
        int n = topology.nodeCount();
        links = new LinkLayer(topology, config, codec, random, timeline);
        plane = new DataPlane(links);
        List<ConvergenceTracker.Destination> destinations = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            destinations.add(new ConvergenceTracker.Destination(i, RouteKey.of(prefixOf(i)), probeOf(i)));
        }
        tracker = new ConvergenceTracker(plane, destinations, topology.components());
        watch = new ConvergenceWatch(tracker, config.checkInterval());
        loops = new LoopMonitor(plane, links, topology.nodeIds(), timeline);
        scenario = new Scenario(timeline, links, config, random);
        nodes = new SimNode[n];
        lastOfNode = new int[n];
        stampOfNode = new int[n];
        clients = new SimClients(clientsDriver());
        wiring = new ExtensionWiring(timeline, links, plane, config, topology.nodeIds(), nodes, clients);
        SimNode.Mesh mesh = new SimNode.Mesh(timeline, links, plane, tracker, loops, config, engines, random,
                topology.nodeIds(), wiring);
        for (int i = 0; i < n; i++) {
            nodes[i] = new SimNode(i, random.nextInt(0x10000), mesh);
        }
        for (int i = 0; i < n; i++) {
            long at = config.startSpread() == 0 ? 0 : random.nextLong(config.startSpread());
            timeline.at(at, new SimEvent.NodeStart(i));
        }
    }

    private SimClients.Driver clientsDriver() {
        return new SimClients.Driver() {
            @Override
            public long now() {
                return timeline.now();
            }

            @Override
            public void at(long at, Runnable task) {
                timeline.at(at, new SimEvent.ClientTask(task, false));
            }

            @Override
            public void script(long at, Runnable task) {
                scenario.script(at, new SimEvent.ClientTask(task, true));
            }

            @Override
            public SimNodeHost host(int node) {
                return nodes[node].host();
            }

            @Override
            public int nodeCount() {
                return nodes.length;
            }
        };
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

    // ---------------------------------------------------------------- extensions

    /**
     * Runs extensions on every node: {@code factory} makes a node's extensions when it starts (and again when it
     * restarts); they get the same {@link org.jbabel.extension.ExtensionContext} as in the daemon, over the
     * simulated links and clock. Call before the run starts.
     */
    public void setExtensions(NodeExtensions factory) {
        beforeRun("extensions");
        this.extensions = Objects.requireNonNull(factory);
        plane.slow();
    }

    /** Sees every packet the nodes' extensions write into their simulated TUN devices. */
    public void setDeviceObserver(DeviceObserver observer) {
        wiring.setDeviceObserver(observer);
    }

    /**
     * At time {@code at}, hands {@code packet} to the extension that owns TUN device {@code device} on node
     * {@code node}, as if the node's kernel routed it into the device (nothing happens when there is no such
     * device then).
     */
    public void scheduleDevicePacket(long at, int node, String device, byte[] packet) {
        links.checkNode(node);
        byte[] copy = packet.clone();
        timeline.at(at, new SimEvent.Task(node, -1, () -> nodes[node].host().injectIntoDevice(device, copy)));
    }

    /**
     * At time {@code at}, node {@code node} sends a UDP datagram to {@code destination} into its data plane, as a
     * local application would (source: its {@link #probeOf} address for a global destination): it is routed hop by
     * hop, to a TUN device, a client, or an extension's socket. Not a scripted event (a packet stream does not
     * disturb convergence). Nothing is sent while the node has no host (not started, or no extensions); drops on the
     * way are counted in {@link #extensionCounters} ({@code sim.scenario_...}, {@code sim.routed_...}).
     */
    public void scheduleUdp(long at, int node, int sourcePort, IpAddress destination, int port, byte[] data) {
        links.checkNode(node);
        byte[] copy = data.clone();
        timeline.at(at, new SimEvent.Task(node, -1,
                () -> nodes[node].host().sendUdp(sourcePort, destination, port, copy)));
    }

    /**
     * Walks client {@code client} (added to {@link #clients()} before) along {@code path}, neighbours one after
     * another: it attaches to the first node at {@code start} and moves on every {@code every}, while node
     * {@code from} sends a probe datagram to {@code address} every {@code period} until {@link ClientWalk#end()}. The
     * hand-over times go into the {@link #report()}. One walk per simulation.
     */
    public ClientWalk scheduleWalk(String client, IpAddress address, List<Integer> path, int from, long start,
            long every, long period) {
        if (walk != null) {
            throw new IllegalStateException("there is a walk already");
        }
        links.checkNode(from);
        path.forEach(links::checkNode);
        walk = new ClientWalk(this, client, address, path, from, start, every, period);
        return walk;
    }

    /**
     * At {@code at}, stops node {@code node}'s extensions as a daemon's shutdown would: each one's {@code stop}, its
     * originations withdrawn, its sockets and devices closed, its own kernel routes and rules removed.
     */
    public void scheduleExtensionsStop(long at, int node) {
        links.checkNode(node);
        timeline.at(at, new SimEvent.Task(node, -1, nodes[node]::stopExtensions));
    }

    /** The items of a control section of an extension on a node (empty when there is none). */
    public List<ExtensionEntry> extensionSection(int node, String extension, String kind) {
        SimNodeHost h = host(node);
        return h == null ? List.of() : h.section(extension, kind);
    }

    /** The counters of a node's extensions ({@code NAME.counter}) and of its simulated sockets. */
    public Map<String, Long> extensionCounters(int node) {
        SimNodeHost h = host(node);
        if (h == null) {
            return Map.of();
        }
        Map<String, Long> all = new TreeMap<>(h.host().counters());
        h.counters().forEach((k, v) -> all.put("sim." + k, v));
        return all;
    }

    /** The own kernel routes (every protocol) of node {@code node}'s extensions now. */
    public List<KernelRoute> ownRoutes(int node) {
        SimNodeHost h = host(node);
        return h == null ? List.of() : h.ownRoutes();
    }

    /** The neighbour table of node {@code node}'s client interface now. */
    public List<KernelAccess.Neighbour> clientNeighbours(int node) {
        SimNodeHost h = host(node);
        return h == null ? List.of() : h.clientNeighbours();
    }

    private SimNodeHost host(int node) {
        return nodes[links.checkNode(node)].host();
    }

    /**
     * The clients that a scenario attaches to the nodes' client interfaces. Their frames reach a node's kernel only
     * while it has a host, that is with {@link #setExtensions} (an empty map of extensions is enough).
     */
    public SimClients clients() {
        return clients;
    }

    // ---------------------------------------------------------------- per-node behaviour

    /** Node {@code node} runs with {@code engineConfig} instead of {@link SimConfig#engineConfig()}. Before the run. */
    public void setEngineConfig(int node, EngineConfig engineConfig) {
        beforeRun("engine configurations");
        nodes[links.checkNode(node)].setEngineConfig(engineConfig);
    }

    /**
     * Node {@code node}'s interfaces are configured by {@code change} applied to the default
     * ({@link InterfaceConfig#of}): other Hello or update intervals, costs. Before the run.
     */
    public void setInterfaceConfig(int node, UnaryOperator<InterfaceConfig> change) {
        beforeRun("interface configurations");
        nodes[links.checkNode(node)].setInterfaceConfig(change);
    }

    /**
     * Node {@code node}'s engine gets only the TLVs of each received packet that {@code filter} accepts (the others
     * are dropped before it, as if it ignored them): e.g. a neighbour that ignores wildcard route requests, as babeld
     * and FRR do for a while after a full dump. Before the run.
     */
    public void setReceiveFilter(int node, ReceiveFilter filter) {
        beforeRun("receive filters");
        nodes[links.checkNode(node)].setReceiveFilter(filter);
        receiveFilters = true;
    }

    /**
     * When carrier returns on one of node {@code node}'s interfaces ({@link SimConfig#carrierSense()}), it also sends
     * its whole table to the group, once (with the start-up Hello: {@link SimEngine.Babel#announceTable}), as babeld
     * and FRR do when an interface comes up; jbabel itself only sends Hellos and a wildcard request then, and gives
     * its table to each neighbour that becomes bidirectional (fast start). Before the run.
     */
    public void setTableOnCarrierReturn(int node) {
        beforeRun("carrier-return dumps");
        nodes[links.checkNode(node)].setTableOnCarrierReturn();
    }

    /**
     * Runs the engines on up to {@code threads} threads (default 1): the datagrams that reach different nodes at the
     * same instant are read and handed to their engines concurrently, and what the engines did is then carried out
     * (sends with their loss draws, FIB updates, loop and convergence checks) one event after another in the order of
     * the events, so that a run's outcome does not depend on the thread count. Runs with extensions or receive
     * filters, and the simulator's own test engines, always run on one thread. Before the run.
     */
    public void setThreads(int threads) {
        beforeRun("threads");
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads + " < 1");
        }
        this.threads = threads;
    }

    private void beforeRun(String what) {
        if (timeline.started()) {
            throw new IllegalStateException(what + " are set before the run starts");
        }
    }

    // ---------------------------------------------------------------- scripting

    /** Takes link {@code link} down or up at time {@code at}. */
    public void scheduleLinkState(long at, int link, boolean up) {
        scenario.linkState(at, link, up);
    }

    /**
     * Takes node {@code node}'s own interface on link {@code link} down at {@code at}, as the daemon tells its engine
     * when the interface goes down (whatever {@link SimConfig#carrierSense()} says: it is the node's own interface).
     * The link then carries nothing, and with carrier sense the far end sees carrier loss. Not meant to be mixed with
     * {@link #scheduleLinkState} on the same link.
     */
    public void scheduleInterfaceDown(long at, int node, int link) {
        scenario.interfaceDown(at, node, link);
    }

    /**
     * Brings node {@code node}'s own interface on link {@code link} back up at {@code at}, its link-local address
     * tentative for {@code dad} (Linux duplicate address detection, 1 to 2 s), as the daemon does: the engine gets
     * {@code interfaceUp} at once and hears the link from then on, but what it sends there is dropped
     * ({@link #sendsWhileTentative()}) until {@code interfaceReady}, {@code dad} later. The link carries traffic
     * again, and with carrier sense the far end sees carrier return.
     */
    public void scheduleInterfaceUp(long at, int node, int link, long dad) {
        scenario.interfaceUp(at, node, link, dad);
    }

    /** Sets the loss of link {@code link} per direction (a → b, b → a as the topology orders its ends). */
    public void scheduleLinkLoss(long at, int link, double lossAtoB, double lossBtoA) {
        scenario.linkLoss(at, link, lossAtoB, lossBtoA);
    }

    /** Restarts node {@code node} at {@code at}: its engine vanishes without goodbye and a new one starts. */
    public void scheduleRestart(long at, int node) {
        scenario.restart(at, node);
    }

    /** Makes node {@code node} originate {@code key} (also owning its prefix for the path checks). */
    public void scheduleOriginate(long at, int node, RouteKey key, int metric) {
        scenario.originate(at, node, key, metric);
    }

    /** Makes node {@code node} withdraw {@code key} (its own prefix included). */
    public void scheduleWithdraw(long at, int node, RouteKey key) {
        scenario.withdraw(at, node, key);
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
        long now = timeline.now();
        return now >= config.duration() || (watch.settled(now, config.settle()) && scenario.done());
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
        wiring.setRunner(Thread.currentThread());
        long wallStart = System.nanoTime();
        boolean parallel = threads > 1 && concurrentParts && extensions == null && !receiveFilters;
        try (Workers w = parallel ? new Workers(threads) : null) {
            workers = w;
            while (timeline.nextTime() <= until && !(stopWhenFinished && finished())) {
                SimEvent event = timeline.next();
                if (parallel && event instanceof SimEvent.Deliver d && timeline.peek() instanceof SimEvent.Deliver
                        && timeline.nextTime() == timeline.now() && !(stopWhenFinished && mayFinishNow())) {
                    receiveBatch(d);
                    continue;
                }
                handled(event);
            }
            if (!(stopWhenFinished && finished())) {
                timeline.passTo(until);
                checkConvergence(false);
            }
        } finally {
            workers = null;
            wallNanos += System.nanoTime() - wallStart;
        }
    }

    /** Handles one event, then walks the changed paths for loops and checks convergence when due. */
    private void handled(SimEvent event) {
        try {
            handle(event);
        } catch (RuntimeException e) {
            throw failed(event, e);
        }
        afterEvent();
    }

    private void afterEvent() {
        loops.walkChanged();
        checkConvergence(false);
    }

    private IllegalStateException failed(SimEvent event, RuntimeException e) {
        return new IllegalStateException(String.format(Locale.ROOT, "simulation failed at t=%.3fs handling %s",
                Time.toSeconds(timeline.now()), event), e);
    }

    /**
     * Whether {@link #finished()} could become true now, after an event: the run's end, or a mesh converged long
     * enough that a check could find it settled. A batch of receives is only run while it cannot, so that it never
     * runs an engine that the run, one event at a time, would have stopped before.
     */
    private boolean mayFinishNow() {
        long now = timeline.now();
        return now >= config.duration() || config.settle() <= 0 || watch.settled(now, config.settle());
    }

    /**
     * Datagram {@code first} and the datagrams queued right after it for the same instant: their engines run on the
     * {@link Workers} (a node's datagrams in their order, on one thread), then each event's actions are carried out
     * and checked in the order of the events, as {@link #handled} would have: the engines of different nodes share
     * nothing, and what a receive changes outside its engine happens in the second step.
     */
    private void receiveBatch(SimEvent.Deliver first) {
        batch.clear();
        batch.add(first);
        long now = timeline.now();
        while (timeline.nextTime() == now && timeline.peek() instanceof SimEvent.Deliver) {
            batch.add((SimEvent.Deliver) timeline.next());
        }
        int count = batch.size();
        batchedEvents += count;
        if (received.length < count) {
            int size = Math.max(count, received.length * 2);
            received = new SimNode.Received[size];
            failures = new RuntimeException[size];
            nextOfNode = new int[size];
            firstOfNode = new int[size];
        }
        // A node's datagrams form a chain, run in order by one thread; the chains run in parallel.
        chains = 0;
        if (++stamp == 0) {
            Arrays.fill(stampOfNode, 0);
            stamp = 1;
        }
        for (int i = 0; i < count; i++) {
            int node = batch.get(i).node();
            nextOfNode[i] = -1;
            if (stampOfNode[node] == stamp) {
                nextOfNode[lastOfNode[node]] = i;
            } else {
                stampOfNode[node] = stamp;
                firstOfNode[chains++] = i;
            }
            lastOfNode[node] = i;
        }
        workers.run(chains, chain -> {
            for (int i = firstOfNode[chain]; i >= 0; i = nextOfNode[i]) {
                SimEvent.Deliver d = batch.get(i);
                try {
                    received[i] = nodes[d.node()].receiveEngine(d);
                } catch (RuntimeException e) {
                    failures[i] = e;
                    return; // the run fails at this event; the node's later ones do not matter
                }
            }
        });
        try {
            for (int i = 0; i < count; i++) {
                SimEvent.Deliver d = batch.get(i);
                if (failures[i] != null) {
                    throw failed(d, failures[i]);
                }
                try {
                    nodes[d.node()].receiveApply(d, received[i]);
                } catch (RuntimeException e) {
                    throw failed(d, e);
                }
                afterEvent();
            }
        } finally {
            Arrays.fill(received, 0, count, null);
            Arrays.fill(failures, 0, count, null);
        }
    }

    private void handle(SimEvent event) {
        switch (event) {
            case SimEvent.NodeStart(int node) -> {
                if (!nodes[node].started()) {
                    nodes[node].start(extensions);
                }
            }
            case SimEvent.Wakeup(int node, long generation) -> nodes[node].wakeup(generation);
            case SimEvent.Deliver d -> nodes[d.node()].receive(d);
            case SimEvent.LinkState(int link, boolean up) -> {
                scripted();
                linkState(link, up, -1);
            }
            case SimEvent.InterfaceState(int node, int link, boolean up, long dad) -> {
                scripted();
                if (nodes[node].ownInterface(link, up, dad)) {
                    linkState(link, up, node);
                }
            }
            case SimEvent.InterfaceReady(int node, int link, long flap) -> nodes[node].interfaceReady(link, flap);
            case SimEvent.LinkLoss(int link, double ab, double ba) -> {
                scripted();
                links.setLoss(link, ab, ba);
            }
            case SimEvent.Restart(int node) -> {
                scripted();
                nodes[node].restart(extensions);
            }
            case SimEvent.Originate(int node, RouteKey key, int metric) -> {
                scripted();
                nodes[node].originate(key, metric);
            }
            case SimEvent.Withdraw(int node, RouteKey key) -> {
                scripted();
                nodes[node].withdraw(key);
            }
            case SimEvent.ClientTask(Runnable run, boolean isScripted) -> {
                if (isScripted) {
                    scripted();
                }
                run.run();
            }
            case SimEvent.Task(int node, int incarnation, Runnable run) -> nodes[node].task(incarnation, run);
        }
    }

    /** A scripted event ran: the mesh counts as unconverged until the next check says otherwise. */
    private void scripted() {
        scenario.ran();
        watch.disturbed(timeline.now());
    }

    /**
     * Link {@code k} goes down or up; with carrier sense the engines at its ends are told (but node {@code except}'s,
     * whose own interface it was).
     */
    private void linkState(int k, boolean up, int except) {
        if (!links.setUp(k, up)) {
            return;
        }
        tracker.invalidateAll();
        if (config.carrierSense()) {
            for (LinkLayer.Port p : links.ends(k)) {
                if (p.node() != except) {
                    nodes[p.node()].carrier(p, up);
                }
            }
        }
    }

    /** Asks the watch (when due, or now with {@code force}); the first convergence draws the disruptions. */
    private void checkConvergence(boolean force) {
        if (watch.check(timeline.now(), force)) {
            scenario.scheduleDisruptions();
        }
    }

    /** Simulated time now, since the start. */
    public long now() {
        return timeline.now();
    }

    // ---------------------------------------------------------------- observation

    /** The report of the run so far. */
    public SimReport report() {
        long fibEntries = 0;
        long fibUpdates = 0;
        int nodeRestarts = 0;
        for (int i = 0; i < nodes.length; i++) {
            fibEntries += plane.fib(i).size();
            fibUpdates += nodes[i].fibUpdates();
            nodeRestarts += nodes[i].restarts();
        }
        Double convergence = watch.firstConvergedSeconds();
        EngineRefusals refusals = new EngineRefusals();
        for (int n = 0; n < nodes.length; n++) {
            if (nodes[n].engine() instanceof SimEngine.Babel babel) {
                refusals.add(topology.nodeIds().get(n), babel.engine().counters());
            }
        }
        return new SimReport(topology.name(), nodes.length, links.linkCount(), tracker.components(), config.seed(),
                convergence != null, convergence, watch.converged(), watch.reconvergenceSeconds(), loops.loops(),
                loops.blackholes(), links.packetsSent(), links.bytesSent(), links.packetsLost(),
                links.packetsDelivered(), links.problemsCounted(), fibUpdates, fibEntries, tracker.completeness(),
                timeline.events(), links.linkFailures(), nodeRestarts, topology.selfLoopsIgnored(),
                topology.duplicateLinksIgnored(), Time.toSeconds(timeline.now()), wallNanos / 1e9,
                loops.firstLoops(), refusals.totals(), refusals.nodeCount(), refusals.nodes(),
                walk == null ? List.of() : walk.handovers());
    }

    /** True when the mesh is converged as of the last check. */
    public boolean converged() {
        return watch.converged();
    }

    /** Checks convergence now, whatever the check interval. */
    public boolean checkConvergedNow() {
        checkConvergence(true);
        return watch.converged();
    }

    /** Share of the required FIB entries present now (0..1). */
    public double fibCompleteness() {
        return tracker.completeness();
    }

    public long loopsObserved() {
        return loops.loops();
    }

    /**
     * The loops among {@link #loopsObserved()} that pass a hop u → v where v restarted and u has received neither a
     * Hello nor a wildcard retraction from v since: u still forwards on the routes v announced before, and nothing
     * that reached u could tell it that v no longer has them (Babel learns of a neighbour's restart only from its
     * retraction or from the new seqno sequence of its Hellos).
     */
    public long loopsThroughUnheardRestarts() {
        return loops.loopsThroughUnheardRestarts();
    }

    public long packetsSent() {
        return links.packetsSent();
    }

    /** The events handled in batches of receives at one instant ({@link #setThreads}): 0 on one thread. */
    long batchedEvents() {
        return batchedEvents;
    }

    /** The sends dropped because their interface's address was tentative ({@link #scheduleInterfaceUp}). */
    public long sendsWhileTentative() {
        long sum = 0;
        for (SimNode n : nodes) {
            sum += n.sendsWhileTentative();
        }
        return sum;
    }

    /** The reader's problem counters over all received datagrams. */
    public WireCounters problems() {
        return links.problems();
    }

    /** The routes node {@code node}'s engine has selected (empty before it starts). */
    public List<SelectedRoute> selectedRoutes(int node) {
        SimEngine e = nodes[links.checkNode(node)].engine();
        return e == null ? List.of() : e.selectedRoutes();
    }

    /** The destinations that some node cannot reach now. */
    public List<ConvergenceTracker.Destination> unreachable() {
        return tracker.unreachable();
    }

    /** The topology index of the link between nodes {@code a} and {@code b}, or -1. */
    public int linkBetween(int a, int b) {
        return links.linkBetween(links.checkNode(a), b);
    }

    public Topology topology() {
        return topology;
    }

    // ---------------------------------------------------------------- ForwardingPlane: the DataPlane's answers

    @Override
    public int nodeCount() {
        return nodes.length;
    }

    @Override
    public SimFib fib(int node) {
        return plane.fib(node);
    }

    @Override
    public boolean delivers(int node, IpAddress destination) {
        return plane.delivers(node, destination);
    }

    @Override
    public int nextNode(int node, SimFib.Entry entry) {
        return plane.nextNode(node, entry);
    }

    @Override
    public long hop(int node, IpAddress destination, IpAddress source) {
        return plane.hop(node, destination, source);
    }

    @Override
    public boolean hopUp(int node, SimFib.Entry entry) {
        return plane.hopUp(node, entry);
    }
}
