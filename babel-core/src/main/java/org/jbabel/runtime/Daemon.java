package org.jbabel.runtime;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jbabel.auth.Authenticator;
import org.jbabel.auth.Verdict;
import org.jbabel.config.DaemonConfig;
import org.jbabel.config.GlobalSettings;
import org.jbabel.control.BabeldText;
import org.jbabel.control.ChangeEvent;
import org.jbabel.control.Entry;
import org.jbabel.control.ControlServer;
import org.jbabel.control.ExtensionControls;
import org.jbabel.engine.Action;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.EngineLimits;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.RouteKey;
import org.jbabel.extension.BabelApi;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionHost;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.KernelEvent;
import org.jbabel.kernel.KernelEvents;
import org.jbabel.kernel.KernelException;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.linux.EmergencyFlush;
import org.jbabel.linux.FdPoller;
import org.jbabel.linux.IoCounters;
import org.jbabel.linux.LinuxKernelAccess;
import org.jbabel.linux.LinuxNetwork;
import org.jbabel.linux.LinuxFib;
import org.jbabel.linux.LinuxLinkMonitor;
import org.jbabel.linux.NetlinkCounters;
import org.jbabel.linux.ProcessControl;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;
import org.jbabel.wire.WireCounters;

/**
 * jbabeld's runtime: the Babel engine driven by real sockets, the Linux kernel and a clock, on ONE netty event
 * loop thread. Datagrams from the UDP socket, kernel notifications (read by a netlink thread and handed over),
 * control-socket requests and the engine's timer all run on that thread; the engine's actions of one turn of the
 * loop are carried out together at its end (one flush of the socket, one batch of kernel route changes).
 *
 * <p>Start-up, as babeld: kernel sysctls, stale routes and rules of protocol 42 removed, the placement of
 * source-specific routes chosen for each family ({@link KernelWriter}), router-id and seqno chosen
 * (state file), interfaces brought up as the kernel shows them, local addresses and kernel routes redistributed.
 * {@link #stop()} is the clean exit: goodbye packets, every installed route and rule removed, sysctls restored, state
 * file written.
 */
public final class Daemon {

    /** The version string of the control socket's banner. */
    public static final String VERSION = "jbabel-0.1.0";
    /** How often an interface that is up but has no link-local address yet is looked at again. */
    static final Duration LINK_LOCAL_RETRY = Duration.ofSeconds(2);
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    /**
     * Test only, read at start: {@code loop-oom} or {@code netlink-oom} makes SIGUSR1 exhaust the heap on the
     * daemon's loop or in its netlink reader thread, to prove that an Error is fatal ({@link FatalErrors}). Not
     * reachable from the network; unset, SIGUSR1 dumps the tables as babeld's does.
     */
    static final String FAULT_PROPERTY = "jbabel.test.fault";

    private final DaemonLog log;
    private final ErrorLog errors;
    private final ExtensionControls extensionControls;
    private final IoCounters ioCounters = new IoCounters();
    private final List<LinuxNetwork> extensionNetworks = new ArrayList<>();
    private final List<LinuxKernelAccess> extensionKernels = new ArrayList<>();
    private FdPoller poller;
    /** One event loop for the Babel sockets, the control sockets and the daemon's own work. */
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final RandomGenerator random = SystemRandom.open();
    private final WireCounters wireCounters = new WireCounters();
    private final NetlinkCounters netlinkCounters = new NetlinkCounters();
    private final Map<String, Long> counters = new TreeMap<>();
    private final Map<Integer, PacketWriter> writers = new HashMap<>();
    /** The MAC authentication of each interface that has keys, by ifindex. */
    private final Map<Integer, InterfaceAuth> auths = new HashMap<>();
    /** The counters of authenticators that were replaced or whose interface went down. */
    private final Map<String, Long> retiredAuthCounters = new TreeMap<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private final Path stateFile;
    private final KernelSetup kernelSetup;
    private final LinuxFib fib;
    private final LinuxLinkMonitor monitor;
    private final KernelEvents events;
    private final InterfaceTracker tracker;
    private final Redistributor redistributor;
    private final KernelWriter kernelWriter;
    /** Opened at start so that the routes can go after an OutOfMemoryError ({@link #fatalCleanUp}). */
    private final EmergencyFlush emergencyFlush;
    private final String fault = System.getProperty(FAULT_PROPERTY, "");
    private volatile boolean netlinkFault;
    private BabelEngine engine;
    private final Map<String, Extension> pendingExtensions = new LinkedHashMap<>();
    private ExtensionHost extensions;
    private BabelApi redistribution;
    private LimitReporter limitReporter;
    private volatile BabelSocket socket;
    private volatile ControlServer control;
    private Thread kernelReader;

    private boolean turnQueued;
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private ScheduledFuture<?> linkLocalRetry;
    private ScheduledFuture<?> kernelCheck;
    private volatile boolean stopping;

    private Daemon(DaemonConfig config, DaemonLog log, Function<Fib, PlacementChoice> placements) {
        this.log = log;
        this.errors = new ErrorLog(log);
        this.extensionControls = new ExtensionControls((what, e) -> errors.report("control: " + what, e));
        GlobalSettings g = config.globals();
        prepareNetty(log);
        this.group = new MultiThreadIoEventLoopGroup(1, runnable -> {
            Thread t = new Thread(runnable, "jbabeld");
            t.setDaemon(false);
            return t;
        }, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.loop = group.next();
        this.stateFile = g.stateFile() == null || g.stateFile().isEmpty() ? null : Path.of(g.stateFile());
        this.kernelSetup = g.skipKernelSetup() ? null : new KernelSetup(Path.of("/proc/sys"));
        this.fib = new LinuxFib(netlinkCounters);
        this.monitor = new LinuxLinkMonitor(netlinkCounters);
        this.events = monitor.subscribe();
        this.tracker = new InterfaceTracker(config);
        this.redistributor = new Redistributor(config.filters(), new HashSet<>(g.effectiveImportTables()),
                this::interfaceName);
        this.kernelWriter = new KernelWriter(fib, fib, log, new KernelMetric(g.kernelPriority(),
                g.reflectKernelMetric()), g.exportTable(), this::interfaceIndex, placements);
        this.emergencyFlush = new EmergencyFlush();
        FatalErrors.onFatal(log, this::fatalCleanUp);
    }

    /**
     * Starts the daemon without source-specific routes in the kernel ({@link PlacementChoice#plain()}).
     *
     * @throws IOException when the UDP port or the control socket cannot be bound
     */
    public static Daemon start(DaemonConfig config, DaemonLog log) throws IOException {
        return start(config, log, fib -> PlacementChoice.plain());
    }

    /**
     * Starts the daemon in the calling process's network namespace and returns once it runs.
     *
     * @param placements the placement of each family, chosen at start given the kernel (after the stale routes
     *     of protocol 42 are gone, so that a probe of the kernel finds it clean); jbabeld passes babel-source-
     *     routing's choice
     * @throws IOException when the UDP port or the control socket cannot be bound
     */
    public static Daemon start(DaemonConfig config, DaemonLog log, Function<Fib, PlacementChoice> placements)
            throws IOException {
        return start(config, log, placements, Map.of());
    }

    /**
     * Starts the daemon with extensions, which start once Babel's interfaces are up and stop before Babel's final
     * retraction (docs/EXTENSION-API.md).
     *
     * @param extensions the extensions by name, in start order
     * @throws IOException when the UDP port or the control socket cannot be bound, or an extension fails to start
     */
    public static Daemon start(DaemonConfig config, DaemonLog log, Function<Fib, PlacementChoice> placements,
            Map<String, Extension> extensions) throws IOException {
        Daemon d = new Daemon(config, log, placements);
        d.pendingExtensions.putAll(extensions);
        GlobalSettings g = config.globals();
        try {
            // Binding waits for the loop, so it happens here; datagrams that arrive before the engine exists
            // are dropped.
            d.socket = BabelSocket.open(d.loop, g.protocolGroup(), g.protocolPort(), d::received);
            log.info("UDP port " + g.protocolPort() + " with IPV6_PKTINFO, receive buffer " + d.socket.receiveBufferSize() + " bytes");
            d.loop.submit(() -> {
                d.startOnLoop();
                return null;
            }).get();
            if (g.localServer() != null) {
                d.control = ControlServer.start(List.of(g.localServer()), new DaemonControl(d), d.loop, d.group);
            }
        } catch (Exception e) {
            d.abort();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof java.io.UncheckedIOException u) {
                cause = u.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("start failed: " + cause, cause);
        }
        d.startKernelReader();
        return d;
    }

    /** Completes when the daemon has stopped. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** The node's router-id. */
    public RouterId routerId() {
        return engine.routerId();
    }

    /** babeld's SIGUSR1: the tables, as the control socket's dump lines, into the log. Callable from any thread. */
    public void dumpToLog() {
        if (fault.equals("netlink-oom")) {
            netlinkFault = true;
            return;
        }
        loop.execute(() -> {
            if (fault.equals("loop-oom")) {
                exhaustHeap();
            }
            if (!stopping) {
                for (Entry e : new DaemonControl(this).snapshot().entries()) {
                    log.info(BabeldText.format(new ChangeEvent(ChangeEvent.Kind.ADD, e)));
                }
            }
        });
    }

    /**
     * babeld's SIGUSR2 (what its logrotate configuration sends): reopen the log file after rotation, and re-read
     * interfaces and kernel routes. Callable from any thread.
     */
    public void reopenLogAndRescan() {
        loop.execute(() -> {
            try {
                log.reopen(log.file());
            } catch (IOException e) {
                log.info("cannot reopen the log file: " + e.getMessage());
            }
            rescanKernel();
        });
    }

    /**
     * The clean exit: the engine says goodbye (retractions and a short Hello on every interface), every route we
     * installed is removed, sysctls are put back and the state file is written. Waits until it is done. Callable
     * from any thread except the event loop; a second call waits for the first.
     */
    public void stop() {
        synchronized (this) {
            if (stopping) {
                terminated.join();
                return;
            }
            stopping = true;
        }
        try {
            CompletableFuture<java.util.concurrent.Future<?>> goodbye = new CompletableFuture<>();
            loop.execute(() -> goodbye.complete(shutdownOnLoop()));
            goodbye.get(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).get(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.info("shutdown: " + e);
        }
        finish();
    }

    // ------------------------------------------------------------------------------------------------------
    // Start and stop

    /** The Linux parts each extension gets. */
    private DaemonPlatform.Parts extensionParts() {
        return new DaemonPlatform.Parts(
                name -> {
                    LinuxNetwork n = new LinuxNetwork(poller());
                    extensionNetworks.add(n);
                    return n;
                },
                name -> {
                    LinuxKernelAccess k = new LinuxKernelAccess(poller(), fib, netlinkCounters);
                    extensionKernels.add(k);
                    return k;
                },
                extensionControls::registry);
    }

    /** The thread that reads the extensions' sockets and devices, started when the first one is opened. */
    private FdPoller poller() {
        if (poller == null) {
            poller = new FdPoller(loop, ioCounters);
        }
        return poller;
    }

    /** After the extensions stopped: their sockets and devices closed, their own kernel routes and rules flushed. */
    private void closeExtensionParts() {
        extensionNetworks.forEach(LinuxNetwork::close);
        extensionNetworks.clear();
        for (LinuxKernelAccess k : extensionKernels) {
            List<Integer> left = k.flushOwnRoutes();
            if (!left.isEmpty()) {
                log.info("could not flush the routes of protocol(s) " + left);
            }
            k.close();
        }
        extensionKernels.clear();
        if (poller != null) {
            poller.close();
        }
    }

    /** The extensions' sections and commands on the control socket. */
    ExtensionControls extensionControls() {
        return extensionControls;
    }

    private void startOnLoop() {
        GlobalSettings g = tracker.config().globals();
        if (kernelSetup != null) {
            kernelSetup.start();
            kernelSetup.errors().forEach(e -> log.info("kernel setup: " + e));
        }
        kernelWriter.start();
        List<Link> links = monitor.links();
        tracker.reset(links, monitor.addresses());

        StateFile saved = stateFile == null ? null : StateFile.read(stateFile).orElse(null);
        RouterId id = RouterIds.choose(g.routerId(), g.randomId(), saved, macs(links), random);
        boolean sameId = saved != null && (saved.routerId() == null || saved.routerId().equals(id));
        int seqno = sameId ? (saved.seqno() + 1) & 0xFFFF : random.nextInt(0x10000);
        // The table limits are sized for the heap we run with (docs/DAEMON.md, "Memory").
        EngineLimits limits = EngineLimits.forHeap(Runtime.getRuntime().maxMemory());
        EngineConfig engineConfig = g.engineConfig().withLimits(limits);
        engine = new BabelEngine(id, seqno, engineConfig, random);
        engine.setErrorReporter((what, e) -> errors.report("engine survived an error handling " + what, e));
        limitReporter = new LimitReporter(limits, log::info);
        log.info("table limits for a heap of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB: " + limits.routes()
                + " routes (" + limits.routesPerNeighbour() + " per neighbour), " + limits.sources() + " sources, "
                + limits.neighbours() + " neighbours (" + limits.neighboursPerInterface() + " per interface)");
        engine.setFilters(System.nanoTime(), tracker.config().filters());
        log.info("router-id " + id + " seqno " + seqno + (sameId ? " (state file)" : ""));

        extensions = new ExtensionHost(new DaemonPlatform(loop, log, tracker, this::queueTurn, extensionParts()),
                engine);
        redistribution = extensions.origins().handle("redistribute");
        redistributor.reset(fib.routes(p -> p != KernelRoute.PROTOCOL_BABEL), tracker.addresses());
        applyInterfaces();
        applyRedistribution();
        endOfTurn();
        pendingExtensions.forEach(extensions::add);
        pendingExtensions.clear();
        try {
            extensions.startAll();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (!extensions.names().isEmpty()) {
            log.info("extensions started: " + String.join(", ", extensions.names()));
        }
        // netty keeps what a scheduled task throws in its future, where nobody would see it: guarded, an Error
        // is fatal
        linkLocalRetry = loop.scheduleAtFixedRate(FatalErrors.guard(this::retryInterfaces),
                LINK_LOCAL_RETRY.toMillis(), LINK_LOCAL_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        long check = g.kernelCheckInterval().toMillis();
        if (check > 0) {
            kernelCheck = loop.scheduleAtFixedRate(FatalErrors.guard(this::rescanKernel), check, check,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** On the loop: the engine's goodbye, then our routes out of the kernel. Returns the goodbyes' completion. */
    private java.util.concurrent.Future<?> shutdownOnLoop() {
        cancel(timer);
        cancel(linkLocalRetry);
        cancel(kernelCheck);
        // Extensions first: their routes are withdrawn before Babel's final wildcard retraction.
        extensions.stopAll();
        extensions.names().forEach(extensionControls::remove);
        closeExtensionParts();
        engine.shutdown(System.nanoTime());
        carryOut(engine.pollActions());
        socket.flush();
        kernelWriter.stop();
        if (kernelSetup != null) {
            kernelSetup.restore();
        }
        writeState(engine.routerId(), engine.seqno());
        return socket.lastWrite();
    }

    private void finish() {
        events.close();
        if (kernelReader != null) {
            kernelReader.interrupt();
        }
        if (control != null) {
            control.close();
        }
        if (socket != null) {
            socket.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(STOP_TIMEOUT_MILLIS);
        fib.close();
        monitor.close();
        emergencyFlush.close();
        log.info("stopped");
        terminated.complete(null);
    }

    private void abort() {
        stopping = true;
        if (kernelSetup != null) {
            loop.execute(kernelSetup::restore);
        }
        finish();
    }

    /**
     * netty's defaults cost memory a daemon does not need (docs/DAEMON.md, "Memory"): unpooled buffers instead of
     * its pooling allocator, which keeps chunks of memory for traffic a routing daemon never has, no flight-recorder
     * events, and the process and machine ids of its channel ids given rather than looked up (which would start the
     * JDK's process machinery and walk the network interfaces); its log goes to ours. Properties the user set are
     * kept. Takes effect when netty is first used in this process.
     */
    private static void prepareNetty(DaemonLog log) {
        setDefault("io.netty.allocator.type", "unpooled");
        setDefault("io.netty.jfr.enabled", "false");
        try {
            setDefault("io.netty.processId", Long.toString(ProcessControl.pid()));
        } catch (IOException e) {
            // netty looks the id up itself
        }
        byte[] machine = new byte[8];
        ThreadLocalRandom.current().nextBytes(machine);
        setDefault("io.netty.machineId", HexFormat.ofDelimiter(":").formatHex(machine));
        NettyLog.install(log);
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Kernel notifications: a thread of their own reads them and hands them to the loop

    private void startKernelReader() {
        kernelReader = Thread.ofPlatform().name("jbabeld-netlink").daemon().start(() -> {
            try {
                readKernelEvents();
            } catch (Error e) {
                FatalErrors.report(Thread.currentThread(), e);
            }
        });
    }

    private void readKernelEvents() {
        while (!stopping) {
            if (netlinkFault) {
                exhaustHeap();
            }
            List<KernelEvent> batch;
            try {
                batch = events.poll(Duration.ofSeconds(1));
            } catch (KernelException e) {
                if (stopping) {
                    return;
                }
                batch = List.of(new KernelEvent.Resync());
            }
            if (!batch.isEmpty() && !stopping) {
                List<KernelEvent> b = batch;
                loop.execute(() -> onKernelEvents(b));
            }
        }
    }

    /**
     * After an Error ({@link FatalErrors}), on whichever thread it was caught: nothing more goes to the kernel
     * from the loop, and every route and rule of protocol 42 is removed over the sockets opened at start.
     */
    private void fatalCleanUp() {
        stopping = true;
        int removed = emergencyFlush.flush(KernelRoute.PROTOCOL_BABEL);
        log.info("removed " + removed + " routes and rules of protocol " + KernelRoute.PROTOCOL_BABEL);
    }

    /** The fault of {@link #FAULT_PROPERTY}: allocates until the heap is exhausted. */
    private static void exhaustHeap() {
        List<long[]> hog = new ArrayList<>();
        while (true) {
            hog.add(new long[1 << 16]);
        }
    }

    private void onKernelEvents(List<KernelEvent> batch) {
        if (stopping) {
            return;
        }
        for (KernelEvent e : batch) {
            switch (e) {
                case KernelEvent.LinkChanged c -> tracker.linkChanged(c.link());
                case KernelEvent.LinkRemoved r -> {
                    tracker.linkRemoved(r.ifindex());
                    socket.forget(r.ifindex());
                    retire(auths.remove(r.ifindex()));
                }
                case KernelEvent.AddressAdded a -> {
                    tracker.addressAdded(a.address());
                    redistributor.addressAdded(a.address());
                }
                case KernelEvent.AddressRemoved a -> {
                    tracker.addressRemoved(a.address());
                    redistributor.addressRemoved(a.address());
                }
                case KernelEvent.RouteAdded r -> redistributor.routeAdded(r.route());
                case KernelEvent.RouteRemoved r -> redistributor.routeRemoved(r.route());
                case KernelEvent.Resync x -> {
                    rescanKernel();
                    return;
                }
            }
        }
        applyInterfaces();
        applyRedistribution();
        queueTurn();
    }

    private void rescanKernel() {
        if (stopping) {
            return;
        }
        try {
            tracker.reset(monitor.links(), monitor.addresses());
            redistributor.reset(fib.routes(p -> p != KernelRoute.PROTOCOL_BABEL), tracker.addresses());
        } catch (KernelException e) {
            count("kernel_rescan_failed");
            return;
        }
        applyInterfaces();
        applyRedistribution();
        queueTurn();
    }

    private void retryInterfaces() {
        if (!stopping && !tracker.waitingForLinkLocal().isEmpty()) {
            rescanKernel();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Engine inputs

    private void applyInterfaces() {
        long now = System.nanoTime();
        for (InterfaceTracker.Change c : tracker.update()) {
            switch (c) {
                case InterfaceTracker.Change.Up up -> {
                    InterfaceConfig ic = up.config();
                    socket.interfaceUp(ic.ifindex());
                    Authenticator auth = authenticatorFor(ic.ifindex(), up.auth());
                    int overhead = auth == null ? 0 : auth.maxOverhead();
                    writers.put(ic.ifindex(), new PacketWriter(PacketWriter.maxPacketSizeForMtu(ic.mtu()) - overhead));
                    if (kernelSetup != null) {
                        kernelSetup.interfaceUp(ic.name());
                    }
                    log.info("interface " + ic.name() + " up, " + ic.linkLocal()
                            + (ic.ipv4() == null ? "" : " " + ic.ipv4())
                            + (auth == null ? "" : ", " + up.auth().keys().size() + " MAC key(s)"));
                    engine.interfaceUp(now, ic);
                }
                case InterfaceTracker.Change.Down down -> {
                    log.info("interface " + down.name() + " down");
                    engine.interfaceDown(now, down.name());
                    socket.interfaceDown(down.ifindex());
                    writers.remove(down.ifindex());
                    retire(auths.remove(down.ifindex()));
                }
            }
        }
        if (extensions != null) {
            extensions.interfacesChanged();
        }
        queueTurn();
    }

    /** The interface's MAC authentication in one place: its settings and the authenticator made from them. */
    private record InterfaceAuth(InterfaceTracker.Auth settings, Authenticator authenticator) {}

    /**
     * The authenticator of an interface that comes up or changed, or null when it has no keys. An interface whose
     * keys and {@code accept-bad-signatures} did not change keeps its authenticator (its packet counter, index and
     * neighbours); otherwise a new one replaces it.
     */
    private Authenticator authenticatorFor(int ifindex, InterfaceTracker.Auth settings) {
        InterfaceAuth current = auths.get(ifindex);
        if (current != null && current.settings().equals(settings)) {
            return current.authenticator();
        }
        retire(auths.remove(ifindex));
        if (!settings.enabled()) {
            return null;
        }
        Authenticator a = new Authenticator(settings.keys(), settings.acceptBadSignatures(),
                tracker.config().globals().protocolPort(), random);
        auths.put(ifindex, new InterfaceAuth(settings, a));
        return a;
    }

    private void retire(InterfaceAuth old) {
        if (old != null) {
            old.authenticator().counters().snapshot().forEach((k, v) -> retiredAuthCounters.merge(k, v, Long::sum));
        }
    }

    private void applyRedistribution() {
        long now = System.nanoTime();
        for (Redistributor.Change c : redistributor.update()) {
            if (c.withdrawn()) {
                redistribution.withdraw(c.key());
            } else {
                redistribution.originate(c.key(), c.metric());
            }
        }
        queueTurn();
    }

    private void received(int ifindex, IpAddress source, IpAddress destination, byte[] data) {
        if (stopping || engine == null) {
            return;
        }
        InterfaceConfig ic = ifindex == 0 ? null : runningInterface(ifindex);
        if (ic == null) {
            count("packet_unknown_interface");
            return;
        }
        ReadResult r = PacketReader.read(data);
        wireCounters.countAll(r.problems());
        long now = System.nanoTime();
        InterfaceAuth auth = auths.get(ifindex);
        if (auth != null) {
            Authenticator a = auth.authenticator();
            Verdict v = a.verify(data, r, source, destination, now, Instant.now());
            if (!v.reply().isEmpty()) {
                sendSigned(ic, a, source, v.reply());
                queueTurn();
            }
            if (!v.accepted()) {
                return;
            }
        }
        if (r.dropped()) {
            return;
        }
        engine.receive(now, ic.name(), source, destination, r.packet());
        queueTurn();
    }

    private void tick() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        if (stopping) {
            return;
        }
        engine.tick(System.nanoTime());
        queueTurn();
    }

    // ------------------------------------------------------------------------------------------------------
    // Engine outputs, once per turn of the loop

    /** Arranges for {@link #endOfTurn()} to run after the I/O and tasks of this turn of the loop. */
    void queueTurn() {
        if (!turnQueued && !stopping) {
            turnQueued = true;
            loop.execute(this::endOfTurn);
        }
    }

    private void endOfTurn() {
        turnQueued = false;
        if (stopping) {
            return;
        }
        carryOut(engine.pollActions());
        socket.flush();
        kernelWriter.flush();
        List<Action.FibUpdate> refused = kernelWriter.takeRefused();
        if (!refused.isEmpty()) {
            // Routes the kernel would not take: the engine stops showing and announcing them; another turn carries
            // out what it does instead.
            long now = System.nanoTime();
            refused.forEach(u -> engine.kernelRefused(now, u));
            queueTurn();
        }
        limitReporter.check(engine.counters(), System.nanoTime());
        schedule(engine.nextWakeup());
        if (control != null) {
            control.stateChanged();
        }
    }

    private void carryOut(List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> send(s);
                case Action.FibUpdate u -> kernelWriter.update(u);
                case Action.StateChanged st -> writeState(st.routerId(), st.seqno());
            }
        }
    }

    private void send(Action.Send s) {
        InterfaceConfig ic = tracker.running().get(s.ifname());
        if (ic == null || !writers.containsKey(ic.ifindex())) {
            count("send_interface_down");
            return;
        }
        InterfaceAuth auth = auths.get(ic.ifindex());
        sendSigned(ic, auth == null ? null : auth.authenticator(), s.destination(), s.tlvs());
    }

    /**
     * Encodes TLVs into packets for {@code destination} on a running interface and sends them, each signed with the
     * interface's link-local address as source when the interface has an authenticator.
     */
    private void sendSigned(InterfaceConfig ic, Authenticator auth, IpAddress destination, List<Tlv> tlvs) {
        List<byte[]> packets;
        PacketWriter writer = writers.get(ic.ifindex());
        long martians = writer.martianUpdatesRefused();
        try {
            packets = writer.write(tlvs);
            if (writer.martianUpdatesRefused() != martians) {
                counters.merge("send_martian_refused", writer.martianUpdatesRefused() - martians, Long::sum);
            }
        } catch (IllegalArgumentException e) {
            count("send_unencodable");
            log.debug("cannot encode " + tlvs + " for " + destination + ": " + e.getMessage());
            return;
        }
        Instant wallClock = auth == null ? null : Instant.now();
        for (byte[] p : packets) {
            socket.send(ic.ifindex(), destination, auth == null ? p : auth.sign(p, ic.linkLocal(), destination,
                    wallClock));
        }
    }

    private void schedule(long wakeup) {
        if (wakeup == Long.MAX_VALUE) {
            return;
        }
        if (timer != null && timerAt <= wakeup) {
            return;
        }
        cancel(timer);
        timerAt = wakeup;
        long delay = Math.max(0, wakeup - System.nanoTime());
        timer = loop.schedule(FatalErrors.guard(this::tick), delay, TimeUnit.NANOSECONDS);
    }

    private void writeState(RouterId id, int seqno) {
        if (stateFile == null) {
            return;
        }
        try {
            new StateFile(id, seqno).write(stateFile);
        } catch (IOException e) {
            count("state_file_write_failed");
            errors.report("cannot write the state file " + stateFile, e);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // For the control socket (on the loop)

    BabelEngine engine() {
        return engine;
    }

    InterfaceTracker tracker() {
        return tracker;
    }

    DaemonLog log() {
        return log;
    }

    /** Applies a changed configuration (an interface added or flushed at run time). */
    void reconfigure(DaemonConfig config) {
        tracker.setConfig(config);
        applyInterfaces();
    }

    void setLinkDetect(boolean on) {
        tracker.setLinkDetect(on);
        applyInterfaces();
    }

    /** Every counter of the daemon: engine, wire, netlink, socket, kernel routes, control socket. */
    Map<String, Long> allCounters() {
        Map<String, Long> all = new TreeMap<>();
        engine.counters().snapshot().forEach((k, v) -> all.put("engine." + k, v));
        wireCounters.snapshot().forEach((k, v) -> all.put("wire." + k, v));
        netlinkCounters.snapshot().forEach((k, v) -> all.put("netlink." + k, v));
        socket.counters().forEach((k, v) -> all.put("socket." + k, v));
        kernelWriter.counters().forEach((k, v) -> all.put("kernel." + k, v));
        counters.forEach((k, v) -> all.put("daemon." + k, v));
        Map<String, Long> auth = new TreeMap<>(retiredAuthCounters);
        auths.values().forEach(a -> a.authenticator().counters().snapshot().forEach((k, v) -> auth.merge(k, v,
                Long::sum)));
        auth.forEach((k, v) -> all.put("auth." + k, v));
        if (control != null) {
            all.putAll(control.counters().snapshot());
        }
        if (extensions != null) {
            all.putAll(extensions.counters());
        }
        if (poller != null) {
            ioCounters.snapshot().forEach((k, v) -> all.put("io." + k, v));
        }
        if (extensionControls.sectionErrors() > 0) {
            all.put("control.extension_section_errors", extensionControls.sectionErrors());
        }
        return all;
    }

    /** The kernel routes we installed, by key (for tests and dumps). */
    Map<RouteKey, KernelRoute> installedRoutes() {
        return kernelWriter.installed();
    }

    // ------------------------------------------------------------------------------------------------------

    private InterfaceConfig runningInterface(int ifindex) {
        for (InterfaceConfig ic : tracker.running().values()) {
            if (ic.ifindex() == ifindex) {
                return ic;
            }
        }
        return null;
    }

    private String interfaceName(int ifindex) {
        Link l = tracker.link(ifindex);
        return l == null ? null : l.name();
    }

    private int interfaceIndex(String name) {
        InterfaceConfig ic = tracker.running().get(name);
        if (ic != null) {
            return ic.ifindex();
        }
        Link l = tracker.link(name);
        return l == null ? 0 : l.ifindex();
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    /** The MAC addresses of the configured interfaces first, then of every other one, for the router-id. */
    private List<byte[]> macs(List<Link> links) {
        Set<String> order = new LinkedHashSet<>(tracker.configuredNames());
        links.forEach(l -> order.add(l.name()));
        List<byte[]> out = new ArrayList<>();
        for (String name : order) {
            try {
                NetworkInterface ni = NetworkInterface.getByName(name);
                byte[] mac = ni == null ? null : ni.getHardwareAddress();
                if (mac != null) {
                    out.add(mac);
                }
            } catch (SocketException e) {
                count("mac_unreadable");
            }
        }
        return Collections.unmodifiableList(out);
    }
}
