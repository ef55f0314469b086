package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jbabel.roaming.l3roamd.NodeClientAddress;
import org.jbabel.wire.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 and an immediate restart of jbabeld nodes, repeatedly, under traffic (issue 15, "Faults"). Each node is
 * killed with SIGKILL sent to its java process (no clean-up of its own runs) and started again at once with the same
 * pid, state and DDHCP state files, as a supervisor would.
 * <ul>
 * <li>Routing: babeld A, jbabeld B, jbabeld C on a line, a ping flow between A's and C's loopbacks through B. B is
 * killed five times and C twice. Before each kill A announces a fresh prefix; while the victim is dead A withdraws it,
 * so the victim's kernel holds a stale route of the killed run. After the restart the stale route is gone, the
 * kernel of B and C holds exactly what their control sockets show installed, the neighbour accepts the restarted
 * node (finite cost, the new run's own prefix in babeld's FIB, its loopback installed there) and pings flow again
 * both ways. The recovery times are printed.</li>
 * <li>Roaming: jbabelds A, B, C with {@code roaming} in a triangle, babeld S (the server) linked to B and C, a client
 * on B's client bridge and a ping flow from S to it for the whole test. A (not the client's node) is killed: the client
 * stays at B and reachable. B is killed: after the restart it serves the client again (its /128 originated by the new
 * run and routed through B in the other kernels) within one hand-over. B is killed and the client's link moves to C
 * while B is dead (the client then speaks, as one that attaches anew): C takes the client within one hand-over, and
 * the restarted B neither takes it back nor announces its /128 or its node-client address; every kernel routes both
 * through C. The recovery times and the flow's gaps are printed.</li>
 * <li>DDHCP: two jbabelds on one link share 10.116.224.0/24 (blocks of 4, leases of 20 s, so that clients renew every
 * 10 s), each with busybox udhcpc clients on its client bridge. Each node in turn is killed while its clients hold
 * leases (three kills), restarted, its clients renew and one new client asks it for an address. Every lease every
 * client got is collected with its time: no address is ever held by two clients (two MACs) at the same time.</li>
 * </ul>
 */
class JbabeldKillNineTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");
    /** The node killed in each round of the routing test. */
    private static final List<String> VICTIMS = List.of("b", "b", "c", "b", "b", "c", "b");
    private static final String A = "2001:db8:a::1";
    private static final String C = "2001:db8:c::1";
    private static final String SERVER = "2001:db8:5::1";
    /** The roaming client: its address in the client prefix 2001:db8:d::/64, and its MAC. */
    private static final String CLIENT = "2001:db8:d::100";
    private static final String CLIENT_MAC = "02:00:00:00:d1:00";
    /**
     * One hand-over, from the timers of docs/ROAMING.md: a CLAIM cycle nobody answers (16 CLAIMs 300 ms apart, the
     * node-client address taken at 4.8 s); finding the client's address (a packet for it queued at a node probes the
     * client interface at once and SEEKs at 300 ms, both again 3 s later); the new /128 through the mesh and into the
     * kernels (triggered updates, within one update interval of 4 s).
     */
    private static final Duration HAND_OVER = Duration.ofMillis(4_800 + 3_000 + 4_000);

    @TempDir
    Path dir;

    @Test
    void routingRecoversAfterEachKillNineOfTheMiddleAndTheFarNodeUnderTraffic() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            Map<String, String> ns = new HashMap<>();
            for (String n : List.of("a", "b", "c")) {
                ns.put(n, lab.ns(n));
                lab.ip(ns.get(n), "-6", "addr", "add", "2001:db8:" + n + "::1/128", "dev", "lo");
                lab.link(ns.get(n), "stub0", ns.get(n), "stub1");
            }
            lab.link(ns.get("a"), "va", ns.get("b"), "vba");
            lab.link(ns.get("b"), "vbc", ns.get("c"), "vc");
            lab.babeld(ns.get("a"), "a", Lab.with(FAST, "-C", "redistribute ip 2001:db8:f0::/44 ge 48", "va"));
            Map<String, List<String>> args = Map.of(
                    "b", Lab.with(FAST, "-C", "redistribute ip 2001:db8:e0::/44 ge 48", "vba", "vbc"),
                    "c", Lab.with(FAST, "-C", "redistribute ip 2001:db8:e0::/44 ge 48", "vc"));
            Map<String, Lab.Daemon> jbabeld = new HashMap<>();
            for (String n : List.of("b", "c")) {
                jbabeld.put(n, lab.jbabeld(ns.get(n), n, args.get(n)));
            }
            lab.await("A's and C's loopbacks reach each other", CONVERGE,
                    () -> ping(lab, ns.get("a"), A, C) && ping(lab, ns.get("c"), C, A) ? true : null);
            Lab.Daemon flow = lab.start("flow", ns.get("a"),
                    List.of("ip", "netns", "exec", ns.get("a"), "ping", "-6", "-D", "-O", "-i", "0.2", "-I", A, C));

            List<Long> killedAt = new ArrayList<>();
            for (int round = 0; round < VICTIMS.size(); round++) {
                String v = VICTIMS.get(round);
                String vns = ns.get(v);
                String stale = "2001:db8:f" + round + "::/48";
                String fresh = "2001:db8:e" + round + "::/48";
                lab.ip(ns.get("a"), "-6", "route", "add", stale, "dev", "stub0", "proto", "static");
                for (String n : List.of("b", "c")) {
                    lab.await(stale + " in " + n + "'s kernel", CONVERGE,
                            () -> lab.babelRoutes(ns.get(n), "-6").contains(stale + " via fe80:") ? true : null);
                }
                killedAt.add(System.currentTimeMillis());
                killJava(lab, jbabeld.get(v));
                // while the victim is dead: A withdraws a prefix (a stale route is left in the victim's kernel), and
                // the victim's stub gets a route it will announce at once when it is back
                lab.ip(ns.get("a"), "-6", "route", "del", stale, "dev", "stub0");
                lab.ip(vns, "-6", "route", "add", fresh, "dev", "stub0", "proto", "static");
                assertThat(lab.babelRoutes(vns, "-6")).as("the killed run's routes stay in the kernel")
                        .contains(stale + " via fe80:");

                long start = System.nanoTime();
                Lab.Daemon again = lab.jbabeld(vns, v, args.get(v));
                jbabeld.put(v, again);
                Map<String, Long> times = new TreeMap<>();
                measure(times, "1 socket", start, () -> lab.await("the restarted " + v + "'s control socket",
                        CONVERGE, () -> Lab.dump(again.socket())));
                measure(times, "2 stale route gone", start, () -> lab.await("the stale " + stale + " gone at " + v,
                        CONVERGE, () -> lab.babelRoutes(vns, "-6").contains(stale) ? null : true));
                // both ways: the restarted node has the peer as neighbour with a cost (the peer's IHU names it),
                // and the peer has heard the new run's last Hello
                String peer = v.equals("b") ? "a" : "b";
                measure(times, "3 accepted by " + peer, start, () -> lab.await(peer + " accepting the restarted " + v,
                        CONVERGE, () -> accepts(lab, v, v.equals("b") ? "vba" : "vc")
                                && accepts(lab, peer, v.equals("b") ? "va" : "vbc") ? true : null));
                measure(times, "4 new prefix at a", start, () -> lab.await(fresh + " of the new run in A's FIB",
                        CONVERGE, () -> lab.babelRoutes(ns.get("a"), "-6").contains(fresh + " via fe80:") ? true
                                : null));
                measure(times, "5 routes to both loopbacks at " + v, start, () -> lab.await(
                        "the restarted " + v + "'s routes to the other loopbacks", CONVERGE, () -> {
                            String routes = lab.babelRoutes(vns, "-6");
                            return List.of("a", "b", "c").stream().filter(n -> !n.equals(v))
                                    .allMatch(n -> routes.contains("2001:db8:" + n + "::1 via fe80:")) ? true : null;
                        }));
                measure(times, "6 ping a<->c", start, () -> lab.await("pings between A and C", CONVERGE,
                        () -> ping(lab, ns.get("a"), A, C) && ping(lab, ns.get("c"), C, A) ? true : null));
                assertThat(installedAtBabeld(lab, "2001:db8:" + v + "::1/128"))
                        .as("babeld's route to the restarted %s's loopback is installed", v).isTrue();
                measure(times, "7 kernels = dumps", start, () -> lab.await("B's and C's kernels matching their dumps",
                        CONVERGE, () -> lab.kernelMismatch(ns.get("b"), jbabeld.get("b")) == null
                                && lab.kernelMismatch(ns.get("c"), jbabeld.get("c")) == null ? true : null));
                assertThat(Files.readString(again.log())).contains("stale routes of protocol 42");
                lab.ip(vns, "-6", "route", "del", fresh, "dev", "stub0");
                System.out.printf("kill -9 round %d of %s: ms after the restart %s%n", round + 1, v, times);
            }
            System.out.printf("ping flow A->C (every 200 ms): the longest gap between replies after each kill, "
                    + "ms: %s%n", outages(Files.readAllLines(flow.log()), killedAt));
        }
    }

    @Test
    void aRoamingClientIsServedAgainAfterKillNineOfItsNodeOfAnotherNodeAndWhenItMovesWhileItsNodeIsDead()
            throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            Map<String, String> ns = new HashMap<>();
            for (String n : List.of("s", "a", "b", "c", "client")) {
                ns.put(n, lab.ns(n));
            }
            String s = ns.get("s");
            String client = ns.get("client");
            lab.link(s, "vsb", ns.get("b"), "vbs");
            lab.link(s, "vsc", ns.get("c"), "vcs");
            lab.link(ns.get("a"), "vab", ns.get("b"), "vba");
            lab.link(ns.get("a"), "vac", ns.get("c"), "vca");
            lab.link(ns.get("b"), "vbc", ns.get("c"), "vcb");
            lab.ip(s, "-6", "addr", "add", SERVER + "/128", "dev", "lo");
            lab.babeld(s, "s", Lab.with(FAST, "-C", "redistribute local ip " + SERVER + "/128",
                    "-C", "redistribute local deny", "vsb", "vsc"));
            Map<String, List<String>> args = Map.of("a", roamingNode("a", "vab", "vac"),
                    "b", roamingNode("b", "vba", "vbc", "vbs"), "c", roamingNode("c", "vca", "vcb", "vcs"));
            Map<String, Lab.Daemon> jbabeld = new HashMap<>();
            for (String n : List.of("a", "b", "c")) {
                lab.ip(ns.get(n), "link", "add", "br-client", "type", "bridge");
                lab.ip(ns.get(n), "link", "set", "br-client", "up");
                jbabeld.put(n, lab.jbabeld(ns.get(n), n, args.get(n)));
            }
            lab.link(client, "c0", ns.get("b"), "port");
            lab.ip(client, "link", "set", "c0", "address", CLIENT_MAC);
            lab.ip(ns.get("b"), "link", "set", "port", "master", "br-client");
            lab.ip(client, "-6", "addr", "add", CLIENT + "/64", "dev", "c0", "nodad");
            lab.ip(client, "-6", "route", "add", "default", "via", "fe80::1", "dev", "c0");
            String nodeClient = NodeClientAddress.of(MacAddress.parse(CLIENT_MAC), NodeClientAddress.DEFAULT_PREFIX)
                    .toString();

            lab.await("S reaches the client at B", CONVERGE, () -> ping(lab, s, SERVER, CLIENT) ? true : null);
            lab.await("B serves the client", CONVERGE,
                    () -> Lab.roamingClients(jbabeld.get("b")).contains(CLIENT) ? true : null);
            Lab.Daemon flow = lab.start("roaming-flow", s,
                    List.of("ip", "netns", "exec", s, "ping", "-6", "-D", "-O", "-i", "0.2", "-I", SERVER, CLIENT));
            List<Long> killedAt = new ArrayList<>();
            try {
                roamingRounds(lab, ns, args, jbabeld, nodeClient, killedAt);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + roamingState(lab, ns, jbabeld, nodeClient), e);
            }
            System.out.printf("ping flow S->client (every 200 ms): the longest gap between replies after the kill of "
                    + "A, of B, of B with the move, ms: %s%n", outages(Files.readAllLines(flow.log()), killedAt));
        }
    }

    /**
     * The three rounds of the roaming test: A killed, B (the client's node) killed, B killed while the client moves to
     * C. {@code killedAt} gets the time of each kill.
     */
    private static void roamingRounds(Lab lab, Map<String, String> ns, Map<String, List<String>> args,
            Map<String, Lab.Daemon> jbabeld, String nodeClient, List<Long> killedAt) throws Exception {
        String s = ns.get("s");
        String client = ns.get("client");
        // (a) A, not the client's node: the client stays at B and reachable
        killedAt.add(System.currentTimeMillis());
        killJava(lab, jbabeld.get("a"));
        long start = System.nanoTime();
        Lab.Daemon a = lab.jbabeld(ns.get("a"), "a", args.get("a"));
        jbabeld.put("a", a);
        Map<String, Long> times = new TreeMap<>();
        measure(times, "1 socket", start, () -> lab.await("the restarted A's control socket", CONVERGE,
                () -> Lab.dump(a.socket())));
        measure(times, "2 accepted by B and C", start, () -> lab.await("B and C accepting the restarted A",
                CONVERGE, () -> accepts(lab, "a", "vab") && accepts(lab, "a", "vac") && accepts(lab, "b", "vba")
                        && accepts(lab, "c", "vca") ? true : null));
        // through B or C: a route heard after the restart's first one comes down from a smoothed metric of 0x7FFF
        // (docs/ENGINE.md), so A may keep the two-hop route through C for half a minute
        measure(times, "3 the client's /128 at A", start, () -> lab.await(
                "the restarted A's route to the client through a neighbour", CONVERGE,
                () -> lab.babelRoutes(ns.get("a"), "-6").contains(CLIENT + " via fe80:") ? true : null));
        measure(times, "4 S pings the client", start, () -> lab.await("S reaching the client", HAND_OVER,
                () -> ping(lab, s, SERVER, CLIENT) ? true : null));
        assertThat(Lab.roamingClients(jbabeld.get("b"))).as("B still serves the client").contains(CLIENT);
        assertThat(Lab.roamingClients(a)).as("the restarted A does not").doesNotContain(CLIENT);
        // babeld S may hold its route through C for a moment while A's restart settles; it must come back to B
        lab.await("S routing the client through B", HAND_OVER,
                () -> routedOnlyVia(lab, s, CLIENT, "vsb") ? true : null);
        System.out.printf("roaming kill -9 of A (not the client's node): ms after the restart %s%n", times);

        // (b) B, the client's node: served again after the restart, within one hand-over of its socket
        killedAt.add(System.currentTimeMillis());
        killJava(lab, jbabeld.get("b"));
        start = System.nanoTime();
        Lab.Daemon b = lab.jbabeld(ns.get("b"), "b", args.get("b"));
        jbabeld.put("b", b);
        times = new TreeMap<>();
        measure(times, "1 socket", start, () -> lab.await("the restarted B's control socket", CONVERGE,
                () -> Lab.dump(b.socket())));
        long handOverEnd = System.nanoTime() + HAND_OVER.toNanos();
        measure(times, "2 B serves the client", start, () -> lab.await("the restarted B serving the client",
                until(handOverEnd), () -> Lab.roamingClients(b).contains(CLIENT) ? true : null));
        measure(times, "3 the client's /128 originated by B", start, () -> lab.await(
                "the client's /128 originated by the new run", until(handOverEnd),
                () -> originates(b, CLIENT) ? true : null));
        // directly through B or through its neighbour: a neighbour that lost B while it was dead hears B's route
        // again as a new one, whose smoothed metric comes down from 0x7FFF (see round a)
        measure(times, "4 the client's /128 at S, A, C", start, () -> lab.await(
                "the client's /128 in S's, A's and C's kernels", until(handOverEnd),
                () -> Stream.of(s, ns.get("a"), ns.get("c")).allMatch(n -> lab.babelRoutes(n, "-6")
                        .contains(CLIENT + " via fe80:")) ? true : null));
        measure(times, "5 S pings the client", start, () -> lab.await("S reaching the client at B again",
                until(handOverEnd), () -> ping(lab, s, SERVER, CLIENT) ? true : null));
        System.out.printf("roaming kill -9 of B (the client's node): ms after the restart %s (bound: the socket "
                + "plus one hand-over, %d ms)%n", times, HAND_OVER.toMillis());

        // (c) B killed, and the client moves to C while B is dead; B is restarted at once
        killedAt.add(System.currentTimeMillis());
        killJava(lab, jbabeld.get("b"));
        start = System.nanoTime();
        lab.ip(ns.get("b"), "link", "set", "port", "netns", ns.get("c"));
        lab.ip(ns.get("c"), "link", "set", "port", "master", "br-client");
        lab.ip(ns.get("c"), "link", "set", "port", "up");
        lab.speak(client, "c0");
        Lab.Daemon b2 = lab.jbabeld(ns.get("b"), "b", args.get("b"));
        jbabeld.put("b", b2);
        Lab.Daemon c = jbabeld.get("c");
        times = new TreeMap<>();
        long movedEnd = start + HAND_OVER.toNanos();
        measure(times, "1 C serves the client", start, () -> lab.await("C taking the client", until(movedEnd),
                () -> Lab.roamingClients(c).contains(CLIENT) ? true : null));
        measure(times, "2 B's socket", start, () -> lab.await("the restarted B's control socket", CONVERGE,
                () -> Lab.dump(b2.socket())));
        measure(times, "3 S pings the client", start, () -> lab.await("S reaching the client at C", CONVERGE,
                () -> ping(lab, s, SERVER, CLIENT) ? true : null));
        Map<String, String> towardsC = Map.of(s, "vsc", ns.get("a"), "vac", ns.get("b"), "vbc");
        measure(times, "4 S, A, B route the client and its node-client address via C only", start,
                () -> lab.await("the client's and its node-client address's /128 through C only in S's, A's and"
                        + " B's kernels", CONVERGE, () -> towardsC.entrySet().stream().allMatch(
                                e -> routedOnlyVia(lab, e.getKey(), CLIENT, e.getValue())
                                        && routedOnlyVia(lab, e.getKey(), nodeClient, e.getValue())) ? true
                                : null));
        // one update interval more: the restarted B must not take the client back or announce it meanwhile
        Thread.sleep(4_000);
        assertThat(Lab.roamingClients(b2)).as("the restarted B does not take the client back")
                .doesNotContain(CLIENT_MAC).doesNotContain(CLIENT);
        assertThat(originates(b2, CLIENT) || originates(b2, nodeClient))
                .as("the restarted B announces no /128 for the client: %s", Lab.dump(b2.socket())).isFalse();
        assertThat(Lab.roamingClients(c)).as("C still serves the client").contains(CLIENT);
        towardsC.forEach((n, via) -> assertThat(routedOnlyVia(lab, n, CLIENT, via)
                && routedOnlyVia(lab, n, nodeClient, via)).as("%s routes the client through C only", n).isTrue());
        assertThat(ping(lab, s, SERVER, CLIENT)).as("S reaches the client at C").isTrue();
        System.out.printf("roaming kill -9 of B while the client moves to C: ms after the kill %s (C's bound: one "
                + "hand-over, %d ms); roaming counters of the restarted B: %s; of C: %s%n", times,
                HAND_OVER.toMillis(), roamingCounters(b2), roamingCounters(c));
    }

    /** The {@code roaming.*} counters of a jbabeld, as NAME=VALUE words. */
    private static String roamingCounters(Lab.Daemon d) {
        StringBuilder b = new StringBuilder();
        Lab.counters(d.socket()).fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("roaming.")) {
                b.append(e.getKey().substring("roaming.".length())).append('=').append(e.getValue()).append(' ');
            }
        });
        return b.toString().strip();
    }

    /** What the roaming nodes hold for the client, and every kernel's routes to it: the failure's explanation. */
    private static String roamingState(Lab lab, Map<String, String> ns, Map<String, Lab.Daemon> jbabeld,
            String nodeClient) {
        StringBuilder b = new StringBuilder();
        for (String n : List.of("s", "a", "b", "c")) {
            b.append(n).append(":\n");
            try {
                b.append(lab.ip(ns.get(n), "-6", "route", "show", CLIENT));
                b.append(lab.ip(ns.get(n), "-6", "route", "show", nodeClient));
                b.append(lab.ip(ns.get(n), "-6", "route", "show", "2001:db8:d::/64"));
            } catch (Exception e) {
                b.append(e).append('\n');
            }
            Lab.Daemon d = jbabeld.get(n);
            if (d != null) {
                b.append(Lab.roamingClients(d)).append('\n');
                List<String> dump = Lab.dump(d.socket());
                if (dump != null) {
                    dump.stream().filter(l -> l.contains(CLIENT + "/") || l.contains(nodeClient + "/"))
                            .forEach(l -> b.append(l).append('\n'));
                }
                b.append(roamingCounters(d)).append('\n');
            }
        }
        return b.toString();
    }

    @Test
    void noDdhcpAddressIsHeldByTwoClientsAtOnceAcrossThreeKillsOfANode() throws Exception {
        String udhcpc = Lab.tool("udhcpc", "udhcpc");
        try (Lab lab = new Lab(dir)) {
            List<String> nodes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String n = lab.ns("n" + i);
                MmfdLab.noDad(lab, n);
                lab.ip(n, "link", "add", "cli", "type", "bridge");
                lab.ip(n, "link", "set", "cli", "up");
                lab.ip(n, "addr", "add", "10.116.224.1/24", "dev", "cli");
                nodes.add(n);
            }
            lab.link(nodes.get(0), "m1", nodes.get(1), "m0");
            List<List<String>> args = new ArrayList<>();
            List<Lab.Daemon> daemons = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                args.add(Lab.with(FAST, "-C", "redistribute local deny",
                        "-C", "ddhcp client-interface cli range 10.116.224.0/24 block-size 4 router 10.116.224.1"
                                + " dns 10.116.224.1 lease-time 20",
                        "-C", "ddhcp node-id 0" + (i + 1) + "00000000000001", "-C", "ddhcp learning false",
                        "-C", "ddhcp tentative-timeout 3", "-C", "ddhcp block-timeout 30",
                        "-C", "ddhcp state-file " + dir.resolve("n" + i + ".ddhcp"), "m" + (1 - i)));
                daemons.add(lab.jbabeld(nodes.get(i), "n" + i, args.get(i)));
            }
            // clients: name -> node index; each in a namespace of its own (its own MAC), udhcpc running throughout
            Map<String, Integer> clients = new TreeMap<>();
            Map<String, Lab.Daemon> running = new HashMap<>();
            Map<String, String> clientNs = new TreeMap<>();
            ClientStarter client = node -> {
                String name = "u" + clients.size();
                String cns = lab.ns(name);
                lab.link(nodes.get(node), name, cns, "e0");
                lab.ip(nodes.get(node), "link", "set", name, "master", "cli");
                Path script = lab.dhcpClientScript(dir.resolve(name + ".out"));
                running.put(name, lab.start(name, cns, List.of("ip", "netns", "exec", cns, udhcpc, "-f", "-i", "e0",
                        "-t", "20", "-T", "1", "-s", script.toString())));
                clients.put(name, node);
                clientNs.put(name, cns);
                return name;
            };
            for (int k = 0; k < 4; k++) {
                client.start(k % 2);
            }
            for (String c : clients.keySet()) {
                lab.await(c + " bound", CONVERGE, () -> address(dir, c));
            }

            for (int round = 0; round < 3; round++) {
                int v = round % 2;
                Map<String, String> held = new TreeMap<>();
                for (Map.Entry<String, Integer> e : clients.entrySet()) {
                    if (e.getValue() == v) {
                        held.put(e.getKey(), address(dir, e.getKey()));
                    }
                }
                // a new client starts its DISCOVER/REQUEST just before the node dies
                String late = client.start(v);
                Thread.sleep(300);
                lab.kill(daemons.get(v));
                long start = System.nanoTime();
                long restartedAt = System.currentTimeMillis();
                Lab.Daemon again = lab.jbabeld(nodes.get(v), "n" + v, args.get(v));
                daemons.set(v, again);
                Map<String, Long> times = new TreeMap<>();
                measure(times, "1 socket", start, () -> lab.await("n" + v + "'s control socket", CONVERGE,
                        () -> Lab.dump(again.socket())));
                measure(times, "2 leases back", start, () -> lab.await("n" + v + "'s leases back from its state file",
                        CONVERGE, () -> {
                            try {
                                return MmfdLab.ddhcpLeases(again.socket()).containsAll(held.values()) ? true : null;
                            } catch (Exception e) {
                                return null;
                            }
                        }));
                for (String c : held.keySet()) {
                    Lab.run("kill", "-USR1", Long.toString(running.get(c).process().pid()));
                }
                measure(times, "3 clients renewed", start, () -> {
                    for (Map.Entry<String, String> e : held.entrySet()) {
                        String renewed = lab.await(e.getKey() + " renewing at the restarted n" + v, CONVERGE,
                                () -> events(dir, e.getKey()).stream().filter(x -> x.at() > restartedAt
                                        && x.ip() != null).map(Event::ip).findFirst().orElse(null));
                        assertThat(renewed).as("%s keeps its address", e.getKey()).isEqualTo(e.getValue());
                    }
                });
                measure(times, "4 new client bound", start, () -> lab.await(late + " bound", CONVERGE,
                        () -> address(dir, late)));
                Set<String> at0 = MmfdLab.ddhcpLeases(daemons.get(0).socket());
                Set<String> at1 = MmfdLab.ddhcpLeases(daemons.get(1).socket());
                assertThat(at0).as("leased at n0 and at n1").doesNotContainAnyElementsOf(at1);
                System.out.printf("DDHCP kill -9 round %d of n%d: ms after the restart %s%n", round + 1, v, times);
            }
            Thread.sleep(12_000); // one more renewal of every client (at half the lease time)
            long end = System.currentTimeMillis();
            List<Holding> holdings = new ArrayList<>();
            for (Map.Entry<String, String> c : clientNs.entrySet()) {
                String mac = lab.ip(c.getValue(), "-o", "link", "show", "e0")
                        .replaceAll("(?s).*link/ether ([0-9a-f:]+).*", "$1").strip();
                holdings.addAll(holdings(c.getKey(), mac, events(dir, c.getKey()), end));
            }
            List<String> overlaps = new ArrayList<>();
            for (Holding x : holdings) {
                for (Holding y : holdings) {
                    if (x.address().equals(y.address()) && !x.mac().equals(y.mac()) && x.from() < y.to()
                            && y.from() < x.to() && x.client().compareTo(y.client()) < 0) {
                        overlaps.add(x + " and " + y);
                    }
                }
            }
            System.out.printf("DDHCP: %d clients, %d leases held (acknowledgements of DISCOVER or renewal), "
                    + "%d distinct addresses: %s%n", clientNs.size(), holdings.size(),
                    holdings.stream().map(Holding::address).distinct().count(), holdings);
            assertThat(overlaps).as("addresses held by two MACs at the same time").isEmpty();
            for (String c : clientNs.keySet()) {
                assertThat(holdings).as("%s got and renewed a lease", c).filteredOn(h -> h.client().equals(c))
                        .hasSizeGreaterThanOrEqualTo(2);
            }
        }
    }

    /** A client holding an address from {@code from} to {@code to} (ms since the epoch), as its script saw it. */
    private record Holding(String client, String mac, String address, long from, long to) {}

    /** One run of the client's script: the event, its time, the address and lease time it was given (if any). */
    private record Event(String kind, long at, String ip, long lease) {}

    private interface ClientStarter {
        String start(int node) throws Exception;
    }

    /** The address the client's script last put on (bound or renew), or null. */
    private static String address(Path dir, String client) {
        List<Event> events = events(dir, client);
        return events.isEmpty() ? null : events.getLast().ip();
    }

    /**
     * The runs of a client's script ({@link Lab#dhcpClientScript}): the lines of one run are consecutive, each
     * {@code EVENT: NAME=VALUE}; a new run starts where the event changes or a name comes again.
     */
    private static List<Event> events(Path dir, String client) {
        Path out = dir.resolve(client + ".out");
        List<Map<String, String>> runs = new ArrayList<>();
        try {
            Map<String, String> run = null;
            for (String line : Files.exists(out) ? Files.readAllLines(out) : List.<String>of()) {
                int colon = line.indexOf(": ");
                int eq = line.indexOf('=', colon);
                if (colon < 0 || eq < 0) {
                    continue;
                }
                String kind = line.substring(0, colon);
                String name = line.substring(colon + 2, eq);
                if (run == null || !kind.equals(run.get(" kind")) || run.containsKey(name)) {
                    run = new HashMap<>();
                    run.put(" kind", kind);
                    runs.add(run);
                }
                run.put(name, line.substring(eq + 1));
            }
        } catch (java.io.IOException e) {
            return List.of();
        }
        List<Event> events = new ArrayList<>();
        for (Map<String, String> r : runs) {
            if (!r.containsKey("at")) {
                continue; // the last run, still being written
            }
            boolean bound = r.get(" kind").equals("bound") || r.get(" kind").equals("renew");
            events.add(new Event(r.get(" kind"), Long.parseLong(r.get("at")), bound ? r.get("ip") : null,
                    bound ? Long.parseLong(r.get("lease")) : 0));
        }
        return events;
    }

    /** What the client held: each bound or renew until its lease ends, the client's next event or {@code end}. */
    private static List<Holding> holdings(String client, String mac, List<Event> events, long end) {
        List<Holding> out = new ArrayList<>();
        for (int k = 0; k < events.size(); k++) {
            Event e = events.get(k);
            if (e.ip() == null || e.at() >= end) {
                continue;
            }
            long to = Math.min(e.at() + e.lease() * 1000, end);
            if (k + 1 < events.size()) {
                to = Math.min(to, events.get(k + 1).at());
            }
            out.add(new Holding(client, mac, e.ip(), e.at(), to));
        }
        return out;
    }

    /** jbabeld's arguments for roaming node {@code n}: node address 2001:db8:N::1, the client bridge br-client. */
    private static List<String> roamingNode(String n, String... interfaces) {
        List<String> args = Lab.with(FAST, "-C", "roaming client-interface br-client client-prefix 2001:db8:d::/64 "
                + "node-address 2001:db8:" + n + "::1");
        args.addAll(List.of(interfaces));
        return args;
    }

    /** SIGKILL to the java process of {@code d} itself, waited for. */
    private static void killJava(Lab lab, Lab.Daemon d) throws Exception {
        assertThat(d.process().info().command().orElse("")).as("the signal goes to the java process itself")
                .endsWith("/java");
        lab.kill(d);
        assertThat(d.process().isAlive()).isFalse();
    }

    /** What is left until {@code deadline} (of {@link System#nanoTime}), never negative. */
    private static Duration until(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** {@code d} originates the host route to {@code address} (an {@code xroute} of its dump). */
    private static boolean originates(Lab.Daemon d, String address) {
        List<String> dump = Lab.dump(d.socket());
        return dump != null && dump.stream().anyMatch(l -> l.startsWith("add xroute " + address + "/128-"));
    }

    /** The kernel of {@code ns} has a route to the host {@code address}, and every one goes out on {@code ifname}. */
    private static boolean routedOnlyVia(Lab lab, String ns, String address, String ifname) {
        try {
            List<String> routes = lab.ip(ns, "-6", "route", "show", address).lines().filter(l -> !l.isBlank())
                    .toList();
            return !routes.isEmpty() && routes.stream().allMatch(l -> l.contains(" dev " + ifname + " "));
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs {@code step} and records in {@code times} how many ms after {@code start} it ended. */
    private static void measure(Map<String, Long> times, String what, long start, Step step) throws Exception {
        step.run();
        times.put(what, (System.nanoTime() - start) / 1_000_000);
    }

    private interface Step {
        void run() throws Exception;
    }

    /** The neighbour on {@code ifname} in {@code node}'s dump heard its last Hello (reach's top bit) and has a cost. */
    private static boolean accepts(Lab lab, String node, String ifname) {
        List<String> dump = Lab.dump(lab.dir().resolve(node + ".sock"));
        if (dump == null) {
            return false;
        }
        for (String line : dump) {
            Map<String, String> f = fields(line);
            if (line.startsWith("add neighbour") && ifname.equals(f.get("if"))) {
                return (Integer.parseInt(f.get("reach"), 16) & 0x8000) != 0 && Integer.parseInt(f.get("cost")) < 0xffff;
            }
        }
        return false;
    }

    /** babeld (A) has a route to {@code prefix} installed. */
    private static boolean installedAtBabeld(Lab lab, String prefix) {
        List<String> dump = Lab.dump(lab.dir().resolve("a.sock"));
        return dump != null && dump.stream().map(JbabeldKillNineTest::fields)
                .anyMatch(f -> prefix.equals(f.get("prefix")) && "yes".equals(f.get("installed")));
    }

    /** The key-value pairs of a dump line ({@code add route ID k v k v ...}). */
    private static Map<String, String> fields(String line) {
        String[] w = line.split(" ");
        Map<String, String> f = new HashMap<>();
        for (int k = 3; k + 1 < w.length; k += 2) {
            f.put(w[k], w[k + 1]);
        }
        return f;
    }

    private static boolean ping(Lab lab, String ns, String from, String to) {
        try {
            return lab.exec(ns, "ping", "-6", "-c", "1", "-W", "1", "-I", from, to) == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * For each kill, the longest gap in ms between two replies of {@code ping -D} that ends after the kill and up to
     * the next one (or the end): the flow stops only while the restarted node's kernel lacks the routes it flushed.
     * A gap belongs to the kill it ends after, so the one a kill opens is not counted for the round before.
     */
    private static List<Long> outages(List<String> pingOutput, List<Long> kills) {
        List<Long> replies = new ArrayList<>();
        for (String l : pingOutput) {
            if (l.startsWith("[") && l.contains(" bytes from ")) {
                replies.add((long) (Double.parseDouble(l.substring(1, l.indexOf(']'))) * 1000));
            }
        }
        List<Long> out = new ArrayList<>();
        for (int k = 0; k < kills.size(); k++) {
            long from = kills.get(k);
            long to = k + 1 < kills.size() ? kills.get(k + 1) : Long.MAX_VALUE;
            long longest = 0;
            for (int r = 1; r < replies.size(); r++) {
                if (replies.get(r) > from && replies.get(r) <= to) {
                    longest = Math.max(longest, replies.get(r) - replies.get(r - 1));
                }
            }
            out.add(longest);
        }
        return out;
    }
}
