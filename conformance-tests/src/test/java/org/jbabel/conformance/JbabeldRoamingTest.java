package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layer-3 roaming between two jbabeld nodes, in network namespaces with a plain Linux client (issue 12). A and B
 * run jbabeld with {@code roaming}; S, the server, runs babeld behind M (babeld too), so the clients' host routes
 * travel through the reference implementation; the client namespace has a static address in the client prefix and
 * the next-node as its default router, and an IPv4 address in the IPv4 client prefix with next-node-ipv4 as its
 * gateway. Its veth moves from A's client bridge to B's and back, 20 times, while a TCP
 * connection from S to the client carries a stream; after each move ping reaches the client at its new node, that
 * node serves it, the old one has let it go, babeld's route leads to the new one and the stream goes on in order.
 */
class JbabeldRoamingTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String CLIENT = "2001:db8:c::100";
    private static final String SERVER = "2001:db8:5::1";
    private static final String CLIENT4 = "10.1.0.100";
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");
    private static final int MOVES = 20;

    @TempDir
    Path dir;

    private static List<String> roaming(String nodeAddress, String... interfaces) {
        List<String> args = new ArrayList<>(FAST);
        args.addAll(List.of("-C", "roaming client-interface br-client client-prefix 2001:db8:c::/64 client-prefix "
                + "10.1.0.0/16 next-node-ipv4 10.1.0.1 node-address " + nodeAddress));
        args.addAll(List.of(interfaces));
        return args;
    }

    @Test
    void aClientKeepsItsAddressAndIsReachableFromTheServerAfterMovingBetweenNodes() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            String s = lab.ns("s");
            String m = lab.ns("m");
            String a = lab.ns("a");
            String b = lab.ns("b");
            String c = lab.ns("c");
            lab.link(s, "vsm", m, "vms");
            lab.link(m, "vma", a, "vam");
            lab.link(m, "vmb", b, "vbm");
            lab.link(a, "vab", b, "vba");
            lab.ip(s, "-6", "addr", "add", SERVER + "/128", "dev", "lo");
            for (String node : List.of(a, b)) {
                lab.ip(node, "link", "add", "br-client", "type", "bridge");
                lab.ip(node, "link", "set", "br-client", "up");
            }
            lab.link(c, "c0", a, "ca");
            lab.ip(a, "link", "set", "ca", "master", "br-client");
            lab.ip(c, "-6", "addr", "add", CLIENT + "/64", "dev", "c0", "nodad");
            lab.ip(c, "-6", "route", "add", "default", "via", "fe80::1", "dev", "c0");
            lab.ip(c, "addr", "add", CLIENT4 + "/16", "dev", "c0");
            lab.ip(c, "route", "add", "default", "via", "10.1.0.1");
            lab.ip(s, "addr", "add", "10.5.0.1/32", "dev", "lo");

            lab.babeld(s, "s", Lab.with(FAST, "-C", "redistribute local ip " + SERVER + "/128", "-C",
                    "redistribute local ip 10.5.0.1/32", "-C", "redistribute local deny", "vsm"));
            lab.babeld(m, "m", Lab.with(FAST, "-C", "redistribute local deny", "vms", "vma", "vmb"));
            Lab.Daemon ja = lab.jbabeld(a, "a", roaming("2001:db8:a::1", "vam", "vab"));
            Lab.Daemon jb = lab.jbabeld(b, "b", roaming("2001:db8:b::1", "vbm", "vba"));

            lab.await("the server's route at A and B", CONVERGE, () ->
                    lab.babelRoutes(a, "-6").contains(SERVER) && lab.babelRoutes(b, "-6").contains(SERVER) ? true
                            : null);
            // S speaks first: nobody has announced the client yet, the nearest node seeks it (SEEK, probe)
            lab.await("ping from the server finds the client at A", CONVERGE,
                    () -> ping(lab, s, CLIENT) ? true : null);
            lab.await("and over IPv4 (ARP, v4-via-v6 through babeld)", CONVERGE,
                    () -> ping(lab, s, CLIENT4) ? true : null);
            assertThat(lab.babelRoutes(m, "-6")).as("M (babeld) learns the client's /128 from A")
                    .contains(CLIENT + " via");
            assertThat(Lab.roamingClients(ja)).contains(CLIENT);

            // A TCP stream from S to the client, open across all the moves.
            try (ServerSocket listener = Lab.inside(c, () -> new ServerSocket(5001, 1,
                    InetAddress.getByName(CLIENT)));
                    Socket sender = Lab.inside(s, () -> new Socket(InetAddress.getByName(CLIENT), 5001));
                    Socket receiver = listener.accept()) {
                receiver.setSoTimeout(30_000);
                AtomicLong sent = new AtomicLong();
                AtomicReference<Exception> failed = new AtomicReference<>();
                Thread writer = Thread.ofPlatform().start(() -> {
                    try (DataOutputStream out = new DataOutputStream(sender.getOutputStream())) {
                        while (!Thread.currentThread().isInterrupted()) {
                            out.writeLong(sent.get());
                            out.flush();
                            sent.incrementAndGet();
                            Thread.sleep(20);
                        }
                    } catch (InterruptedException e) {
                        // done
                    } catch (Exception e) {
                        failed.set(e);
                    }
                });
                DataInputStream in = new DataInputStream(receiver.getInputStream());
                long expected = 0;
                String at = a;
                for (int move = 1; move <= MOVES; move++) {
                    String to = at.equals(a) ? b : a;
                    lab.run("ip", "-n", at, "link", "set", "ca", "netns", to);
                    lab.ip(to, "link", "set", "ca", "master", "br-client");
                    lab.ip(to, "link", "set", "ca", "up");
                    at = to;
                    Lab.Daemon here = at.equals(a) ? ja : jb;
                    Lab.Daemon there = at.equals(a) ? jb : ja;
                    String where = at.equals(a) ? "A" : "B";
                    int m0 = move;
                    lab.await("move " + m0 + ": ping reaches the client at " + where, CONVERGE,
                            () -> ping(lab, s, CLIENT) ? true : null);
                    lab.await("move " + m0 + ": IPv4 ping reaches the client at " + where, CONVERGE,
                            () -> ping(lab, s, CLIENT4) ? true : null);
                    lab.await("move " + m0 + ": " + where + " serves the client", CONVERGE,
                            () -> Lab.roamingClients(here).contains(CLIENT) ? true : null);
                    lab.await("move " + m0 + ": the client confirmed its address at " + where
                            + " (ACTIVE, not left TENTATIVE to expire)", CONVERGE,
                            () -> clientsJson(here).contains("\"" + CLIENT + "\":{\"state\":1}") ? true : null);
                    lab.await("move " + m0 + ": the other node has let it go", CONVERGE,
                            () -> Lab.roamingClients(there).contains(CLIENT) ? null : true);
                    String towards = at.equals(a) ? "dev vma" : "dev vmb";
                    lab.await("move " + m0 + ": M's route to the client leads to " + where, CONVERGE,
                            () -> lab.babelRoutes(m, "-6").lines().anyMatch(l -> l.startsWith(CLIENT + " via")
                                    && l.contains(towards)) ? true : null);
                    // the stream still flows, in order
                    long until = sent.get();
                    while (expected < until) {
                        assertThat(in.readLong()).as("the TCP stream after move " + move).isEqualTo(expected);
                        expected++;
                    }
                }
                writer.interrupt();
                writer.join();
                assertThat(failed.get()).as("the TCP sender saw no error").isNull();
                assertThat(expected).as("bytes through the TCP connection").isGreaterThan(MOVES);
            }
        }
    }

    private static String clientsJson(Lab.Daemon d) {
        try {
            return String.join("\n", Lab.ask(d.socket(), "roaming clients json"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static boolean ping(Lab lab, String ns, String address) {
        try {
            // -c without -w: an ICMP error does not end it
            return lab.exec(ns, "ping", address.contains(":") ? "-6" : "-4", "-c", "1", "-W", "1", address) == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
