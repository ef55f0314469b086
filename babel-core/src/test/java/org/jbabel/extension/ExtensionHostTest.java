package org.jbabel.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.jbabel.engine.Action;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineConfig;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;

/** The extension host on a manual platform: owners, turns on call, thread checks, life cycle and clean-up. */
class ExtensionHostTest {

    private static final RouteKey EXIT = RouteKey.of(Prefix.parse("64:ff9b::/96"));

    /** A single-threaded platform with a manual clock; the "host thread" is the test's thread. */
    static final class ManualPlatform implements HostPlatform {
        long now = 1_000_000_000L;
        int turns;
        final List<String> log = new ArrayList<>();
        final List<AutoCloseable> opened = new ArrayList<>();
        final PriorityQueue<Task> tasks = new PriorityQueue<>();
        List<NetInterface> interfaces = List.of(new NetInterface("eth0", 2, true, null, List.of()));
        final Thread host = Thread.currentThread();
        long sequence;

        record Task(long at, long seq, Runnable run, boolean[] cancelled) implements Comparable<Task> {
            @Override
            public int compareTo(Task o) {
                return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
            }
        }

        void advance(long nanos) {
            long until = now + nanos;
            while (!tasks.isEmpty() && tasks.peek().at() <= until) {
                Task t = tasks.poll();
                now = Math.max(now, t.at());
                if (!t.cancelled()[0]) {
                    t.run().run();
                }
            }
            now = until;
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public ExtensionContext.Timer schedule(long delayNanos, Runnable task) {
            boolean[] cancelled = new boolean[1];
            tasks.add(new Task(now + delayNanos, sequence++, task, cancelled));
            return () -> cancelled[0] = true;
        }

        @Override
        public void execute(Runnable task) {
            schedule(0, task);
        }

        @Override
        public boolean onHostThread() {
            return Thread.currentThread() == host;
        }

        @Override
        public void engineTurn() {
            turns++;
        }

        @Override
        public List<NetInterface> interfaces() {
            return interfaces;
        }

        @Override
        public Network network(String extension) {
            return new Network() {
                @Override
                public UdpSocket udp(UdpSocket.Options options, Consumer<Datagram> receiver) {
                    UdpSocket s = new UdpSocket() {
                        @Override
                        public void join(org.jbabel.wire.IpAddress group, int ifindex) {}

                        @Override
                        public void leave(org.jbabel.wire.IpAddress group, int ifindex) {}

                        @Override
                        public boolean send(org.jbabel.wire.IpAddress d, int port, int ifindex, byte[] data) {
                            return true;
                        }

                        @Override
                        public int localPort() {
                            return options.port();
                        }

                        @Override
                        public void close() {
                            log.add("closed udp " + options.port());
                        }
                    };
                    opened.add(s);
                    return s;
                }

                @Override
                public PacketDevice tun(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
                    throw new IOException("no tun here");
                }

                @Override
                public PacketDevice tap(String name, int mtu, Consumer<byte[]> receiver) throws IOException {
                    throw new IOException("no tap here");
                }

                @Override
                public LinkSocket packet(String i, int e, byte[] bpf, Consumer<LinkFrame> r) throws IOException {
                    throw new IOException("no packet sockets here");
                }

                @Override
                public UdpSocket icmp6(String i, Set<Integer> t, Consumer<Datagram> r) throws IOException {
                    throw new IOException("no icmp6 here");
                }
            };
        }

        @Override
        public KernelAccess kernel(String extension) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ControlRegistry control(String extension) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ExtensionContext.Log log(String extension) {
            return new ExtensionContext.Log() {
                @Override
                public void info(String message) {
                    log.add(extension + ": " + message);
                }

                @Override
                public void debug(String message) {}

                @Override
                public void error(String message, Throwable cause) {
                    log.add(extension + ": " + message + ": " + cause);
                }
            };
        }
    }

    private static BabelEngine engine() {
        return new BabelEngine(new RouterId(0x0200_0000_0000_0001L), 1000, EngineConfig.defaults(), new Random(1));
    }

    /** An extension that does what the test tells it at start. */
    static final class Scripted implements Extension {
        final Consumer<ExtensionContext> onStart;
        ExtensionContext context;
        boolean stopped;

        Scripted(Consumer<ExtensionContext> onStart) {
            this.onStart = onStart;
        }

        @Override
        public void start(ExtensionContext c) {
            context = c;
            onStart.accept(c);
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }

    private static int announcedMetric(BabelEngine engine, RouteKey key) {
        return engine.selectedRoute(key).map(SelectedRoute::metric).orElse(-1);
    }

    @Test
    void severalOwnersOfOneKeyAnnounceTheSmallestMetricAndOneWithdrawKeepsTheOther() throws Exception {
        ManualPlatform p = new ManualPlatform();
        BabelEngine engine = engine();
        ExtensionHost host = new ExtensionHost(p, engine);
        Scripted nat64 = new Scripted(c -> c.babel().originate(EXIT, 300));
        Scripted ddhcp = new Scripted(c -> c.babel().originate(EXIT, 100));
        host.add("nat64", nat64);
        host.add("ddhcp", ddhcp);
        host.startAll();
        assertThat(announcedMetric(engine, EXIT)).isEqualTo(100);

        ddhcp.context.babel().withdraw(EXIT);
        assertThat(announcedMetric(engine, EXIT)).isEqualTo(300);
        ddhcp.context.babel().withdraw(EXIT); // not its own any more: nothing happens
        assertThat(announcedMetric(engine, EXIT)).isEqualTo(300);

        BabelApi redistribution = host.origins().handle("redistribute");
        redistribution.originate(EXIT, 50);
        redistribution.withdraw(EXIT);
        assertThat(announcedMetric(engine, EXIT)).isEqualTo(300);
        nat64.context.babel().withdraw(EXIT);
        assertThat(engine.selectedRoute(EXIT)).isEmpty();
    }

    @Test
    void everyCallThatChangesBabelAsksForAnEngineTurnAtOnce() throws Exception {
        ManualPlatform p = new ManualPlatform();
        BabelEngine engine = engine();
        ExtensionHost host = new ExtensionHost(p, engine);
        Scripted ext = new Scripted(c -> {});
        host.add("x", ext);
        host.startAll();
        int before = p.turns;
        ext.context.babel().originate(EXIT, 10);
        assertThat(p.turns).isEqualTo(before + 1);
        ext.context.babel().withdraw(EXIT);
        assertThat(p.turns).isEqualTo(before + 2);
    }

    @Test
    void anOriginationOrWithdrawalIsDueAtOnceNotAfterTheUrgentDelay() throws Exception {
        ManualPlatform p = new ManualPlatform();
        BabelEngine engine = engine();
        engine.interfaceUp(p.now, org.jbabel.engine.InterfaceConfig.of("eth0", 1,
                org.jbabel.wire.IpAddress.parse("fe80::1"), 1500, org.jbabel.engine.InterfaceType.WIRED));
        engine.tick(p.now);
        engine.pollActions();
        ExtensionHost host = new ExtensionHost(p, engine);
        Scripted ext = new Scripted(c -> {});
        host.add("x", ext);
        host.startAll();
        p.now += 300_000_000L;
        for (boolean originate : new boolean[] {true, false}) {
            engine.tick(p.now); // the engine is up to date: nothing of its own is due now
            engine.pollActions();
            assertThat(engine.nextWakeup()).isGreaterThan(p.now);
            if (originate) {
                ext.context.babel().originate(EXIT, 10);
            } else {
                ext.context.babel().withdraw(EXIT);
            }
            assertThat(engine.nextWakeup()).as("the update is due now").isEqualTo(p.now);
            engine.tick(p.now);
            int metric = originate ? 10 : 0xFFFF;
            assertThat(engine.pollActions()).as("sent in the same instant").anySatisfy(a -> assertThat(a)
                    .isInstanceOfSatisfying(Action.Send.class, s -> assertThat(s.tlvs()).anyMatch(t ->
                            t instanceof org.jbabel.wire.Tlv.Update u && u.prefix().equals(EXIT.prefix())
                                    && u.metric() == metric)));
            p.now += 1_000_000L;
        }
    }

    @Test
    void anOriginateIsStampedWithTheHostsClockSoItsUpdateIsDueWithinTheUrgentDelay() throws Exception {
        ManualPlatform p = new ManualPlatform();
        BabelEngine engine = engine();
        engine.tick(p.now);
        ExtensionHost host = new ExtensionHost(p, engine);
        Scripted ext = new Scripted(c -> {});
        host.add("x", ext);
        host.startAll();
        p.now += 900_000_000L; // long after the engine's last event
        ext.context.babel().originate(EXIT, 10);
        assertThat(engine.now()).isEqualTo(p.now);
        // no interface here, so nothing to send; the engine's clock is what an urgent update is timed from
        assertThat(engine.pollActions()).noneMatch(a -> a instanceof Action.Send);
    }

    @Test
    void callsFromAnotherThreadAreRefusedWithTheExtensionsName() throws Exception {
        ManualPlatform p = new ManualPlatform();
        ExtensionHost host = new ExtensionHost(p, engine());
        Scripted ext = new Scripted(c -> {});
        host.add("mmfd", ext);
        host.startAll();
        BabelApi babel = ext.context.babel();
        List<Throwable> thrown = new ArrayList<>();
        Thread t = new Thread(() -> {
            for (Runnable r : List.<Runnable>of(() -> babel.originate(EXIT, 1), () -> ext.context.now(),
                    () -> ext.context.schedule(1, () -> {}), () -> babel.selectedRoutes())) {
                try {
                    r.run();
                } catch (Throwable e) {
                    thrown.add(e);
                }
            }
            ext.context.execute(() -> babel.originate(EXIT, 1)); // the one way in from another thread
        }, "stranger");
        t.start();
        t.join();
        assertThat(thrown).hasSize(4).allSatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mmfd").hasMessageContaining("stranger"));
        p.advance(0);
        assertThat(host.origins().handle("probe").route(EXIT)).isPresent();
    }

    @Test
    void stopWithdrawsWhatIsLeftCancelsTimersAndClosesSockets() throws Exception {
        ManualPlatform p = new ManualPlatform();
        BabelEngine engine = engine();
        ExtensionHost host = new ExtensionHost(p, engine);
        int[] ticks = new int[1];
        Scripted ext = new Scripted(c -> {
            c.babel().originate(EXIT, 5);
            c.every(1_000, 1_000, () -> ticks[0]++);
            try {
                c.network().udp(UdpSocket.Options.any(27275), d -> {});
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        host.add("x", ext);
        host.startAll();
        p.advance(3_500);
        assertThat(ticks[0]).isEqualTo(3);
        host.stopAll();
        assertThat(ext.stopped).isTrue();
        assertThat(engine.selectedRoute(EXIT)).isEmpty();
        assertThat(p.log).contains("closed udp 27275");
        p.advance(10_000);
        assertThat(ticks[0]).isEqualTo(3);
    }

    @Test
    void aCallbackThatThrowsIsLoggedAndCountedAndTheExtensionGoesOn() throws Exception {
        ManualPlatform p = new ManualPlatform();
        ExtensionHost host = new ExtensionHost(p, engine());
        int[] runs = new int[1];
        host.add("x", new Scripted(c -> c.every(10, 10, () -> {
            runs[0]++;
            throw new IllegalStateException("boom");
        })));
        host.startAll();
        p.advance(35);
        assertThat(runs[0]).isEqualTo(3);
        assertThat(host.counters()).containsEntry("x.callback_error", 3L);
        assertThat(p.log).anyMatch(l -> l.contains("boom"));
    }

    @Test
    void aBoundsRefusalsAreCountedEachAndLoggedAtMostOnceEveryTwentySeconds() throws Exception {
        ManualPlatform p = new ManualPlatform();
        ExtensionHost host = new ExtensionHost(p, engine());
        Scripted ext = new Scripted(c -> c.counters().limit("x_refused", "things refused: the table is full"));
        host.add("x", ext);
        host.startAll();
        ExtensionContext.Counters counters = ext.context.counters();
        for (int second = 0; second < 45; second++) {
            for (int i = 0; i < 100; i++) {
                counters.increment("x_refused");
                counters.increment("x_other");
            }
            p.advance(1_000_000_000L);
        }
        assertThat(host.counters()).containsEntry("x.x_refused", 4_500L);
        assertThat(p.log).containsExactly(
                "x: 1 things refused: the table is full [x_refused 1]",
                "x: 2000 things refused: the table is full [x_refused 2001]",
                "x: 2000 things refused: the table is full [x_refused 4001]");
    }

    @Test
    void aFailedStartStopsTheExtensionsStartedBeforeAndNamesTheOneThatFailed() {
        ManualPlatform p = new ManualPlatform();
        BabelEngine engine = engine();
        ExtensionHost host = new ExtensionHost(p, engine);
        Scripted first = new Scripted(c -> c.babel().originate(EXIT, 5));
        host.add("first", first);
        host.add("second", new Scripted(c -> {
            throw new IllegalArgumentException("no such interface");
        }));
        assertThatThrownBy(host::startAll).isInstanceOf(IOException.class)
                .hasMessageContaining("second").hasMessageContaining("no such interface");
        assertThat(first.stopped).isTrue();
        assertThat(engine.selectedRoute(EXIT)).isEmpty();
    }

    @Test
    void interfaceObserversSeeEachInterfaceThatChanged() throws Exception {
        ManualPlatform p = new ManualPlatform();
        ExtensionHost host = new ExtensionHost(p, engine());
        List<NetInterface> seen = new ArrayList<>();
        host.add("x", new Scripted(c -> c.onInterfaceChange(seen::add)));
        host.startAll();
        host.interfacesChanged();
        assertThat(seen).isEmpty();
        p.interfaces = List.of(new NetInterface("eth0", 2, false, null, List.of()),
                new NetInterface("eth1", 3, true, null, List.of()));
        host.interfacesChanged();
        assertThat(seen).extracting(NetInterface::name).containsExactly("eth0", "eth1");
        p.interfaces = List.of();
        host.interfacesChanged();
        assertThat(seen.subList(2, 4)).allSatisfy(i -> assertThat(i.up()).isFalse());
    }
}
