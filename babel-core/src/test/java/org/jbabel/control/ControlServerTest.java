package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jbabel.config.LocalServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {

    private final Fixtures.FakeTarget target = new Fixtures.FakeTarget();
    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ControlServer server;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        loop.shutdownNow();
    }

    private ControlServer start(LocalServer... endpoints) throws IOException {
        server = ControlServer.start(List.of(endpoints), target, loop, group);
        return server;
    }

    private LineClient tcpClient() throws IOException {
        InetSocketAddress a = server.tcpAddresses().getFirst();
        LineClient c = LineClient.tcp(a);
        toClose.add(c);
        return c;
    }

    private LineClient unixClient(Path path) throws IOException {
        LineClient c = new LineClient(UnixDomainSocketAddress.of(path));
        toClose.add(c);
        return c;
    }

    private static List<String> withOk(List<String> lines) {
        List<String> l = new ArrayList<>(lines);
        l.add("ok");
        return l;
    }

    @Test
    void tcpClientGetsBannerDumpAndHalfCloseOnQuit() throws Exception {
        start(LocalServer.tcp(0, false));
        assertThat(server.tcpAddresses().getFirst().getAddress().getHostAddress()).isIn("0:0:0:0:0:0:0:1", "::1");
        LineClient c = tcpClient();
        assertThat(c.untilStatus()).containsExactly(
                "BABEL 1.0", "version jbabel-0.1.0", "host node-b", "my-id 02:00:00:ff:fe:00:00:0b", "ok");
        c.send("dump\n");
        assertThat(c.untilStatus()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
        c.send("quit\n");
        assertThat(c.next()).isEqualTo(LineClient.EOF);
    }

    @Test
    void onAnEpollGroupTcpAndUnixClientsAreServedWithHalfClose() throws Exception {
        assumeTrue(Epoll.isAvailable(), "netty's epoll library does not load here");
        EventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Path path = dir.resolve("epoll.sock");
            server = ControlServer.start(List.of(LocalServer.tcp(0, false), LocalServer.unix(path.toString(), false)),
                    target, loop, epoll);
            for (LineClient c : List.of(tcpClient(), unixClient(path))) {
                assertThat(c.untilStatus()).last().isEqualTo("ok");
                c.send("dump\n");
                assertThat(c.untilStatus()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
                c.send("quit\n");
                assertThat(c.next()).isEqualTo(LineClient.EOF);
            }
        } finally {
            server.close();
            server = null;
            epoll.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void onDemandTheSocketsListenAtOnceAndNettyServesThemFromTheFirstClientOn() throws Exception {
        assumeTrue(Epoll.isAvailable(), "netty's epoll library does not load here");
        java.util.concurrent.atomic.AtomicInteger groups = new java.util.concurrent.atomic.AtomicInteger();
        EventLoopGroup epoll = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Path path = dir.resolve("demand.sock");
            server = ControlServer.startOnDemand(
                    List.of(LocalServer.tcp(0, false), LocalServer.unix(path.toString(), true)), target, loop, () -> {
                        groups.incrementAndGet();
                        return epoll;
                    });
            assertThat(path).exists();
            assertThat(Files.getPosixFilePermissions(path)).as("created 0600")
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(server.tcpAddresses()).hasSize(1);
            Thread.sleep(50);
            assertThat(groups).as("no group before a client").hasValue(0);
            // the first client, on the UNIX socket: it waits in the backlog until netty has taken the sockets over
            LineClient first = unixClient(path);
            assertThat(first.untilStatus()).last().isEqualTo("ok");
            first.send("dump\n");
            assertThat(first.untilStatus()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
            LineClient second = tcpClient();
            assertThat(second.untilStatus()).last().isEqualTo("ok");
            second.send("quit\n");
            assertThat(second.next()).isEqualTo(LineClient.EOF);
            assertThat(groups).as("one group, made for the first client").hasValue(1);
        } finally {
            server.close();
            server = null;
            epoll.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
        assertThat(dir.resolve("demand.sock")).doesNotExist();
    }

    @Test
    void onDemandClosedBeforeAnyClientNeverMakesAGroupAndFreesItsSockets() throws Exception {
        Path path = dir.resolve("never.sock");
        server = ControlServer.startOnDemand(List.of(LocalServer.tcp(0, false), LocalServer.unix(path.toString(),
                false)), target, loop, () -> {
                    throw new AssertionError("no group without a client");
                });
        InetSocketAddress a = server.tcpAddresses().getFirst();
        server.close();
        server = null;
        assertThat(path).doesNotExist();
        // the port is free again
        try (ServerSocketChannel again = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            again.bind(a);
        }
    }

    @Test
    void unixSocketReplacesAStaleFileServesReadWriteAndIsRemovedAtClose() throws Exception {
        Path path = dir.resolve("babel.sock");
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();
        start(LocalServer.unix(path.toString(), true));
        assertThat(Files.getPosixFilePermissions(path)).as("created 0600, whatever the umask")
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).as("no private directory left")
                .containsExactly("babel.sock");
        LineClient c = unixClient(path);
        assertThat(c.untilStatus()).last().isEqualTo("ok");
        c.send("flush interface nosuch\nflush interface vb\ndump\n");
        assertThat(c.untilStatus()).containsExactly("no No such interface");
        assertThat(c.untilStatus()).containsExactly("ok");
        assertThat(c.untilStatus()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
        server.close();
        assertThat(path).doesNotExist();
    }

    @Test
    void aLiveSocketOfAnotherServerIsNotTakenOver() throws Exception {
        Path path = dir.resolve("live.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(path));
            assertThatThrownBy(() -> start(LocalServer.unix(path.toString(), true)))
                    .isInstanceOf(IOException.class).hasMessageContaining("another server");
        }
    }

    @Test
    void aRegularFileAtTheSocketPathIsNotRemoved() throws Exception {
        Path path = dir.resolve("not-a-socket");
        Files.writeString(path, "precious");
        assertThatThrownBy(() -> start(LocalServer.unix(path.toString(), true)))
                .isInstanceOf(IOException.class).hasMessageContaining("not a socket");
        assertThat(path).hasContent("precious");
    }

    @Test
    void aFifthClientWaitsUntilOneOfTheFourLeaves() throws Exception {
        start(LocalServer.tcp(0, false));
        List<LineClient> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            LineClient c = tcpClient();
            assertThat(c.untilStatus()).last().isEqualTo("ok");
            first.add(c);
        }
        LineClient fifth = tcpClient();
        fifth.send("dump\n");
        for (int i = 0; i < 200 && server.counters().get(ControlCounters.CLIENTS_WAITED) == 0; i++) {
            Thread.sleep(10);
        }
        assertThat(server.counters().get(ControlCounters.CLIENTS_WAITED)).isEqualTo(1);
        for (LineClient c : first) {
            c.send("dump\n");
            assertThat(c.untilStatus()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
        }
        assertThat(fifth.hasLine()).isFalse();

        first.getFirst().send("quit\n");
        assertThat(first.getFirst().next()).isEqualTo(LineClient.EOF);
        first.getFirst().close();

        assertThat(fifth.untilStatus()).first().isEqualTo("BABEL 1.0");
        assertThat(fifth.untilStatus()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
    }

    @Test
    void monitorStreamsChangesAfterStateChanged() throws Exception {
        start(LocalServer.tcp(0, false));
        target.state = new StateSnapshot(Fixtures.NODE, List.of(Fixtures.VB), List.of(), List.of(), List.of(),
                new TreeMap<>());
        LineClient c = tcpClient();
        c.untilStatus();
        c.send("monitor\n");
        assertThat(c.untilStatus()).containsExactly(Fixtures.DUMP.getFirst(), "ok");

        target.state = new StateSnapshot(Fixtures.NODE, List.of(Fixtures.VB), List.of(Fixtures.NEIGHBOUR),
                List.of(), List.of(), new TreeMap<>());
        server.stateChanged();
        assertThat(c.next()).isEqualTo(Fixtures.DUMP.get(1));

        target.state = new StateSnapshot(Fixtures.NODE, List.of(InterfaceEntry.down("vb")), List.of(), List.of(),
                List.of(), new TreeMap<>());
        server.stateChanged();
        assertThat(c.next()).isEqualTo("change interface vb up false");
        assertThat(c.next()).isEqualTo(Fixtures.DUMP.get(1).replaceFirst("^add", "flush"));

        c.send("unmonitor\n");
        assertThat(c.untilStatus()).containsExactly("ok");
    }

    @Test
    void monitorStreamsChangesOfExtensionSectionsAndCommandsAreServed() throws Exception {
        java.util.concurrent.ConcurrentHashMap<String, Integer> peers = new java.util.concurrent.ConcurrentHashMap<>();
        peers.put("p1", 1);
        org.jbabel.extension.ControlRegistry mmfd = target.extensions.registry("mmfd");
        mmfd.section("mmfd-neighbour", () -> peers.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> new org.jbabel.extension.ControlRegistry.Item(
                        e.getKey(), java.util.Map.of("seen", e.getValue())))
                .toList());
        mmfd.command("count", "", args -> new org.jbabel.extension.ControlRegistry.Answer(
                String.valueOf(peers.size()), peers.size()));
        start(LocalServer.tcp(0, false));
        target.state = new StateSnapshot(Fixtures.NODE, List.of(Fixtures.VB), List.of(), List.of(), List.of(),
                new TreeMap<>());
        LineClient c = tcpClient();
        c.untilStatus();
        c.send("monitor\n");
        assertThat(c.untilStatus()).containsExactly(Fixtures.DUMP.getFirst(), "add mmfd-neighbour p1 seen 1", "ok");

        peers.put("p1", 2);
        peers.put("p2", 1);
        server.stateChanged();
        assertThat(c.next()).isEqualTo("change mmfd-neighbour p1 seen 2");
        assertThat(c.next()).isEqualTo("add mmfd-neighbour p2 seen 1");
        peers.remove("p1");
        server.stateChanged();
        assertThat(c.next()).isEqualTo("flush mmfd-neighbour p1 seen 2");

        c.send("unmonitor\nmmfd count\nmmfd count json\n");
        assertThat(c.untilStatus()).containsExactly("ok");
        assertThat(c.untilStatus()).containsExactly("1", "ok");
        assertThat(c.untilStatus()).containsExactly("1", "ok");
    }

    @Test
    void garbageIsAnsweredAndTheServerKeepsServing() throws Exception {
        start(LocalServer.tcp(0, true));
        LineClient c = tcpClient();
        c.untilStatus();
        c.send(new byte[] {(byte) 0xc3, (byte) 0x28, 0, '\n', 0x1b, '\n', 'd', 'u', 'm', 'p', '\n'});
        assertThat(c.untilStatus()).containsExactly("bad");
        assertThat(c.untilStatus()).containsExactly("bad");
        assertThat(c.untilStatus()).containsExactlyElementsOf(withOk(Fixtures.DUMP));

        c.send("x".repeat(5000) + "\n");
        assertThat(c.next()).isEqualTo(LineClient.EOF);
        assertThat(server.counters().get(ControlCounters.OVERLONG_LINES)).isEqualTo(1);

        LineClient again = tcpClient();
        assertThat(again.untilStatus()).last().isEqualTo("ok");
        again.send("dump\n");
        assertThat(again.untilStatus()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
    }

    @Test
    void pipelinedRequestsAreAllAnsweredBeforeCloseWhenTheClientStopsSending() throws Exception {
        start(LocalServer.tcp(0, true));
        LineClient c = tcpClient();
        c.send("dump-neighbours\nflush interface nosuch\ninterface vb rxcost 100\ndump\n");
        c.shutdownOutput();
        assertThat(c.untilStatus()).last().isEqualTo("ok");
        assertThat(c.untilStatus()).containsExactly("bad");
        assertThat(c.untilStatus()).containsExactly("no No such interface");
        assertThat(c.untilStatus()).containsExactly("ok");
        assertThat(c.untilStatus()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
        assertThat(c.next()).isEqualTo(LineClient.EOF);
    }

    @Test
    void aMonitoringClientThatStopsReadingIsDisconnected() throws Exception {
        server = ControlServer.start(List.of(LocalServer.tcp(0, false)), target, loop, group,
                new ControlServer.Limits(64 << 10, java.time.Duration.ofMinutes(30), java.time.Duration.ofMillis(50)));
        target.state = StateSnapshot.empty(Fixtures.NODE);
        try (java.nio.channels.SocketChannel silent = java.nio.channels.SocketChannel.open(
                server.tcpAddresses().getFirst())) {
            silent.write(java.nio.ByteBuffer.wrap("monitor\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            List<RouteEntry> routes = new ArrayList<>();
            for (int round = 0; round < 5000 && server.counters().get(ControlCounters.SLOW_CLIENTS) == 0; round++) {
                routes.clear();
                for (int i = 0; i < 500; i++) {
                    RouteEntry r = Fixtures.ROUTE_V4;
                    routes.add(new RouteEntry(Integer.toHexString(i), org.jbabel.wire.Prefix.parse("10.2." + (i >> 8)
                            + "." + (i & 0xff) + "/32"), r.source(), true, r.routerId(), 100 + round % 2, 0, r.via(),
                            r.ifname()));
                }
                target.state = new StateSnapshot(Fixtures.NODE, List.of(), List.of(), List.of(), routes,
                        new TreeMap<>());
                server.stateChanged();
                Thread.sleep(1);
            }
            assertThat(server.counters().get(ControlCounters.SLOW_CLIENTS)).isEqualTo(1);
        }
        LineClient other = tcpClient();
        assertThat(other.untilStatus()).last().isEqualTo("ok");
    }

    @Test
    void tcpAndUnixEndpointsServeTogether() throws Exception {
        Path path = dir.resolve("ro.sock");
        start(LocalServer.tcp(0, true), LocalServer.unix(path.toString(), false));
        LineClient rw = tcpClient();
        LineClient ro = unixClient(path);
        rw.untilStatus();
        ro.untilStatus();
        rw.send("link-detect true\n");
        ro.send("link-detect true\n");
        assertThat(rw.untilStatus()).containsExactly("ok");
        assertThat(ro.untilStatus()).containsExactly("bad");
    }

    @Test
    void beyondFourServedAndSixteenWaitingAConnectionIsClosedAtOnce() throws Exception {
        start(LocalServer.tcp(0, false));
        for (int i = 0; i < ControlServer.MAX_CLIENTS; i++) {
            assertThat(tcpClient().untilStatus()).last().isEqualTo("ok");
        }
        for (int i = 0; i < ControlServer.MAX_WAITING; i++) {
            tcpClient();
        }
        for (int i = 0; i < 200 && server.counters().get(ControlCounters.CLIENTS_WAITED) < ControlServer.MAX_WAITING;
                i++) {
            Thread.sleep(10);
        }
        assertThat(server.counters().get(ControlCounters.CLIENTS_WAITED)).isEqualTo(ControlServer.MAX_WAITING);
        LineClient refused = tcpClient();
        assertThat(refused.next()).isEqualTo(LineClient.EOF);
        assertThat(server.counters().get(ControlCounters.CLIENTS_REFUSED)).isEqualTo(1);
    }
}
