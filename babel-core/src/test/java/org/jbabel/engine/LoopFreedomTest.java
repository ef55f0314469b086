package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.junit.jupiter.api.Test;

/** Babel's central promise: whatever the churn, following the FIBs never goes round in a circle. */
class LoopFreedomTest {

    @Test
    void newBetterRouteDoesNotDisplaceTheInstalledOneAtOnce() {
        TestNetwork net = new TestNetwork(50);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        TestNetwork.Node d = net.node("d");
        a.originate("2001:db8:a::/48");
        net.link("ab", InterfaceType.WIRED, a, b);
        net.link("ac", InterfaceType.WIRELESS, a, c);
        net.link("cd", InterfaceType.WIRED, c, d);
        net.run(Time.seconds(30));
        assertThat(d.fib("2001:db8:a::/48").nextHop()).isEqualTo(c.linkLocal("cd"));
        assertThat(d.fib("2001:db8:a::/48").metric()).isGreaterThan(192);

        net.link("bd", InterfaceType.WIRED, b, d);
        net.run(Time.seconds(3));
        assertThat(d.fib("2001:db8:a::/48").nextHop()).isEqualTo(c.linkLocal("cd"));
        net.run(Time.seconds(90));
        assertThat(d.fib("2001:db8:a::/48").nextHop()).isEqualTo(b.linkLocal("bd"));
        assertThat(d.fib("2001:db8:a::/48").metric()).isEqualTo(192);
    }

    @Test
    void forwardingNeverLoopsUnderRandomLinkFailuresAndLoss() {
        for (long seed = 1; seed <= 4; seed++) {
            checkRandomMesh(seed);
        }
    }

    private static void checkRandomMesh(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TestNetwork net = new TestNetwork(seed);
        int size = 9;
        List<TestNetwork.Node> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(net.node("n" + i));
        }
        List<String> prefixes = List.of("2001:db8:0::/48", "2001:db8:4::/48", "10.8.0.0/16");
        nodes.get(0).originate(prefixes.get(0));
        nodes.get(4).originate(prefixes.get(1));
        nodes.get(8).originate(prefixes.get(2));
        List<TestNetwork.Link> links = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            for (int j = i + 1; j < size; j++) {
                if (j == i + 1 || rnd.nextDouble() < 0.25) {
                    InterfaceType type = rnd.nextBoolean() ? InterfaceType.WIRELESS : InterfaceType.WIRED;
                    TestNetwork.Link l = net.link("l" + i + "_" + j, type, nodes.get(i), nodes.get(j));
                    l.loss = rnd.nextDouble() < 0.3 ? 0.15 : 0;
                    links.add(l);
                }
            }
        }
        for (int step = 0; step < 600; step++) {
            if (step % 20 == 0) {
                TestNetwork.Link l = links.get(rnd.nextInt(links.size()));
                l.up = !l.up;
            }
            net.run(Time.millis(500));
            for (String p : prefixes) {
                assertNoLoop(net, nodes, RouteKey.of(Prefix.parse(p)), seed, step);
            }
        }
        // After the churn, with every link back, everybody reaches every prefix again.
        for (TestNetwork.Link l : links) {
            l.up = true;
        }
        net.run(Time.seconds(120));
        for (String p : prefixes) {
            RouteKey key = RouteKey.of(Prefix.parse(p));
            long reached = nodes.stream().filter(n -> n.fib.containsKey(key)).count();
            assertThat(reached).as("nodes with a route to %s (seed %d)", p, seed).isEqualTo(size - 1);
            assertNoLoop(net, nodes, key, seed, -1);
        }
    }

    private static void assertNoLoop(TestNetwork net, List<TestNetwork.Node> nodes, RouteKey key, long seed, int step) {
        Map<String, TestNetwork.Node> byAddress = new HashMap<>();
        for (TestNetwork.Node n : nodes) {
            for (Map.Entry<String, InterfaceConfig> e : n.ifaces.entrySet()) {
                byAddress.put(e.getKey() + "/" + e.getValue().linkLocal(), n);
            }
        }
        for (TestNetwork.Node start : nodes) {
            Set<TestNetwork.Node> seen = new HashSet<>();
            TestNetwork.Node at = start;
            while (at != null) {
                if (!seen.add(at)) {
                    throw new AssertionError("forwarding loop for " + key + " from " + start + " (seed " + seed
                            + ", step " + step + ", path " + seen + ")");
                }
                Action.FibUpdate f = at.fib.get(key);
                if (f == null) {
                    break;
                }
                IpAddress nh = f.nextHop();
                at = byAddress.get(f.ifname() + "/" + nh);
            }
        }
    }
}
