package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients addressed by DDHCP reach each other across the mesh by the host routes of {@code roaming} (issue 13): five
 * jbabelds on a line with mmfd, {@code roaming} (IPv4 client prefix = the DDHCP range, next-node-ipv4 10.116.224.1,
 * which is also the DHCP router and so a reserved address) and {@code ddhcp} on each client bridge; 30 clients, six
 * per node (15 busybox udhcpc, 15 ISC dhclient), each in a namespace of its own. Their scripts put the address on as
 * a /32 with the next-node as the only on-link neighbour and default router, so that traffic between clients of one
 * range goes through the nodes (an L3 mesh: a /22 netmask would make them ARP for each other across the mesh). Every
 * client then pings a client at each other node (up to four hops away), and a udhcpc renews by unicast to the server
 * identifier.
 */
class JbabeldDdhcpReachabilityTest {

    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final int NODES = 5;
    private static final int PER_NODE = 6;

    @TempDir
    Path dir;

    @Test
    void clientsAtDifferentNodesPingEachOther() throws Exception {
        String udhcpc = Lab.tool("udhcpc", "udhcpc");
        String dhclient = Lab.tool("dhclient", "isc-dhcp-client");
        try (Lab lab = new Lab(dir)) {
            List<String> ns = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                String n = lab.ns("dq" + i);
                MmfdLab.noDad(lab, n);
                lab.ip(n, "addr", "add", "fd00::" + (i + 1) + "/128", "dev", "lo");
                lab.ip(n, "link", "add", "cli", "type", "bridge");
                lab.ip(n, "link", "set", "cli", "up");
                lab.ip(n, "addr", "add", "10.117.0." + (i + 1) + "/32", "dev", "cli");
                ns.add(n);
            }
            for (int i = 0; i + 1 < NODES; i++) {
                lab.link(ns.get(i), "r" + (i + 1), ns.get(i + 1), "r" + i);
            }
            List<Lab.Daemon> daemons = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                List<String> args = new ArrayList<>(List.of("-C", "default hello-interval 1 update-interval 4",
                        "-C", "redistribute local ip fd00::/64 ge 128", "-C", "redistribute local deny", "-C", "mmfd",
                        "-C", "roaming client-interface cli client-prefix 10.116.224.0/22 next-node-ipv4 10.116.224.1"
                                + " node-address fd00::" + (i + 1),
                        "-C", "ddhcp client-interface cli range 10.116.224.0/22 block-size 4 router 10.116.224.1"
                                + " lease-time 600",
                        "-C", "ddhcp learning false", "-C", "ddhcp tentative-timeout 3", "-C",
                        "ddhcp state-file " + dir.resolve("n" + i + ".ddhcp")));
                if (i > 0) {
                    args.add("r" + (i - 1));
                }
                if (i + 1 < NODES) {
                    args.add("r" + (i + 1));
                }
                daemons.add(lab.jbabeld(ns.get(i), "n" + i, args));
            }
            for (int i = 0; i < NODES; i++) {
                int at = i;
                lab.await("routes to every loopback at n" + i, LIMIT, () -> {
                    String routes = lab.babelRoutes(ns.get(at), "-6");
                    for (int k = 0; k < NODES; k++) {
                        if (k != at && !routes.contains("fd00::" + (k + 1) + " ")) {
                            return null;
                        }
                    }
                    return true;
                });
            }

            List<String> clientNs = new ArrayList<>();
            List<Process> running = new ArrayList<>();
            try {
                for (int k = 0; k < PER_NODE * NODES; k++) {
                    int node = k % NODES;
                    String name = "q" + k;
                    String cns = lab.ns("dq" + name);
                    clientNs.add(cns);
                    lab.link(ns.get(node), name, cns, "e0");
                    lab.ip(ns.get(node), "link", "set", name, "master", "cli");
                    Path script = script(name);
                    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", cns));
                    if (k % 2 == 0) {
                        c.addAll(List.of(udhcpc, "-f", "-i", "e0", "-t", "40", "-T", "2", "-s", script.toString()));
                    } else {
                        c.addAll(List.of(dhclient, "-1", "-d", "-sf", script.toString(), "-lf",
                                dir.resolve(name + ".leases").toString(), "-pf", dir.resolve(name + ".pid").toString(),
                                "e0"));
                    }
                    running.add(new ProcessBuilder(c).redirectErrorStream(true)
                            .redirectOutput(dir.resolve(name + ".log").toFile()).start());
                }
                List<String> addresses = new ArrayList<>();
                for (int k = 0; k < PER_NODE * NODES; k++) {
                    Path out = dir.resolve("q" + k + ".address");
                    addresses.add(lab.await("q" + k + " addressed", LIMIT, () -> {
                        try {
                            return Files.exists(out) ? Files.readString(out).strip() : null;
                        } catch (Exception e) {
                            return null;
                        }
                    }));
                }
                assertThat(new HashSet<>(addresses)).as("distinct: %s", addresses).hasSize(PER_NODE * NODES);
                // every client pings a client at each other node (the first packets may wait for SEEK)
                for (int k = 0; k < PER_NODE * NODES; k++) {
                    // one client at each other node, a different one for each k
                    for (int other = 0; other < NODES; other++) {
                        if (other == k % NODES) {
                            continue;
                        }
                        int j = other + NODES * ((k / NODES + other) % PER_NODE);
                        String from = clientNs.get(k);
                        String to = addresses.get(j);
                        lab.await("q" + k + " (" + addresses.get(k) + ") reaches q" + j + " (" + to + ")", LIMIT,
                                () -> ping(lab, from, to) ? true : null);
                    }
                }
                // a renewal by unicast to the server identifier, the next-node address (on roaming's macvlan)
                Lab.run("kill", "-USR1", Long.toString(running.getFirst().pid()));
                Path events = dir.resolve("q0.events");
                lab.await("q0 renewed by unicast", LIMIT, () -> {
                    try {
                        return Files.readAllLines(events).contains("renew " + addresses.getFirst()) ? true : null;
                    } catch (Exception e) {
                        return null;
                    }
                });
                System.out.println("clients: " + addresses);
            } finally {
                for (Process p : running) {
                    p.destroy();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static boolean ping(Lab lab, String ns, String address) {
        try {
            return lab.exec(ns, "ping", "-c", "1", "-W", "1", address) == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * A script for both clients: on an address (udhcpc bound/renew, dhclient BOUND/REBOOT/RENEW) it puts it on as a /32
     * with a host route to the router and a default route through it, and writes it to NAME.address.
     */
    private Path script(String name) throws Exception {
        Path s = dir.resolve(name + ".sh");
        Files.writeString(s, """
                #!/bin/sh
                a="$ip"; gw="$router"; dev="$interface"
                case "$1$reason" in
                  bound|renew) ;;
                  BOUND|REBOOT|RENEW) a="$new_ip_address"; gw="$new_routers";;
                  *) exit 0;;
                esac
                gw="${gw%% *}"
                ip addr replace "$a/32" dev "$dev"
                ip route replace "$gw" dev "$dev"
                ip route replace default via "$gw" dev "$dev"
                echo "$1$reason $a" >> %s
                echo "$a" > %s
                exit 0
                """.formatted(dir.resolve(name + ".events"), dir.resolve(name + ".address")));
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }
}
