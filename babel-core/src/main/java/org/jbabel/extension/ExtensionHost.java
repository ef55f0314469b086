package org.jbabel.extension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jbabel.engine.BabelEngine;

/**
 * Runs extensions on one host (the daemon, or one node of the simulator): gives each its {@link ExtensionContext},
 * starts and stops them, and cleans up after them. Owns the node's {@link BabelOrigins}, so extensions and the
 * redistributor originate through handles of their own.
 *
 * <p>Every callback into an extension (timers, receivers, observers) is guarded: an exception is logged with its
 * stack trace and counted ({@code NAME.callback_error}), and the extension goes on; an {@link Error} is rethrown
 * (the daemon treats it as fatal).
 */
public final class ExtensionHost {

    /** At most one log line per bound's refusal counter this often ({@link ExtensionContext.Counters#limit}). */
    static final long LIMIT_LOG_INTERVAL = 20_000_000_000L;

    private final HostPlatform platform;
    private final BabelOrigins origins;
    private final Map<String, Hosted> hosted = new LinkedHashMap<>();
    private List<NetInterface> lastInterfaces = List.of();

    public ExtensionHost(HostPlatform platform, BabelEngine engine) {
        this.platform = Objects.requireNonNull(platform);
        this.origins = new BabelOrigins(engine, platform::now, platform::onHostThread, platform::engineTurn);
    }

    /** The node's originations: a handle for an owner that is not an extension (the redistributor). */
    public BabelOrigins origins() {
        return origins;
    }

    /** Adds an extension under its name (unique); it starts with {@link #startAll}. */
    public void add(String name, Extension extension) {
        if (hosted.containsKey(name)) {
            throw new IllegalArgumentException("extension '" + name + "' added twice");
        }
        hosted.put(name, new Hosted(name, extension));
    }

    /** The names of the hosted extensions, in the order they were added. */
    public Set<String> names() {
        return hosted.keySet();
    }

    /**
     * Starts every extension in order. When one fails, the ones already started are stopped again and the failure
     * is thrown, naming the extension.
     */
    public void startAll() throws IOException {
        lastInterfaces = platform.interfaces();
        List<Hosted> started = new ArrayList<>();
        for (Hosted h : hosted.values()) {
            try {
                h.extension.start(h);
                h.running = true;
                started.add(h);
            } catch (Exception e) {
                h.cleanUp();
                for (int i = started.size() - 1; i >= 0; i--) {
                    started.get(i).stop();
                }
                throw new IOException("extension " + h.name + " failed to start: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Stops every running extension, in reverse order: its {@link Extension#stop}, then its remaining routes
     * withdrawn, its timers cancelled and its sockets and devices closed.
     */
    public void stopAll() {
        List<Hosted> all = new ArrayList<>(hosted.values());
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop();
        }
    }

    /** Babel's interfaces may have changed: observers get each interface that changed. */
    public void interfacesChanged() {
        List<NetInterface> now = platform.interfaces();
        Map<String, NetInterface> before = new TreeMap<>();
        lastInterfaces.forEach(i -> before.put(i.name(), i));
        List<NetInterface> changed = new ArrayList<>();
        for (NetInterface i : now) {
            if (!i.equals(before.remove(i.name()))) {
                changed.add(i);
            }
        }
        for (NetInterface gone : before.values()) {
            changed.add(new NetInterface(gone.name(), gone.ifindex(), false, null, List.of()));
        }
        lastInterfaces = now;
        if (!changed.isEmpty()) {
            for (Hosted h : hosted.values()) {
                if (h.running) {
                    changed.forEach(h::interfaceChanged);
                }
            }
        }
    }

    /** Every extension's counters, as {@code NAME.counter}. */
    public Map<String, Long> counters() {
        Map<String, Long> all = new TreeMap<>();
        for (Hosted h : hosted.values()) {
            h.counters.forEach((k, v) -> all.put(h.name + "." + k, v));
        }
        return all;
    }

    /** One extension and its context. */
    private final class Hosted implements ExtensionContext, ExtensionContext.Counters {
        final String name;
        final Extension extension;
        final BabelApi babel;
        final Map<String, Long> counters = new TreeMap<>();
        final Map<String, LimitLine> limits = new HashMap<>();
        final List<AutoCloseable> resources = new ArrayList<>();
        final List<Timer> timers = new ArrayList<>();
        final List<Consumer<NetInterface>> interfaceObservers = new CopyOnWriteArrayList<>();
        final Log log;
        Network network;
        KernelAccess kernel;
        ControlRegistry control;
        boolean running;

        Hosted(String name, Extension extension) {
            this.name = name;
            this.extension = extension;
            this.babel = origins.handle(name);
            this.log = platform.log(name);
        }

        void stop() {
            if (!running) {
                return;
            }
            running = false;
            try {
                extension.stop();
            } catch (RuntimeException e) {
                log.error("stop failed", e);
                increment("callback_error");
            }
            cleanUp();
        }

        void cleanUp() {
            origins.withdrawAll(name);
            timers.forEach(Timer::cancel);
            timers.clear();
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    log.error("closing " + resources.get(i) + " failed", e);
                }
            }
            resources.clear();
            interfaceObservers.clear();
        }

        void interfaceChanged(NetInterface i) {
            for (Consumer<NetInterface> o : interfaceObservers) {
                guard(() -> o.accept(i));
            }
        }

        /** Runs a callback into the extension; an exception is logged and counted, an Error is not caught. */
        void guard(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                increment("callback_error");
                log.error("callback failed", e);
            }
            // what the callback changed (routes, its control sections) goes out with the next turn
            platform.engineTurn();
        }

        /** Datagrams the platform does not admit (unauthenticated, docs/AUTH.md) are counted and dropped. */
        Consumer<Network.Datagram> admitted(Consumer<Network.Datagram> receiver) {
            return d -> {
                if (platform.admits(d.ifindex(), d.source())) {
                    receiver.accept(d);
                } else {
                    increment("unauthenticated_dropped");
                }
            };
        }

        <T> Consumer<T> guarded(Consumer<T> receiver) {
            return item -> {
                if (running) {
                    guard(() -> receiver.accept(item));
                }
            };
        }

        void checkThread() {
            if (!platform.onHostThread()) {
                throw new IllegalStateException("extension '" + name + "' called its context from thread '"
                        + Thread.currentThread().getName() + "': only the host's thread may (use execute)");
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public BabelApi babel() {
            checkThread();
            return babel;
        }

        @Override
        public long now() {
            checkThread();
            return platform.now();
        }

        @Override
        public Timer schedule(long delayNanos, Runnable task) {
            checkThread();
            Timer[] self = new Timer[1];
            Timer t = platform.schedule(Math.max(0, delayNanos), () -> {
                timers.remove(self[0]);
                if (running) {
                    guard(task);
                }
            });
            self[0] = t;
            timers.add(t);
            return () -> {
                t.cancel();
                timers.remove(t);
            };
        }

        @Override
        public Timer every(long initialDelayNanos, long periodNanos, Runnable task) {
            checkThread();
            if (periodNanos <= 0) {
                throw new IllegalArgumentException("period must be positive: " + periodNanos);
            }
            Timer[] current = new Timer[1];
            boolean[] cancelled = new boolean[1];
            Runnable[] step = new Runnable[1];
            step[0] = () -> {
                if (!cancelled[0] && running) {
                    current[0] = schedule(periodNanos, step[0]);
                    task.run();
                }
            };
            current[0] = schedule(initialDelayNanos, step[0]);
            return () -> {
                cancelled[0] = true;
                current[0].cancel();
            };
        }

        @Override
        public void execute(Runnable task) {
            platform.execute(() -> {
                if (running) {
                    guard(task);
                }
            });
        }

        @Override
        public List<NetInterface> interfaces() {
            checkThread();
            return platform.interfaces();
        }

        @Override
        public BabelApi.Subscription onInterfaceChange(Consumer<NetInterface> observer) {
            checkThread();
            interfaceObservers.add(observer);
            return () -> interfaceObservers.remove(observer);
        }

        @Override
        public Network network() {
            checkThread();
            if (network == null) {
                network = new TrackedNetwork(platform.network(name));
            }
            return network;
        }

        @Override
        public KernelAccess kernel() {
            checkThread();
            if (kernel == null) {
                kernel = platform.kernel(name);
            }
            return kernel;
        }

        @Override
        public Counters counters() {
            return this;
        }

        @Override
        public ControlRegistry control() {
            checkThread();
            if (control == null) {
                control = platform.control(name);
            }
            return control;
        }

        @Override
        public Log log() {
            return log;
        }

        @Override
        public void increment(String counter) {
            add(counter, 1);
        }

        @Override
        public void add(String counter, long delta) {
            long total = counters.merge(counter, delta, Long::sum);
            LimitLine line = limits.get(counter);
            if (line != null) {
                line.refused(total);
            }
        }

        @Override
        public void limit(String counter, String description) {
            limits.put(counter, new LimitLine(counter, description));
        }

        /** The rate-limited log line of one bound's refusal counter ({@link Counters#limit}). */
        private final class LimitLine {
            private final String counter;
            private final String description;
            private long reported;
            private long lastLine = Long.MIN_VALUE;

            LimitLine(String counter, String description) {
                this.counter = counter;
                this.description = description;
                this.reported = counters.getOrDefault(counter, 0L);
            }

            void refused(long total) {
                long now = platform.now();
                if (lastLine != Long.MIN_VALUE && now - lastLine < LIMIT_LOG_INTERVAL) {
                    return;
                }
                log.info((total - reported) + " " + description + " [" + counter + " " + total + "]");
                reported = total;
                lastLine = now;
            }
        }

        /** The platform's network, with receivers guarded and everything opened closed at stop. */
        private final class TrackedNetwork implements Network {
            private final Network inner;

            TrackedNetwork(Network inner) {
                this.inner = inner;
            }

            private <T extends AutoCloseable> T track(T resource) {
                resources.add(resource);
                return resource;
            }

            @Override
            public UdpSocket udp(UdpSocket.Options options, Consumer<Datagram> receiver) throws IOException {
                checkThread();
                return track(inner.udp(options, guarded(admitted(receiver))));
            }

            @Override
            public PacketDevice tun(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
                checkThread();
                return track(inner.tun(name, mtu, guarded(receiver)));
            }

            @Override
            public PacketDevice bulkTun(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
                checkThread();
                return track(inner.bulkTun(name, mtu, guarded(receiver)));
            }

            @Override
            public PacketDevice tap(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
                checkThread();
                return track(inner.tap(name, mtu, guarded(receiver)));
            }

            @Override
            public LinkSocket packet(String ifname, int ethertype, byte[] bpfProgram, Consumer<LinkFrame> receiver)
                    throws IOException {
                checkThread();
                return track(inner.packet(ifname, ethertype, bpfProgram, guarded(receiver)));
            }

            @Override
            public UdpSocket icmp6(String ifname, Set<Integer> types, Consumer<Datagram> receiver)
                    throws IOException {
                checkThread();
                return track(inner.icmp6(ifname, types, guarded(receiver)));
            }
        }
    }
}
