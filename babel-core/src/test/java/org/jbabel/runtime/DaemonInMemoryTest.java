package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jbabel.engine.Time;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.NetInterface;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.LinkKind;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole daemon (engine driver, packet path, kernel event pump, extensions, state file) without root: two
 * daemons on {@link MemorySystem}s joined by an in-memory wire, each installing into its own in-memory kernel.
 */
class DaemonInMemoryTest {

    private static final String[] FAST = {"-C", "default hello-interval 0.2 update-interval 2"};
    private static final Prefix KERNEL_PREFIX = Prefix.parse("2001:db8:a::/48");
    private static final Prefix EXTENSION_PREFIX = Prefix.parse("2001:db8:e::/48");
    private static final IpAddress A_LL = IpAddress.parse("fe80::a");

    @Test
    void routesOfTheKernelAndOfAnExtensionReachThePeersKernelAndLeaveItWhenTheDaemonStops(@TempDir Path dir)
            throws Exception {
        MemorySystem.Wire wire = new MemorySystem.Wire();
        MemorySystem a = new MemorySystem(wire);
        MemorySystem b = new MemorySystem(wire);
        wire.connect(a, a.addInterface("eth0", "fe80::a"), b, b.addInterface("eth0", "fe80::b"));
        int dummy = a.kernel.addLink("dummy0", LinkKind.WIRED, 1500);
        a.kernel.setLinkState(dummy, true, true);
        a.kernel.apply(FibChange.add(new KernelRoute(KERNEL_PREFIX, null, null, dummy, 0, KernelRoute.TABLE_MAIN, 4,
                RouteType.UNICAST, null)));

        AtomicReference<ExtensionContext> context = new AtomicReference<>();
        Extension originator = new Extension() {
            @Override
            public void start(ExtensionContext c) {
                context.set(c);
                c.schedule(Time.millis(50), () -> c.babel().originate(EXTENSION_PREFIX, 0));
            }

            @Override
            public void stop() {}
        };
        Daemon da = Daemon.start(TestConfigs.of(args(dir.resolve("a.state"), "-C",
                "redistribute ip " + KERNEL_PREFIX + " metric 128", "eth0")), DaemonLog.stderr(0),
                fib -> PlacementChoice.plain(), Map.of("originator", originator), a);
        Daemon db = Daemon.start(TestConfigs.of(args(dir.resolve("b.state"), "eth0")), DaemonLog.stderr(0),
                fib -> PlacementChoice.plain(), Map.of(), b);
        try {
            awaitTrue(() -> hasRoute(b, KERNEL_PREFIX) && hasRoute(b, EXTENSION_PREFIX), "B installs both routes");
            for (KernelRoute r : b.babelRoutes()) {
                assertThat(r.nextHop()).isEqualTo(A_LL);
                assertThat(r.ifindex()).isEqualTo(b.kernel.link("eth0").orElseThrow().ifindex());
            }
            assertThat(a.babelRoutes()).as("A installs nothing of its own").noneMatch(
                    r -> r.destination().equals(KERNEL_PREFIX) || r.destination().equals(EXTENSION_PREFIX));
            Map<String, Long> counters = db.onLoop(db::allCounters);
            assertThat(counters).containsKeys("engine.tlv_error", "wire.bad_magic", "kernel.placement_ipv6_none");
            assertThat(counters.get("socket.sent")).as("datagrams B sent over the wire").isPositive();
        } finally {
            da.stop();
        }
        // A's goodbye retracts both routes: B removes them from its kernel, A leaves nothing of protocol 42 behind
        awaitTrue(() -> !hasRoute(b, KERNEL_PREFIX) && !hasRoute(b, EXTENSION_PREFIX), "B drops A's routes");
        assertThat(a.babelRoutes()).isEmpty();
        assertThat(a.closed()).isTrue();
        db.stop();
        assertThat(b.babelRoutes()).isEmpty();
    }

    @Test
    void aLinkTheKernelTakesDownTakesBabelOffTheInterfaceAndTheStateFileKeepsTheRouterId(@TempDir Path dir)
            throws Exception {
        MemorySystem.Wire wire = new MemorySystem.Wire();
        MemorySystem a = new MemorySystem(wire);
        MemorySystem b = new MemorySystem(wire);
        int aEth = a.addInterface("eth0", "fe80::a");
        wire.connect(a, aEth, b, b.addInterface("eth0", "fe80::b"));
        Path state = dir.resolve("a.state");
        Daemon da = Daemon.start(TestConfigs.of(args(state, "eth0")), DaemonLog.stderr(0),
                fib -> PlacementChoice.plain(), Map.of(), a);
        Daemon db = Daemon.start(TestConfigs.of(args(dir.resolve("b.state"), "eth0")), DaemonLog.stderr(0),
                fib -> PlacementChoice.plain(), Map.of(), b);
        RouterId id;
        try {
            awaitTrue(() -> neighbours(db) == 1, "B hears A");
            assertThat(up(da, "eth0")).isTrue();
            a.kernel.setLinkState(aEth, false, false);
            awaitTrue(() -> !up(da, "eth0"), "A takes Babel off eth0 when the kernel says it is down");
            a.kernel.setLinkState(aEth, true, true);
            awaitTrue(() -> up(da, "eth0"), "and back on when it is up again");
            id = da.routerId();
        } finally {
            da.stop();
            db.stop();
        }
        MemorySystem again = new MemorySystem(wire);
        again.addInterface("eth0", "fe80::a");
        Daemon restarted = Daemon.start(TestConfigs.of(args(state, "eth0")), DaemonLog.stderr(0),
                fib -> PlacementChoice.plain(), Map.of(), again);
        try {
            assertThat(restarted.routerId()).as("the router-id kept in the state file").isEqualTo(id);
        } finally {
            restarted.stop();
        }
    }

    @Test
    void changesWhoseNotificationsWereLostAreReadBackAfterTheOverrun(@TempDir Path dir) throws Exception {
        MemorySystem.Wire wire = new MemorySystem.Wire();
        MemorySystem a = new MemorySystem(wire);
        MemorySystem b = new MemorySystem(wire);
        int aEth = a.addInterface("eth0", "fe80::a");
        wire.connect(a, aEth, b, b.addInterface("eth0", "fe80::b"));
        Daemon da = Daemon.start(TestConfigs.of(args(dir.resolve("a.state"), "eth0")), DaemonLog.stderr(0),
                fib -> PlacementChoice.plain(), Map.of(), a);
        try {
            awaitTrue(() -> up(da, "eth0"), "A runs Babel on eth0");
            a.kernel.loseNotifications(true);
            a.kernel.setLinkState(aEth, false, false);
            Thread.sleep(300);
            assertThat(up(da, "eth0")).as("a change nobody was told of").isTrue();
            a.kernel.overrun();
            awaitTrue(() -> !up(da, "eth0"), "after the overrun A reads the links again and takes Babel off eth0");
            a.kernel.setLinkState(aEth, true, true);
            a.kernel.overrun();
            awaitTrue(() -> up(da, "eth0"), "and on again, still without a notification of the change");
        } finally {
            da.stop();
        }
    }

    @Test
    void anInterfaceListensWhileItsLinkLocalIsTentativeAndSendsOnceItIsUsable(@TempDir Path dir) throws Exception {
        MemorySystem.Wire wire = new MemorySystem.Wire();
        MemorySystem a = new MemorySystem(wire);
        MemorySystem b = new MemorySystem(wire);
        int aEth = a.kernel.addLink("eth0", LinkKind.WIRED, 1500);
        a.kernel.setLinkState(aEth, true, true);
        org.jbabel.kernel.InterfaceAddress tentative = a.kernel.addAddress(aEth, A_LL, 64, true);
        wire.connect(a, aEth, b, b.addInterface("eth0", "fe80::b"));
        AtomicReference<ExtensionContext> context = new AtomicReference<>();
        List<NetInterface> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Extension watcher = new Extension() {
            @Override
            public void start(ExtensionContext c) {
                context.set(c);
                c.onInterfaceChange(seen::add);
            }

            @Override
            public void stop() {}
        };
        Daemon da = Daemon.start(TestConfigs.of(args(dir.resolve("a.state"), "eth0")), DaemonLog.stderr(0),
                fib -> PlacementChoice.plain(), Map.of("watcher", watcher), a);
        Daemon db = Daemon.start(TestConfigs.of(args(dir.resolve("b.state"), "-C",
                "redistribute ip " + KERNEL_PREFIX + " metric 128", "eth0")), DaemonLog.stderr(0),
                fib -> PlacementChoice.plain(), Map.of(), b);
        try {
            int bDummy = b.kernel.addLink("dummy0", LinkKind.WIRED, 1500);
            b.kernel.setLinkState(bDummy, true, true);
            b.kernel.apply(FibChange.add(new KernelRoute(KERNEL_PREFIX, null, null, bDummy, 0,
                    KernelRoute.TABLE_MAIN, 4, RouteType.UNICAST, null)));
            awaitTrue(() -> neighbours(da) == 1, "A hears B while its own address is tentative");
            assertThat(up(da, "eth0")).isTrue();
            awaitTrue(() -> counter(da, "daemon.send_tentative") > 0, "A's start-up held back, not sent");
            assertThat(neighbours(db)).as("B has heard nothing of A").isZero();
            assertThat(da.onLoop(() -> context.get().interfaces())).as("extensions see no usable interface yet")
                    .singleElement().satisfies(i -> {
                        assertThat(i.up()).isFalse();
                        assertThat(i.linkLocal()).isNull();
                    });

            a.kernel.finishDad(tentative);
            awaitTrue(() -> neighbours(db) == 1, "B hears A once A's address is usable");
            awaitTrue(() -> seen.stream().anyMatch(i -> i.up() && A_LL.equals(i.linkLocal())),
                    "extensions are told the interface is up with its link-local once it is usable");
            awaitTrue(() -> hasRoute(a, KERNEL_PREFIX), "A installs B's route");
        } finally {
            da.stop();
            db.stop();
        }
    }

    private static String[] args(Path state, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(FAST));
        all.addAll(List.of("-S", state.toString()));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static long counter(Daemon d, String name) {
        try {
            return d.onLoop(d::allCounters).getOrDefault(name, 0L);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean hasRoute(MemorySystem s, Prefix p) {
        return s.babelRoutes().stream().anyMatch(r -> r.destination().equals(p));
    }

    private static int neighbours(Daemon d) {
        try {
            return d.onLoop(() -> d.engine().neighbours().size());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean up(Daemon d, String name) {
        try {
            return d.onLoop(() -> d.engine().interfaces().stream().anyMatch(i -> i.name().equals(name) && i.up()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
