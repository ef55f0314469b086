package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jbabel.config.LocalServer;
import org.jbabel.config.RuntimeStatement;
import org.jbabel.control.ControlServer;
import org.jbabel.control.ControlTarget;
import org.jbabel.control.ExtensionControls;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.control.InterfaceEntry;
import org.jbabel.control.NodeInfo;
import org.jbabel.control.StateSnapshot;
import org.jbabel.control.XrouteEntry;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CtlCommandTest {
    private static final NodeInfo NODE = new NodeInfo("jbabel-test", "h", RouterId.parse("02:00:00:00:00:00:00:01"));
    private static final InterfaceEntry ETH0 = new InterfaceEntry("eth0", true, IpAddress.parse("fe80::1"), null);
    private static final XrouteEntry XROUTE = new XrouteEntry(Prefix.parse("2001:db8::1/128"), Prefix.parse("::/0"), 0);

    @TempDir
    Path dir;

    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger snapshots = new AtomicInteger();
    private volatile StateSnapshot state =
            new StateSnapshot(NODE, List.of(ETH0), List.of(), List.of(), List.of(), new TreeMap<>());
    private ControlServer server;
    private final ExtensionControls extensions = new ExtensionControls();

    private final ControlTarget target = new ControlTarget() {
        @Override
        public StateSnapshot snapshot() {
            snapshots.incrementAndGet();
            return state;
        }

        @Override
        public NodeInfo node() {
            return NODE;
        }

        @Override
        public Result apply(RuntimeStatement statement) {
            return Result.OK;
        }

        @Override
        public ExtensionControls extensions() {
            return extensions;
        }
    };

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        loop.shutdownNow();
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String tcpPort() throws IOException {
        server = ControlServer.start(List.of(LocalServer.tcp(0, false)), target, loop, group);
        return String.valueOf(server.tcpAddresses().getFirst().getPort());
    }

    @Test
    void dumpPrintsTheDumpLinesOnly() throws Exception {
        Run r = run("ctl", "-G", tcpPort(), "dump");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).containsExactly("add interface eth0 up true ipv6 fe80::1");
    }

    @Test
    void anExtensionCommandPrintsItsAnswerInTextOrJson() throws Exception {
        extensions.registry("mmfd").command("neighbours", "the neighbours", args -> args.isEmpty()
                ? new ControlRegistry.Answer("fe80::2 eth0\nfe80::3 eth1\n", List.of("fe80::2", "fe80::3"))
                : new ControlRegistry.Answer(String.join(",", args), Map.of("args", args)));
        String port = tcpPort();
        Run text = run("ctl", "-G", port, "mmfd", "neighbours");
        assertThat(text.exit()).isZero();
        assertThat(text.out().lines().toList()).containsExactly("fe80::2 eth0", "fe80::3 eth1");
        Run json = run("ctl", "-G", port, "mmfd", "neighbours", "--json");
        assertThat(json.exit()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).toString()).isEqualTo("[\"fe80::2\",\"fe80::3\"]");
        Run args = run("ctl", "-G", port, "mmfd", "neighbours", "a", "b", "--json");
        assertThat(new ObjectMapper().readTree(args.out()).toString()).isEqualTo("{\"args\":[\"a\",\"b\"]}");
    }

    @Test
    void anExtensionErrorExitsWithOneAndSaysWhy() throws Exception {
        extensions.registry("mmfd").command("neighbours", "", args -> {
            throw new IllegalArgumentException("bad address " + args.getFirst());
        });
        String port = tcpPort();
        Run refused = run("ctl", "-G", port, "mmfd", "neighbours", "x");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("answered: no bad address x");
        Run unknown = run("ctl", "-G", port, "mmfd", "frobnicate");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no unknown command 'frobnicate'");
        Run notRunning = run("ctl", "-G", port, "ddhcp", "blocks");
        assertThat(notRunning.err()).contains("no extension 'ddhcp' is not running");
        assertThat(run("ctl", "-G", port, "dump", "x").err()).contains("'dump' takes no arguments");
        assertThat(run("ctl", "-G", port, "mmfd", "a b").err()).contains("one word");
    }

    @Test
    void dumpJsonOverAUnixSocket() throws Exception {
        Path path = dir.resolve("c.sock");
        server = ControlServer.start(List.of(LocalServer.unix(path.toString(), false)), target, loop, group);
        Run r = run("ctl", "--socket", path.toString(), "dump", "--json");
        assertThat(r.exit()).isZero();
        JsonNode d = new ObjectMapper().readTree(r.out());
        assertThat(d.get("babel-interfaces").get(0).get("babel-interface-reference").asText()).isEqualTo("eth0");
    }

    @Test
    void monitorPrintsTheDumpThenEventsUntilTheCount() throws Exception {
        String port = tcpPort();
        CompletableFuture<Run> ctl = CompletableFuture.supplyAsync(() -> run("ctl", "-G", port, "monitor", "--count", "1"));
        for (int i = 0; i < 1000 && snapshots.get() == 0; i++) {
            Thread.sleep(10);
        }
        state = new StateSnapshot(NODE, List.of(ETH0), List.of(), List.of(XROUTE), List.of(), new TreeMap<>());
        server.stateChanged();
        Run r = ctl.get(20, TimeUnit.SECONDS);
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).containsExactly("add interface eth0 up true ipv6 fe80::1",
                "add xroute 2001:db8::1/128-::/0 prefix 2001:db8::1/128 from ::/0 metric 0");
    }

    @Test
    void monitorStopsAfterTheDuration() throws Exception {
        Run r = run("ctl", "-G", tcpPort(), "monitor", "--json", "--duration", "0.3");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).hasSize(1).first().asString().startsWith("{");
    }

    @Test
    void noServerIsAClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            port = s.getLocalPort();
        }
        Run r = run("ctl", "-G", String.valueOf(port), "dump");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("jbabel ctl: cannot connect to [::1]:" + port);
    }

    @Test
    void aRefusedRequestIsReportedWithTheAnswer() throws Exception {
        // an older babeld answers "bad" to "dump json"
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            CompletableFuture<Void> fake = CompletableFuture.runAsync(() -> {
                try (Socket c = s.accept(); OutputStream o = c.getOutputStream()) {
                    o.write("BABEL 1.0\nversion babeld-1.12.1\nhost h\nmy-id 02:00:00:00:00:00:00:01\nok\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    c.getInputStream().read(new byte[64]);
                    o.write("bad\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Run r = run("ctl", "-G", String.valueOf(s.getLocalPort()), "dump", "--json");
            fake.get(20, TimeUnit.SECONDS);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("answered: bad");
        }
    }
}
