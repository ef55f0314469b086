package org.jbabel.conformance;

import org.jbabel.wire.MacAddress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * IPv4 for IPv4-only clients over an IPv6-only mesh (issue 14, docs/XLAT.md): NAT426 on the nodes, NAT64 at the
 * exits, all in jbabeld. The mesh is a line {@code E1 - A - B - E2} of jbabelds in namespaces: A and B run
 * {@code roaming}, {@code ddhcp} (clients' range 10.116.224.0/24, router = the virtual gateway G 10.116.224.1, exit
 * range 10.255.0.0/24) and {@code nat426} on their client bridge; E1 and E2 run {@code ddhcp exit} and
 * {@code nat64 exit uplink} to a server namespace S (198.51.100.7 on a bridge to both uplinks; the exit range is
 * on-link there, each exit answers ARP for its address). mmfd carries DDHCP's and NAT426's floods. The mesh routes
 * IPv6 only: no IPv4 route is announced anywhere. Two clients have IPv6 off and get their addresses from DDHCP
 * (busybox udhcpc): C on A's bridge, D on B's. In order:
 * <ol>
 * <li>C reaches the server by ICMP, UDP and TCP (a 4 MB HTTP download, byte-exact), through E1, the exit nearest
 * to A; D through E2;</li>
 * <li>traceroute from C shows G, one 192.0.0.8 per IPv6 router on the way (A's and E1's kernels), the exit, the
 * exit's uplink, the server (docs/XLAT.md "Traceroute");</li>
 * <li>C and D reach each other by IPv4 (NAT426 answers ARP for the other client once its resolver knows it);</li>
 * <li>C's link moves from A to B during an HTTP download of 16 MB: the download completes byte-exact (C keeps E1:
 * B asks the mesh which exit C used);</li>
 * <li>E1 stops: its /96 is withdrawn, C is told (ARP) to use E2, and a new download goes through E2.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JbabeldXlatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final String SERVER = "198.51.100.7";
    private static final String G = "10.116.224.1";
    private static final String METAPREFIX = "fd7a:1:2:3::/64";

    private Path dir;
    private Lab lab;
    private String a;
    private String b;
    private String e1;
    private String e2;
    private String s;
    private String c;
    private String d;
    private Lab.Daemon da;
    private Lab.Daemon db;
    private Lab.Daemon de1;
    private Lab.Daemon de2;
    private String cAddress;
    private String dAddress;
    private byte[] small;
    private byte[] big;

    @BeforeAll
    void mesh() throws Exception {
        Lab.tool("udhcpc", "udhcpc");
        Lab.tool("traceroute", "traceroute");
        dir = Files.createTempDirectory("xlat");
        lab = new Lab(dir);
        a = lab.ns("xa");
        b = lab.ns("xb");
        e1 = lab.ns("xe1");
        e2 = lab.ns("xe2");
        s = lab.ns("xs");
        c = lab.ns("xc");
        d = lab.ns("xd");
        for (String n : List.of(a, b, e1, e2)) {
            MmfdLab.noDad(lab, n);
        }
        lab.link(e1, "ea", a, "ae");
        lab.link(a, "ab", b, "ba");
        lab.link(b, "bf", e2, "fb");
        lab.link(e1, "wan", s, "s1");
        lab.link(e2, "wan", s, "s2");
        lab.link(c, "c0", a, "ac");
        lab.link(d, "c0", b, "bd");
        lab.ip(s, "link", "add", "inet", "type", "bridge");
        lab.ip(s, "link", "set", "inet", "up");
        lab.ip(s, "link", "set", "s1", "master", "inet");
        lab.ip(s, "link", "set", "s2", "master", "inet");
        lab.ip(s, "addr", "add", SERVER + "/24", "dev", "inet");
        lab.ip(s, "route", "add", "10.255.0.0/24", "dev", "inet");
        lab.ip(e1, "addr", "add", "198.51.100.1/24", "dev", "wan");
        lab.ip(e2, "addr", "add", "198.51.100.2/24", "dev", "wan");
        int k = 1;
        for (String n : List.of(a, b, e1, e2)) {
            lab.ip(n, "addr", "add", "fd00::" + k++ + "/128", "dev", "lo");
        }
        for (String n : List.of(a, b)) {
            lab.ip(n, "link", "add", "cli", "type", "bridge");
            lab.ip(n, "link", "set", "cli", "up");
        }
        lab.ip(a, "link", "set", "ac", "master", "cli");
        lab.ip(b, "link", "set", "bd", "master", "cli");
        lab.ip(a, "addr", "add", "10.117.0.1/32", "dev", "cli");
        lab.ip(b, "addr", "add", "10.117.0.2/32", "dev", "cli");
        for (String n : List.of(c, d)) {
            lab.exec(n, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        }

        da = node(a, "a", "fd00::1", "ae", "ab");
        db = node(b, "b", "fd00::2", "ba", "bf");
        de1 = exit(e1, "e1", "ea");
        de2 = exit(e2, "e2", "fb");

        Random random = new Random(14);
        small = new byte[4_000_000];
        random.nextBytes(small);
        big = new byte[16_000_000];
        random.nextBytes(big);
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.write(www.resolve("small"), small);
        Files.write(www.resolve("big"), big);
        lab.start("http", s, List.of("ip", "netns", "exec", s, "python3", "-m", "http.server", "8080", "--bind",
                SERVER, "--directory", www.toString()));
        // a streaming server: 64 KiB every 40 ms, so a transfer is under way when the client moves while the
        // client's receive window stays open (a slow reader's zero window would make the server fall back on its
        // persist timer, whose backoff outlasts a hand-over's few lost packets)
        lab.start("slow-http", s, List.of("ip", "netns", "exec", s, "python3", "-c", """
                import http.server, time
                class Slow(http.server.SimpleHTTPRequestHandler):
                    def copyfile(self, source, outputfile):
                        while True:
                            chunk = source.read(65536)
                            if not chunk:
                                break
                            outputfile.write(chunk)
                            time.sleep(0.04)
                http.server.ThreadingHTTPServer.allow_reuse_address = True
                handler = lambda *a, **k: Slow(*a, directory="%s", **k)
                http.server.ThreadingHTTPServer(("%s", 8081), handler).serve_forever()
                """.formatted(www, SERVER)));
        lab.udpEcho(s, "udp-echo", SERVER, 7007);

        // each exit has its address and /96, and both client nodes route to both
        for (String n : List.of(a, b)) {
            lab.await("both exits' /96 at " + n, CONVERGE, () -> exitPrefixes(n) >= 2 ? true : null);
        }
        cAddress = lease(c, "c");
        dAddress = lease(d, "d");
        System.out.println("C " + cAddress + ", D " + dAddress + ", E1 " + exitAddress(de1) + ", E2 "
                + exitAddress(de2));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private Lab.Daemon node(String ns, String name, String loopback, String... interfaces) throws Exception {
        List<String> args = new ArrayList<>(List.of("-C", "default hello-interval 1 update-interval 4",
                "-C", "redistribute local ip fd00::/64 ge 128", "-C", "redistribute local deny", "-C", "mmfd",
                "-C", "roaming client-interface cli node-address " + loopback,
                "-C", "ddhcp client-interface cli range 10.116.224.0/24 block-size 4 router " + G
                        + " exit-range 10.255.0.0/24",
                "-C", "ddhcp learning false", "-C", "ddhcp tentative-timeout 3",
                "-C", "nat426 client-interface cli metaprefix " + METAPREFIX + " exit-range 10.255.0.0/24"));
        args.addAll(List.of(interfaces));
        return lab.jbabeld(ns, name, args);
    }

    private Lab.Daemon exit(String ns, String name, String meshInterface) throws Exception {
        return lab.jbabeld(ns, name, List.of("-C", "default hello-interval 1 update-interval 4",
                "-C", "redistribute local ip fd00::/64 ge 128", "-C", "redistribute local deny", "-C", "mmfd",
                "-C", "ddhcp range 10.116.224.0/24 block-size 4 exit-range 10.255.0.0/24", "-C", "ddhcp exit",
                "-C", "ddhcp learning false", "-C", "ddhcp tentative-timeout 3",
                "-C", "nat64 exit uplink wan", "-C", "nat64 metaprefix " + METAPREFIX, meshInterface));
    }

    private int exitPrefixes(String ns) {
        try {
            return (int) lab.babelRoutes(ns, "-6").lines().filter(l -> l.startsWith("fd7a:1:2:3:")).count();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The outside address of an exit, from its log ("nat64: exit A4 on up, prefix ..."). */
    private String exitAddress(Lab.Daemon exit) throws Exception {
        Matcher m = Pattern.compile("nat64: exit (\\S+) on").matcher(Files.readString(exit.log()));
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    /** Runs udhcpc once in a client namespace (address with the range's netmask, default via the router). */
    private String lease(String ns, String name) throws Exception {
        Path script = dir.resolve(name + ".sh");
        Path out = dir.resolve(name + ".out");
        Files.writeString(script, """
                #!/bin/sh
                case "$1" in
                  bound|renew)
                    ip -4 addr flush dev "$interface"
                    ip addr add "$ip/$mask" dev "$interface"
                    ip route replace default via "$router" dev "$interface"
                    echo "$ip" > %s ;;
                esac
                exit 0
                """.formatted(out));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        int rc = lab.exec(ns, Lab.tool("udhcpc", "udhcpc"), "-f", "-q", "-n", "-i", "c0", "-t", "20", "-T", "2",
                "-s", script.toString());
        assertThat(rc).as("udhcpc in %s", name).isZero();
        return Files.readString(out).trim();
    }

    private boolean ping(String ns, String address) {
        try {
            return lab.exec(ns, "ping", "-c", "1", "-W", "1", address) == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Waits for {@code check}; when it times out, the failure says what NAT426 and roaming saw. */
    private void await(String what, java.util.function.BooleanSupplier check) throws Exception {
        try {
            lab.await(what, CONVERGE, () -> check.getAsBoolean() ? true : null);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + explain(), e);
        }
    }

    /** Counters, client tables, routes and ARP entries of the nodes and clients, for a failure's message. */
    private String explain() {
        StringBuilder b = new StringBuilder();
        for (Lab.Daemon n : List.of(da, db, de1, de2)) {
            try {
                String out = MmfdLab.ctl(n.socket(), "dump", "--json");
                String json = out.lines().filter(l -> l.startsWith("{")).reduce((x, y) -> y).orElse("{}");
                JsonNode counters = JSON.readTree(json).path("counters");
                b.append(n.name()).append(" counters:");
                counters.fieldNames().forEachRemaining(k -> {
                    if (k.startsWith("nat426") || k.startsWith("roaming") || k.startsWith("nat64")) {
                        b.append(' ').append(k).append('=').append(counters.get(k).asText());
                    }
                });
                b.append('\n');
                if (n == da || n == db) {
                    b.append(MmfdLab.ctl(n.socket(), "nat426", "clients"));
                    b.append(MmfdLab.ctl(n.socket(), "roaming", "clients"));
                }
                b.append(lab.ip(n.ns(), "-6", "route")).append('\n');
            } catch (Exception e) {
                b.append(n.name()).append(": ").append(e).append('\n');
            }
        }
        for (Lab.Daemon e : List.of(de1, de2)) {
            try {
                b.append(e.name()).append(" sessions:\n").append(MmfdLab.ctl(e.socket(), "nat64", "sessions"));
            } catch (Exception ex) {
                b.append(e.name()).append(": ").append(ex).append('\n');
            }
        }
        try {
            b.append("C's sockets: ").append(new String(new ProcessBuilder("ip", "netns", "exec", c, "ss", "-tni")
                    .redirectErrorStream(true).start().getInputStream().readAllBytes()));
        } catch (Exception e) {
            b.append(e).append('\n');
        }
        for (String ns : List.of(c, d)) {
            try {
                b.append(ns).append(" neighbours: ").append(lab.ip(ns, "neigh")).append(lab.ip(ns, "addr"));
            } catch (Exception e) {
                b.append(ns).append(": ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    /** Downloads a file from the server in a client namespace: its SHA-256 (hex), or the error. */
    private String download(String ns, String file, boolean slowly) throws Exception {
        return download(ns, file, slowly, 8080);
    }

    /** As {@link #download(String, String, boolean)}, from the server's {@code port}. */
    private String download(String ns, String file, boolean slowly, int port) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-c", """
                import hashlib, sys, time, urllib.request
                r = urllib.request.urlopen("http://%s:%d/%s", timeout=30)
                h = hashlib.sha256()
                n = 0
                while True:
                    try:
                        chunk = r.read(65536)
                    except Exception as e:
                        print("failed after %%d bytes: %%r" %% (n, e))
                        raise SystemExit(1)
                    if not chunk:
                        break
                    h.update(chunk)
                    n += len(chunk)
                    if %s:
                        time.sleep(0.04)
                print(h.hexdigest())
                """.formatted(SERVER, port, file, slowly ? "True" : "False")).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return new String(p.getInputStream().readAllBytes()).trim();
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** The inside addresses of an exit's NAT64 sessions ({@code ctl nat64 sessions --json}). */
    private List<String> sessionsInside(Lab.Daemon exit) {
        try {
            String out = MmfdLab.ctl(exit.socket(), "nat64", "sessions", "--json");
            JsonNode tree = JSON.readTree(out.substring(out.indexOf('{')));
            List<String> inside = new ArrayList<>();
            tree.findValues("inside").forEach(n -> inside.add(n.asText()));
            return inside;
        } catch (Exception e) {
            return List.of();
        }
    }

    /** The node-client address of a client (roaming's default prefix fec0::/64 and the client's MAC). */
    private String nodeClientAddress(String ns) throws Exception {
        String mac = lab.ip(ns, "-o", "link", "show", "c0").replaceAll("(?s).*link/ether (\\S+).*", "$1").trim();
        return org.jbabel.roaming.l3roamd.NodeClientAddress.of(org.jbabel.wire.MacAddress.parse(mac),
                org.jbabel.roaming.l3roamd.NodeClientAddress.DEFAULT_PREFIX).toString();
    }

    @Test
    @Order(1)
    void anIpv4OnlyClientReachesTheServerByIcmpUdpAndTcpThroughTheNearestExit() throws Exception {
        await("C pings the server", () -> ping(c, SERVER));
        await("D pings the server", () -> ping(d, SERVER));

        int rc = lab.exec(c, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(2)
                for i in range(5):
                    s.sendto(b"over nat426 %%d" %% i, ("%s", 7007))
                    try:
                        assert s.recvfrom(2048)[0] == b"over nat426 %%d" %% i
                        raise SystemExit(0)
                    except socket.timeout:
                        pass
                raise SystemExit(1)
                """.formatted(SERVER));
        assertThat(rc).as("a UDP datagram echoed").isZero();

        assertThat(download(c, "small", false)).as("4 MB by HTTP, byte-exact").isEqualTo(sha256(small));
        assertThat(download(d, "small", false)).isEqualTo(sha256(small));
        String ncaC = nodeClientAddress(c);
        String ncaD = nodeClientAddress(d);
        assertThat(sessionsInside(de1)).as("C's sessions at E1, the exit nearest to A").contains(ncaC);
        assertThat(sessionsInside(de2)).as("D's sessions at E2, the exit nearest to B").contains(ncaD);
        assertThat(lab.ip(a, "-4", "route")).as("no IPv4 route from the mesh").doesNotContain("proto babel");
    }

    @Test
    @Order(2)
    void tracerouteShowsTheGatewayTheIpv6RoutersTheExitAndTheServer() throws Exception {
        String e1Address = exitAddress(de1);
        for (List<String> mode : List.of(List.<String>of(), List.of("-I"))) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", c, Lab.tool("traceroute",
                    "traceroute"), "-n", "-q", "1", "-w", "2", "-m", "10"));
            command.addAll(mode);
            command.add(SERVER);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(60, TimeUnit.SECONDS);
            List<String> hops = out.lines().skip(1).map(l -> l.trim().split("\\s+")[1]).toList();
            assertThat(hops).as("traceroute %s:\n%s", mode, out)
                    .containsExactly(G, "192.0.0.8", "192.0.0.8", e1Address, "198.51.100.1", SERVER);
        }
    }

    @Test
    @Order(3)
    void twoIpv4ClientsOnDifferentNodesReachEachOther() throws Exception {
        await("C pings D", () -> ping(c, dAddress));
        await("D pings C", () -> ping(d, cAddress));
    }

    /**
     * C moves from A to B while it downloads from a server that streams 64 KiB every 40 ms, and the download
     * completes byte-exact through E1. C, a pure receiver, would say nothing after the move if the server's packets
     * stopped reaching it (they go to A until B claims C): like a client that attaches anew, it checks its router once
     * its link is up, and that frame makes B's bridge learn it (docs/XLAT.md "Roaming").
     */
    @Test
    @Order(4)
    void aClientRoamingDuringATcpDownloadKeepsItsExitAndTheDownloadCompletes() throws Exception {
        var running = java.util.concurrent.Executors.newSingleThreadExecutor()
                .submit(() -> download(c, "big", false, 8081));
        Thread.sleep(4000);
        lab.ip(a, "link", "set", "ac", "netns", b);
        lab.ip(b, "link", "set", "ac", "master", "cli");
        lab.ip(b, "link", "set", "ac", "up");
        // a client that attaches anew checks its router (RFC 4436's ARP for it; DHCP clients re-request): its first
        // frame makes B's bridge learn it (a Wi-Fi access point would say so at association, nl80211 NEW_STATION)
        lab.exec(c, "ping", "-c", "1", "-W", "1", G);
        String got = running.get(150, TimeUnit.SECONDS);
        assertThat(got).as("16 MB over a roam from A to B, byte-exact\n%s", got.equals(sha256(big)) ? "" : explain())
                .isEqualTo(sha256(big));
        String ncaC = nodeClientAddress(c);
        lab.await("C's node-client address routed at B", CONVERGE, () -> {
            try {
                return lab.ip(b, "-6", "route", "show", ncaC).contains("l3roam0") ? true : null;
            } catch (Exception e) {
                return null;
            }
        });
    }

    /**
     * busybox udhcpc renews (SIGUSR1: RENEWING) by unicast to its server identifier, the gateway G; G's frames go to
     * NAT426, which hands the request to the node's DHCP server: the lease is renewed by that unicast request, not
     * only by a broadcast afterwards (docs/XLAT.md "DHCP to the gateway").
     */
    @Test
    @Order(5)
    void aClientRenewsItsLeaseByUnicastToTheGateway() throws Exception {
        Path script = dir.resolve("d-renew.sh");
        Files.writeString(script, """
                #!/bin/sh
                case "$1" in
                  bound|renew)
                    ip -4 addr replace "$ip/$mask" dev "$interface"
                    ip route replace default via "$router" dev "$interface" ;;
                esac
                exit 0
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        long before = counter(db, "nat426.dhcp_to_gateway");
        Lab.Daemon udhcpc = lab.start("udhcpc-renew", d, List.of("ip", "netns", "exec", d,
                Lab.tool("udhcpc", "udhcpc"), "-f", "-i", "c0", "-t", "20", "-T", "2", "-s", script.toString()));
        lab.await("D's lease", CONVERGE, () -> read(udhcpc.log()).contains("lease of " + dAddress) ? true : null);
        Lab.run("kill", "-USR1", Long.toString(udhcpc.process().pid()));
        String log = lab.await("D's renewal", CONVERGE, () -> {
            String l = read(udhcpc.log());
            int renew = l.indexOf("sending renew to server " + G);
            return renew >= 0 && l.indexOf("lease of", renew) > 0 ? l.substring(renew) : null;
        });
        assertThat(log.substring(0, log.indexOf("lease of"))).as("renewed by the unicast request")
                .doesNotContain("broadcasting renew");
        assertThat(counter(db, "nat426.dhcp_to_gateway")).isGreaterThan(before);
        lab.stop(udhcpc);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A counter of a jbabeld's dump (0 when it is not there). */
    private static long counter(Lab.Daemon n, String name) throws Exception {
        String out = MmfdLab.ctl(n.socket(), "dump", "--json");
        String json = out.lines().filter(l -> l.startsWith("{")).reduce((x, y) -> y).orElse("{}");
        return JSON.readTree(json).path("counters").path(name).asLong(0);
    }

    @Test
    @Order(6)
    void whenAnExitStopsNewConnectionsGoThroughTheOther() throws Exception {
        lab.stop(de1);
        lab.await("E1's /96 gone at B", CONVERGE, () -> exitPrefixes(b) == 1 ? true : null);
        assertThat(download(c, "small", false)).as("a new download after E1 stopped").isEqualTo(sha256(small));
        String ncaC = nodeClientAddress(c);
        assertThat(sessionsInside(de2)).as("C's new session at E2").contains(ncaC);
    }
}
