package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.conformance.MmfdLab.Proc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * jbabeld's mmfd ({@code -C mmfd}) on a 5-node namespace mesh with cycles: a ring n0-n1-n2-n3-n4-n0 and a chord
 * n1-n3. Each node's {@code mmfd0} has fe80::1/64 and a route for ff05::/16 (as Gluon sets it up) and a listener on
 * [::]:1001 joined to ff05::2:1001 there; a UDP packet a listener sends to ff05::2:1001 goes into its mmfd0 and must
 * come out of every other node's mmfd0 exactly once. Then malformed mmfd datagrams are counted and dropped, and a
 * node that stops leaves its neighbours' lists within the 50 s timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JbabeldMmfdTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final int N = 5;

    private Lab lab;
    private final List<String> ns = new ArrayList<>();
    private final List<Lab.Daemon> daemons = new ArrayList<>();
    /** Each node's listener on its mmfd0, by the node's name (n0 ... n4). */
    private final Map<String, Proc> listeners = new LinkedHashMap<>();
    private final List<AutoCloseable> processes = new ArrayList<>();
    /** Node index to its interfaces, and the node at the other end of each. */
    private final List<Map<String, Integer>> links = new ArrayList<>();

    @BeforeAll
    void mesh(@TempDir Path dir) throws Exception {
        lab = new Lab(dir);
        for (int i = 0; i < N; i++) {
            ns.add(lab.ns("mm" + i));
            MmfdLab.noDad(lab, ns.get(i));
            links.add(new LinkedHashMap<>());
        }
        for (int i = 0; i < N; i++) {
            link(i, "mr", (i + 1) % N, "ml");
        }
        link(1, "mc", 3, "mc");
        for (int i = 0; i < N; i++) {
            List<String> args = new ArrayList<>(List.of("-C", "default hello-interval 1 update-interval 4",
                    "-C", "mmfd"));
            args.addAll(links.get(i).keySet());
            daemons.add(lab.jbabeld(ns.get(i), "n" + i, args));
        }
        List<Proc> started = MmfdLab.mmfd0Listeners(lab, ns, START);
        for (int i = 0; i < N; i++) {
            listeners.put("n" + i, started.get(i));
        }
        processes.addAll(started);
    }

    private void link(int a, String ifA, int b, String ifB) throws Exception {
        lab.link(ns.get(a), ifA, ns.get(b), ifB);
        links.get(a).put(ifA, b);
        links.get(b).put(ifB, a);
    }

    @AfterAll
    void cleanUp() throws Exception {
        for (AutoCloseable p : processes) {
            p.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    /** The link-local addresses node {@code other} has on its links to {@code node}. */
    private List<String> addressesTowards(int other, int node) throws Exception {
        List<String> a = new ArrayList<>();
        for (Map.Entry<String, Integer> e : links.get(other).entrySet()) {
            if (e.getValue() == node) {
                a.add(MmfdLab.linkLocal(lab, ns.get(other), e.getKey()));
            }
        }
        return a;
    }

    @Test
    @Order(1)
    void everyNodeFindsItsMmfdNeighboursAndAPacketReachesEveryOtherNodeExactlyOnce() throws Exception {
        for (int i = 0; i < N; i++) {
            List<String> expected = new ArrayList<>();
            for (int peer : links.get(i).values()) {
                expected.addAll(addressesTowards(peer, i));
            }
            Path socket = daemons.get(i).socket();
            lab.await("node " + i + "'s mmfd neighbours " + expected, START, () -> {
                List<String> got = MmfdLab.jbabelMmfdNeighbours(socket);
                return got != null && got.size() == expected.size() && got.containsAll(expected) ? got : null;
            });
        }
        for (String origin : List.of("n0", "n2")) {
            MmfdLab.deliveredExactlyOnce(listeners, origin, "from-" + origin, Duration.ofSeconds(10), QUIET);
        }
    }

    @Test
    @Order(2)
    void malformedMmfdDatagramsAreCountedAndDropped() throws Exception {
        // a stranger on n1's side of the n0-n1 link, on another port than n1's own mmfd
        Proc stranger = MmfdLab.probe(ns.get(1), "ml", 40001);
        processes.add(stranger);
        String n0 = MmfdLab.linkLocal(lab, ns.get(0), "mr");
        Path socket = daemons.get(0).socket();
        long shortBefore = MmfdLab.counter(socket, "mmfd.drop_short");
        long invalidBefore = MmfdLab.counter(socket, "mmfd.drop_invalid");
        stranger.send(n0, 27275, new byte[] {1, 2, 3});
        stranger.send(n0, 27275, MmfdLab.data(new byte[8], "not an IPv6 packet".getBytes(StandardCharsets.UTF_8)));
        byte[] unicast = MmfdLab.udp("fe80::d1", "2001:db8::1", 1001, "unicast".getBytes(StandardCharsets.UTF_8));
        stranger.send(n0, 27275, MmfdLab.data(new byte[] {9, 9, 9, 9, 9, 9, 9, 9}, unicast));
        lab.await("the drops counted on n0", Duration.ofSeconds(10), () -> {
            try {
                return MmfdLab.counter(socket, "mmfd.drop_short") > shortBefore
                        && MmfdLab.counter(socket, "mmfd.drop_invalid") >= invalidBefore + 2 ? Boolean.TRUE : null;
            } catch (Exception e) {
                return null;
            }
        });
        assertThat(MmfdLab.anyWithin(listeners, l -> l.startsWith("recv "), Duration.ofMillis(300)))
                .as("anything out of a node's mmfd0").isNull();
    }

    @Test
    @Order(3)
    void aNodeThatStopsLeavesItsNeighboursListsWithinTheTimeout() throws Exception {
        List<String> gone = new ArrayList<>();
        gone.addAll(addressesTowards(4, 0));
        gone.addAll(addressesTowards(4, 3));
        lab.stop(daemons.get(4));
        for (int i : List.of(0, 3)) {
            Path socket = daemons.get(i).socket();
            lab.await("n4 gone from n" + i + "'s mmfd neighbours", Duration.ofSeconds(65), () -> {
                List<String> got = MmfdLab.jbabelMmfdNeighbours(socket);
                return got != null && !got.isEmpty() && got.stream().noneMatch(gone::contains) ? got : null;
            });
        }
    }
}
