package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.jbabel.config.LocalServer;
import org.jbabel.config.RuntimeStatement;
import org.jbabel.control.ControlServer;
import org.jbabel.control.ControlTarget;
import org.jbabel.control.ExtensionControls;
import org.jbabel.control.BabeldText;
import org.jbabel.control.InterfaceEntry;
import org.jbabel.control.JsonFormat;
import org.jbabel.control.NeighbourEntry;
import org.jbabel.control.NodeInfo;
import org.jbabel.control.RouteEntry;
import org.jbabel.control.StateSnapshot;
import org.jbabel.control.XrouteEntry;
import org.jbabel.extension.ControlRegistry;
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
    private static final InterfaceEntry VPN =
            new InterfaceEntry("mesh-vpn", true, IpAddress.parse("fe80::ff:fe00:2"), IpAddress.parse("10.1.0.2"));
    private static final NeighbourEntry NEAR = new NeighbourEntry("00000000000a", IpAddress.parse("fe80::2"), "eth0",
            0xffff, 0, 96, 96, new NeighbourEntry.Rtt(12_345, 7), 103);
    private static final NeighbourEntry FAR = new NeighbourEntry("00000000000b",
            IpAddress.parse("fe80::1234:5678:9abc:def0"), "mesh-vpn", 0xff80, 0, 256, 65535, null, 65535);
    private static final List<RouteEntry> ROUTES = List.of(
            route("2001:db8:1234:5678:9abc:def0:1234:0/112", "2001:db8:a::/48", true, 224, 128, NEAR),
            route("10.0.0.0/8", "0.0.0.0/0", false, 65535, 65535, FAR),
            route("::/0", "::/0", true, 96, 0, NEAR));
    private static final StateSnapshot TABLES = new StateSnapshot(NODE, List.of(ETH0, VPN, InterfaceEntry.down("wg0")),
            List.of(NEAR, FAR), List.of(XROUTE), ROUTES, new TreeMap<>());

    private static RouteEntry route(String prefix, String from, boolean installed, int metric, int refmetric,
            NeighbourEntry via) {
        Prefix p = Prefix.parse(prefix);
        Prefix f = Prefix.parse(from);
        return new RouteEntry(RouteEntry.idOf(p, f, via.address(), via.ifname()), p, f, installed,
                RouterId.parse("02:00:00:00:00:00:00:0a"), metric, refmetric, via.address(), via.ifname());
    }

    @TempDir
    Path dir;

    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger snapshots = new AtomicInteger();
    private volatile StateSnapshot state =
            new StateSnapshot(NODE, List.of(ETH0), List.of(), List.of(), List.of(), new TreeMap<>());
    private ControlServer server;
    private final ExtensionControls extensions = new ExtensionControls();
    private final List<ServerSocket> fakes = new ArrayList<>();

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
        // the daemon's loop first: a task of it left over (a client's last answer) must not find netty's loop gone
        loop.shutdown();
        loop.awaitTermination(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        for (ServerSocket f : fakes) {
            f.close();
        }
    }

    /** A scripted control server on [::1] for one client: babeld's banner, then its requests, as recorded. */
    private record Fake(ServerSocket socket, List<String> requests) {
        String port() {
            return String.valueOf(socket.getLocalPort());
        }
    }

    /**
     * A fake control server: each request line (but {@code quit}) is answered with the script's lines for it and
     * its number (1, 2, ...), the status last.
     */
    private Fake fake(BiFunction<String, Integer, List<String>> script) throws IOException {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"));
        fakes.add(s);
        List<String> requests = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (Socket c = s.accept(); OutputStream o = c.getOutputStream(); BufferedReader in =
                    new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                o.write("BABEL 1.0\nversion babeld-1.12.1\nhost h\nmy-id 02:00:00:00:00:00:00:01\nok\n"
                        .getBytes(StandardCharsets.UTF_8));
                for (String l = in.readLine(); l != null && !l.equals("quit"); l = in.readLine()) {
                    requests.add(l);
                    o.write((String.join("\n", script.apply(l, requests.size())) + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the client went away
            }
        });
        return new Fake(s, requests);
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
        Run text = run("ctl", "-G", port, "mmfd", "neighbours", "--text");
        assertThat(text.exit()).isZero();
        assertThat(text.out().lines().toList()).containsExactly("fe80::2 eth0", "fe80::3 eth1");
        assertThat(run("ctl", "-G", port, "mmfd", "neighbours").out().lines().toList())
                .containsExactly("fe80::2", "fe80::3");
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
        Fake babeld = fake((request, n) -> List.of("bad"));
        Run r = run("ctl", "-G", babeld.port(), "dump", "--json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("answered: bad");
        assertThat(babeld.requests()).containsExactly("dump json");
    }

    private static final List<String> ROUTES_TABLE = List.of(
            "PREFIX                                   FROM             METRIC  REFMETRIC  VIA                        INTERFACE  INSTALLED  ROUTER-ID",
            "2001:db8:1234:5678:9abc:def0:1234:0/112  2001:db8:a::/48     224        128  fe80::2                    eth0       yes        02:00:00:00:00:00:00:0a",
            "10.0.0.0/8                               0.0.0.0/0         65535      65535  fe80::1234:5678:9abc:def0  mesh-vpn   no         02:00:00:00:00:00:00:0a",
            "::/0                                     ::/0                 96          0  fe80::2                    eth0       yes        02:00:00:00:00:00:00:0a");
    private static final List<String> NEIGHBOURS_TABLE = List.of(
            "ADDRESS                    INTERFACE  REACH  UREACH  RXCOST  TXCOST     RTT  RTTCOST   COST",
            "fe80::2                    eth0       ffff   0000        96      96  12.345        7    103",
            "fe80::1234:5678:9abc:def0  mesh-vpn   ff80   0000       256   65535       -        -  65535");

    @Test
    void babelsTablesAreAlignedUnderTheirHeadersNumbersToTheRight() throws Exception {
        state = TABLES;
        String port = tcpPort();
        assertThat(run("ctl", "-G", port, "routes").out().lines().toList()).isEqualTo(ROUTES_TABLE);
        assertThat(run("ctl", "-G", port, "neighbours").out().lines().toList()).isEqualTo(NEIGHBOURS_TABLE);
        assertThat(run("ctl", "-G", port, "interfaces").out().lines().toList()).containsExactly(
                "INTERFACE  UP     IPV6             IPV4",
                "eth0       true   fe80::1          -",
                "mesh-vpn   true   fe80::ff:fe00:2  10.1.0.2",
                "wg0        false  -                -");
        assertThat(run("ctl", "-G", port, "xroutes").out().lines().toList()).containsExactly(
                "PREFIX           FROM  METRIC",
                "2001:db8::1/128  ::/0       0");
    }

    @Test
    void withoutARequestItShowsTheNeighboursAndTheRoutesTitled() throws Exception {
        state = TABLES;
        Run r = run("ctl", "-G", tcpPort());
        assertThat(r.exit()).isZero();
        List<String> expected = new ArrayList<>(List.of("neighbours"));
        expected.addAll(NEIGHBOURS_TABLE);
        expected.addAll(List.of("", "routes"));
        expected.addAll(ROUTES_TABLE);
        assertThat(r.out().lines().toList()).isEqualTo(expected);
    }

    @Test
    void anEmptyTableIsItsHeader() throws Exception {
        Run r = run("ctl", "-G", tcpPort(), "routes");
        assertThat(r.out().lines().toList())
                .containsExactly("PREFIX  FROM  METRIC  REFMETRIC  VIA  INTERFACE  INSTALLED  ROUTER-ID");
    }

    @Test
    void jsonPrintsTheServersArraysOfTheTablesAsked() throws Exception {
        state = TABLES;
        String port = tcpPort();
        JsonNode dump = new ObjectMapper().readTree(run("ctl", "-G", port, "dump", "--json").out());
        JsonNode asked = new ObjectMapper().readTree(run("ctl", "-G", port, "routes", "neighbours", "--json").out());
        assertThat(asked.properties()).extracting(Map.Entry::getKey).containsExactly("babel-routes", "babel-neighbors");
        assertThat(asked.get("babel-routes")).isEqualTo(dump.get("babel-routes"));
        assertThat(asked.get("babel-neighbors")).isEqualTo(dump.get("babel-neighbors"));
    }

    @Test
    void againstBabeldTheTablesComeFromItsDumpLinesAndAreTheSame() throws Exception {
        state = TABLES;
        String port = tcpPort();
        List<String> dump = new ArrayList<>(BabeldText.dump(TABLES));
        dump.add(3, "add route 1 prefix nonsense");
        dump.add("ok");
        for (String json : List.of("", "--json")) {
            Fake babeld = fake((request, n) -> request.equals("dump") ? dump : List.of("bad"));
            String[] args = {"ctl", "-G", babeld.port(), "interfaces", "neighbours", "xroutes", "routes", json};
            Run fromText = run(json.isEmpty() ? java.util.Arrays.copyOf(args, args.length - 1) : args);
            args[2] = port;
            Run fromJson = run(json.isEmpty() ? java.util.Arrays.copyOf(args, args.length - 1) : args);
            assertThat(fromText.exit()).isZero();
            assertThat(fromText.out()).isNotBlank().isEqualTo(fromJson.out());
            assertThat(fromText.err()).isEqualTo("jbabel ctl: 1 line(s) of the dump not shown, not read as babeld's: "
                    + "add route 1 prefix nonsense" + System.lineSeparator());
            assertThat(babeld.requests()).containsExactly("dump json", "dump");
        }
    }

    @Test
    void anExtensionsJsonAnswerIsLaidOutAsTables() throws Exception {
        Map<String, Object> clients = ordered("clients", 1, "clientlist", Map.of("52:54:00:aa:bb:cc",
                ordered("interface", "client0", "addresses", Map.of("2001:db8::5", Map.of("state", 1)))));
        extensions.registry("roaming").command("clients", "", args -> new ControlRegistry.Answer("", clients));
        extensions.registry("ddhcp").command("leases", "", args -> new ControlRegistry.Answer("", Map.of(
                "ddhcp_leases", List.of(lease("10.116.224.1", "LEASED", 600), lease("10.116.224.10", "OFFERED", 9)))));
        extensions.registry("mmfd").command("neighbours", "", args -> new ControlRegistry.Answer("",
                Map.of("mmfd_neighbours", List.of())));
        extensions.registry("ddhcp").command("renew", "", args -> new ControlRegistry.Answer("",
                Map.of("ddhcp_renew", Map.of("sent", "RENEWLEASE\u001b[2J for 10.0.0.1"))));
        Map<String, Object> range = ordered("network", "10.0.0.0/24", "in_use", 2,
                "rows", List.of(ordered("index", 0, "state", "OURS"), ordered("index", 12, "state", "CLAIMED")));
        extensions.registry("ddhcp").command("blocks", "", args -> new ControlRegistry.Answer("",
                Map.of("ddhcp_blocks", List.of(range))));
        String port = tcpPort();
        assertThat(run("ctl", "-G", port, "ddhcp", "blocks").out().lines().toList()).containsExactly(
                "ddhcp_blocks",
                "network  10.0.0.0/24",
                "in_use   2",
                "",
                "rows",
                "INDEX  STATE",
                "    0  OURS",
                "   12  CLAIMED");
        assertThat(run("ctl", "-G", port, "roaming", "clients").out().lines().toList()).containsExactly(
                "clients  1",
                "",
                "clientlist",
                "ID                 INTERFACE  ADDRESSES",
                "52:54:00:aa:bb:cc  client0    2001:db8::5(state=1)");
        assertThat(run("ctl", "-G", port, "ddhcp", "leases").out().lines().toList()).containsExactly(
                "ADDRESS        STATE    HARDWARE           SECONDS_LEFT",
                "10.116.224.1   LEASED   52:54:00:12:34:56           600",
                "10.116.224.10  OFFERED  52:54:00:12:34:56             9");
        assertThat(run("ctl", "-G", port, "mmfd", "neighbours").out().lines().toList())
                .containsExactly("mmfd_neighbours  -");
        // a control character from the server never reaches the terminal
        assertThat(run("ctl", "-G", port, "ddhcp", "renew").out().lines().toList())
                .containsExactly("sent  RENEWLEASE?[2J for 10.0.0.1");
    }

    @Test
    void watchPrintsEachRefreshAfterABlankLineUntilTheCount() throws Exception {
        String route = JsonFormat.line(JsonFormat.entry(ROUTES.get(2)));
        Fake server = fake((request, n) -> List.of(n == 1 ? "{\"babel-routes\":[]}"
                : "{\"babel-routes\":[" + route + "]}", "ok"));
        Run r = run("ctl", "-G", server.port(), "watch", "routes", "--interval", "0.05", "--count", "2");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "PREFIX  FROM  METRIC  REFMETRIC  VIA  INTERFACE  INSTALLED  ROUTER-ID",
                "",
                "PREFIX  FROM  METRIC  REFMETRIC  VIA      INTERFACE  INSTALLED  ROUTER-ID",
                "::/0    ::/0      96          0  fe80::2  eth0       yes        02:00:00:00:00:00:00:0a");
        assertThat(server.requests()).containsExactly("dump json", "dump json");
    }

    @Test
    void watchRepeatsAnExtensionsCommandOverOneConnection() throws Exception {
        Fake server = fake((request, n) -> List.of(request.equals("mmfd help json")
                ? "{\"help\":{\"help\":\"h\",\"read-write\":false},\"neighbours\":{\"help\":\"n\",\"read-write\":false}}"
                : "{\"mmfd_neighbours\":[{\"address\":\"fe80::" + n + "\",\"interface\":\"eth0\"}]}", "ok"));
        Run r = run("ctl", "-G", server.port(), "watch", "mmfd", "neighbours", "--interval", "0.01", "--count", "3");
        assertThat(r.out().lines().toList()).containsExactly(
                "ADDRESS  INTERFACE", "fe80::2  eth0", "",
                "ADDRESS  INTERFACE", "fe80::3  eth0", "",
                "ADDRESS  INTERFACE", "fe80::4  eth0");
        assertThat(server.requests()).containsExactly("mmfd help json", "mmfd neighbours json", "mmfd neighbours json",
                "mmfd neighbours json");
    }

    @Test
    void watchRefusesACommandThatChangesSomething() throws Exception {
        extensions.registry("ddhcp").changingCommand("give-back", "give a block back", args -> {
            throw new AssertionError("run by watch");
        });
        Run r = run("ctl", "-G", tcpPort(), "watch", "ddhcp", "give-back", "3");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("'ddhcp give-back' changes something; watch repeats only commands that read");
    }

    @Test
    void anExtensionsHelpIsATableOfItsCommands() throws Exception {
        extensions.registry("ddhcp").changingCommand("give-back", "give a block back", args -> null);
        assertThat(run("ctl", "-G", tcpPort(), "ddhcp").out().lines().toList()).containsExactly(
                "ID         HELP                         READ-WRITE",
                "help       lists the commands of ddhcp  false",
                "give-back  give a block back            true");
    }

    @Test
    void wrongCombinationsAndAnAnswerThatIsNotJsonAreClearErrors() throws Exception {
        assertThat(run("ctl", "watch", "monitor").err()).contains("watch shows tables or an extension's command");
        assertThat(run("ctl", "routes", "--interval", "1").err()).contains("--interval is for watch");
        assertThat(run("ctl", "watch", "--interval", "0").err()).contains("--interval must be more than 0");
        assertThat(run("ctl", "routes", "--text").err()).contains("--text is for an extension's command");
        assertThat(run("ctl", "routes", "--count", "2").err()).contains("--count is for monitor and watch");
        assertThat(run("ctl", "routes", "bogus").err()).contains("give only tables");
        Fake server = fake((request, n) -> List.of("{not json", "ok"));
        Run r = run("ctl", "-G", server.port(), "mmfd", "neighbours");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("jbabel ctl: the answer to 'mmfd neighbours' is not JSON");
    }

    @Test
    void noBuiltInExtensionIsNamedLikeAWordOfTheClient() {
        List<String> words = new ArrayList<>(List.of("dump", "monitor", "watch"));
        for (CtlTables.View v : CtlTables.View.values()) {
            words.add(v.word);
        }
        assertThat(BuiltInExtensions.PROVIDERS).extracting(p -> p.name()).doesNotContainAnyElementsOf(words)
                .contains("mmfd", "roaming", "ddhcp", "nat426", "nat64");
    }

    /** A map of these keys and values, in this order (the order of a table's columns). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> lease(String address, String state, int left) {
        return ordered("address", address, "state", state, "hardware", "52:54:00:12:34:56", "seconds_left", left);
    }
}
