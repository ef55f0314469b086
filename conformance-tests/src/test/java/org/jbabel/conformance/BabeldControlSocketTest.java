package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jbabel.control.BabeldText;
import org.jbabel.control.ChangeEvent;
import org.jbabel.control.JsonFormat;
import org.jbabel.control.NodeInfo;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.BeforeAll;
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

    private static String babeld;

    @TempDir
    Path dir;

    @BeforeAll
    static void findBabeld() {
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(d, "babeld"))) {
                babeld = d + "/babeld";
                return;
            }
        }
        fail("babeld is not installed: install the Debian package `babeld` (apt-get install -y babeld); "
                + "this test compares jbabel's control-socket lines with babeld's");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("%s failed: %s", String.join(" ", command), out);
        }
        return out;
    }

    @Test
    void babeldsDumpLinesParseAndPrintBackIdentically() throws Exception {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        String nsA = "jbctl-a-" + suffix;
        String nsB = "jbctl-b-" + suffix;
        List<Process> babelds = new ArrayList<>();
        try {
            run("ip", "netns", "add", nsA);
            run("ip", "netns", "add", nsB);
            run("ip", "link", "add", "va", "netns", nsA, "type", "veth", "peer", "name", "vb", "netns", nsB);
            for (String[] ns : new String[][] {{nsA, "va", "10.1.0.1/24", "2001:db8:a::1/128"},
                    {nsB, "vb", "10.1.0.2/24", "2001:db8:b::1/128"}}) {
                run("ip", "-n", ns[0], "link", "set", "lo", "up");
                run("ip", "-n", ns[0], "link", "set", ns[1], "up");
                run("ip", "-n", ns[0], "addr", "add", ns[2], "dev", ns[1]);
                run("ip", "-n", ns[0], "-6", "addr", "add", ns[3], "dev", "lo");
            }
            run("ip", "-n", nsA, "-6", "route", "add", "2001:db8:ff::/48", "dev", "va", "proto", "static");
            String fast = "default hello-interval 0.5 update-interval 2 enable-timestamps true";
            babelds.add(startBabeld(nsA, "a", "va", fast,
                    "redistribute ip 2001:db8:ff::/48 src-prefix 2001:db8:a::/48"));
            babelds.add(startBabeld(nsB, "b", "vb", fast, null));

            Path socket = dir.resolve("b.sock");
            List<String> dump = awaitDump(socket, babelds);

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
        } finally {
            for (Process p : babelds) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            for (String ns : List.of(nsA, nsB)) {
                new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start().waitFor();
            }
        }
    }

    private Process startBabeld(String ns, String name, String ifname, String statement, String extra)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, babeld,
                "-I", dir.resolve(name + ".pid").toString(), "-S", dir.resolve(name + ".state").toString(),
                "-G", dir.resolve(name + ".sock").toString(), "-C", statement));
        if (extra != null) {
            command.addAll(List.of("-C", extra));
        }
        command.add(ifname);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    /**
     * Polls B's dump until it shows everything the comparison needs: the interface, the neighbour with an RTT
     * sample, both xroutes, and A's routes with a finite metric (one of them source-specific). Bounded at 30 s.
     */
    private List<String> awaitDump(Path socket, List<Process> babelds) throws Exception {
        List<String> last = List.of();
        for (int attempt = 0; attempt < 300; attempt++) {
            for (Process p : babelds) {
                if (!p.isAlive()) {
                    fail("babeld exited: %s", Files.readString(dir.resolve(
                            babelds.indexOf(p) == 0 ? "a.log" : "b.log")));
                }
            }
            if (Files.exists(socket)) {
                last = dump(socket);
                String all = String.join("\n", last);
                if (all.contains(" rtt ") && all.contains("from 2001:db8:a::/48")
                        && last.stream().anyMatch(l -> l.startsWith("add route") && l.contains("prefix 10.1.0.1/32")
                                && !l.contains("metric 65535"))
                        && last.stream().anyMatch(l -> l.startsWith("add route")
                                && l.contains("prefix 2001:db8:a::1/128") && !l.contains("metric 65535"))) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        return fail("babeld's dump did not show the routes within 30 s; last dump: %s", last);
    }

    private static List<String> dump(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            readUntilOk(in, lines);
            Channels.newOutputStream(ch).write("dump\n".getBytes(StandardCharsets.US_ASCII));
            readUntilOk(in, lines);
            return lines;
        }
    }

    private static void readUntilOk(BufferedReader in, List<String> lines) throws IOException {
        for (String l = in.readLine(); l != null; l = in.readLine()) {
            lines.add(l);
            if (l.equals("ok")) {
                return;
            }
        }
        throw new IOException("babeld closed the socket; got " + lines);
    }
}
