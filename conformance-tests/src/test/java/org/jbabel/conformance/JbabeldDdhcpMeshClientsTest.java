package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * DDHCP end to end with {@code roaming} on (issue 13): five jbabelds on a ring in namespaces, mmfd carrying the block
 * messages, Babel routing the lease messages to each owner's loopback address, every node serving DHCP on its client
 * bridge from the shared range 10.116.224.0/24 (64 blocks of 4) with a state file, and {@code roaming} on the same
 * bridge (IPv4 client prefix = the range, next-node-ipv4 10.116.224.1 = the DHCP router, a reserved address). Node
 * n<i>i</i> has node id 0<i>i+1</i>00…01, so the ids grow along the ring. Real clients, each in a namespace of its
 * own on a veth to a node's bridge: busybox udhcpc and ISC dhclient. Their script puts the address on as a /32 with
 * the next-node as the only on-link neighbour and default router (an L3 mesh: with a /24 netmask they would ARP for
 * each other across the mesh), so that traffic between clients goes through the nodes by roaming's host routes. The
 * steps run in order on the same mesh:
 * <ol>
 * <li>30 clients (15 udhcpc, 15 dhclient, 6 per node) all get an address, no two the same, each from a block its node
 * owns, each address leased at exactly one node, and every client pings a client at each other node;</li>
 * <li>a client whose link moves to a node two hops away renews (udhcpc: unicast RENEWING to the next-node address
 * after SIGUSR1; dhclient: INIT-REBOOT) and keeps its address, through RENEWLEASE/LEASEACK to the block owner, and is
 * reached at its new node;</li>
 * <li>malformed DHCP (to port 67) and block messages (to the lease port) are counted by kind and the node still
 * serves;</li>
 * <li>a node killed with -9 and restarted reads its state file: its leases and blocks are back, its old clients
 * renew their addresses, and addresses leased afterwards anywhere are none of those acknowledged before;</li>
 * <li>the ring is cut into {n0, n1} and {n2, n3, n4}; n0 restarts with {@code spare-leases 255} so that it claims
 * every block free in its half's view, the other half's among them (after a learning phase of 15 s, its
 * {@code block-timeout}: long enough to hear each of n1's claims refreshed); both halves lease to new clients, two
 * of n0's asking (option 50) for addresses the other half's clients hold. The ring heals: the higher ids keep the blocks
 * both halves owned, n0's two clients are NAKed on renewal and get new addresses, the other half's clients keep
 * theirs, and no address is held by two clients or leased at two nodes.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JbabeldDdhcpMeshClientsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NODES = 5;
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(90);
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    private Path dir;
    private Lab lab;
    private final List<String> ns = new ArrayList<>();
    private final List<Lab.Daemon> daemons = new ArrayList<>();
    private final List<String> clientNs = new ArrayList<>();
    /** Every address acknowledged to a client so far: address to the client's name. */
    private final Map<String, String> acknowledged = Collections.synchronizedMap(new TreeMap<>());
    /** The node each client was served by (its index), by client name. */
    private final Map<String, Integer> servedBy = new HashMap<>();
    /** The phase 1 clients and their addresses. */
    private final Map<String, String> first = new TreeMap<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(32);
    private final Set<String> dhclients = ConcurrentHashMap.newKeySet();
    private int nextClient;

    @BeforeAll
    void mesh() throws Exception {
        Lab.tool("udhcpc", "udhcpc");
        Lab.tool("dhclient", "isc-dhcp-client");
        dir = Files.createTempDirectory("ddhcp-mesh");
        lab = new Lab(dir);
        for (int i = 0; i < NODES; i++) {
            String n = lab.ns("dm" + i);
            MmfdLab.noDad(lab, n);
            lab.ip(n, "addr", "add", "fd00::" + (i + 1) + "/128", "dev", "lo");
            lab.ip(n, "link", "add", "cli", "type", "bridge");
            lab.ip(n, "link", "set", "cli", "up");
            lab.ip(n, "addr", "add", "10.117.0." + (i + 1) + "/32", "dev", "cli");
            ns.add(n);
        }
        for (int i = 0; i < NODES; i++) {
            int j = (i + 1) % NODES;
            lab.link(ns.get(i), "r" + j, ns.get(j), "r" + i);
        }
        for (int i = 0; i < NODES; i++) {
            daemons.add(start(i, "n" + i, List.of()));
        }
        awaitBlocksKnownEverywhere();
        awaitLoopbackRoutes(List.of(0, 1, 2, 3, 4));
    }

    @AfterAll
    void tearDown() throws Exception {
        pool.shutdownNow();
        if (lab != null) {
            lab.close();
        }
    }

    private Lab.Daemon start(int i, String name, List<String> more) throws Exception {
        int left = (i + NODES - 1) % NODES;
        int right = (i + 1) % NODES;
        List<String> args = new ArrayList<>(List.of("-C", "default hello-interval 1 update-interval 4", "-C",
                "redistribute local ip fd00::/64 ge 128", "-C", "redistribute local deny", "-C", "mmfd", "-C",
                "roaming client-interface cli client-prefix 10.116.224.0/24 next-node-ipv4 10.116.224.1"
                        + " node-address fd00::" + (i + 1),
                "-C", "ddhcp client-interface cli range 10.116.224.0/24 block-size 4 router 10.116.224.1"
                        + " dns 10.116.224.1 lease-time 600",
                "-C", "ddhcp node-id 0" + (i + 1) + "00000000000001", "-C", "ddhcp learning false", "-C",
                "ddhcp tentative-timeout 3", "-C", "ddhcp block-timeout 30", "-C",
                "ddhcp state-file " + dir.resolve("n" + i + ".ddhcp")));
        args.addAll(more);
        args.addAll(List.of("r" + left, "r" + right));
        return lab.jbabeld(ns.get(i), name, args);
    }

    private void awaitLoopbackRoutes(List<Integer> nodes) throws Exception {
        for (int at : nodes) {
            lab.await("routes to every loopback at n" + at, CONVERGE, () -> {
                String routes = lab.babelRoutes(ns.get(at), "-6");
                for (int k : nodes) {
                    if (k != at && !routes.contains("fd00::" + (k + 1) + " ")) {
                        return null;
                    }
                }
                return true;
            });
        }
    }

    /** Each node owns a block, and every block owned somewhere is CLAIMED by that owner at every other node. */
    private void awaitBlocksKnownEverywhere() throws Exception {
        lab.await("every owned block known at every node", CONVERGE, () -> {
            List<Map<Integer, String>> views = new ArrayList<>();
            for (Lab.Daemon d : daemons) {
                Map<Integer, String> v = states(d.socket());
                if (v == null || !v.containsValue("OURS")) {
                    return null;
                }
                views.add(v);
            }
            for (int i = 0; i < views.size(); i++) {
                for (Map.Entry<Integer, String> e : views.get(i).entrySet()) {
                    if (!e.getValue().equals("OURS")) {
                        continue;
                    }
                    for (int k = 0; k < views.size(); k++) {
                        if (k != i && !"CLAIMED".equals(views.get(k).get(e.getKey()))) {
                            return null;
                        }
                    }
                }
            }
            return true;
        });
    }

    @Test
    @Order(1)
    void thirtyClientsOfBothKindsGetDistinctAddressesFromTheirNodesBlocksAndReachEachOther() throws Exception {
        Map<String, Future<String>> running = new LinkedHashMap<>();
        for (int k = 0; k < 30; k++) {
            String name = client(k % NODES);
            running.put(name, lease(name, k % 2 == 0));
        }
        Map<String, String> got = collect(running);
        assertThat(got).hasSize(30);
        assertThat(new HashSet<>(got.values())).as("distinct addresses: %s", got).hasSize(30);
        for (Map.Entry<String, String> e : got.entrySet()) {
            int node = servedBy.get(e.getKey());
            assertThat(states(daemons.get(node).socket())).as("%s of %s is in a block of n%d", e.getValue(),
                    e.getKey(), node).containsEntry(block(e.getValue()), "OURS");
        }
        Map<String, Integer> leasedAt = leasedAtNodes();
        for (String address : got.values()) {
            assertThat(leasedAt).as("leased at exactly one node").containsEntry(address, 1);
        }
        first.putAll(got);
        everyClientReachesOneAtEachOtherNode(got);
        System.out.println("30 clients: " + got);
    }

    @Test
    @Order(2)
    void clientsMovedTwoHopsAwayRenewTheirAddressesThroughTheOwner() throws Exception {
        long forwardedBefore = MmfdLab.counter(daemons.get(2).socket(), "ddhcp.dhcp.forwarded");
        long leaseAckBefore = MmfdLab.counter(daemons.get(0).socket(), "ddhcp.sent_leaseack");

        // udhcpc stays running (its script puts the address on e0); its link moves to n2; SIGUSR1: renew
        String u = client(0);
        Path uOut = dir.resolve(u + ".out");
        Process udhcpc = udhcpc(u, List.of());
        try {
            String address = lab.await(u + " bound", CLIENT_LIMIT, () -> event(uOut, "bound", "ip"));
            acknowledged.put(address, u);
            move(u, 0, 2);
            Lab.run("kill", "-USR1", Long.toString(udhcpc.pid()));
            String renewed = lab.await(u + " renewed at n2", CLIENT_LIMIT, () -> event(uOut, "renew", "ip"));
            assertThat(renewed).as("udhcpc log:%n%s", Files.readString(dir.resolve(u + ".udhcpc.log")))
                    .isEqualTo(address);
            // roaming: n2 now routes to it, n0 lets it go; a client of n0 and one of n4 reach it
            for (String other : List.of(firstAt(0), firstAt(4))) {
                lab.await(other + " reaches " + u + " (" + address + ") at n2", CLIENT_LIMIT,
                        () -> ping(clientNs(other), address) ? true : null);
            }
        } finally {
            udhcpc.destroy();
            udhcpc.waitFor(5, TimeUnit.SECONDS);
        }

        // dhclient leases at n0, stops, its link moves to n2, it starts again: INIT-REBOOT
        String d = client(0);
        String had = collect(Map.of(d, lease(d, false))).get(d);
        move(d, 0, 2);
        assertThat(rerun(d, false)).isEqualTo(had);
        assertThat(event(dir.resolve(d + ".out"), "REBOOT", "new_ip_address")).isEqualTo(had);

        assertThat(MmfdLab.counter(daemons.get(2).socket(), "ddhcp.dhcp.forwarded") - forwardedBefore)
                .isGreaterThanOrEqualTo(2);
        assertThat(MmfdLab.counter(daemons.get(0).socket(), "ddhcp.sent_leaseack") - leaseAckBefore)
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(3)
    void malformedDhcpAndBlockMessagesAreCountedAndTheNodeServesOn() throws Exception {
        Lab.Daemon n1 = daemons.get(1);
        String c = client(1);
        String cns = clientNs(c);
        // from the range's broadcast address, which is never handed out; to the next-node address
        lab.ip(cns, "addr", "add", "10.116.224.255/32", "dev", "e0");
        lab.ip(cns, "route", "add", "10.116.224.1/32", "dev", "e0");
        lab.exec(cns, "bash", "-c", "printf garbage > /dev/udp/10.116.224.1/67; "
                + "head -c 300 /dev/zero > /dev/udp/10.116.224.1/67; "
                + "head -c 300 /dev/urandom > /dev/udp/10.116.224.1/67");
        lab.ip(cns, "route", "flush", "dev", "e0");
        lab.ip(cns, "addr", "flush", "dev", "e0");
        // block messages to n1's lease port from n0: too short, an unknown command, another range
        byte[] unknown = new byte[40];
        unknown[0] = 0x42;
        lab.exec(ns.get(0), "bash", "-c", "printf x > /dev/udp/fd00::2/1235; "
                + "printf '" + hexEscape(unknown) + "' > /dev/udp/fd00::2/1235; "
                + "head -c 64 /dev/urandom > /dev/udp/fd00::2/1235");
        Map<String, Long> counters = lab.await("the malformed messages counted", Duration.ofSeconds(20), () -> {
            Map<String, Long> m = counters(n1.socket());
            long dhcp = m.entrySet().stream().filter(e -> e.getKey().startsWith("ddhcp.dhcp.malformed."))
                    .mapToLong(Map.Entry::getValue).sum();
            return dhcp >= 3 && m.getOrDefault("ddhcp.short", 0L) >= 1 ? m : null;
        });
        assertThat(counters).containsKey("ddhcp.dhcp.malformed.short");
        System.out.println("n1's counters after garbage: " + counters);
        // the loop is alive and serves: the same client gets an address
        String address = collect(Map.of(c, lease(c, true))).get(c);
        assertThat(states(n1.socket())).containsEntry(block(address), "OURS");
    }

    @Test
    @Order(4)
    void aNodeKilledAndRestartedHandsOutNoAddressItHadAcknowledged() throws Exception {
        Lab.Daemon n1 = daemons.get(1);
        Set<String> leasedAtN1 = MmfdLab.ddhcpLeasesNow(n1.socket());
        assertThat(leasedAtN1).isNotEmpty();
        Set<String> before = new HashSet<>(acknowledged.keySet());
        Map<Integer, String> blocksBefore = states(n1.socket());
        lab.kill(n1);
        Lab.Daemon again = start(1, "n1-again", List.of());
        daemons.set(1, again);
        awaitBlocksKnownEverywhere();
        assertThat(MmfdLab.ddhcpLeasesNow(again.socket())).as("n1's leases back from its state file").containsAll(leasedAtN1);
        Map<Integer, String> blocksAfter = states(again.socket());
        for (String a : leasedAtN1) {
            assertThat(blocksBefore).containsEntry(block(a), "OURS");
            assertThat(blocksAfter).as("the block of %s is n1's again", a).containsEntry(block(a), "OURS");
        }
        // n1's old dhclient clients ask for their addresses again (INIT-REBOOT), all at once, and get them
        Map<String, String> had = new TreeMap<>();
        for (Map.Entry<String, Integer> e : servedBy.entrySet()) {
            String name = e.getKey();
            if (e.getValue() == 1 && Files.exists(dir.resolve(name + ".leases"))) {
                had.put(name, acknowledged.entrySet().stream().filter(x -> x.getValue().equals(name))
                        .map(Map.Entry::getKey).reduce((x, y) -> y).orElseThrow());
            }
        }
        assertThat(had).as("n1's dhclient clients").isNotEmpty();
        List<Callable<String>> renewals = new ArrayList<>();
        had.keySet().forEach(name -> renewals.add(() -> rerun(name, false)));
        assertThat(all(renewals)).as("the addresses renewed at the restarted n1 by %s", had.keySet())
                .containsExactlyElementsOf(had.values());
        // ten new clients, two per node: none gets an address acknowledged before
        Map<String, Future<String>> running = new LinkedHashMap<>();
        for (int k = 0; k < 10; k++) {
            String name = client(k % NODES);
            running.put(name, lease(name, k % 2 == 0));
        }
        Map<String, String> got = collect(running);
        assertThat(got.values()).as("new leases after the restart").doesNotContainAnyElementsOf(before)
                .doesNotHaveDuplicates();
        Map<String, Integer> leasedAt = leasedAtNodes();
        assertThat(leasedAt.values()).as("no address leased at two nodes: %s", leasedAt).allMatch(n -> n == 1);
    }

    @Test
    @Order(5)
    void aPartitionHealsTheHigherIdsKeepTheBlocksAndTheLosingSidesClientsAreNakedAndReaddressed() throws Exception {
        // two clients of the other half {n2, n3, n4} from step 1, one of each kind, whose addresses n0's will ask for
        String wU = firstOfKind(true);
        String wD = firstOfKind(false);
        String addressU = first.get(wU);
        String addressD = first.get(wD);
        int ownerU = servedBy.get(wU);
        int ownerD = servedBy.get(wD);

        // cut the ring between n1 and n2 and between n4 and n0
        lab.ip(ns.get(1), "link", "set", "r2", "down");
        lab.ip(ns.get(0), "link", "set", "r4", "down");
        // n0 restarts wanting 255 spare addresses, learns its half's blocks, claims every other one
        lab.kill(daemons.get(0));
        daemons.set(0, start(0, "n0-greedy", List.of("-C", "ddhcp spare-leases 255", "-C", "ddhcp learning true",
                "-C", "ddhcp block-timeout 15")));
        Lab.Daemon n0 = daemons.get(0);
        lab.await("n0 owns the blocks of " + addressU + " and " + addressD + " in the partition", CONVERGE, () -> {
            Map<Integer, String> s = states(n0.socket());
            return s != null && "OURS".equals(s.get(block(addressU))) && "OURS".equals(s.get(block(addressD)))
                    ? true : null;
        });
        assertThat(states(daemons.get(ownerU).socket())).containsEntry(block(addressU), "OURS");
        assertThat(states(daemons.get(ownerD).socket())).containsEntry(block(addressD), "OURS");

        // both halves lease: two udhcpc at n0 ask for the other half's addresses and get them, two dhclient at n1,
        // and three clients at n2, n3, n4
        String x1 = client(0);
        String x2 = client(0);
        List<Process> running = new ArrayList<>();
        try {
            running.add(udhcpc(x1, List.of("-r", addressU)));
            running.add(udhcpc(x2, List.of("-r", addressD)));
            Map<String, Future<String>> others = new LinkedHashMap<>();
            for (int node : List.of(1, 1, 2, 3, 4)) {
                String name = client(node);
                others.put(name, lease(name, node == 1 ? false : node != 3));
            }
            Map<String, String> apart = collect(others);
            assertThat(lab.await(x1 + " bound", CLIENT_LIMIT, () -> event(dir.resolve(x1 + ".out"), "bound", "ip")))
                    .as("the same address leased in both halves").isEqualTo(addressU);
            assertThat(lab.await(x2 + " bound", CLIENT_LIMIT, () -> event(dir.resolve(x2 + ".out"), "bound", "ip")))
                    .as("the same address leased in both halves").isEqualTo(addressD);
            System.out.println("leased in the partition: " + apart + ", " + x1 + "=" + addressU + ", " + x2 + "="
                    + addressD);

            // heal
            lab.ip(ns.get(1), "link", "set", "r2", "up");
            lab.ip(ns.get(0), "link", "set", "r4", "up");
            awaitLoopbackRoutes(List.of(0, 1, 2, 3, 4));
            lab.await("n0 records the blocks of " + addressU + " and " + addressD + " as the other half's",
                    CONVERGE, () -> {
                        Map<Integer, String> s = states(n0.socket());
                        return s != null && "CLAIMED".equals(s.get(block(addressU)))
                                && "CLAIMED".equals(s.get(block(addressD))) ? true : null;
                    });
            awaitBlocksKnownEverywhere();
            assertThat(states(daemons.get(ownerU).socket())).as("the higher id keeps the block")
                    .containsEntry(block(addressU), "OURS");
            assertThat(states(daemons.get(ownerD).socket())).as("the higher id keeps the block")
                    .containsEntry(block(addressD), "OURS");
            assertThat(MmfdLab.counter(n0.socket(), "ddhcp.conflict_lost")).isGreaterThanOrEqualTo(2);

            // renewals: n0's two clients are NAKed and readdressed
            long naks = MmfdLab.counter(n0.socket(), "ddhcp.dhcp.tx.nak");
            for (int k = 0; k < 2; k++) {
                Lab.run("kill", "-USR1", Long.toString(running.get(k).pid()));
            }
            for (String x : List.of(x1, x2)) {
                String had = x.equals(x1) ? addressU : addressD;
                String moved = lab.await(x + " readdressed", CLIENT_LIMIT, () -> {
                    String now = event(dir.resolve(x + ".out"), "bound", "ip");
                    return now != null && !now.equals(had) ? now : null;
                });
                assertThat(lines(x)).as("%s was NAKed", x).anyMatch(l -> l.startsWith("nak: "));
                assertThat(states(n0.socket())).as("%s is in one of n0's own blocks", moved)
                        .containsEntry(block(moved), "OURS");
                acknowledged.put(moved, x);
            }
            assertThat(MmfdLab.counter(n0.socket(), "ddhcp.dhcp.tx.nak") - naks).isGreaterThanOrEqualTo(2);
            long leaseNaks = 0;
            for (int node : List.of(ownerU, ownerD)) {
                leaseNaks += MmfdLab.counter(daemons.get(node).socket(), "ddhcp.dhcp.renewlease_nak");
            }
            assertThat(leaseNaks).as("the owners answered LEASENAK").isPositive();
            // the other half's clients keep their addresses; every client of the partition renews (dhclient
            // INIT-REBOOT, udhcpc a new DISCOVER), all at once, and gets one
            List<Callable<String>> renewals = new ArrayList<>(List.of(() -> rerun(wU, true), () -> rerun(wD, false)));
            apart.keySet().forEach(name -> renewals.add(() -> rerun(name, !dhclients.contains(name))));
            List<String> renewed = all(renewals);
            assertThat(renewed.get(0)).as("%s keeps its address", wU).isEqualTo(addressU);
            assertThat(renewed.get(1)).as("%s keeps its address", wD).isEqualTo(addressD);
            assertThat(renewed.subList(2, renewed.size())).as("renewed by %s", apart.keySet()).doesNotContainNull();
        } finally {
            for (Process p : running) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }

        // no address held by two clients, none leased at two nodes
        Map<String, String> held = new TreeMap<>();
        for (int k = 0; k < clientNs.size(); k++) {
            String out = lab.ip(clientNs.get(k), "-4", "-o", "addr", "show", "dev", "e0");
            List<String> addresses = out.lines().map(l -> l.split("\\s+")[3].replace("/32", "")).toList();
            assertThat(addresses).as("c%d holds at most one address", k).hasSizeLessThanOrEqualTo(1);
            for (String a : addresses) {
                String before = held.put(a, "c" + k);
                assertThat(before).as("%s held by c%d and %s", a, k, before).isNull();
            }
        }
        lab.await("no address leased at two nodes", CONVERGE, () -> {
            try {
                return leasedAtNodes().values().stream().allMatch(n -> n == 1) ? true : null;
            } catch (Exception e) {
                return null;
            }
        });
        System.out.println("after the partition healed, held by the clients: " + held);
    }

    // ---- clients

    /** A client of step 1 at n2, n3 or n4 (the other half in step 5) of the kind asked for. */
    private String firstOfKind(boolean udhcpc) {
        return first.keySet().stream().filter(c -> servedBy.get(c) >= 2 && dhclients.contains(c) != udhcpc)
                .findFirst().orElseThrow();
    }

    /** The first client of step 1 served by {@code node}. */
    private String firstAt(int node) {
        return first.keySet().stream().filter(c -> servedBy.get(c) == node).findFirst().orElseThrow();
    }

    /** Runs the client again from scratch (its event file deleted); returns the address it got. */
    private String rerun(String name, boolean udhcpc) throws Exception {
        Files.deleteIfExists(dir.resolve(name + ".out"));
        return runClient(name, udhcpc);
    }

    /** udhcpc in the foreground (it renews on SIGUSR1), its script configuring the address. */
    private Process udhcpc(String name, List<String> more) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", clientNs(name), Lab.tool("udhcpc", "udhcpc"),
                "-f", "-i", "e0", "-t", "20", "-T", "1", "-s", script(name).toString()));
        c.addAll(more);
        return new ProcessBuilder(c).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".udhcpc.log").toFile()).start();
    }

    /** Every client of {@code clients} pings one client at each other node, a different one for each. */
    private void everyClientReachesOneAtEachOtherNode(Map<String, String> clients) throws Exception {
        Map<Integer, List<String>> byNode = new TreeMap<>();
        clients.keySet().forEach(c -> byNode.computeIfAbsent(servedBy.get(c), x -> new ArrayList<>()).add(c));
        List<Callable<Object>> pings = new ArrayList<>();
        int k = 0;
        for (String from : clients.keySet()) {
            for (Map.Entry<Integer, List<String>> e : byNode.entrySet()) {
                if (e.getKey().equals(servedBy.get(from))) {
                    continue;
                }
                String to = e.getValue().get(k % e.getValue().size());
                String address = clients.get(to);
                pings.add(() -> lab.await(from + " (" + clients.get(from) + ") reaches " + to + " (" + address + ")",
                        CLIENT_LIMIT, () -> ping(clientNs(from), address) ? true : null));
            }
            k++;
        }
        all(pings);
    }

    /** Runs the tasks together on the pool; their results in order, or the first failure (an assertion's own). */
    private <T> List<T> all(List<Callable<T>> tasks) throws Exception {
        List<Future<T>> running = new ArrayList<>();
        for (Callable<T> t : tasks) {
            running.add(pool.submit(t));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : running) {
            try {
                results.add(f.get(CLIENT_LIMIT.toSeconds() + 30, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AssertionError a) {
                    throw a;
                }
                throw e;
            }
        }
        return results;
    }

    private boolean ping(String ns, String address) {
        try {
            return lab.exec(ns, "ping", "-c", "1", "-W", "1", address) == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private List<String> lines(String name) {
        try {
            return Files.readAllLines(dir.resolve(name + ".out"));
        } catch (Exception e) {
            return List.of();
        }
    }

    /** A new client namespace with a veth e0 to node {@code node}'s bridge; returns its name. */
    private String client(int node) throws Exception {
        String name = "c" + nextClient++;
        String cns = lab.ns("dm" + name);
        clientNs.add(cns);
        lab.link(ns.get(node), name, cns, "e0");
        lab.ip(ns.get(node), "link", "set", name, "master", "cli");
        servedBy.put(name, node);
        return name;
    }

    private String clientNs(String name) {
        return clientNs.get(Integer.parseInt(name.substring(1)));
    }

    /** Moves client {@code name}'s link from node {@code from}'s bridge to node {@code to}'s. */
    private void move(String name, int from, int to) throws Exception {
        lab.ip(ns.get(from), "link", "set", name, "netns", ns.get(to));
        lab.ip(ns.get(to), "link", "set", name, "master", "cli");
        lab.ip(ns.get(to), "link", "set", name, "up");
        servedBy.put(name, to);
    }

    private Future<String> lease(String name, boolean udhcpc) {
        return pool.submit(() -> runClient(name, udhcpc));
    }

    /** Runs udhcpc or dhclient once in the client's namespace; returns the address it was given, or null. */
    private String runClient(String name, boolean udhcpc) throws Exception {
        if (!udhcpc) {
            dhclients.add(name);
        }
        String cns = clientNs(name);
        Path out = dir.resolve(name + ".out");
        List<String> c;
        if (udhcpc) {
            c = List.of(Lab.tool("udhcpc", "udhcpc"), "-f", "-q", "-n", "-i", "e0", "-t", "40", "-T", "2", "-s",
                    script(name).toString());
        } else {
            c = List.of(Lab.tool("dhclient", "isc-dhcp-client"), "-1", "-d", "-sf", script(name).toString(),
                    "-lf", dir.resolve(name + ".leases").toString(), "-pf", dir.resolve(name + ".pid").toString(),
                    "e0");
        }
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", cns));
        command.addAll(c);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".client.log").toFile()).start();
        long end = System.nanoTime() + CLIENT_LIMIT.toNanos();
        while (System.nanoTime() < end) {
            String address = udhcpc ? event(out, "bound", "ip") : dhclientAddress(out);
            if (address != null) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
                acknowledged.put(address, name);
                return address;
            }
            if (!p.isAlive() && udhcpc) {
                break;
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        return null;
    }

    private static String dhclientAddress(Path out) {
        for (String reason : List.of("BOUND", "REBOOT", "RENEW")) {
            String a = event(out, reason, "new_ip_address");
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    private Map<String, String> collect(Map<String, Future<String>> running) throws Exception {
        Map<String, String> got = new TreeMap<>();
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Future<String>> e : running.entrySet()) {
            String a = e.getValue().get(CLIENT_LIMIT.toSeconds() + 30, TimeUnit.SECONDS);
            if (a == null) {
                failed.add(e.getKey() + " at n" + servedBy.get(e.getKey()) + ": "
                        + readQuietly(dir.resolve(e.getKey() + ".client.log")));
            } else {
                got.put(e.getKey(), a);
            }
        }
        assertThat(failed).as("clients without an address").isEmpty();
        return got;
    }

    /** The client's script ({@link Lab#dhcpClientScript}), its events in NAME.out. */
    private Path script(String name) throws Exception {
        return lab.dhcpClientScript(dir.resolve(name + ".out"));
    }

    /** The last value of {@code variable} the script saw for {@code event}, or null. */
    private static String event(Path out, String event, String variable) {
        if (!Files.exists(out)) {
            return null;
        }
        String prefix = event + ": " + variable + "=";
        try {
            return Files.readAllLines(out).stream().filter(l -> l.startsWith(prefix))
                    .map(l -> l.substring(prefix.length())).reduce((a, b) -> b).orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String hexEscape(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("\\x%02x", b & 0xff));
        }
        return s.toString();
    }

    // ---- what the nodes say

    private static int block(String address) {
        String[] p = address.split("\\.");
        return ((Integer.parseInt(p[2]) - 224) * 256 + Integer.parseInt(p[3])) / 4;
    }

    /** For every address LEASED somewhere, at how many nodes. */
    private Map<String, Integer> leasedAtNodes() throws Exception {
        Map<String, Integer> count = new TreeMap<>();
        for (Lab.Daemon d : daemons) {
            for (String a : MmfdLab.ddhcpLeasesNow(d.socket())) {
                count.merge(a, 1, Integer::sum);
            }
        }
        return count;
    }

    private static Map<String, Long> counters(Path socket) {
        try {
            List<String> json = Lab.ask(socket, "dump json");
            JsonNode c = JSON.readTree(json.get(json.size() - 2)).get("counters");
            Map<String, Long> m = new TreeMap<>();
            c.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
            return m;
        } catch (Exception e) {
            return null;
        }
    }

    /** {@code ddhcp blocks}: block to state (one range); null when it fails. */
    private static Map<Integer, String> states(Path socket) {
        return MmfdLab.ddhcpStates(socket);
    }
}
