package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prefixd with a plain Linux client (issue 12): two uplink nodes U1 and U2 with their own /64 (A and B), each with an
 * uplink to the same "internet" namespace I; between them the client node N (jbabeld with {@code roaming} and
 * {@code prefixd}); the client namespace learns both prefixes from N's Router Advertisements (SLAAC, default router
 * fe80::1), its traffic from each address leaves through the matching uplink, and when U2's uplink goes down its
 * prefix is deprecated on the client within 2 s.
 */
class JbabeldPrefixdClientsTest {

    private static final Duration CONVERGE = Duration.ofSeconds(40);
    private static final String INTERNET = "2001:db8:ffff::1";
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");

    @TempDir
    Path dir;

    @Test
    void aClientGetsBothUplinkPrefixesUsesEachThroughItsUplinkAndOneIsDeprecatedWhenItsUplinkGoes()
            throws Exception {
        try (Lab lab = new Lab(dir)) {
            String u1 = lab.ns("u1");
            String u2 = lab.ns("u2");
            String n = lab.ns("n");
            String c = lab.ns("c");
            String i = lab.ns("i");
            lab.link(u1, "vu1n", n, "vnu1");
            lab.link(u2, "vu2n", n, "vnu2");
            lab.link(u1, "wan1", i, "vi1");
            lab.link(u2, "wan2", i, "vi2");
            lab.ip(i, "-6", "addr", "add", INTERNET + "/128", "dev", "lo");
            lab.ip(u1, "-6", "addr", "add", "2001:db8:f1::2/64", "dev", "wan1", "nodad");
            lab.ip(i, "-6", "addr", "add", "2001:db8:f1::1/64", "dev", "vi1", "nodad");
            lab.ip(u2, "-6", "addr", "add", "2001:db8:f2::2/64", "dev", "wan2", "nodad");
            lab.ip(i, "-6", "addr", "add", "2001:db8:f2::1/64", "dev", "vi2", "nodad");
            lab.ip(u1, "-6", "route", "add", "default", "via", "2001:db8:f1::1", "dev", "wan1");
            lab.ip(u2, "-6", "route", "add", "default", "via", "2001:db8:f2::1", "dev", "wan2");
            lab.ip(i, "-6", "route", "add", "2001:db8:a::/64", "via", "2001:db8:f1::2", "dev", "vi1");
            lab.ip(i, "-6", "route", "add", "2001:db8:b::/64", "via", "2001:db8:f2::2", "dev", "vi2");
            for (String ns : List.of(u1, u2, n, i)) {
                lab.exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
            }
            lab.ip(n, "-6", "addr", "add", "2001:db8:e::1/128", "dev", "lo");
            lab.ip(n, "link", "add", "br-client", "type", "bridge");
            lab.ip(n, "link", "set", "br-client", "up");
            lab.link(c, "c0", n, "cn");
            lab.ip(n, "link", "set", "cn", "master", "br-client");

            lab.jbabeld(u1, "u1", Lab.with(FAST, "-C", "prefixd uplink-prefix 2001:db8:a::/64 uplink-interface wan1",
                    "vu1n"));
            lab.jbabeld(u2, "u2", Lab.with(FAST, "-C", "prefixd uplink-prefix 2001:db8:b::/64 uplink-interface wan2",
                    "vu2n"));
            lab.jbabeld(n, "n", Lab.with(FAST, "-C", "roaming client-interface br-client", "-C", "prefixd",
                    "vnu1", "vnu2"));

            String addrA = lab.await("the client forms an address in A by SLAAC", CONVERGE,
                    () -> address(lab, c, "2001:db8:a:"));
            String addrB = lab.await("and one in B", CONVERGE, () -> address(lab, c, "2001:db8:b:"));
            assertThat(lab.ip(c, "-6", "route", "show", "default")).as("N's next-node is the default router")
                    .contains("via fe80::1 dev c0");
            assertThat(lab.ip(c, "-6", "route", "show")).as("no prefix is on-link (per-host routing)")
                    .doesNotContain("2001:db8:a::/64").doesNotContain("2001:db8:b::/64");

            lab.await("the client reaches the internet from its address in A", CONVERGE,
                    () -> ping(lab, c, addrA, INTERNET) ? true : null);
            lab.await("and from its address in B", CONVERGE, () -> ping(lab, c, addrB, INTERNET) ? true : null);
            assertThat(lab.ip(n, "-6", "route", "get", INTERNET, "from", addrA)).as("A's traffic leaves through U1")
                    .contains("dev vnu1");
            assertThat(lab.ip(n, "-6", "route", "get", INTERNET, "from", addrB)).as("B's traffic leaves through U2")
                    .contains("dev vnu2");

            lab.ip(u2, "link", "set", "wan2", "down");
            long down = System.nanoTime();
            lab.await("B deprecated on the client", Duration.ofSeconds(10),
                    () -> addresses(lab, c).lines()
                            .anyMatch(l -> l.contains(addrB + "/64") && l.contains("deprecated")) ? true : null);
            double seconds = (System.nanoTime() - down) / 1e9;
            System.out.printf("prefix B deprecated on the client %.2f s after U2's uplink went down%n", seconds);
            assertThat(seconds).as("deprecated within 2 s").isLessThan(2.0);
            assertThat(lab.ip(c, "-6", "addr", "show", "dev", "c0")).as("the address stays (valid lifetime kept)")
                    .contains(addrB + "/64");
            assertThat(lab.exec(c, "ping", "-6", "-c", "1", "-W", "2", INTERNET)).as("A still works").isZero();
        }
    }

    private static boolean ping(Lab lab, String ns, String from, String to) {
        try {
            return lab.exec(ns, "ping", "-6", "-c", "1", "-W", "1", "-I", from, to) == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static String addresses(Lab lab, String ns) {
        try {
            return lab.ip(ns, "-6", "addr", "show", "dev", "c0");
        } catch (Exception e) {
            return "";
        }
    }

    /** The client's global address starting with {@code prefix}, or null. */
    private static String address(Lab lab, String ns, String prefix) {
        try {
            Matcher m = Pattern.compile("inet6 (" + Pattern.quote(prefix) + "[0-9a-f:]+)/64")
                    .matcher(lab.ip(ns, "-6", "addr", "show", "dev", "c0"));
            return m.find() && !lab.ip(ns, "-6", "addr", "show", "dev", "c0").contains("tentative") ? m.group(1)
                    : null;
        } catch (Exception e) {
            return null;
        }
    }
}
