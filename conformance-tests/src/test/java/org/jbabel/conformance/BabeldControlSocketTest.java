package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jbabel.control.BabeldText;
import org.jbabel.control.ChangeEvent;
import org.jbabel.control.JsonFormat;
import org.jbabel.control.NodeInfo;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks jbabel's control-socket text format against the real babeld (Debian's 1.12.1): two babelds on the two
 * ends of a veth pair, each in its own network namespace, exchange routes (an IPv4 and an IPv6 address each, plus a
 * source-specific route); the dump of one of them, read from its local socket, must parse into our records and
 * print back byte for byte, and its banner must have the shape of ours.
 *
 * <p>babeld listens on a UNIX socket path ({@code -G /path}): a path socket is reachable from the test's own
 * namespace, so no client has to run inside the namespace.
 */
class BabeldControlSocketTest {

    @TempDir
    Path dir;

    @Test
    void babeldsDumpLinesParseAndPrintBackIdentically() throws Exception {
        Lab.tool("babeld", "babeld"); // this test compares jbabel's control-socket lines with babeld's
        try (Lab lab = new Lab(dir)) {
            String nsA = lab.ns("a");
            String nsB = lab.ns("b");
            lab.link(nsA, "va", nsB, "vb");
            for (String[] ns : new String[][] {{nsA, "va", "10.1.0.1/24", "2001:db8:a::1/128"},
                    {nsB, "vb", "10.1.0.2/24", "2001:db8:b::1/128"}}) {
                lab.ip(ns[0], "addr", "add", ns[2], "dev", ns[1]);
                lab.ip(ns[0], "-6", "addr", "add", ns[3], "dev", "lo");
            }
            lab.ip(nsA, "-6", "route", "add", "2001:db8:ff::/48", "dev", "va", "proto", "static");
            String fast = "default hello-interval 0.5 update-interval 2 enable-timestamps true";
            lab.babeld(nsA, "a", List.of("-C", fast, "-C", "redistribute ip 2001:db8:ff::/48 src-prefix 2001:db8:a::/48",
                    "va"));
            Lab.Daemon b = lab.babeld(nsB, "b", List.of("-C", fast, "vb"));

            List<String> dump = awaitDump(lab, b.socket());

            List<String> data = dump.subList(5, dump.size() - 1);
            for (String line : data) {
                ChangeEvent parsed = BabeldText.parse(line);
                assertThat(BabeldText.format(parsed)).as("re-printed").isEqualTo(line);
            }
            List<ChangeEvent> events = data.stream().map(BabeldText::parse).toList();
            assertThat(events).extracting(e -> JsonFormat.table(e.entry()))
                    .contains("interface", "neighbour", "xroute", "route");
            assertThat(events).allMatch(e -> e.kind() == ChangeEvent.Kind.ADD);

            List<String> banner = dump.subList(0, 4);
            RouterId id = RouterId.parse(banner.get(3).substring("my-id ".length()));
            String version = banner.get(1).substring("version ".length());
            String host = banner.get(2).substring("host ".length());
            assertThat(BabeldText.banner(new NodeInfo(version, host, id))).isEqualTo(banner);
            assertThat(dump.get(4)).isEqualTo("ok");
        }
    }

    /**
     * Polls B's dump (banner and all) until it shows everything the comparison needs: the interface, the neighbour
     * with an RTT sample, both xroutes, and A's routes with a finite metric (one of them source-specific).
     */
    private static List<String> awaitDump(Lab lab, Path socket) throws Exception {
        return lab.await("babeld's dump showing A's routes", Duration.ofSeconds(30), () -> {
            if (!Files.exists(socket)) {
                return null;
            }
            List<String> last;
            try {
                last = Lab.ask(socket, "dump");
            } catch (IOException e) {
                return null;
            }
            String all = String.join("\n", last);
            boolean complete = all.contains(" rtt ") && all.contains("from 2001:db8:a::/48")
                    && last.stream().anyMatch(l -> l.startsWith("add route") && l.contains("prefix 10.1.0.1/32")
                            && !l.contains("metric 65535"))
                    && last.stream().anyMatch(l -> l.startsWith("add route")
                            && l.contains("prefix 2001:db8:a::1/128") && !l.contains("metric 65535"));
            return complete ? last : null;
        });
    }
}
