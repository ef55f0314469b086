package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client roams between two jbabelds with ddhcp (mmfd carries the block messages, Babel routes the lease messages
 * to the owner's loopback address): ISC dhclient leases an address of n0's block on n0's client link, moves to n1's
 * client link with the same MAC and asks for it again (INIT-REBOOT): n1 forwards the REQUEST to n0 (RENEWLEASE), n0
 * answers LEASEACK, and the client keeps its address.
 */
class JbabeldDdhcpRoamingTest {

    @Test
    void aRoamedClientKeepsItsAddressThroughTheBlockOwner(@TempDir Path dir) throws Exception {
        String dhclient = Lab.tool("dhclient", "isc-dhcp-client");
        try (Lab lab = new Lab(dir)) {
            List<String> ns = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String n = lab.ns("dr" + i);
                MmfdLab.noDad(lab, n);
                lab.ip(n, "addr", "add", "fd00::" + (i + 1) + "/128", "dev", "lo");
                ns.add(n);
            }
            String client = lab.ns("drc");
            lab.link(ns.get(0), "a0", ns.get(1), "a1");
            lab.link(ns.get(0), "cli", client, "e0");
            lab.link(ns.get(1), "cli", client, "e1");
            lab.ip(client, "link", "set", "e0", "address", "52:54:00:0a:0b:0c");
            lab.ip(client, "link", "set", "e1", "address", "52:54:00:0a:0b:0c");
            lab.ip(client, "link", "set", "e1", "down");
            List<Lab.Daemon> daemons = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                // claims of 20 s, refreshed every 5 s: the first go out before mmfd has neighbours (its first HELLO
                // comes 10 s after the start), so the other node hears a claim at a refresh
                lab.ip(ns.get(i), "addr", "add", "10.116.224.1/22", "dev", "cli");
                daemons.add(lab.jbabeld(ns.get(i), "n" + i, List.of("-C",
                        "default hello-interval 1 update-interval 4", "-C", "redistribute local ip fd00::/64 ge 128",
                        "-C", "redistribute local deny", "-C", "mmfd", "-C", "ddhcp client-interface cli range"
                                + " 10.116.224.0/22 block-size 4 router 10.116.224.1 lease-time 600",
                        "-C", "ddhcp learning false", "-C", "ddhcp tentative-timeout 3", "-C", "ddhcp spare-leases 1",
                        "-C", "ddhcp block-timeout 20", i == 0 ? "a0" : "a1")));
            }
            // each node owns a block and knows the other's with its loopback address
            lab.await("each block known at the other node", Duration.ofSeconds(60), () -> {
                Map<Integer, String> at0 = states(daemons.get(0).socket());
                Map<Integer, String> at1 = states(daemons.get(1).socket());
                if (at0 == null || at1 == null) {
                    return null;
                }
                boolean ok = at0.entrySet().stream().anyMatch(e -> e.getValue().equals("OURS")
                        && "CLAIMED".equals(at1.get(e.getKey())))
                        && at1.entrySet().stream().anyMatch(e -> e.getValue().equals("OURS")
                        && "CLAIMED".equals(at0.get(e.getKey())));
                return ok ? true : null;
            });
            lab.await("n1's route to fd00::1", Duration.ofSeconds(20),
                    () -> lab.babelRoutes(ns.get(1), "-6").contains("fd00::1") ? true : null);

            Path leases = dir.resolve("dhclient.leases");
            Path pid = dir.resolve("dhclient.pid");
            assertThat(lab.exec(client, dhclient, "-1", "-sf", script(dir, "first").toString(), "-lf",
                    leases.toString(), "-pf", pid.toString(), "e0")).isZero();
            lab.exec(client, dhclient, "-x", "-sf", "/bin/true", "-pf", pid.toString(), "e0");
            String address = value(dir, "first", "BOUND", "new_ip_address");
            Map<Integer, String> at0 = states(daemons.get(0).socket());
            int block = block(address);
            assertThat(at0).as("%s is in n0's block", address).containsEntry(block, "OURS");

            // the client moves: n0's link goes down, n1's comes up, the lease file names the new interface
            lab.ip(client, "link", "set", "e0", "down");
            lab.ip(client, "link", "set", "e1", "up");
            Files.writeString(leases, Files.readString(leases).replace("\"e0\"", "\"e1\""));
            assertThat(lab.exec(client, dhclient, "-1", "-sf", script(dir, "second").toString(), "-lf",
                    leases.toString(), "-pf", pid.toString(), "e1")).isZero();
            lab.exec(client, dhclient, "-x", "-sf", "/bin/true", "-pf", pid.toString(), "e1");
            assertThat(value(dir, "second", "REBOOT", "new_ip_address")).as("log of n1:%n%s",
                    Files.readString(daemons.get(1).log())).isEqualTo(address);
            assertThat(MmfdLab.counter(daemons.get(1).socket(), "ddhcp.dhcp.forwarded")).isPositive();
            assertThat(MmfdLab.counter(daemons.get(0).socket(), "ddhcp.sent_leaseack")).isPositive();
            assertThat(MmfdLab.counter(daemons.get(1).socket(), "ddhcp.dhcp.tx.ack")).isPositive();
        }
    }

    private static int block(String address) {
        String[] p = address.split("\\.");
        return ((Integer.parseInt(p[2]) - 224) * 256 + Integer.parseInt(p[3])) / 4;
    }

    private static Path script(Path dir, String name) throws Exception {
        Path s = dir.resolve(name + ".sh");
        Files.writeString(s, "#!/bin/sh\nenv | sed 's/^/'\"$reason\"': /' >> " + dir.resolve(name + ".out") + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    private static String value(Path dir, String name, String reason, String variable) throws Exception {
        String prefix = reason + ": " + variable + "=";
        return Files.readAllLines(dir.resolve(name + ".out")).stream().filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in " + readQuietly(dir, name)));
    }

    private static String readQuietly(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name + ".out"));
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** {@code ddhcp blocks}: block to state; null when it fails. */
    private static Map<Integer, String> states(Path socket) {
        return MmfdLab.ddhcpStates(socket);
    }
}
