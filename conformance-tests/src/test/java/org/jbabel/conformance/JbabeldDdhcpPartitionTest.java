package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition of a DDHCP mesh heals (issue 13): two jbabelds, W (node id ff…, the higher) and L (01…), start with
 * their link down. W needs one block of 10.116.224.0/27 (8 blocks of 4); L, with {@code spare-leases 30}, claims
 * all eight, W's among them. Busybox udhcpc at W leases the first address of W's block; a second udhcpc at L asks
 * for the same address (option 50) and gets it, since L owns that block too: one address, two clients, while the
 * halves cannot hear each other. The link comes up: the conflict rule gives the block to W (the higher id) and L
 * drops it. Both clients renew (SIGUSR1, unicast to the server identifier): W acknowledges its own; L forwards its
 * client's REQUEST to W, W answers LEASENAK (the address is another hardware address's), L sends DHCPNAK, and the
 * client starts over and gets a new address from one of L's remaining blocks. No address is then held by two clients.
 */
class JbabeldDdhcpPartitionTest {

    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void afterAPartitionHealsTheLosingSidesClientIsNakedAndReaddressed() throws Exception {
        String udhcpc = Lab.tool("udhcpc", "udhcpc");
        try (Lab lab = new Lab(dir)) {
            String w = lab.ns("pw");
            String l = lab.ns("pl");
            String cw = lab.ns("pcw");
            String cl = lab.ns("pcl");
            int i = 0;
            for (String n : List.of(w, l)) {
                MmfdLab.noDad(lab, n);
                lab.ip(n, "addr", "add", "fd00::" + (++i) + "/128", "dev", "lo");
                lab.ip(n, "link", "add", "cli", "type", "bridge");
                lab.ip(n, "link", "set", "cli", "up");
                lab.ip(n, "addr", "add", "10.116.225.1/16", "dev", "cli");
            }
            lab.link(w, "p0", l, "p1");
            lab.ip(w, "link", "set", "p0", "down");
            lab.link(w, "c", cw, "e0");
            lab.ip(w, "link", "set", "c", "master", "cli");
            lab.link(l, "c", cl, "e0");
            lab.ip(l, "link", "set", "c", "master", "cli");
            Lab.Daemon dw = lab.jbabeld(w, "w", args("ff00000000000001", 2, "p0"));
            Lab.Daemon dl = lab.jbabeld(l, "l", args("0100000000000001", 30, "p1"));
            lab.await("L owns all eight blocks, W one", LIMIT, () -> {
                Map<Integer, String> sw = states(dw.socket());
                Map<Integer, String> sl = states(dl.socket());
                return sw != null && sl != null && count(sl, "OURS") == 8 && count(sw, "OURS") >= 1 ? true : null;
            });

            Process a = client(lab, cw, "a", udhcpc, List.of());
            Process b = null;
            try {
                String address = lab.await("W's client bound", LIMIT, () -> event("a", "bound", "ip"));
                assertThat(states(dw.socket())).containsEntry(block(address), "OURS");
                b = client(lab, cl, "b", udhcpc, List.of("-r", address));
                String atL = lab.await("L's client bound", LIMIT, () -> event("b", "bound", "ip"));
                assertThat(atL).as("both halves lease the same address while apart").isEqualTo(address);

                lab.ip(w, "link", "set", "p0", "up");
                lab.await("L records W's block as W's", LIMIT, () -> "CLAIMED".equals(
                        stateOrNull(dl.socket(), block(address))) ? true : null);
                assertThat(states(dw.socket())).containsEntry(block(address), "OURS");
                lab.await("L's route to W's loopback", LIMIT,
                        () -> lab.babelRoutes(l, "-6").contains("fd00::1 ") ? true : null);

                Lab.run("kill", "-USR1", Long.toString(a.pid()));
                Lab.run("kill", "-USR1", Long.toString(b.pid()));
                assertThat(lab.await("W's client renewed", LIMIT, () -> event("a", "renew", "ip")))
                        .isEqualTo(address);
                String moved = lab.await("L's client re-addressed", LIMIT, () -> {
                    String now = event("b", "bound", "ip");
                    return now != null && !now.equals(address) ? now : null;
                });
                assertThat(lines("b")).as("L's client was NAKed").anyMatch(x -> x.startsWith("nak: "));
                assertThat(states(dl.socket())).as("%s is in one of L's own blocks", moved)
                        .containsEntry(block(moved), "OURS");
                assertThat(MmfdLab.counter(dl.socket(), "ddhcp.dhcp.tx.nak")).isPositive();
                assertThat(MmfdLab.counter(dw.socket(), "ddhcp.dhcp.renewlease_nak")).isPositive();
                assertThat(MmfdLab.counter(dl.socket(), "ddhcp.conflict_lost")).isPositive();
                // no address leased at both nodes
                lab.await("no address leased at both nodes", LIMIT, () -> {
                    Set<String> at = leased(dw.socket());
                    Set<String> bt = leased(dl.socket());
                    return at != null && bt != null && at.stream().noneMatch(bt::contains) ? true : null;
                });
            } finally {
                a.destroy();
                if (b != null) {
                    b.destroy();
                }
                a.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private List<String> args(String nodeId, int spare, String iface) {
        return List.of("-C", "default hello-interval 1 update-interval 4", "-C",
                "redistribute local ip fd00::/64 ge 128", "-C", "redistribute local deny", "-C", "mmfd", "-C",
                "ddhcp client-interface cli range 10.116.224.0/27 block-size 4 router 10.116.225.1 lease-time 600",
                "-C", "ddhcp node-id " + nodeId, "-C", "ddhcp spare-leases " + spare, "-C", "ddhcp learning false",
                "-C", "ddhcp tentative-timeout 3", "-C", "ddhcp block-timeout 20", "-C",
                "ddhcp state-file " + dir.resolve(nodeId + ".ddhcp"), iface);
    }

    /** udhcpc in the foreground, its script putting the address on e0 and writing every event to NAME.out. */
    private Process client(Lab lab, String ns, String name, String udhcpc, List<String> more) throws Exception {
        Path s = dir.resolve(name + ".sh");
        Files.writeString(s, "#!/bin/sh\ncase \"$1\" in bound|renew) ip addr replace $ip/16 dev $interface;; esac\n"
                + "env | sed 's/^/'\"$1\"': /' >> " + dir.resolve(name + ".out") + "\nexit 0\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> c = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns, udhcpc, "-f", "-i", "e0", "-t",
                "30", "-T", "2", "-s", s.toString()));
        c.addAll(more);
        return new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    private List<String> lines(String name) {
        try {
            return Files.readAllLines(dir.resolve(name + ".out"));
        } catch (Exception e) {
            return List.of();
        }
    }

    /** The last value of {@code variable} at {@code event}, or null. */
    private String event(String name, String event, String variable) {
        String prefix = event + ": " + variable + "=";
        return lines(name).stream().filter(x -> x.startsWith(prefix)).map(x -> x.substring(prefix.length()))
                .reduce((x, y) -> y).orElse(null);
    }

    private static int block(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf('.') + 1)) / 4;
    }

    private static long count(Map<Integer, String> states, String state) {
        return states.values().stream().filter(state::equals).count();
    }

    private static String stateOrNull(Path socket, int block) {
        Map<Integer, String> s = states(socket);
        return s == null ? null : s.get(block);
    }

    private static Map<Integer, String> states(Path socket) {
        return MmfdLab.ddhcpStates(socket);
    }

    private static Set<String> leased(Path socket) {
        try {
            return MmfdLab.ddhcpLeasesNow(socket);
        } catch (Exception e) {
            return null;
        }
    }
}
