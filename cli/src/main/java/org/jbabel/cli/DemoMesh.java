package org.jbabel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jbabel.cli.TextTable.Cell;
import org.jbabel.ddhcp.dhcp.DhcpOptions;
import org.jbabel.extension.UdpSocket;
import org.jbabel.linux.IoCounters;
import org.jbabel.linux.LinuxNetwork;
import org.jbabel.linux.Netns;
import org.jbabel.roaming.l3roamd.NodeClientAddress;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.MacAddress;

/**
 * {@code jbabel demo} as root: a small mesh in network namespaces (docs/DEMO.md). Client nodes A and B (roaming,
 * DDHCP's DHCP side, NAT426 on a client bridge) and the exit E (DDHCP exit, NAT64 to the server namespace S) form a
 * triangle of jbabelds with mmfd; a reference babeld R hangs off A and B when babeld is installed. An IPv6 client
 * (a static address in the client prefix) and an IPv4-only client (a DDHCP lease from {@link DemoDhcpClient}) send
 * a {@link DemoEcho} stream and a {@link DemoTcp} transfer, the IPv6 one to E's loopback, the IPv4 one to S through
 * NAT426 and NAT64, while their links move between A and B. Everything it makes is named {@code jbdemo-PID-...} and
 * removed by {@link #close()}, which the command also runs from a shutdown hook (Ctrl-C, SIGTERM); namespaces a
 * demo left behind (its process gone) are removed before a new one starts.
 */
final class DemoMesh implements AutoCloseable {

    static final String PREFIX = "jbdemo-";
    /** Names of ours: the prefix, the pid of the demo that made it, the node. */
    private static final Pattern OURS = Pattern.compile("(" + PREFIX + "(\\d{1,18})-[a-z0-9]+)\\b");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SERVER4 = "198.51.100.7";
    private static final String EXIT6 = "fd00::3";
    private static final String CLIENT6 = "2001:db8:c::6";
    private static final String GATEWAY4 = "10.116.224.1";
    private static final String METAPREFIX = "fd7a:1:2:3::/64";
    private static final int ECHO_PORT = 7007;
    private static final int TCP_PORT = 7008;
    private static final long PERIOD = TimeUnit.MILLISECONDS.toNanos(25);
    private static final long LOST_AFTER = TimeUnit.SECONDS.toNanos(2);
    private static final long TCP_RATE = 128 * 1024;
    /** Longest waits: for convergence, and for the IPv4 client's lease. */
    private static final long CONVERGE = TimeUnit.SECONDS.toNanos(45);
    private static final long LEASE = TimeUnit.SECONDS.toNanos(30);
    /** A hand-over still unfinished this long after its move failed. */
    static final long HANDOVER_BOUND = TimeUnit.SECONDS.toNanos(10);

    /** A routing daemon of the mesh; {@code peers}: its interfaces to the node at their other end. */
    private record Node(String name, String ns, boolean babeld, Path socket, Map<String, String> peers) {}

    /** A move of a client's link, and when its echo stream was answered again (-1: not yet). */
    private static final class Move {
        final String from;
        final String to;
        final long at;
        long handover = -1;

        Move(String from, String to, long at) {
            this.from = from;
            this.to = to;
            this.at = at;
        }
    }

    /** One of the two clients. */
    private final class Client {
        final String name;
        final String ns;
        final boolean v6;
        final String port;
        final MacAddress mac;
        final List<Move> moves = new ArrayList<>();
        volatile String at;
        volatile String address;
        /** The prefix to follow at the far nodes: its /128, or for the IPv4 client its node-client address. */
        final String route;
        DemoEcho.Stream stream;
        DemoTcp.Source tcp;
        DemoTcp.Sink sink;
        DemoTcp.Result tcpResult;
        DemoDhcpClient dhcp;

        Client(String name, boolean v6, String port, String mac, String at) {
            this.name = name;
            this.ns = tag + "-" + name;
            this.v6 = v6;
            this.port = port;
            this.mac = MacAddress.parse(mac);
            this.at = at;
            this.route = v6 ? CLIENT6 : NodeClientAddress.of(this.mac, NodeClientAddress.DEFAULT_PREFIX).toString();
        }
    }

    private final String tag = PREFIX + ProcessHandle.current().pid();
    private final Path root;
    private final DemoView view;
    private final String babeld;
    private final boolean withBabeld;
    private final double duration;
    private final int movesEach;
    private final long start = System.nanoTime();
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Deque<AutoCloseable> closeables = new ConcurrentLinkedDeque<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Client> clients = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, ObjectNode> dumps = new LinkedHashMap<>();
    private Path dir;
    private volatile String phase = "building";
    private long daemonsStarted;
    private long convergedAt = -1;
    private ScheduledExecutorService dhcpLoop;
    private final Map<String, UdpSocket> sockets = new LinkedHashMap<>();

    /**
     * A demo of {@code duration} seconds of roaming with {@code movesEach} moves per client; {@code root} is the
     * project (for {@code bin/jbabeld.options}); {@code babeld}: the path of babeld, or null for none.
     */
    DemoMesh(Path root, DemoView view, String babeld, double duration, int movesEach) {
        this.root = root;
        this.view = view;
        this.babeld = babeld;
        this.withBabeld = babeld != null;
        this.duration = duration;
        this.movesEach = movesEach;
    }

    /** True when this process may make namespaces: root, and {@code ip netns} works. */
    static boolean available() {
        try {
            return "root".equals(System.getProperty("user.name"))
                    && new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The namespaces of this machine that a demo made ({@code jbdemo-PID-...}). */
    static List<String> ourNamespaces() throws IOException, InterruptedException {
        List<String> ours = new ArrayList<>();
        for (String line : run("ip", "netns", "list").lines().toList()) {
            Matcher m = OURS.matcher(line);
            if (m.lookingAt()) {
                ours.add(m.group(1));
            }
        }
        return ours;
    }

    /** Removes what demos whose process is gone left behind: their processes and namespaces. */
    static void removeLeftovers() throws IOException, InterruptedException {
        for (String ns : ourNamespaces()) {
            Matcher m = OURS.matcher(ns);
            if (m.lookingAt() && !ProcessHandle.of(Long.parseLong(m.group(2))).map(ProcessHandle::isAlive)
                    .orElse(false)) {
                removeNamespace(ns);
            }
        }
    }

    /** Kills what runs in namespace {@code ns} and deletes it. */
    private static void removeNamespace(String ns) throws IOException, InterruptedException {
        for (String pid : runQuietly("ip", "netns", "pids", ns).lines().map(String::trim)
                .filter(l -> l.matches("\\d+")).toList()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
        runQuietly("ip", "netns", "del", ns);
    }

    /** Builds the mesh, runs the demo, fills {@code report}; true when every check held. */
    boolean run(ObjectNode report) throws Exception {
        report.put("mode", "namespaces");
        report.put("babeld", withBabeld);
        dir = Files.createTempDirectory("jbabel-demo");
        build();
        phase = "converging";
        view.event(now(), "mesh built: jbabeld on A, B (client nodes) and E (exit to the server S)"
                + (withBabeld ? ", babeld 1.x on R" : " (no babeld installed: no reference node R)"));
        startDaemons();
        boolean converged = waitUntil(CONVERGE, this::converged);
        report.put("converged", converged);
        if (converged) {
            convergedAt = now();
            report.put("convergedSeconds", seconds(convergedAt - daemonsStarted));
            view.event(now(), String.format(Locale.ROOT, "converged: every node routes to every other node's "
                    + "loopback, A and B to E's NAT64 prefix (%.1f s after the daemons started)",
                    seconds(convergedAt - daemonsStarted)));
        } else {
            view.event(now(), "not converged within " + seconds(CONVERGE) + " s");
            return finish(report);
        }
        startServers();
        startClient6();
        phase = "leasing";
        Client c4 = clients.get(1);
        startDhcp(c4);
        if (!waitUntil(LEASE, () -> c4.stream != null)) {
            view.event(now(), "the IPv4 client got no lease within " + seconds(LEASE) + " s");
            return finish(report);
        }
        phase = "roaming";
        roam();
        return finish(report);
    }

    private long now() {
        return System.nanoTime();
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e8) / 10.0;
    }

    // ---------------------------------------------------------------- building

    private void build() throws Exception {
        for (String n : withBabeld ? List.of("a", "b", "e", "s", "r", "c6", "c4") : List.of("a", "b", "e", "s",
                "c6", "c4")) {
            String ns = tag + "-" + n;
            run("ip", "netns", "add", ns);
            namespaces.add(ns);
            ip(ns, "link", "set", "lo", "up");
        }
        for (String n : List.of("a", "b", "e")) {
            sysctl(ns(n), "net/ipv6/conf/all/accept_dad", "0");
            sysctl(ns(n), "net/ipv6/conf/default/accept_dad", "0");
        }
        link("e", "e-a", "a", "a-e");
        link("e", "e-b", "b", "b-e");
        link("a", "a-b", "b", "b-a");
        if (withBabeld) {
            link("r", "r-a", "a", "a-r");
            link("r", "r-b", "b", "b-r");
        }
        link("e", "wan", "s", "s0");
        ip(ns("s"), "addr", "add", SERVER4 + "/24", "dev", "s0");
        ip(ns("s"), "route", "add", "10.255.0.0/24", "dev", "s0");
        ip(ns("e"), "addr", "add", "198.51.100.1/24", "dev", "wan");
        int k = 1;
        for (String n : List.of("a", "b", "e")) {
            ip(ns(n), "addr", "add", "fd00::" + k++ + "/128", "dev", "lo");
        }
        if (withBabeld) {
            ip(ns("r"), "addr", "add", "fd00::9/128", "dev", "lo");
        }
        k = 1;
        for (String n : List.of("a", "b")) {
            ip(ns(n), "link", "add", "cli", "type", "bridge");
            ip(ns(n), "link", "set", "cli", "up");
            ip(ns(n), "addr", "add", "10.117.0." + k++ + "/32", "dev", "cli");
        }
        clients.add(new Client("c6", true, "v6", "02:de:00:00:00:06", "A"));
        clients.add(new Client("c4", false, "v4", "02:de:00:00:00:04", "B"));
        for (Client c : clients) {
            String node = ns(c.at.toLowerCase(Locale.ROOT));
            run("ip", "link", "add", "c0", "netns", c.ns, "address", c.mac.toString(), "type", "veth", "peer", "name",
                    c.port, "netns", node);
            ip(node, "link", "set", "dev", c.port, "master", "cli");
            ip(node, "link", "set", "dev", c.port, "up");
        }
        Client c6 = clients.get(0);
        sysctl(c6.ns, "net/ipv6/conf/all/accept_dad", "0");
        sysctl(c6.ns, "net/ipv6/conf/default/accept_dad", "0");
        ip(c6.ns, "link", "set", "c0", "up");
        ip(c6.ns, "-6", "addr", "add", CLIENT6 + "/64", "dev", "c0", "nodad");
        ip(c6.ns, "-6", "route", "add", "default", "via", "fe80::1", "dev", "c0");
        c6.address = CLIENT6;
        Client c4 = clients.get(1);
        sysctl(c4.ns, "net/ipv6/conf/all/disable_ipv6", "1");
        sysctl(c4.ns, "net/ipv6/conf/default/disable_ipv6", "1");
        ip(c4.ns, "link", "set", "c0", "up");
        nodes.put("A", new Node("A", ns("a"), false, dir.resolve("a.sock"), peers("a-e", "E", "a-b", "B", "a-r", "R")));
        nodes.put("B", new Node("B", ns("b"), false, dir.resolve("b.sock"), peers("b-e", "E", "b-a", "A", "b-r", "R")));
        nodes.put("E", new Node("E", ns("e"), false, dir.resolve("e.sock"), peers("e-a", "A", "e-b", "B")));
        if (withBabeld) {
            nodes.put("R", new Node("R", ns("r"), true, dir.resolve("r.sock"), peers("r-a", "A", "r-b", "B")));
        }
    }

    private static Map<String, String> peers(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private String ns(String node) {
        return tag + "-" + node;
    }

    private void link(String a, String ifA, String b, String ifB) throws Exception {
        run("ip", "link", "add", ifA, "netns", ns(a), "type", "veth", "peer", "name", ifB, "netns", ns(b));
        ip(ns(a), "link", "set", "dev", ifA, "up");
        ip(ns(b), "link", "set", "dev", ifB, "up");
    }

    /** Writes a sysctl of namespace {@code ns} (from a thread inside it: /proc/sys/net is per namespace). */
    private static void sysctl(String ns, String key, String value) throws Exception {
        Netns.call(ns, () -> {
            Files.writeString(Path.of("/proc/sys", key), value);
            return null;
        });
    }

    private void startDaemons() throws IOException {
        String common = "default hello-interval 1 update-interval 4";
        List<String> clientNode = List.of("-C", "mmfd",
                "-C", "ddhcp client-interface cli range 10.116.224.0/24 block-size 4 router " + GATEWAY4
                        + " exit-range 10.255.0.0/24 lease-time 20",
                "-C", "ddhcp learning false", "-C", "ddhcp tentative-timeout 3",
                "-C", "nat426 client-interface cli metaprefix " + METAPREFIX + " exit-range 10.255.0.0/24");
        List<String> a = new ArrayList<>(List.of("-C", "roaming client-interface cli client-prefix 2001:db8:c::/64 "
                + "node-address fd00::1"));
        a.addAll(clientNode);
        a.addAll(withBabeld ? List.of("a-e", "a-b", "a-r") : List.of("a-e", "a-b"));
        List<String> b = new ArrayList<>(List.of("-C", "roaming client-interface cli client-prefix 2001:db8:c::/64 "
                + "node-address fd00::2"));
        b.addAll(clientNode);
        b.addAll(withBabeld ? List.of("b-e", "b-a", "b-r") : List.of("b-e", "b-a"));
        List<String> e = List.of("-C", "mmfd", "-C", "ddhcp range 10.116.224.0/24 block-size 4 exit-range 10.255.0.0/24",
                "-C", "ddhcp exit", "-C", "ddhcp learning false", "-C", "ddhcp tentative-timeout 3",
                "-C", "nat64 exit uplink wan", "-C", "nat64 metaprefix " + METAPREFIX, "e-a", "e-b");
        List<String> jvm = JbabeldOptions.read(root);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (var n : List.of(Map.entry("A", a), Map.entry("B", b), Map.entry("E", e))) {
            Node node = nodes.get(n.getKey());
            String name = n.getKey().toLowerCase(Locale.ROOT);
            List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", node.ns(), java));
            c.addAll(jvm);
            c.addAll(List.of("-cp", System.getProperty("java.class.path"), Jbabeld.class.getName(),
                    "-I", dir.resolve(name + ".pid").toString(), "-S", dir.resolve(name + ".state").toString(),
                    "-G", node.socket().toString(), "-C", common,
                    "-C", "redistribute local ip fd00::/64 ge 128", "-C", "redistribute local deny"));
            c.addAll(n.getValue());
            start(name, c);
        }
        if (withBabeld) {
            Node r = nodes.get("R");
            start("r", List.of("ip", "netns", "exec", r.ns(), babeld, "-I", dir.resolve("r.pid").toString(),
                    "-S", dir.resolve("r.state").toString(), "-G", r.socket().toString(),
                    "-C", common, "-C", "redistribute local ip fd00::/64 ge 128", "-C", "redistribute local deny",
                    "r-a", "r-b"));
        }
        daemonsStarted = now();
        view.event(now(), "daemons started: " + String.join(", ", nodes.keySet()));
    }

    private void start(String name, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        synchronized (processes) {
            processes.add(p);
        }
    }

    // ---------------------------------------------------------------- state of the mesh

    /** Reads every node's routes over its control socket; a node that does not answer keeps no dump. */
    private void poll() {
        for (Node n : nodes.values()) {
            try (ControlClient c = ControlClient.connect(UnixDomainSocketAddress.of(n.socket()), n.name())) {
                ObjectNode dump;
                if (n.babeld()) {
                    dump = CtlTables.dumpFromText(c.request("dump"), new ArrayList<>());
                } else {
                    List<String> answer = c.request("dump json");
                    dump = answer.size() == 1 && MAPPER.readTree(answer.getFirst()) instanceof ObjectNode o ? o
                            : null;
                }
                c.quit();
                synchronized (dumps) {
                    dumps.put(n.name(), dump);
                }
            } catch (ControlClient.Failure | IOException | RuntimeException e) {
                synchronized (dumps) {
                    dumps.remove(n.name());
                }
            }
        }
    }

    /** The selected routes of a node (empty when it has not answered). */
    private List<JsonNode> selected(String node) {
        ObjectNode d;
        synchronized (dumps) {
            d = dumps.get(node);
        }
        List<JsonNode> routes = new ArrayList<>();
        if (d != null) {
            d.path("babel-routes").forEach(r -> {
                if (r.path("babel-route-selected").asBoolean(false)) {
                    routes.add(r);
                }
            });
        }
        return routes;
    }

    private static String prefix(JsonNode route) {
        return route.path("babel-route-prefix").asText() + "/" + route.path("babel-route-prefix-length").asText();
    }

    /** Every node routes to every other node's loopback; A and B to E's NAT64 prefix. */
    private boolean converged() {
        poll();
        for (Node n : nodes.values()) {
            List<String> prefixes = selected(n.name()).stream().map(DemoMesh::prefix).toList();
            for (Node other : nodes.values()) {
                if (other != n && !prefixes.contains(loopback(other.name()) + "/128")) {
                    return false;
                }
            }
            if ((n.name().equals("A") || n.name().equals("B"))
                    && prefixes.stream().noneMatch(p -> p.startsWith("fd7a:1:2:3:"))) {
                return false;
            }
        }
        return true;
    }

    private static String loopback(String node) {
        return switch (node) {
            case "A" -> "fd00::1";
            case "B" -> "fd00::2";
            case "E" -> "fd00::3";
            default -> "fd00::9";
        };
    }

    /** The interface and neighbour of {@code node}'s selected route to {@code address}/128, as "via X". */
    private String nextHop(String node, String address) {
        String want = IpAddress.parse(address) + "/128";
        Node n = nodes.get(node);
        for (JsonNode r : selected(node)) {
            if (prefix(r).equals(want)) {
                String ifname = r.path("babel-interface-reference").asText();
                return n.peers().getOrDefault(ifname, ifname);
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- servers and clients

    private void startServers() throws Exception {
        String s = ns("s");
        String e = ns("e");
        DatagramChannel echo4 = Netns.call(s, () -> DatagramChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(IpAddress.parse(SERVER4).toInetAddress(), ECHO_PORT)));
        DatagramChannel echo6 = Netns.call(e, () -> DatagramChannel.open(StandardProtocolFamily.INET6)
                .bind(new InetSocketAddress(IpAddress.parse(EXIT6).toInetAddress(), ECHO_PORT)));
        ServerSocketChannel tcp4 = Netns.call(s, () -> ServerSocketChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(IpAddress.parse(SERVER4).toInetAddress(), TCP_PORT)));
        ServerSocketChannel tcp6 = Netns.call(e, () -> ServerSocketChannel.open(StandardProtocolFamily.INET6)
                .bind(new InetSocketAddress(IpAddress.parse(EXIT6).toInetAddress(), TCP_PORT)));
        closeables.addAll(List.of(echo4, echo6, tcp4, tcp6));
        DemoEcho.server(echo4, "demo-echo4");
        DemoEcho.server(echo6, "demo-echo6");
        clients.get(0).sink = new DemoTcp.Sink();
        clients.get(0).sink.serve(tcp6, "demo-sink6");
        clients.get(1).sink = new DemoTcp.Sink();
        clients.get(1).sink.serve(tcp4, "demo-sink4");
    }

    /** The client's echo stream and TCP transfer towards its server, from sockets made in its namespace. */
    private void startTraffic(Client c) throws Exception {
        StandardProtocolFamily family = c.v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        String server = c.v6 ? EXIT6 : SERVER4;
        DatagramChannel udp = Netns.call(c.ns, () -> DatagramChannel.open(family));
        SocketChannel tcp = Netns.call(c.ns, () -> SocketChannel.open(family));
        closeables.add(udp);
        closeables.add(tcp);
        var address = IpAddress.parse(server).toInetAddress();
        c.stream = new DemoEcho.Stream(udp, new InetSocketAddress(address, ECHO_PORT), PERIOD, LOST_AFTER,
                System::nanoTime);
        c.stream.start("demo-" + c.name);
        c.tcp = new DemoTcp.Source(tcp, TCP_RATE);
        c.tcp.start(new InetSocketAddress(address, TCP_PORT), 10_000, "demo-tcp-" + c.name);
        view.event(now(), c.name + " (" + (c.v6 ? "IPv6 " + CLIENT6 + " to E's " + EXIT6 : "IPv4 " + c.address
                + " to S's " + SERVER4 + " through NAT426 and NAT64") + "): echo every "
                + PERIOD / 1_000_000 + " ms and a TCP transfer started");
    }

    private void startClient6() throws Exception {
        startTraffic(clients.get(0));
    }

    /** The IPv4 client's DHCP client: its socket in the client's namespace, its turns on one thread. */
    private void startDhcp(Client c) throws Exception {
        dhcpLoop = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("demo-dhcp")
                .unstarted(r));
        LinuxNetwork net = Netns.call(c.ns, () -> new LinuxNetwork(dhcpLoop, new IoCounters()));
        closeables.add(net);
        DemoDhcpClient.Listener listener = new DemoDhcpClient.Listener() {
            @Override
            public void bound(DemoDhcpClient.Lease lease, boolean renewal) {
                dhcpEvent(c, lease, renewal);
            }

            @Override
            public void lost(String why) {
                view.event(now(), c.name + " lost its lease (" + why + ")");
                try {
                    ip(c.ns, "-4", "addr", "flush", "dev", "c0");
                } catch (Exception e) {
                    view.event(now(), c.name + ": " + e.getMessage());
                }
            }
        };
        c.dhcp = new DemoDhcpClient(c.mac.toBytes(), ThreadLocalRandom.current()::nextInt, listener);
        UdpSocket socket = Netns.call(c.ns, () -> net.udp(new UdpSocket.Options(IpAddress.V4_UNSPECIFIED, 68, "c0", 1,
                false), d -> send(d.sourcePort() == 67 ? c.dhcp.received(System.nanoTime(), d.data()) : List.of(),
                        c)));
        sockets.put(c.name, socket);
        dhcpLoop.scheduleWithFixedDelay(() -> send(c.dhcp.tick(System.nanoTime()), c), 0, 200,
                TimeUnit.MILLISECONDS);
    }

    private void send(List<DemoDhcpClient.Datagram> datagrams, Client c) {
        UdpSocket s = sockets.get(c.name);
        for (DemoDhcpClient.Datagram d : datagrams) {
            if (s != null) {
                s.send(IpAddress.v4(d.destination()), 67, 0, d.data());
            }
        }
    }

    /** A lease was taken: the address goes on the client's link (ip), and its traffic starts with the first one. */
    private void dhcpEvent(Client c, DemoDhcpClient.Lease lease, boolean renewal) {
        if (renewal) {
            view.event(now(), c.name + " renewed its lease of " + lease + " (at " + c.at + ")");
            return;
        }
        try {
            ip(c.ns, "-4", "addr", "flush", "dev", "c0");
            ip(c.ns, "addr", "add", lease.toString(), "dev", "c0");
            if (lease.router() != 0) {
                ip(c.ns, "route", "replace", "default", "via", DhcpOptions.format(lease.router()), "dev", "c0");
            }
            c.address = DhcpOptions.format(lease.address());
            view.event(now(), c.name + " got " + lease + " from DDHCP at " + c.at + ", router "
                    + DhcpOptions.format(lease.router()) + ", " + lease.seconds() + " s lease");
            if (c.stream == null) {
                startTraffic(c);
            }
        } catch (Exception e) {
            view.event(now(), c.name + ": cannot take its lease: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- roaming

    /** The moves, staggered between the two clients, then the traffic's end. */
    private void roam() throws Exception {
        long phaseStart = now();
        long length = Math.round(duration * 1e9);
        long interval = length / (movesEach + 1);
        record Due(long at, Client client) {}
        List<Due> due = new ArrayList<>();
        for (int i = 0; i < movesEach; i++) {
            due.add(new Due(phaseStart + interval * i + interval * 3 / 4, clients.get(0)));
            due.add(new Due(phaseStart + interval * i + interval * 5 / 4, clients.get(1)));
        }
        due.sort(Comparator.comparingLong(Due::at));
        long nextShow = 0;
        while (now() < phaseStart + length) {
            if (!due.isEmpty() && now() >= due.getFirst().at()) {
                move(due.removeFirst().client());
            }
            checkHandovers();
            if (now() >= nextShow) {
                poll();
                view.show(now(), phase, tables(), false);
                nextShow = now() + 1_000_000_000L;
            }
            Thread.sleep(50);
        }
        phase = "finishing";
        for (Client c : clients) {
            c.stream.stop();
        }
        for (Client c : clients) {
            c.tcpResult = c.tcp.finish(10_000);
            view.event(now(), c.name + ": TCP " + (c.tcpResult.exact() ? "byte-exact" : "NOT byte-exact") + ", "
                    + c.tcpResult.sent() + " bytes sent, " + c.tcpResult.received() + " received by the server"
                    + (c.tcpResult.error() != null ? " (" + c.tcpResult.error() + ")" : ""));
        }
        Thread.sleep(LOST_AFTER / 1_000_000);
        checkHandovers();
    }

    /** Moves a client's link to the other client node and notes when. */
    private void move(Client c) throws Exception {
        String from = c.at;
        String to = from.equals("A") ? "B" : "A";
        long at = now();
        ip(ns(from.toLowerCase(Locale.ROOT)), "link", "set", "dev", c.port, "netns", ns(to.toLowerCase(Locale.ROOT)));
        String node = ns(to.toLowerCase(Locale.ROOT));
        ip(node, "link", "set", "dev", c.port, "master", "cli");
        ip(node, "link", "set", "dev", c.port, "up");
        c.at = to;
        c.moves.add(new Move(from, to, at));
        view.event(now(), c.name + " moves " + from + " -> " + to);
    }

    private void checkHandovers() {
        for (Client c : clients) {
            for (Move m : c.moves) {
                if (m.handover < 0) {
                    long h = c.stream.handover(m.at);
                    if (h >= 0) {
                        m.handover = h;
                        view.event(now(), String.format(Locale.ROOT, "%s hand-over %s -> %s: %d ms", c.name, m.from,
                                m.to, h / 1_000_000));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- the view and the report

    private List<String> tables() {
        TextTable n = new TextTable(List.of("NODE", "DAEMON", "ROUTES", "CONVERGED"));
        List<String> allLoopbacks = nodes.keySet().stream().map(k -> loopback(k) + "/128").toList();
        for (Node node : nodes.values()) {
            List<String> prefixes = selected(node.name()).stream().map(DemoMesh::prefix).toList();
            boolean ok = allLoopbacks.stream().filter(p -> !p.equals(loopback(node.name()) + "/128"))
                    .allMatch(prefixes::contains);
            n.row(List.of(Cell.text(node.name()), Cell.text(node.babeld() ? "babeld" : "jbabeld"),
                    new Cell(Integer.toString(prefixes.size()), true), Cell.text(ok ? "yes" : "no")));
        }
        List<String> headers = new ArrayList<>(List.of("CLIENT", "AT", "ADDRESS", "E VIA"));
        if (withBabeld) {
            headers.add("R VIA");
        }
        headers.addAll(List.of("MOVES", "HAND-OVER", "SENT", "LOST", "TCP BYTES", "LEASE"));
        TextTable t = new TextTable(headers);
        long now = now();
        for (Client c : clients) {
            List<Cell> row = new ArrayList<>(List.of(Cell.text(c.name + (c.v6 ? " (IPv6)" : " (IPv4)")),
                    Cell.text(c.at), Cell.text(c.address), Cell.text(nextHop("E", c.route))));
            if (withBabeld) {
                row.add(Cell.text(nextHop("R", c.route)));
            }
            Move last = c.moves.isEmpty() ? null : c.moves.getLast();
            row.add(new Cell(Integer.toString(c.moves.size()), true));
            row.add(Cell.text(last == null ? null : last.handover < 0 ? "..." : last.handover / 1_000_000 + " ms"));
            row.add(number(c.stream == null ? -1 : c.stream.sent()));
            row.add(number(c.stream == null ? -1 : c.stream.lost(now)));
            row.add(number(c.tcp == null ? -1 : c.sink.received()));
            row.add(Cell.text(c.dhcp == null ? (c.v6 ? null : "-") : c.dhcp.lease() == null ? "none"
                    : c.dhcp.renewals() + " renewals"));
            t.row(row);
        }
        List<String> lines = new ArrayList<>(n.lines());
        lines.add("");
        lines.addAll(t.lines());
        return lines;
    }

    private static Cell number(long n) {
        return n < 0 ? Cell.EMPTY : new Cell(Long.toString(n), true);
    }

    /** Fills the report; true when everything held. */
    private boolean finish(ObjectNode report) {
        poll();
        view.show(now(), phase, tables(), true);
        boolean ok = report.path("converged").asBoolean(false);
        long lost = 0;
        boolean tcpOk = true;
        ArrayNode list = report.putArray("clients");
        for (Client c : clients) {
            ObjectNode o = list.addObject();
            o.put("name", c.name);
            o.put("family", c.v6 ? "IPv6" : "IPv4");
            o.put("address", c.address);
            o.put("moves", c.moves.size());
            ArrayNode h = o.putArray("handoverMillis");
            boolean ended = true;
            for (Move m : c.moves) {
                if (m.handover >= 0 && m.handover <= HANDOVER_BOUND) {
                    h.add(m.handover / 1_000_000);
                } else {
                    h.addNull();
                    ended = false;
                }
            }
            o.put("handoversEnded", ended && !c.moves.isEmpty());
            o.put("sent", c.stream == null ? 0 : c.stream.sent());
            int clientLost = c.stream == null ? 0 : c.stream.lost(now());
            o.put("lost", clientLost);
            lost += clientLost;
            boolean exact = c.tcpResult != null && c.tcpResult.exact();
            o.put("tcpBytes", c.tcpResult == null ? 0 : c.tcpResult.sent());
            o.put("tcpExact", exact);
            if (c.tcpResult != null && c.tcpResult.error() != null) {
                o.put("tcpError", c.tcpResult.error());
            }
            tcpOk &= exact;
            ok &= ended && !c.moves.isEmpty() && exact;
            if (!c.v6) {
                ObjectNode l = o.putObject("lease");
                boolean kept = c.dhcp != null && c.dhcp.firstAddress() != 0 && c.dhcp.lost() == 0
                        && c.dhcp.addressChanges() == 0;
                l.put("address", c.dhcp == null || c.dhcp.firstAddress() == 0 ? null
                        : DhcpOptions.format(c.dhcp.firstAddress()));
                l.put("renewals", c.dhcp == null ? 0 : c.dhcp.renewals());
                l.put("lost", c.dhcp == null ? 0 : c.dhcp.lost());
                l.put("kept", kept);
                report.put("leaseKept", kept);
                ok &= kept;
            }
        }
        report.put("lostPackets", lost);
        report.put("tcpOk", tcpOk);
        report.put("ok", ok);
        return ok;
    }

    // ---------------------------------------------------------------- waiting, commands, cleaning up

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Waits (showing the state every second) until {@code check} holds or {@code limit} has passed. */
    private boolean waitUntil(long limit, Check check) throws Exception {
        long end = now() + limit;
        while (now() < end) {
            if (check.holds()) {
                return true;
            }
            poll();
            view.show(now(), phase, tables(), false);
            Thread.sleep(500);
        }
        return check.holds();
    }

    private static String ip(String ns, String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip", "-n", ns));
        c.addAll(List.of(args));
        return run(c.toArray(String[]::new));
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out.trim());
        }
        return out;
    }

    /** As {@link #run}, but a failure is only an empty answer. */
    private static String runQuietly(String... command) throws InterruptedException {
        try {
            return run(command);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Removes everything the demo made: traffic, sockets, daemons (SIGTERM, then SIGKILL after 5 s), whatever still
     * runs in its namespaces, the namespaces (and the veths with them), the temporary files. Runs once; safe from a
     * shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Client c : clients) {
            if (c.stream != null) {
                c.stream.close();
            }
        }
        if (dhcpLoop != null) {
            dhcpLoop.shutdownNow();
        }
        for (AutoCloseable a : closeables) {
            try {
                a.close();
            } catch (Exception e) {
                // going away anyway
            }
        }
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
        }
        all.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Process p : all) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        for (String ns : namespaces) {
            try {
                removeNamespace(ns);
            } catch (IOException | InterruptedException e) {
                // reported by the next run's removeLeftovers
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary directory
            }
        }
    }

    /** The daemons' logs, for a failure's message (before {@link #close()}). */
    String logs() {
        StringBuilder b = new StringBuilder();
        if (dir == null) {
            return "";
        }
        for (String n : List.of("a", "b", "e", "r")) {
            Path log = dir.resolve(n + ".log");
            try {
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log);
                    b.append("--- ").append(n).append(".log (last lines)\n");
                    lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> b.append(l).append('\n'));
                }
            } catch (IOException e) {
                // skip
            }
        }
        return b.toString();
    }
}
