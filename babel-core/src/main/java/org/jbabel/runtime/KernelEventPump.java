package org.jbabel.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jbabel.auth.Authenticator;
import org.jbabel.config.DaemonConfig;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.extension.BabelApi;
import org.jbabel.extension.ExtensionHost;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.KernelEvent;
import org.jbabel.kernel.KernelEvents;
import org.jbabel.kernel.KernelException;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.LinkMonitor;

/**
 * The kernel's side of the daemon: notifications of links, addresses and routes, read by a thread of their own and
 * handed to the event loop in batches, turned into interfaces Babel runs on ({@link InterfaceTracker}) and routes it
 * redistributes ({@link Redistributor}); a full re-read when the notifications were lost (and, babeld's
 * {@code kernel-check-interval}, periodically), and a retry for interfaces still waiting for a link-local address.
 * Everything but the reader thread runs on the loop.
 */
final class KernelEventPump {

    /** How often an interface that is up but has no usable link-local address yet is looked at again. */
    static final Duration LINK_LOCAL_RETRY = Duration.ofSeconds(2);
    /**
     * How soon, and how many times, the addresses are read again when an interface came up without any link-local
     * address: Linux adds a tentative one at once but may announce it only after duplicate address detection.
     */
    static final Duration QUICK_LOOK = Duration.ofMillis(50);
    static final int QUICK_LOOKS = 40;

    private final DaemonLoop loop;
    private final LinkMonitor monitor;
    private final Fib fib;
    private final KernelEvents events;
    private final InterfaceTracker tracker;
    private final Redistributor redistributor;
    private final KernelSetup kernelSetup;
    private final PacketPath packets;
    private final EngineDriver driver;
    private final DaemonLog log;
    private final Map<String, Long> counters;
    private ExtensionHost extensions;
    private BabelApi redistribution;
    private Thread reader;
    private DaemonLoop.Timer linkLocalRetry;
    private DaemonLoop.Timer kernelCheck;
    private DaemonLoop.Timer quickLook;
    private int quickLooksLeft;
    private volatile boolean stopped;
    /** Test only: the reader thread exhausts the heap ({@link Daemon#FAULT_PROPERTY}). */
    private volatile boolean fault;

    /**
     * Subscribes to the kernel's notifications at once, so that what {@link #readLinks} and {@link #start} read
     * afterwards leaves no gap.
     *
     * @param kernelSetup the per-interface sysctls, or null
     */
    KernelEventPump(DaemonLoop loop, LinkMonitor monitor, Fib fib, InterfaceTracker tracker,
            Redistributor redistributor, KernelSetup kernelSetup, PacketPath packets, EngineDriver driver,
            DaemonLog log, Map<String, Long> counters) {
        this.loop = loop;
        this.monitor = monitor;
        this.fib = fib;
        this.events = monitor.subscribe();
        this.tracker = tracker;
        this.redistributor = redistributor;
        this.kernelSetup = kernelSetup;
        this.packets = packets;
        this.driver = driver;
        this.log = log;
        this.counters = counters;
    }

    /** Reads the kernel's links and addresses into the tracker and returns the links (for the router-id). */
    List<Link> readLinks() {
        List<Link> links = monitor.links();
        tracker.reset(links, monitor.addresses());
        return links;
    }

    /**
     * Once the engine runs: Babel comes up on the interfaces, the kernel's routes are redistributed through
     * {@code redistribution}, and extensions hear of interface changes from now on.
     */
    void start(ExtensionHost host, BabelApi redistributionHandle) {
        this.extensions = host;
        this.redistribution = redistributionHandle;
        redistributor.reset(fib.routes(p -> p != KernelRoute.PROTOCOL_BABEL), tracker.addresses());
        applyInterfaces();
        applyRedistribution();
    }

    /** The reader thread and the periodic checks; {@code kernelCheck} zero for none. */
    void startWatching(Duration kernelCheckInterval) {
        linkLocalRetry = loop.scheduleAtFixedRate(this::retryInterfaces,
                LINK_LOCAL_RETRY.toMillis(), LINK_LOCAL_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        long check = kernelCheckInterval.toMillis();
        if (check > 0) {
            kernelCheck = loop.scheduleAtFixedRate(this::rescan, check, check,
                    TimeUnit.MILLISECONDS);
        }
        reader = Thread.ofPlatform().name("jbabeld-netlink").daemon().start(() -> {
            try {
                readEvents();
            } catch (Error e) {
                FatalErrors.report(Thread.currentThread(), e);
            }
        });
    }

    /** Stops listening; callable from any thread. */
    void stop() {
        stopped = true;
        if (linkLocalRetry != null) {
            linkLocalRetry.cancel();
        }
        if (kernelCheck != null) {
            kernelCheck.cancel();
        }
        if (quickLook != null) {
            quickLook.cancel();
        }
        events.close();
        if (reader != null) {
            reader.interrupt();
        }
    }

    /** Test only: makes the reader thread exhaust the heap. */
    void injectFault() {
        fault = true;
    }

    /** Reads interfaces, addresses and routes again (SIGUSR2, lost notifications, kernel-check-interval). */
    void rescan() {
        if (stopped) {
            return;
        }
        try {
            tracker.reset(monitor.links(), monitor.addresses());
            redistributor.reset(fib.routes(p -> p != KernelRoute.PROTOCOL_BABEL), tracker.addresses());
        } catch (KernelException e) {
            counters.merge("kernel_rescan_failed", 1L, Long::sum);
            return;
        }
        applyInterfaces();
        applyRedistribution();
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

    private void onEvents(List<KernelEvent> batch) {
        if (stopped || !driver.running()) {
            return;
        }
        boolean linkChanged = false;
        for (KernelEvent e : batch) {
            switch (e) {
                case KernelEvent.LinkChanged c -> {
                    tracker.linkChanged(c.link());
                    linkChanged = true;
                }
                case KernelEvent.LinkRemoved r -> {
                    tracker.linkRemoved(r.ifindex()); // its interface goes down below
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
                    rescan();
                    return;
                }
            }
        }
        applyInterfaces();
        applyRedistribution();
        // only after a link change: an interface kept without IPv6 must not make every route event re-read links
        if (linkChanged && quickLook == null && tracker.anyWithoutLinkLocal()) {
            quickLooksLeft = QUICK_LOOKS;
            scheduleQuickLook();
        }
    }

    private void scheduleQuickLook() {
        quickLook = loop.schedule(this::lookForLinkLocal, QUICK_LOOK.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Reads links and addresses again (not routes), until every up interface has a link-local address. */
    private void lookForLinkLocal() {
        quickLook = null;
        if (stopped) {
            return;
        }
        try {
            tracker.reset(monitor.links(), monitor.addresses());
        } catch (KernelException e) {
            counters.merge("kernel_rescan_failed", 1L, Long::sum);
            return;
        }
        applyInterfaces();
        if (tracker.anyWithoutLinkLocal() && --quickLooksLeft > 0) {
            scheduleQuickLook();
        }
    }

    private void retryInterfaces() {
        if (!stopped && !tracker.waitingForLinkLocal().isEmpty()) {
            rescan();
        }
    }

    private void applyInterfaces() {
        if (!driver.running()) {
            return;
        }
        long now = System.nanoTime();
        for (InterfaceTracker.Change c : tracker.update()) {
            switch (c) {
                case InterfaceTracker.Change.Up up -> {
                    InterfaceConfig ic = up.config();
                    boolean wasTentative = packets.tentative(ic.ifindex());
                    boolean wasRunning = packets.running(ic.ifindex());
                    Authenticator auth = packets.interfaceUp(ic, up.auth(), up.tentative());
                    if (kernelSetup != null) {
                        kernelSetup.interfaceUp(ic.name());
                    }
                    if (wasTentative && !up.tentative() && wasRunning) {
                        log.info("interface " + ic.name() + ": " + ic.linkLocal() + " usable, sending");
                    } else {
                        log.info("interface " + ic.name() + " up, " + ic.linkLocal()
                                + (ic.ipv4() == null ? "" : " " + ic.ipv4())
                                + (auth == null ? "" : ", " + up.auth().keys().size() + " MAC key(s)")
                                + (up.tentative() ? " (tentative: listening, sending once it is usable)" : ""));
                    }
                    driver.engine().interfaceUp(now, ic);
                    if (wasTentative && !up.tentative() && wasRunning) {
                        driver.engine().interfaceReady(now, ic.name());
                    }
                }
                case InterfaceTracker.Change.Down down -> {
                    log.info("interface " + down.name() + " down");
                    driver.engine().interfaceDown(now, down.name());
                    packets.interfaceDown(down.ifindex());
                }
            }
        }
        if (extensions != null) {
            extensions.interfacesChanged();
        }
        driver.queueTurn();
    }

    private void applyRedistribution() {
        if (redistribution == null) {
            return;
        }
        for (Redistributor.Change c : redistributor.update()) {
            if (c.withdrawn()) {
                redistribution.withdraw(c.key());
            } else {
                redistribution.originate(c.key(), c.metric());
            }
        }
        driver.queueTurn();
    }

    private void readEvents() {
        while (!stopped) {
            if (fault) {
                FatalErrors.exhaustHeap();
            }
            List<KernelEvent> batch;
            try {
                batch = events.poll(Duration.ofSeconds(1));
            } catch (KernelException e) {
                if (stopped) {
                    return;
                }
                batch = List.of(new KernelEvent.Resync());
            }
            if (!batch.isEmpty() && !stopped) {
                List<KernelEvent> b = batch;
                loop.execute(() -> onEvents(b));
            }
        }
    }
}
