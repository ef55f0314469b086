package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prefixd's uplink side in jbabeld, with babeld 1.12 as the neighbour that installs what it originates: the
 * source-specific default {@code ::/0 from PREFIX} exists while the uplink interface has a global address and is
 * retracted when the link goes down (Linux then removes the address).
 */
class JbabeldPrefixdTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String ROUTE = "default from 2001:db8:a::/64 via fe80:";

    @TempDir
    Path dir;

    @Test
    void theUplinkPrefixIsASourceSpecificDefaultWhileTheUplinkHasAnAddress() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            lab.link(a, "va", b, "vb");
            lab.link(b, "wan", b, "wan-peer"); // the uplink: a veth whose far end stays in b
            lab.ip(b, "-6", "addr", "add", "2001:db8:ff::2/64", "dev", "wan", "nodad");
            List<String> fast = List.of("-C", "default hello-interval 0.5 update-interval 4");
            lab.babeld(a, "a", Lab.with(fast, "va"));
            Lab.Daemon jbabeld = lab.jbabeld(b, "b", Lab.with(fast, "-C",
                    "prefixd uplink-prefix 2001:db8:a::/64 uplink-interface wan uplink-metric 10", "vb"));

            lab.await("babeld installs the source-specific default", CONVERGE,
                    () -> lab.babelRoutes(a, "-6").contains(ROUTE) ? true : null);
            assertThat(Files.readString(jbabeld.log())).contains("uplink up: originating ::/0 from [2001:db8:a::/64]");

            lab.ip(b, "link", "set", "wan", "down");
            lab.await("the route is retracted when the uplink goes down", CONVERGE,
                    () -> lab.babelRoutes(a, "-6").contains(ROUTE) ? null : true);

            lab.ip(b, "link", "set", "wan", "up");
            lab.ip(b, "-6", "addr", "add", "2001:db8:ff::2/64", "dev", "wan", "nodad");
            lab.await("and comes back with the address", CONVERGE,
                    () -> lab.babelRoutes(a, "-6").contains(ROUTE) ? true : null);
            lab.stop(jbabeld);
        }
    }
}
