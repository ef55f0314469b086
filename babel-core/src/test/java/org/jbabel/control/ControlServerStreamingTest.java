package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import org.jbabel.config.LocalServer;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Answers of any size are streamed: 100,000 routes dumped as text and as JSON through the real server arrive whole
 * and well-formed while the output waiting in the server for the slowly reading client stays under its bound; a
 * client that pipelines dumps and never reads costs no more than that bound.
 */
class ControlServerStreamingTest {

    private static final int ROUTES = 100_000;
    private static final int BOUND = 256 << 10;
    /**
     * What may wait beyond the bound: the chunk that crossed it (with its last line) and netty's bookkeeping of
     * each buffer waiting (some 100 bytes each; measured overshoot: under 21 KiB).
     */
    private static final int SLACK = 2 * ControlServer.CHUNK;
    private static StateSnapshot big;

    private final Fixtures.FakeTarget target = new Fixtures.FakeTarget();
    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private ControlServer server;

    @BeforeAll
    static void table() {
        RouteEntry r = Fixtures.ROUTE_SS;
        List<RouteEntry> routes = new ArrayList<>(ROUTES);
        for (int i = 0; i < ROUTES; i++) {
            Prefix p = Prefix.parse("2001:db8:" + Integer.toHexString(i >> 16) + ":" + Integer.toHexString(i & 0xffff)
                    + "::/64");
            routes.add(new RouteEntry(String.format("%012x", i), p, r.source(), i % 2 == 0, r.routerId(), 96 + i % 100,
                    i % 100, r.via(), r.ifname()));
        }
        big = new StateSnapshot(Fixtures.NODE, List.of(Fixtures.VB), List.of(Fixtures.NEIGHBOUR),
                List.of(Fixtures.XROUTE_V6), routes, new TreeMap<>());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        loop.shutdownNow();
    }

    private void start(Duration idle) throws IOException {
        target.state = big;
        server = ControlServer.start(List.of(LocalServer.tcp(0, false)), target, loop, group,
                new ControlServer.Limits(BOUND, idle, Duration.ofSeconds(60)));
    }

    /** Connects with a small receive buffer, so that the kernel does not absorb what the server would buffer. */
    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 16 << 10);
        ch.connect(server.tcpAddresses().getFirst());
        return ch;
    }

    /** Reads slowly (small reads, a pause after each) until {@code statusLines} lines "ok" came. */
    private static List<String> readSlowly(SocketChannel ch, int statusLines) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8 << 10);
        int oks = 0;
        int last = 0; // the last three bytes read, "\nok" before a newline ends a status line
        while (oks < statusLines) {
            buf.clear();
            int n = ch.read(buf);
            assertThat(n).as("the server closed the connection").isPositive();
            all.write(buf.array(), 0, n);
            for (int i = 0; i < n; i++) {
                byte b = buf.get(i);
                if (b == '\n' && (last & 0xffffff) == (('\n' << 16) | ('o' << 8) | 'k')) {
                    oks++;
                }
                last = (last << 8) | (b & 0xff);
            }
            Thread.sleep(1);
        }
        String text = all.toString(StandardCharsets.UTF_8);
        return List.of(text.substring(0, text.length() - 1).split("\n", -1));
    }

    private static void send(SocketChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Test
    void dumpOf100000RoutesAsTextAndAsJsonArrivesWholeWhileLittleWaitsInTheServer() throws Exception {
        start(Duration.ofMinutes(30));
        try (SocketChannel ch = connect()) {
            send(ch, "dump\ndump json\n");
            List<String> lines = readSlowly(ch, 3);

            assertThat(lines.subList(0, 5)).containsExactly("BABEL 1.0", "version jbabel-0.1.0", "host node-b",
                    "my-id 02:00:00:ff:fe:00:00:0b", "ok");
            List<String> text = lines.subList(5, 5 + 3 + ROUTES);
            assertThat(text).containsExactlyElementsOf(BabeldText.dump(big));
            assertThat(lines.get(5 + 3 + ROUTES)).isEqualTo("ok");
            for (int i = 0; i < text.size(); i += 997) {
                assertThat(BabeldText.format(BabeldText.parse(text.get(i)))).isEqualTo(text.get(i));
            }

            String json = lines.get(5 + 3 + ROUTES + 1);
            JsonNode dump = new ObjectMapper().readTree(json);
            assertThat(dump.get("babel-routes")).hasSize(ROUTES);
            assertThat(dump.get("babel-routes").get(ROUTES - 1).get("id").asText())
                    .isEqualTo(String.format("%012x", ROUTES - 1));
            assertThat(dump.get("babel-neighbors")).hasSize(1);
            assertThat(json).isEqualTo(new ObjectMapper().writeValueAsString(dump));
            assertThat(lines.getLast()).isEqualTo("ok");
            assertThat(lines).hasSize(5 + 3 + ROUTES + 1 + 2);
        }
        assertThat(server.peakPendingOutput()).as("output waiting in the server for the client")
                .isPositive().isLessThanOrEqualTo(BOUND + SLACK);
    }

    @Test
    void aClientThatPipelinesDumpsAndNeverReadsCostsTheBoundAndIsClosedWhenIdle() throws Exception {
        start(Duration.ofMillis(500));
        java.util.concurrent.atomic.AtomicInteger snapshots = new java.util.concurrent.atomic.AtomicInteger();
        server.close();
        ControlTarget counting = new ControlTarget() {
            @Override
            public StateSnapshot snapshot() {
                snapshots.incrementAndGet();
                return big;
            }

            @Override
            public Result apply(org.jbabel.config.RuntimeStatement statement) {
                return Result.OK;
            }
        };
        server = ControlServer.start(List.of(LocalServer.tcp(0, false)), counting, loop, group,
                new ControlServer.Limits(BOUND, Duration.ofMillis(500), Duration.ofSeconds(60)));
        long sent = 0;
        try (SocketChannel ch = connect()) {
            ch.configureBlocking(false);
            ByteBuffer requests = ByteBuffer.wrap("dump json\n".repeat(200_000).getBytes(StandardCharsets.US_ASCII));
            // 200,000 requests, as many as the kernel's buffers take before the server stops reading
            for (int stalls = 0; requests.hasRemaining() && stalls < 100; ) {
                int n = ch.write(requests);
                sent += n;
                if (n == 0) {
                    stalls++;
                    Thread.sleep(5);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.counters().get(ControlCounters.IDLE_CLIENTS) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(server.counters().get(ControlCounters.IDLE_CLIENTS)).as("closed when idle").isEqualTo(1);
        }
        assertThat(sent).as("bytes of requests sent").isPositive();
        assertThat(snapshots.get()).as("snapshots taken: dumps started (banner included)").isLessThanOrEqualTo(2);
        assertThat(server.peakPendingOutput()).as("output waiting in the server for the client")
                .isPositive().isLessThanOrEqualTo(BOUND + SLACK);
        assertThat(server.counters().get(ControlCounters.INTERNAL_ERRORS)).isZero();
    }
}
