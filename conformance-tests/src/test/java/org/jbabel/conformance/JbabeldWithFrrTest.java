package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jbabeld next to FRR's babeld (Debian's FRR 8.4), both at their default timers: F runs zebra and FRR's babeld on
 * {@code fr0}, J runs jbabeld on {@code jb0}, the two ends of a veth pair; each has an IPv6 /128 on its loopback (FRR
 * {@code redistribute ipv6 connected}, jbabeld its default redistribution of local addresses). IPv6 only: FRR 8.4
 * has no IPv4-via-IPv6 (AE 4). FRR keeps retracted routes as {@code unreachable} in the kernel; the checks look
 * for routes through a next hop only. Every test builds its own network and removes it, also when it fails.
 */
class JbabeldWithFrrTest {

    private static final Duration CONVERGE = Duration.ofSeconds(40);
    /** The flap guard: generous, since FRR's periodic updates come every 16 s; the figures are printed. */
    private static final Duration FLAP_GUARD = Duration.ofSeconds(20);
    private static final String F_ADDRESS = "2001:db8:f::1";
    private static final String J_ADDRESS = "2001:db8:b::1";

    @TempDir
    Path dir;

    @Test
    void routesFlowBothWaysIntoBothKernelsAndTrafficIsForwarded() throws Exception {
        FrrNode.require();
        try (Lab lab = new Lab(dir)) {
            Network net = network(lab);
            lab.await("FRR's route in jbabeld's FIB", CONVERGE, () -> routeVia(lab, net.j, F_ADDRESS));
            lab.await("jbabeld's route in FRR's FIB", CONVERGE, () -> routeVia(lab, net.f, J_ADDRESS));
            String jLinkLocal = lab.ip(net.j, "-6", "addr", "show", "dev", "jb0", "scope", "link");
            lab.await("jbabeld as FRR's neighbour", CONVERGE, () -> jLinkLocal.lines()
                    .map(String::strip).filter(l -> l.startsWith("inet6 fe80:"))
                    .map(l -> l.split("\\s+")[1].split("/")[0]).anyMatch(net.frr::hasNeighbour) ? true : null);
            assertThat(net.frr.vtysh("show babel route")).as("FRR's babeld's table")
                    .containsPattern(J_ADDRESS + "/128 metric \\d+ .* \\(installed\\)");
            assertThat(lab.exec(net.f, "ping", "-6", "-c", "2", "-W", "2", "-I", F_ADDRESS, J_ADDRESS))
                    .as("ping6 from FRR's loopback to jbabeld's").isZero();
            assertThat(lab.exec(net.j, "ping", "-6", "-c", "2", "-W", "2", "-I", J_ADDRESS, F_ADDRESS))
                    .as("ping6 from jbabeld's loopback to FRR's").isZero();
        }
    }

    /**
     * Issue 10 against FRR: jbabeld's own end of the link goes down for 1 s and comes back up, three times; FRR's
     * route must be back in jbabeld's FIB within {@link #FLAP_GUARD} each time (a guard, not a benchmark: the figures
     * are printed, bench/flap.sh measures), and traffic flows both ways afterwards.
     */
    @Test
    void aFlapOfJbabeldsOwnLinkToFrrRecovers() throws Exception {
        FrrNode.require();
        try (Lab lab = new Lab(dir)) {
            Network net = network(lab);
            lab.await("FRR's route in jbabeld's FIB", CONVERGE, () -> routeVia(lab, net.j, F_ADDRESS));
            List<Long> recoveries = new ArrayList<>();
            for (int flap = 0; flap < 3; flap++) {
                lab.ip(net.j, "link", "set", "jb0", "down");
                lab.await("FRR's route gone from jbabeld's FIB with jb0 down", CONVERGE,
                        () -> routeVia(lab, net.j, F_ADDRESS) == null ? true : null);
                Thread.sleep(1000);
                long up = System.nanoTime();
                lab.ip(net.j, "link", "set", "jb0", "up");
                lab.await("FRR's route back in jbabeld's FIB after the flap (guard " + FLAP_GUARD + ")", FLAP_GUARD,
                        () -> routeVia(lab, net.j, F_ADDRESS));
                recoveries.add((System.nanoTime() - up) / 1_000_000);
            }
            System.out.println("recovery after a flap of jbabeld's link to FRR's babeld (ms): " + recoveries);
            lab.await("jbabeld's route back in FRR's FIB", CONVERGE, () -> routeVia(lab, net.f, J_ADDRESS));
            assertThat(lab.exec(net.j, "ping", "-6", "-c", "2", "-W", "2", "-I", J_ADDRESS, F_ADDRESS))
                    .as("ping6 from jbabeld's loopback to FRR's after the flaps").isZero();
        }
    }

    private record Network(String f, String j, FrrNode frr) {}

    private static Network network(Lab lab) throws Exception {
        String f = lab.ns("f");
        String j = lab.ns("j");
        lab.link(f, "fr0", j, "jb0");
        lab.ip(f, "-6", "addr", "add", F_ADDRESS + "/128", "dev", "lo");
        lab.ip(j, "-6", "addr", "add", J_ADDRESS + "/128", "dev", "lo");
        FrrNode frr = FrrNode.start(lab, f, "f", List.of("fr0"), List.of("redistribute ipv6 connected"));
        lab.jbabeld(j, "j", List.of("jb0"));
        return new Network(f, j, frr);
    }

    /**
     * The kernel's route of protocol babel to {@code address} through a link-local next hop, or null (FRR's
     * {@code unreachable} entries for retracted routes do not count).
     */
    private static String routeVia(Lab lab, String ns, String address) {
        return lab.babelRoutes(ns, "-6").lines()
                .filter(l -> l.startsWith(address + " ") && l.contains(" via fe80:"))
                .findFirst().orElse(null);
    }
}
