package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source-specific routes (RFC 9079) in the kernel, each test in its own network of namespaces: with babeld 1.12
 * (IPv6, {@code DST from SRC} both ways), between two jbabelds and a babeld (IPv4 through rules and tables,
 * traffic following its source, the disambiguation case included) and with BIRD 2 (its {@code ipv6 sadr}
 * channel).
 */
class SourceSpecificRoutingTest {

    private static final Duration CONVERGE = Duration.ofSeconds(40);
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");

    @TempDir
    Path dir;

    /**
     * A runs babeld and redistributes a static route with a source prefix; B runs jbabeld and redistributes one of
     * its own. Each installs the other's as {@code DST from SRC}; the kernel of B forwards only the right source
     * along it. jbabeld's log and control socket tell the strategy it chose.
     */
    @Test
    void sourceSpecificRoutesFlowBothWaysWithBabeldAndAreInstalledAsDestinationFromSource() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            babeldAnnouncingFromSource(lab, a, b);
            lab.link(b, "bs0", b, "bs1");
            lab.ip(b, "-6", "route", "add", "2001:db8:e2::/48", "dev", "bs0", "proto", "static");
            Lab.Daemon jbabeld = lab.jbabeld(b, "b",
                    Lab.with(FAST, "-C", "redistribute ip 2001:db8:e2::/48 src-prefix 2001:db8:7::/48", "vb"));

            String atB = lab.await("babeld's source-specific route in jbabeld's FIB", CONVERGE, () -> {
                String v6 = lab.babelRoutes(b, "-6");
                return v6.contains("2001:db8:e1::/48 from 2001:db8:5::/48 via fe80:") ? v6 : null;
            });
            assertThat(atB).as("one kernel route with its source, no copy without it")
                    .doesNotContain("2001:db8:e1::/48 via");
            lab.await("jbabeld's source-specific route in babeld's FIB", CONVERGE, () -> lab.babelRoutes(a, "-6")
                    .contains("2001:db8:e2::/48 from 2001:db8:7::/48 via fe80:") ? true : null);

            assertThat(routeGet(lab, b, "-6", "2001:db8:e1::1", "2001:db8:5::1")).contains("dev vb");
            assertThat(routeGet(lab, b, "-6", "2001:db8:e1::1", "2001:db8:6::1")).as("another source has no route")
                    .doesNotContain("dev vb");
            assertThat(lab.ip(b, "-6", "rule", "show")).as("IPv6 needs no rules with subtrees")
                    .doesNotContain("proto babel");

            assertThat(Files.readString(jbabeld.log())).contains("source-specific routes: ipv4 tables 10..19, "
                    + "rules from priority 100; ipv6 native");
            JsonNode counters = json(jbabeld).get("counters");
            assertThat(counters.path("kernel.placement_ipv4_tables").asLong()).isEqualTo(1);
            assertThat(counters.path("kernel.placement_ipv6_native").asLong()).isEqualTo(1);

            lab.stop(jbabeld);
            assertThat(lab.babelRoutes(b, "-6")).as("a clean exit removes the route").isEmpty();
        }
    }

    /**
     * The fallback for kernels without IPv6 subtrees, on the real kernel: with {@code ipv6-subtrees false} jbabeld
     * places babeld's IPv6 source-specific route in a table behind an {@code ip -6 rule}, as it would where the probe
     * finds no subtrees, and the kernel still forwards by source.
     */
    @Test
    void withoutSubtreesIpv6SourceSpecificRoutesGoIntoATableBehindARule() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            babeldAnnouncingFromSource(lab, a, b);
            Lab.Daemon jbabeld = lab.jbabeld(b, "b", Lab.with(FAST, "-C", "ipv6-subtrees false", "vb"));

            lab.await("the rule for babeld's source", CONVERGE, () -> ipOrEmpty(lab, b, "-6", "rule", "show")
                    .contains("from 2001:db8:5::/48 lookup 10 proto babel") ? true : null);
            assertThat(ipOrEmpty(lab, b, "-6", "route", "show", "table", "10")).contains("2001:db8:e1::/48 via fe80:");
            assertThat(lab.babelRoutes(b, "-6")).as("nothing source-specific in the main table")
                    .doesNotContain("2001:db8:e1::/48");
            assertThat(routeGet(lab, b, "-6", "2001:db8:e1::1", "2001:db8:5::1")).contains("dev vb");
            assertThat(routeGet(lab, b, "-6", "2001:db8:e1::1", "2001:db8:6::1")).as("another source has no route")
                    .doesNotContain("dev vb");
            assertThat(Files.readString(jbabeld.log())).contains("ipv6 tables");
            assertThat(json(jbabeld).get("counters").path("kernel.placement_ipv6_tables").asLong()).isEqualTo(1);

            lab.stop(jbabeld);
            assertThat(ipOrEmpty(lab, b, "-6", "rule", "show")).as("a clean exit removes the rule")
                    .doesNotContain("proto babel");
        }
    }

    /**
     * A (jbabeld) has two neighbours: B (jbabeld) announces 198.51.0.0/16 from 192.168.1.0/24, C (babeld)
     * announces 198.51.0.0/16 and 198.51.100.0/24 without source. A installs B's route in a table behind a rule
     * and copies C's /24 into that table (the disambiguation: destination first). Traffic from 192.168.1.1 to
     * 198.51.7.1 (B's address) goes through B; from A's other address it goes through C (which drops it); from
     * 192.168.1.1 to 198.51.100.1 (C's address) it goes through C. A crash leaves the rule behind, the next start
     * removes it, a clean exit leaves nothing.
     */
    @Test
    void ipv4SourceSpecificRoutesBetweenJbabeldsUseRulesAndTablesAndTrafficFollowsItsSource() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            String c = lab.ns("c");
            lab.link(a, "vab", b, "vba");
            lab.link(a, "vac", c, "vca");
            lab.link(b, "bs0", b, "bs1");
            lab.link(c, "cs0", c, "cs1");
            lab.ip(a, "addr", "add", "10.2.0.1/32", "dev", "vab");
            lab.ip(b, "addr", "add", "10.2.0.2/32", "dev", "vba");
            lab.ip(a, "addr", "add", "10.3.0.1/32", "dev", "vac");
            lab.ip(c, "addr", "add", "10.3.0.2/32", "dev", "vca");
            lab.ip(a, "addr", "add", "192.168.1.1/32", "dev", "lo");
            lab.ip(a, "addr", "add", "10.99.0.1/32", "dev", "lo");
            lab.ip(b, "addr", "add", "198.51.7.1/32", "dev", "lo");
            lab.ip(c, "addr", "add", "198.51.100.1/32", "dev", "lo");
            lab.ip(b, "route", "add", "198.51.0.0/16", "dev", "bs0", "proto", "static");
            lab.ip(c, "route", "add", "198.51.0.0/16", "dev", "cs0", "proto", "static");
            lab.ip(c, "route", "add", "198.51.100.0/24", "dev", "cs0", "proto", "static");
            List<String> aArgs = Lab.with(FAST, "vab", "vac");
            Lab.Daemon jbabeldA = lab.jbabeld(a, "a", aArgs);
            lab.jbabeld(b, "b", Lab.with(FAST, "-C", "redistribute ip 198.51.0.0/16 src-prefix 192.168.1.0/24",
                    "-C", "redistribute local deny", "vba"));
            lab.babeld(c, "c", Lab.with(FAST, "-C", "redistribute ip 198.51.0.0/16 le 24", "-C",
                    "redistribute local deny", "vca"));

            String table = lab.await("B's route in A's source table with C's /24 beside it", CONVERGE, () -> {
                String t = ipOrEmpty(lab, a, "route", "show", "table", "10");
                return t.contains("198.51.0.0/16 via 10.2.0.2 dev vab") && t.contains("198.51.100.0/24 via 10.3.0.2 dev vac")
                        ? t : null;
            });
            assertThat(table).doesNotContain("from");
            assertThat(lab.ip(a, "rule", "show")).contains("from 192.168.1.0/24 lookup 10 proto babel");
            assertThat(lab.babelRoutes(a, "-4")).contains("198.51.0.0/16 via 10.3.0.2 dev vac")
                    .contains("198.51.100.0/24 via 10.3.0.2 dev vac").doesNotContain("via 10.2.0.2 dev vab");

            assertThat(routeGet(lab, a, "-4", "198.51.7.1", "192.168.1.1")).contains("via 10.2.0.2 dev vab");
            assertThat(routeGet(lab, a, "-4", "198.51.7.1", "10.99.0.1")).contains("via 10.3.0.2 dev vac");
            assertThat(routeGet(lab, a, "-4", "198.51.100.1", "192.168.1.1")).as("destination first")
                    .contains("via 10.3.0.2 dev vac");
            lab.await("192.168.1.1 known at B and C", CONVERGE, () ->
                    lab.babelRoutes(b, "-4").contains("192.168.1.1 via") && lab.babelRoutes(c, "-4")
                            .contains("192.168.1.1 via") ? true : null);
            assertThat(lab.ping(a, "-I", "192.168.1.1", "198.51.7.1"))
                    .as("from the source prefix to B's address: through B").isZero();
            assertThat(lab.exec(a, "ping", "-c", "1", "-W", "1", "-I", "10.99.0.1", "198.51.7.1"))
                    .as("from another source: through C, which has no such address").isNotZero();
            assertThat(lab.ping(a, "-I", "192.168.1.1", "198.51.100.1"))
                    .as("from the source prefix to C's more specific destination: through C").isZero();
            assertThat(json(jbabeldA).get("counters").path("kernel.placement_ipv4_tables").asLong()).isEqualTo(1);

            lab.kill(jbabeldA);
            assertThat(lab.ip(a, "rule", "show")).as("a crash leaves its rule").contains("proto babel");
            jbabeldA = lab.jbabeld(a, "a", aArgs);
            Lab.Daemon restarted = jbabeldA;
            lab.await("the restarted A removing the stale rule", CONVERGE, () -> read(restarted.log())
                    .contains("removed 1 stale rules of protocol 42") ? true : null);
            lab.await("the restarted A's rule and table", CONVERGE, () -> ipOrEmpty(lab, a, "route", "show", "table",
                    "10").contains("198.51.0.0/16 via 10.2.0.2") ? true : null);
            assertThat(lab.ip(a, "rule", "show").lines().filter(l -> l.contains("proto babel")))
                    .containsExactly("100:\tfrom 192.168.1.0/24 lookup 10 proto babel");

            lab.stop(jbabeldA);
            assertThat(lab.ip(a, "rule", "show")).as("a clean exit removes the rule").doesNotContain("proto babel");
            assertThat(ipOrEmpty(lab, a, "route", "show", "table", "10")).as("and empties the table").isEmpty();
            assertThat(lab.babelRoutes(a, "-4")).isEmpty();
        }
    }

    /**
     * BIRD 2 with its source-specific table ({@code ipv6 sadr}) in the Babel and kernel protocols: BIRD's static
     * route with a source prefix reaches jbabeld's FIB as {@code DST from SRC}, jbabeld's reaches BIRD's kernel
     * table the same way, and plain routes still flow.
     */
    @Test
    void sourceSpecificRoutesFlowBothWaysWithBirdsSadrTable() throws Exception {
        Lab.tool("bird", "bird2");
        try (Lab lab = new Lab(dir)) {
            String b = lab.ns("b");
            String c = lab.ns("c");
            lab.link(b, "vb", c, "vc");
            lab.link(b, "bs0", b, "bs1");
            lab.link(c, "cs0", c, "cs1");
            lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
            lab.ip(c, "-6", "addr", "add", "2001:db8:c::1/128", "dev", "lo");
            lab.ip(b, "-6", "route", "add", "2001:db8:e2::/48", "dev", "bs0", "proto", "static");
            lab.jbabeld(b, "b", Lab.with(FAST, "-C", "redistribute ip 2001:db8:e2::/48 src-prefix 2001:db8:7::/48", "vb"));
            lab.bird(c, "c", """
                    router id 10.0.0.3;
                    ipv6 sadr table sadr6;
                    protocol device { scan time 1; }
                    protocol direct { ipv6 sadr { table sadr6; }; interface "lo"; }
                    protocol static {
                      ipv6 sadr { table sadr6; };
                      route 2001:db8:e3::/48 from 2001:db8:c::/48 via "cs0";
                    }
                    protocol kernel { ipv6 sadr { table sadr6; import none; export where source = RTS_BABEL; }; }
                    protocol babel {
                      interface "vc" { type wired; hello interval 1 s; update interval 4 s; };
                      ipv6 sadr { table sadr6; import all; export all; };
                    }
                    """);
            lab.await("BIRD's source-specific route in jbabeld's FIB", CONVERGE, () -> lab.babelRoutes(b, "-6")
                    .contains("2001:db8:e3::/48 from 2001:db8:c::/48 via fe80:") ? true : null);
            lab.await("BIRD's plain route in jbabeld's FIB", CONVERGE,
                    () -> lab.babelRoutes(b, "-6").contains("2001:db8:c::1 via fe80:") ? true : null);
            lab.await("jbabeld's source-specific route in BIRD's kernel table", CONVERGE, () -> ipOrEmpty(lab, c, "-6",
                    "route", "show", "proto", "bird").contains("2001:db8:e2::/48 from 2001:db8:7::/48 via fe80:")
                    ? true : null);
            assertThat(lab.ping(b, "-6", "-I", "2001:db8:b::1", "2001:db8:c::1"))
                    .as("plain routes still carry traffic").isZero();
        }
    }

    /**
     * A (babeld) and B linked by va-vb; A redistributes 2001:db8:e1::/48 from 2001:db8:5::/48; B has the addresses
     * 2001:db8:5::1 (inside that source) and 2001:db8:6::1 (outside it). B's daemon is the test's to start.
     */
    private static void babeldAnnouncingFromSource(Lab lab, String a, String b) throws Exception {
        lab.link(a, "va", b, "vb");
        lab.link(a, "as0", a, "as1");
        lab.ip(b, "-6", "addr", "add", "2001:db8:5::1/128", "dev", "lo");
        lab.ip(b, "-6", "addr", "add", "2001:db8:6::1/128", "dev", "lo");
        lab.ip(a, "-6", "route", "add", "2001:db8:e1::/48", "dev", "as0", "proto", "static");
        lab.babeld(a, "a", Lab.with(FAST, "-C", "redistribute ip 2001:db8:e1::/48 src-prefix 2001:db8:5::/48", "va"));
    }

    private static String routeGet(Lab lab, String ns, String family, String destination, String source) {
        return ipOrEmpty(lab, ns, family, "route", "get", destination, "from", source);
    }

    /** {@code ip -n NS args}, or "" when it fails (no route, an empty table). */
    private static String ipOrEmpty(Lab lab, String ns, String... args) {
        try {
            return lab.ip(ns, args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } catch (AssertionError e) {
            return "";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static JsonNode json(Lab.Daemon d) throws Exception {
        List<String> lines = Lab.ask(d.socket(), "dump json");
        return new ObjectMapper().readTree(lines.get(lines.size() - 2));
    }
}
