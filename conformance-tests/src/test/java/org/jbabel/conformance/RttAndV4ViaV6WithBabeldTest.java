package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jbabel.control.BabeldText;
import org.jbabel.control.ChangeEvent;
import org.jbabel.control.NeighbourEntry;
import org.jbabel.control.RouteEntry;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jbabeld next to the real babeld (Debian's 1.12.1) in network namespaces: the RTT extension (RFC 9616) across a
 * link with a known delay, and IPv4 forwarded over links that carry no IPv4 address (RFC 9229). Each test
 * builds its own network and tears it down, also after a failure.
 */
class RttAndV4ViaV6WithBabeldTest {

    private static final Duration CONVERGE = Duration.ofSeconds(40);
    private static final String FAST = "default hello-interval 0.5 update-interval 4";

    /**
     * A (babeld) and B (jbabeld) on a point-to-point link delayed 50 ms in each direction, timestamps and a penalty
     * of 96 on both: each side measures about 100 ms for the other (so each reads the other's timestamps right), and
     * the penalty is in the link cost and in the metric of the route through it. The kernel here has no
     * {@code sch_netem}, so the delay comes from a {@link DelayedTunnel} (two TUN devices and a relay in this JVM).
     * A new sample weighs half in the smoothed RTT on both ({@code rtt-decay 128}; the default 42/256 took some
     * twenty IHUs, 30 s, to come within 10 % of 100 ms from the first sample's 200).
     */
    @Test
    void rttPenaltyAppearsInTheMetricOnALinkWithADelay(@TempDir Path dir) throws Throwable {
        Lab.tool("babeld", "babeld");
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        String ta = "rta" + suffix;
        String tb = "rtb" + suffix;
        try (Lab lab = new Lab(dir); DelayedTunnel tunnel = new DelayedTunnel(ta, tb, Duration.ofMillis(50))) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            Lab.run("ip", "link", "set", ta, "netns", a);
            Lab.run("ip", "link", "set", tb, "netns", b);
            lab.ip(a, "link", "set", ta, "up");
            lab.ip(b, "link", "set", tb, "up");
            lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
            lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
            List<String> rtt = List.of("-C", FAST,
                    "-C", "default enable-timestamps true max-rtt-penalty 96 rtt-decay 128");
            Lab.Daemon babeld = lab.babeld(a, "a", concat(rtt, List.of(ta)));
            Lab.Daemon jbabeld = lab.jbabeld(b, "b", concat(rtt, List.of(tb)));

            // Ours: rtt near 100 ms (the first sample counts double, then it is smoothed down).
            List<ChangeEvent> ours = lab.await("an RTT near 100 ms in jbabeld's dump", CONVERGE,
                    () -> settled(Lab.dump(jbabeld.socket())));
            NeighbourEntry n = neighbour(ours);
            assertThat(n.rtt().cost()).as("rttcost").isPositive()
                    .isEqualTo(penalty(n.rtt().micros()));
            assertThat(n.cost()).as("cost = txcost + rttcost").isEqualTo(n.txcost() + n.rtt().cost());
            RouteEntry viaA = route(ours, "2001:db8:a::1/128");
            assertThat(viaA.metric()).as("metric of A's route = refmetric + cost")
                    .isEqualTo(viaA.refmetric() + n.cost());

            // Theirs: babeld measured us with our timestamps, and pays the penalty too.
            List<ChangeEvent> theirs = lab.await("an RTT near 100 ms in babeld's dump", CONVERGE,
                    () -> settled(Lab.dump(babeld.socket())));
            NeighbourEntry m = neighbour(theirs);
            assertThat(m.rtt().cost()).isPositive();
            assertThat(m.cost()).isEqualTo(m.txcost() + m.rtt().cost());
            RouteEntry viaB = route(theirs, "2001:db8:b::1/128");
            assertThat(viaB.metric()).isEqualTo(viaB.refmetric() + m.cost());
        }
    }

    /**
     * A (babeld) – B (jbabeld) – C (babeld) on veth pairs with IPv6 link-local addresses only; IPv4 only on the
     * loopbacks. B learns the IPv4 routes as AE 4 updates, installs them through IPv6 next hops and re-announces
     * them the same way; A pings C over IPv4.
     */
    @Test
    void ipv4PingAcrossNodesWhoseLinksCarryNoIpv4Address(@TempDir Path dir) throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            String c = lab.ns("c");
            lab.link(a, "va", b, "vba");
            lab.link(b, "vbc", c, "vc");
            lab.ip(a, "addr", "add", "10.2.0.1/32", "dev", "lo");
            lab.ip(c, "addr", "add", "10.2.0.3/32", "dev", "lo");
            lab.babeld(a, "a", List.of("-C", FAST, "va"));
            lab.jbabeld(b, "b", List.of("-C", FAST, "vba", "vbc"));
            lab.babeld(c, "c", List.of("-C", FAST, "vc"));

            String atB = lab.await("both loopbacks in jbabeld's FIB through IPv6 next hops", CONVERGE, () -> {
                String v4 = lab.babelRoutes(b, "-4");
                return v4.contains("10.2.0.1 via inet6 fe80:") && v4.contains("10.2.0.3 via inet6 fe80:") ? v4 : null;
            });
            assertThat(atB).contains("dev vba").contains("dev vbc");
            String atA = lab.await("C's loopback at A through jbabeld", CONVERGE, () -> {
                String v4 = lab.babelRoutes(a, "-4");
                return v4.contains("10.2.0.3 via inet6 fe80:") ? v4 : null;
            });
            assertThat(atA).contains("dev va");
            lab.await("C's route back to A", CONVERGE,
                    () -> lab.babelRoutes(c, "-4").contains("10.2.0.1 via inet6 fe80:") ? true : null);
            assertThat(lab.ip(b, "-4", "addr", "show", "dev", "vba") + lab.ip(b, "-4", "addr", "show", "dev", "vbc"))
                    .as("no IPv4 address on B's links").doesNotContain("inet ");

            assertThat(lab.exec(a, "ping", "-c", "1", "-W", "3", "-I", "10.2.0.1", "10.2.0.3"))
                    .as("IPv4 ping from A's loopback to C's").isZero();
        }
    }

    /** The dump parsed, once its neighbour has an RTT within 10 % of 100 ms; else null. */
    private static List<ChangeEvent> settled(List<String> dump) {
        if (dump == null) {
            return null;
        }
        List<ChangeEvent> events = new ArrayList<>();
        for (String line : dump) {
            events.add(BabeldText.parse(line));
        }
        NeighbourEntry n = neighbour(events);
        boolean routed = events.stream().anyMatch(e -> e.entry() instanceof RouteEntry r && r.metric() < 0xFFFF);
        return n != null && n.rtt() != null && n.rtt().micros() >= 90_000 && n.rtt().micros() <= 110_000 && routed
                ? events : null;
    }

    private static NeighbourEntry neighbour(List<ChangeEvent> events) {
        return events.stream().filter(e -> e.entry() instanceof NeighbourEntry).map(e -> (NeighbourEntry) e.entry())
                .findFirst().orElse(null);
    }

    private static RouteEntry route(List<ChangeEvent> events, String prefix) {
        return events.stream().filter(e -> e.entry() instanceof RouteEntry r && r.prefix().equals(Prefix.parse(prefix)))
                .map(e -> (RouteEntry) e.entry()).findFirst().orElseThrow();
    }

    /** babeld's penalty with rtt-min 10 ms, rtt-max 120 ms and max-rtt-penalty 96. */
    private static int penalty(long micros) {
        return micros <= 10_000 ? 0 : micros >= 120_000 ? 96 : (int) (96 * (micros - 10_000) / 110_000);
    }

    private static List<String> concat(List<String> x, List<String> y) {
        List<String> r = new ArrayList<>(x);
        r.addAll(y);
        return r;
    }
}
