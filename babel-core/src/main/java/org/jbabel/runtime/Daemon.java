package org.jbabel.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
import org.jbabel.config.DaemonConfig;
import org.jbabel.config.GlobalSettings;
import org.jbabel.control.BabeldText;
import org.jbabel.control.ChangeEvent;
import org.jbabel.control.ControlServer;
import org.jbabel.control.Entry;
import org.jbabel.control.ExtensionControls;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineLimits;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionHost;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.linux.ProcessControl;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.RouterId;

/**
 * jbabeld: the Babel engine, its extensions and the control socket on ONE thread ({@link DaemonLoop}), over a
 * {@link DaemonSystem} (the Linux kernel and sockets, or memory in tests). The work is split along its concerns:
 * {@link EngineDriver} carries out the engine's actions once per turn of the loop and runs its timer,
 * {@link PacketPath} reads, verifies, signs and sends Babel's packets, and {@link KernelEventPump} turns the kernel's
 * notifications into interfaces and redistributed routes. This class starts and stops them.
 *
 * <p>Start-up, as babeld: kernel sysctls, stale routes and rules of protocol 42 removed, the placement of
 * source-specific routes chosen for each family ({@link KernelWriter}), router-id and seqno chosen
 * (state file), interfaces brought up as the kernel shows them, local addresses and kernel routes redistributed,
 * then the extensions started. {@link #stop()} is the clean exit: extensions stopped (their routes withdrawn),
 * goodbye packets, every installed route and rule removed, sysctls restored, state file written.
 */
public final class Daemon {

    /** The version string of the control socket's banner. */
    public static final String VERSION = "jbabel-0.1.0";
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    /**
     * Test only, read at start: {@code loop-oom} or {@code netlink-oom} makes SIGUSR1 exhaust the heap on the
     * daemon's loop or in its netlink reader thread, to prove that an Error is fatal ({@link FatalErrors}). Not
     * reachable from the network; unset, SIGUSR1 dumps the tables as babeld's does.
     */
    static final String FAULT_PROPERTY = "jbabel.test.fault";

    private final DaemonSystem system;
    private final DaemonLog log;
    private final ErrorLog errors;
    private final ExtensionControls extensionControls;
    /** The one thread the daemon's work runs on (the I/O threads hand it what they read). */
    private final DaemonLoop loop;
    /** netty's loop for the control sockets' I/O, made when their first client connects; null until then. */
    private volatile io.netty.channel.EventLoopGroup controlGroup;
    private final RandomGenerator random = SystemRandom.open();
    /** The daemon's own counters ({@code daemon.*}), on the loop. */
    private final Map<String, Long> counters = new TreeMap<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private final Path stateFile;
    private final KernelSetup kernelSetup;
    private final InterfaceTracker tracker;
    private final KernelWriter kernelWriter;
    private final PacketPath packets;
    private final EngineDriver driver;
    private final KernelEventPump kernel;
    private final String fault = System.getProperty(FAULT_PROPERTY, "");
    private final Map<String, Extension> pendingExtensions = new LinkedHashMap<>();
    private DaemonSystem.ExtensionIo extensionIo;
    private ExtensionHost extensions;
    private volatile Transport transport;
    private volatile ControlServer control;
    private volatile boolean stopping;

    private Daemon(DaemonConfig config, DaemonLog log, Function<Fib, PlacementChoice> placements,
            DaemonSystem system) {
        this.system = system;
        this.log = log;
        this.errors = new ErrorLog(log);
        this.extensionControls = new ExtensionControls((what, e) -> errors.report("control: " + what, e));
        GlobalSettings g = config.globals();
        this.loop = new DaemonLoop(log);
        this.stateFile = g.stateFile() == null || g.stateFile().isEmpty() ? null : Path.of(g.stateFile());
        this.kernelSetup = g.skipKernelSetup() ? null : system.kernelSetup();
        this.tracker = new InterfaceTracker(config);
        this.kernelWriter = new KernelWriter(system.fib(), system.rules(), log, new KernelMetric(g.kernelPriority(),
                g.reflectKernelMetric()), g.exportTable(), this::interfaceIndex, placements);
        this.packets = new PacketPath(tracker, random, log, counters, this::deliver);
        this.driver = new EngineDriver(loop, packets, kernelWriter, stateFile, errors, counters, this::turnDone);
        Redistributor redistributor = new Redistributor(config.filters(),
                new HashSet<>(g.effectiveImportTables()), this::interfaceName);
        this.kernel = new KernelEventPump(loop, system.links(), system.fib(), tracker, redistributor, kernelSetup,
                packets, driver, log, counters);
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
     * retraction (docs/EXTENSION-API.md), on the Linux kernel of the calling thread's network namespace.
     *
     * @param extensions the extensions by name, in start order
     * @throws IOException when the UDP port or the control socket cannot be bound, or an extension fails to start
     */
    public static Daemon start(DaemonConfig config, DaemonLog log, Function<Fib, PlacementChoice> placements,
            Map<String, Extension> extensions) throws IOException {
        return start(config, log, placements, extensions, new LinuxSystem());
    }

    /**
     * Starts the daemon on {@code system}, which it closes when it stops (also when the start fails).
     *
     * @throws IOException when the transport or the control socket cannot be bound, or an extension fails to start
     */
    public static Daemon start(DaemonConfig config, DaemonLog log, Function<Fib, PlacementChoice> placements,
            Map<String, Extension> extensions, DaemonSystem system) throws IOException {
        Daemon d;
        try {
            d = new Daemon(config, log, placements, system);
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
        d.pendingExtensions.putAll(extensions);
        GlobalSettings g = config.globals();
        try {
            // Datagrams that arrive before the engine exists are dropped.
            d.transport = system.openTransport(d.loop, g.protocolGroup(), g.protocolPort(), d.packets::received);
            d.packets.attach(d.transport);
            log.info(d.transport.description());
            d.loop.submit(() -> {
                d.startOnLoop();
                return null;
            }).get();
            if (!g.localEndpoints().isEmpty()) {
                // bound now; netty is loaded and serves them once the first client connects (docs/DAEMON.md,
                // "Start-up")
                d.control = ControlServer.startOnDemand(g.localEndpoints(), new DaemonControl(d), d.loop,
                        () -> {
                            prepareNetty(log);
                            d.controlGroup = ControlServer.newGroup();
                            return d.controlGroup;
                        });
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
        d.kernel.startWatching(g.kernelCheckInterval());
        return d;
    }

    /** Completes when the daemon has stopped. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** The node's router-id. */
    public RouterId routerId() {
        return driver.engine().routerId();
    }

    /** babeld's SIGUSR1: the tables, as the control socket's dump lines, into the log. Callable from any thread. */
    public void dumpToLog() {
        if (fault.equals("netlink-oom")) {
            kernel.injectFault();
            return;
        }
        loop.execute(() -> {
            if (fault.equals("loop-oom")) {
                FatalErrors.exhaustHeap();
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
            if (!stopping) {
                kernel.rescan();
            }
        });
    }

    /**
     * The clean exit: extensions stopped, the engine says goodbye (retractions and a short Hello on every
     * interface), every route we installed is removed, sysctls are put back and the state file is written. Waits
     * until it is done. Callable from any thread except the event loop; a second call waits for the first.
     */
    public void stop() {
        synchronized (this) {
            if (stopping) {
                terminated.join();
                return;
            }
            stopping = true;
        }
        kernel.stop();
        try {
            loop.submit(this::shutdownOnLoop).get(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.info("shutdown: " + e);
        }
        finish();
    }

    // ------------------------------------------------------------------------------------------------------
    // Start and stop

    private void startOnLoop() {
        GlobalSettings g = tracker.config().globals();
        if (kernelSetup != null) {
            kernelSetup.start();
            kernelSetup.errors().forEach(e -> log.info("kernel setup: " + e));
        }
        kernelWriter.start();
        List<Link> links = kernel.readLinks();

        StateFile saved = stateFile == null ? null : StateFile.read(stateFile).orElse(null);
        RouterId id = RouterIds.choose(g.routerId(), g.randomId(), saved, macs(links), random);
        boolean sameId = saved != null && (saved.routerId() == null || saved.routerId().equals(id));
        int seqno = sameId ? (saved.seqno() + 1) & 0xFFFF : random.nextInt(0x10000);
        // The table limits are sized for the heap we run with (docs/DAEMON.md, "Memory").
        EngineLimits limits = EngineLimits.forHeap(Runtime.getRuntime().maxMemory());
        BabelEngine engine = new BabelEngine(id, seqno, g.engineConfig().withLimits(limits), random);
        engine.setErrorReporter((what, e) -> errors.report("engine survived an error handling " + what, e));
        log.info("table limits for a heap of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB: " + limits.routes()
                + " routes (" + limits.routesPerNeighbour() + " per neighbour), " + limits.sources() + " sources, "
                + limits.neighbours() + " neighbours (" + limits.neighboursPerInterface() + " per interface)");
        engine.setFilters(System.nanoTime(), tracker.config().filters());
        log.info("router-id " + id + " seqno " + seqno + (sameId ? " (state file)" : ""));
        driver.start(engine, new LimitReporter(limits, log::info));

        extensionIo = system.extensionIo(loop);
        extensions = new ExtensionHost(new DaemonPlatform(loop, log, tracker, driver::queueTurn, extensionIo,
                extensionControls::registry, packets::admits), engine);
        kernel.start(extensions, extensions.origins().handle("redistribute"));
        driver.endOfTurn();
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
    }

    /** On the loop: extensions first, then the engine's goodbye, then our routes out of the kernel. */
    private Void shutdownOnLoop() {
        // Extensions first: their routes are withdrawn before Babel's final wildcard retraction.
        if (extensions != null) {
            extensions.stopAll();
            extensions.names().forEach(extensionControls::remove);
        }
        if (extensionIo != null) {
            extensionIo.close(log);
        }
        driver.shutdown();
        kernelWriter.stop();
        if (kernelSetup != null) {
            kernelSetup.restore();
        }
        return null;
    }

    private void finish() {
        kernel.stop();
        if (control != null) {
            control.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (controlGroup != null) {
            controlGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(STOP_TIMEOUT_MILLIS);
        }
        loop.shutdown(STOP_TIMEOUT_MILLIS);
        system.close();
        log.info("stopped");
        terminated.complete(null);
    }

    private void abort() {
        stopping = true;
        driver.halt();
        if (kernelSetup != null) {
            loop.execute(kernelSetup::restore);
        }
        finish();
    }

    /**
     * After an Error ({@link FatalErrors}), on whichever thread it was caught: nothing more goes to the kernel
     * from the loop, and every route and rule of protocol 42 is removed over the sockets opened at start.
     */
    private void fatalCleanUp() {
        stopping = true;
        driver.halt();
        int removed = system.emergencyFlush(KernelRoute.PROTOCOL_BABEL);
        log.info("removed " + removed + " routes and rules of protocol " + KernelRoute.PROTOCOL_BABEL);
        if (kernelSetup != null) {
            // the loop no longer runs a turn; a sysctl it was writing at this moment is written again here
            kernelSetup.restore();
            log.info("sysctls restored");
        }
    }

    /** A packet the packet path accepted, for the engine. */
    private void deliver(long now, String ifname, IpAddress source, IpAddress destination, Packet packet) {
        if (!stopping) {
            driver.receive(now, ifname, source, destination, packet);
        }
    }

    /** The end of every engine turn: monitors of the control socket hear of changes. */
    private void turnDone() {
        if (control != null) {
            control.stateChanged();
        }
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

    // ------------------------------------------------------------------------------------------------------
    // For the control socket (on the loop)

    BabelEngine engine() {
        return driver.engine();
    }

    InterfaceTracker tracker() {
        return tracker;
    }

    DaemonLog log() {
        return log;
    }

    ErrorLog errors() {
        return errors;
    }

    /** Runs {@code task} on the event loop and waits for its result (for tests, which may not touch the engine). */
    <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The extensions' sections and commands on the control socket. */
    ExtensionControls extensionControls() {
        return extensionControls;
    }

    /** Applies a changed configuration (an interface added or flushed at run time). */
    void reconfigure(DaemonConfig config) {
        kernel.reconfigure(config);
    }

    void setLinkDetect(boolean on) {
        kernel.setLinkDetect(on);
    }

    /** Every counter of the daemon: engine, wire, netlink, socket, kernel routes, control socket. */
    Map<String, Long> allCounters() {
        Map<String, Long> all = new TreeMap<>();
        driver.engine().counters().snapshot().forEach((k, v) -> all.put("engine." + k, v));
        system.counters().forEach((k, v) -> all.put("netlink." + k, v));
        packets.addCounters(all);
        kernelWriter.counters().forEach((k, v) -> all.put("kernel." + k, v));
        counters.forEach((k, v) -> all.put("daemon." + k, v));
        if (control != null) {
            all.putAll(control.counters().snapshot());
        }
        if (extensions != null) {
            all.putAll(extensions.counters());
        }
        if (extensionIo != null) {
            extensionIo.counters().forEach((k, v) -> all.put("io." + k, v));
        }
        if (extensionControls.sectionErrors() > 0) {
            all.put("control.extension_section_errors", extensionControls.sectionErrors());
        }
        return all;
    }

    // ------------------------------------------------------------------------------------------------------

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

    /** The MAC addresses of the configured interfaces first, then of every other one, for the router-id. */
    private List<byte[]> macs(List<Link> links) {
        Set<String> order = new LinkedHashSet<>(tracker.configuredNames());
        links.forEach(l -> order.add(l.name()));
        List<byte[]> out = new ArrayList<>();
        for (String name : order) {
            byte[] mac = system.hardwareAddress(name);
            if (mac != null) {
                out.add(mac);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
