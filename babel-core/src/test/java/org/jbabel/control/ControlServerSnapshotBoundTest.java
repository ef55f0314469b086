package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.lang.ref.WeakReference;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jbabel.config.LocalServer;
import org.jbabel.config.RuntimeStatement;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control snapshots are bounded at the global route cap: with a table of 64,880 routes (the daemon's cap for
 * its 64 MiB heap) that changes entirely between any two snapshots, four clients that do not read (two
 * {@code monitor}, two pipelining {@code dump json}) while the state keeps changing never make the server hold
 * more than two snapshots: counted by the server, and proven by the garbage
 * collector (weak references to an entry of every snapshot taken; the flushes of monitor events hold old entries
 * too, so an entry alive means its snapshot's data is).
 */
class ControlServerSnapshotBoundTest {

    private static final int ROUTES = 64_880;
    /** The bound docs/DAEMON.md budgets the heap with (not {@link ControlServer#MAX_SNAPSHOTS}, which it checks). */
    private static final int BOUND = 2;

    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<WeakReference<RouteEntry>> taken = new ArrayList<>();
    private final AtomicInteger generation = new AtomicInteger();
    private ControlServer server;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        loop.shutdownNow();
    }

    /** A new table each time, every route under a new prefix: nothing is shared between two snapshots. */
    private StateSnapshot table() {
        int g = generation.incrementAndGet();
        RouteEntry r = Fixtures.ROUTE_SS;
        List<RouteEntry> routes = new ArrayList<>(ROUTES);
        for (int i = 0; i < ROUTES; i++) {
            Prefix p = Prefix.parse("2001:db8:" + Integer.toHexString(g & 0xffff) + ":" + Integer.toHexString(i)
                    + "::/64");
            routes.add(new RouteEntry(String.format("%012x", ((long) g << 20) + i), p, r.source(), true, r.routerId(),
                    96, 0, r.via(), r.ifname()));
        }
        synchronized (taken) {
            taken.add(new WeakReference<>(routes.getFirst()));
        }
        return new StateSnapshot(Fixtures.NODE, List.of(Fixtures.VB), List.of(Fixtures.NEIGHBOUR), List.of(), routes,
                new TreeMap<>());
    }

    private int alive() {
        for (int k = 0; k < 3; k++) {
            System.gc();
        }
        synchronized (taken) {
            return (int) taken.stream().filter(w -> w.get() != null).count();
        }
    }

    private SocketChannel stalled(String requests) throws Exception {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 16 << 10);
        ch.connect(server.tcpAddresses().getFirst());
        ch.write(ByteBuffer.wrap(requests.getBytes(StandardCharsets.US_ASCII)));
        return ch; // never read
    }

    @Test
    void fourClientsThatDoNotReadHoldNoMoreThanTwoSnapshotsOfAFullTableThatKeepsChanging() throws Exception {
        ControlTarget target = new ControlTarget() {
            @Override
            public StateSnapshot snapshot() {
                return table();
            }

            @Override
            public NodeInfo node() {
                return Fixtures.NODE;
            }

            @Override
            public Result apply(RuntimeStatement statement) {
                return Result.OK;
            }
        };
        server = ControlServer.start(List.of(LocalServer.tcp(0, false)), target, loop, group,
                new ControlServer.Limits(256 << 10, Duration.ofMinutes(30), Duration.ofMinutes(10)));
        List<SocketChannel> clients = new ArrayList<>();
        int maxAlive = 0;
        int maxCounted = 0;
        try {
            // each request after a change, so that none could share the snapshot of another
            for (String requests : List.of("monitor\n", "dump json\n".repeat(50), "monitor json\n",
                    "dump\n".repeat(50))) {
                clients.add(stalled(requests));
                Thread.sleep(100);
                server.stateChanged();
                Thread.sleep(100);
            }
            // the state changes all the time, as in a flood: each change asks for new monitor events
            for (int round = 0; round < 40; round++) {
                server.stateChanged();
                Thread.sleep(50);
                if (round % 8 == 7) {
                    int counted = loop.submit(server::snapshotsAlive).get();
                    maxCounted = Math.max(maxCounted, counted);
                    maxAlive = Math.max(maxAlive, alive());
                }
            }
            assertThat(generation.get()).as("snapshots taken").isGreaterThanOrEqualTo(2);
            assertThat(server.peakPendingOutput()).as("the clients' output reached its bound").isGreaterThan(200 << 10);
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
        System.out.println("BOUND counted " + maxCounted + " alive " + maxAlive + " taken " + generation.get());
        assertThat(maxCounted).as("snapshots the server holds").isBetween(1, BOUND);
        assertThat(maxAlive).as("snapshots alive in the heap").isBetween(1, BOUND);
    }
}
