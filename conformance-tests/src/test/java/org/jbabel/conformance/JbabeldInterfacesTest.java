package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jbabeld's interfaces at daemon level: configured unicast neighbours on a link that carries no multicast
 * (WireGuard-like), and interfaces that appear, go down and come back while the daemon runs. Every test builds its
 * own network and removes it, also when it fails.
 */
class JbabeldInterfacesTest {

    private static final Duration CONVERGE = Duration.ofSeconds(40);
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");

    @TempDir
    Path dir;

    /**
     * Two TUN devices joined by a relay that drops every IPv6 multicast packet: the jbabelds hear each other only
     * because each has the other as {@code neighbour ADDRESS interface IF}.
     */
    @Test
    void configuredUnicastNeighboursCarryRoutesOverALinkWithoutMulticast() throws Throwable {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        String ta = "uta" + suffix;
        String tb = "utb" + suffix;
        try (Lab lab = new Lab(dir); DelayedTunnel tunnel = DelayedTunnel.withoutMulticast(ta, tb)) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            Lab.run("ip", "link", "set", ta, "netns", a);
            Lab.run("ip", "link", "set", tb, "netns", b);
            lab.ip(a, "link", "set", ta, "up");
            lab.ip(b, "link", "set", tb, "up");
            lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
            lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
            String llA = lab.await("a link-local address on " + ta, CONVERGE, () -> linkLocal(lab, a, ta));
            String llB = lab.await("a link-local address on " + tb, CONVERGE, () -> linkLocal(lab, b, tb));

            lab.jbabeld(a, "a", with(FAST, "-C", "neighbour " + llB + " interface " + ta, ta));
            lab.jbabeld(b, "b", with(FAST, "-C", "neighbour " + llA + " interface " + tb, tb));
            lab.await("each jbabeld's route at the other", CONVERGE,
                    () -> lab.babelRoutes(a, "-6").contains("2001:db8:b::1 via " + llB)
                            && lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via " + llA) ? true : null);
            assertThat(lab.ping(a, "-6", "-I", "2001:db8:a::1", "2001:db8:b::1")).isZero();
            assertThat(tunnel.multicastDropped()).as("the link dropped the multicast the kernels sent").isPositive();
        }
    }

    /**
     * jbabeld runs with the pattern {@code vx*} and no matching interface; a veth {@code vx1} created afterwards
     * (babeld on its other end) is picked up and carries routes; link down on it removes them, link up restores them.
     */
    @Test
    void anInterfaceCreatedAfterStartIsPickedUpAndFollowsItsLinkState() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
            lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
            Lab.Daemon jbabeld = lab.jbabeld(b, "b", with(FAST, "vx*"));
            lab.await("jbabeld's control socket", CONVERGE, () -> Lab.dump(jbabeld.socket()));

            lab.link(a, "va1", b, "vx1");
            lab.babeld(a, "a", with(FAST, "va1"));
            lab.await("routes both ways over the new interface", CONVERGE,
                    () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:")
                            && lab.babelRoutes(a, "-6").contains("2001:db8:b::1 via fe80:") ? true : null);
            assertThat(lab.ping(b, "-6", "-I", "2001:db8:b::1", "2001:db8:a::1")).isZero();

            lab.ip(b, "link", "set", "vx1", "down");
            lab.await("babeld's route gone from jbabeld's FIB with vx1 down", CONVERGE,
                    () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1") ? null : true);
            lab.await("vx1 shown down on jbabeld's control socket", CONVERGE,
                    () -> Lab.dump(jbabeld.socket()).stream().anyMatch(l -> l.startsWith("add interface vx1 up false"))
                            ? true : null);

            lab.ip(b, "link", "set", "vx1", "up");
            lab.await("routes both ways again with vx1 up", CONVERGE,
                    () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:")
                            && lab.babelRoutes(a, "-6").contains("2001:db8:b::1 via fe80:") ? true : null);
            assertThat(lab.ping(b, "-6", "-I", "2001:db8:b::1", "2001:db8:a::1")).isZero();
        }
    }

    /**
     * jbabeld's own link to a babeld neighbour (both with their default 4 s Hellos and 16 s updates) flaps. babeld
     * sends its table once when its carrier comes back and ignores a wildcard request soon after: jbabeld hears that
     * table because it listens while its link-local address is still tentative, and asks for the routes it lost by
     * specific requests. The route is back long before babeld's next periodic update (a guard: a median of three
     * flaps under 8 s; before, 4.7–18.7 s against FRR).
     */
    @Test
    void aFlapOfJbabeldsOwnLinkRecoversWithoutWaitingForTheNeighboursPeriodicUpdate() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
            lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
            lab.link(a, "va1", b, "vx1");
            lab.babeld(a, "a", List.of("va1"));
            lab.jbabeld(b, "b", List.of("vx1"));
            lab.await("babeld's route at jbabeld", CONVERGE,
                    () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:") ? true : null);
            List<Long> recoveries = new ArrayList<>();
            for (int flap = 0; flap < 3; flap++) {
                lab.ip(b, "link", "set", "vx1", "down");
                lab.await("the route gone with vx1 down", CONVERGE,
                        () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1") ? null : true);
                Thread.sleep(500);
                long up = System.nanoTime();
                lab.ip(b, "link", "set", "vx1", "up");
                lab.await("babeld's route back at jbabeld", CONVERGE,
                        () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:") ? true : null);
                recoveries.add((System.nanoTime() - up) / 1_000_000);
            }
            System.out.println("recovery after a flap of jbabeld's link to babeld (ms): " + recoveries);
            // a guard, not a benchmark: the median of three flaps, since single flaps up to 10.4 s were seen under CI
            // load (waiting for babeld's periodic update instead gave a median near 10 s)
            assertThat(recoveries.stream().sorted().toList().get(1)).as("median recovery (ms)").isLessThan(8_000);
        }
    }

    /** The link-local address of an interface once it is past duplicate address detection, or null. */
    private static String linkLocal(Lab lab, String ns, String ifname) {
        try {
            for (String line : lab.ip(ns, "-6", "addr", "show", "dev", ifname, "scope", "link").lines().toList()) {
                String l = line.strip();
                if (l.startsWith("inet6 fe80:") && !l.contains("tentative")) {
                    return l.split("\\s+")[1].split("/")[0];
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> with(List<String> options, String... more) {
        List<String> result = new ArrayList<>(options);
        result.addAll(List.of(more));
        return result;
    }
}
