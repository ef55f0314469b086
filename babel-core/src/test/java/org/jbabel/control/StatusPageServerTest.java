package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jbabel.config.LocalServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status page served by the control server on its own port, next to the control socket. */
class StatusPageServerTest {

    private final Fixtures.FakeTarget target = new Fixtures.FakeTarget();
    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private ControlServer server;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        loop.shutdownNow();
    }

    private InetSocketAddress start(Duration httpTimeout) throws Exception {
        server = ControlServer.start(List.of(LocalServer.tcp(0, false), LocalServer.http(0)), target, loop, group,
                new ControlServer.Limits(256 << 10, Duration.ofMinutes(30), Duration.ofSeconds(60), httpTimeout));
        return server.tcpAddresses().get(1);
    }

    @Test
    void aBrowserLikeClientGetsThePageAndTheControlSocketStillSpeaksBabeld() throws Exception {
        InetSocketAddress http = start(Duration.ofSeconds(10));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("http://[::1]:" + http.getPort());
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(base.resolve("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<svg", Fixtures.PEER.toString());
        HttpResponse<String> svg = client.send(HttpRequest.newBuilder(base.resolve("/mesh.svg")).build(),
                HttpResponse.BodyHandlers.ofString());
        StatusPageTest.xml(svg.body());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofString("flush interface vb")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(target.applied).isEmpty();

        try (LineClient babeld = LineClient.tcp(server.tcpAddresses().getFirst())) {
            assertThat(babeld.untilStatus()).first().isEqualTo("BABEL 1.0");
            babeld.send("dump\n");
            assertThat(babeld.untilStatus()).containsAll(Fixtures.DUMP);
        }
    }

    @Test
    void anIdleOrTricklingHttpClientIsClosedAfterTheTimeoutAndCounted() throws Exception {
        InetSocketAddress http = start(Duration.ofMillis(300));
        try (Socket idle = new Socket(http.getAddress(), http.getPort())) {
            idle.setSoTimeout(10_000);
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket trickle = new Socket(http.getAddress(), http.getPort())) {
            trickle.setSoTimeout(100);
            OutputStream out = trickle.getOutputStream();
            InputStream in = trickle.getInputStream();
            boolean closed = false;
            byte[] request = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 200 && !closed; i++) { // 20 s at most; a byte every 100 ms is never idle for 300 ms
                try {
                    out.write(request[Math.min(i, request.length - 1)]);
                    closed = in.read() == -1;
                } catch (java.net.SocketTimeoutException e) {
                    // still open
                } catch (java.io.IOException e) {
                    closed = true; // reset
                }
            }
            assertThat(closed).isTrue();
        }
        assertThat(server.counters().get(ControlCounters.IDLE_CLIENTS)).isEqualTo(2);
    }

    @Test
    void thePageCannotShareTheControlSocketsPort() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("::1"))) {
            port = free.getLocalPort();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ControlServer.startOnDemand(
                List.of(LocalServer.tcp(port, false), LocalServer.http(port)), target, loop, () -> group))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void anOversizedHeadIsAnswered431AndTheConnectionClosed() throws Exception {
        InetSocketAddress http = start(Duration.ofSeconds(10));
        try (Socket s = new Socket(http.getAddress(), http.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: localhost\r\nCookie: " + "c".repeat(9000))
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 431 ");
        }
        assertThat(server.counters().get(ControlCounters.HTTP_OVERSIZED)).isEqualTo(1);
    }
}
