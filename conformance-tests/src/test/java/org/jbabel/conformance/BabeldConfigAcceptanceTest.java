package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jbabel.config.CommandLineOptions;
import org.jbabel.config.ConfigException;
import org.jbabel.config.ConfigFiles;
import org.jbabel.config.ConfigParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks that jbabel's configuration parser accepts exactly the statements and command lines the real babeld
 * (Debian's 1.12.1) accepts, except for a documented list of deliberate differences.
 *
 * <p>babeld parses each {@code -C} statement and each option while it reads its command line, before it touches
 * the network, and {@code -V} makes it exit right there: {@code babeld -C STATEMENT -V} exits 0 when the statement
 * parses and 1 ("Couldn't parse configuration from command line.") when it does not. No namespace, interface or
 * privilege is needed for that, and nothing is left behind.
 */
class BabeldConfigAcceptanceTest {

    private static String babeld;

    /** Statements on which jbabel and babeld 1.12.1 must agree (accepted or rejected). */
    private static final List<String> AGREED = List.of(
            "debug 1", "debug 0x2", "debug -1", "debug x", "debug 1 2", "debug",
            "protocol-port 6696", "protocol-port 0", "protocol-port 65535", "protocol-port 0x1a28",
            "kernel-priority 256", "local-port 33123", "local-port-readwrite 33123", "local-port 70000",
            "local-path /run/babeld.sock", "local-path-readwrite \"/run/babel d.sock\"",
            "export-table 10", "export-table 0", "import-table 11", "link-detect true", "link-detect yes",
            "link-detect auto", "link-detect maybe", "random-id false", "daemonise no", "skip-kernel-setup true",
            "ipv6-subtrees true", "reflect-kernel-metric true", "protocol-group ff02::1:6", "state-file /tmp/s",
            "log-file \"/tmp/a b\"", "pid-file \"\"", "smoothing-half-life 4", "smoothing-half-life -1",
            "router-id 02:00:00:ff:fe:00:00:01", "router-id 02-00-00-ff-fe-00-00-01", "router-id 02:00:00:00:00:01",
            "router-id 02:00:00", "diversity true", "diversity 3", "diversity-factor 128", "diversity-factor 300",
            "frobnicate", "\"debug\" 1", "# a comment only", "debug 1 # with a comment",
            "key id k type hmac-sha256 value 00112233", "key type blake2s128 value 0011 id k",
            "key id k type hmac-sha256 value 001", "key id k type none value 00", "key type hmac-sha256 value 00",
            "key id k type blake2s128 value " + "00".repeat(33), "key id k type hmac-sha256 value " + "00".repeat(65),
            "key id k type hmac-sha256 value 00 color red",
            "interface eth0", "interface \"eth0\" rxcost 100", "interface", "interface eth0 foo true",
            "interface eth0 type wired", "interface eth0 type wireless", "interface eth0 type tunnel",
            "interface eth0 type auto", "interface eth0 type fast", "interface eth0 wired true",
            "interface eth0 rxcost 0", "interface eth0 rxcost 65535", "interface eth0 rxcost 65536",
            "interface eth0 hello-interval 4", "interface eth0 hello-interval 0.5", "interface eth0 hello-interval 0",
            "interface eth0 hello-interval 655.35", "interface eth0 hello-interval 655.351",
            "interface eth0 hello-interval 1.23456", "interface eth0 hello-interval -1",
            "interface eth0 update-interval 16", "interface eth0 link-quality auto", "interface eth0 split-horizon no",
            "interface eth0 unicast true", "interface eth0 enable-timestamps true",
            "interface eth0 accept-bad-signatures true", "interface eth0 v4-via-v6 false",
            "interface eth0 rtt-decay 256", "interface eth0 rtt-decay 0", "interface eth0 rtt-min 10",
            "interface eth0 rtt-max 120.5", "interface eth0 rtt-min 0", "interface eth0 max-rtt-penalty 96",
            "interface eth0 max-rtt-penalty 0", "interface eth0 faraway true", "interface eth0 channel 6",
            "interface eth0 channel interfering", "interface eth0 channel 256", "interface eth0 key nokey",
            "interface wg-* type tunnel", "default rxcost 200", "default type wireless hello-interval 2",
            "default foo", "in", "in deny", "in allow", "in ip 2001:db8::/32 deny", "in ip default metric 10",
            "in ip 10.0.0.0/8 ge 24 le 30 deny", "in ip 10.0.0.0/33 deny", "in ip 2001:db8::/129",
            "in ip 10.0.0.0/8 src-ip 2001:db8::/32", "in eq 64 deny", "in src-ip 2001:db8::/48 src-eq 48",
            "in src-le 64 src-ge 48", "in neigh fe80::1 metric 256", "in neigh fe80::1%eth0",
            "in id 02:00:00:ff:fe:00:00:01 deny", "in id nonsense", "in if eth0 deny", "in if \"eth0\" deny",
            "in metric 0", "in metric 65535", "in metric 65536", "in frob", "in ip",
            "out ip 10.0.0.0/8 eq 32 if wlan0 metric 1", "out local deny",
            "redistribute", "redistribute metric 128", "redistribute local deny", "redistribute local if lo allow",
            "redistribute proto 11 ip ::/0 le 64 metric 256", "redistribute proto x",
            "redistribute ip ::/0 src-prefix 2001:db8::/48", "redistribute ip 10.0.0.0/8 src-prefix 2001:db8::/48",
            "install table 100", "install table 0", "install pref-src 2001:db8::1", "install pref-src 10.0.0.1",
            "install ip 2001:db8::/32 pref-src 10.0.0.1", "install id 02:00:00:ff:fe:00:00:01 deny",
            "dump", "monitor", "quit", "flush interface eth0", "reopen-logfile");

    /**
     * Statements jbabel deliberately treats differently from babeld 1.12.1, and why. ({@code allow-duplicates},
     * which jbabel does not support yet, is not here: babeld 1.12.1 aborts on it, a bug fixed in 1.13.)
     */
    private static final Map<String, String> DIFFERENT = Map.ofEntries(
            Map.entry("interface eth0 probe-mtu false", "probe-mtu is babeld 1.14 grammar, 1.12.1 does not know it"),
            Map.entry("kernel-check-interval 300", "babeld 1.14 grammar"),
            Map.entry("shutdown-delay-ms 100", "babeld 1.14 grammar"),
            Map.entry("kernel-priority 0", "0 is the default; babeld's parser rejects it, we accept it"),
            Map.entry("first-table-number 10", "removed in babeld 1.10; jbabel numbers its IPv4 source tables with it"),
            Map.entry("first-rule-priority 100", "removed in babeld 1.10; jbabel numbers its IPv4 source rules with it"),
            Map.entry("neighbour fe80::1 interface wg0", "a jbabel addition"),
            Map.entry("interface eth0 rfc6126-compatible true", "not supported by jbabel yet"),
            Map.entry("in eq 200", "babeld silently wraps prefix lengths above 255; we reject above 128"),
            Map.entry("in le -1", "babeld silently wraps negative prefix lengths; we reject them"),
            Map.entry("redistribute proto 300", "kernel protocols are 0..255; babeld takes any int"),
            Map.entry("key id k type hmac-sha256", "babeld accepts a key without value as all zeros; we reject it"),
            Map.entry("router-id 00:00:00:00:00:00:00:00", "an all-zeros router-id is invalid on the wire"),
            Map.entry("protocol-group 2001:db8::1", "babeld's config does not check for multicast (its -m does)"));

    @BeforeAll
    static void findBabeld() {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, "babeld"))) {
                babeld = dir + "/babeld";
                return;
            }
        }
        fail("babeld is not installed: install the Debian package `babeld` (apt-get install -y babeld); "
                + "these tests compare jbabel's configuration parser with it");
    }

    private static boolean babeldAccepts(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(babeld);
        command.addAll(args);
        command.add("-V");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("babeld did not exit for " + args);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() == 0 && output.contains("babeld-")) {
            return true;
        }
        if (p.exitValue() == 1
                && (output.contains("Couldn't parse configuration") || output.contains("Syntax: babeld"))) {
            return false;
        }
        return fail("unexpected reaction of babeld to %s: exit %d, output %s", args, p.exitValue(), output);
    }

    private static boolean jbabelAcceptsStatement(String statement) {
        try {
            new ConfigParser().parseStatement("-C #1", statement);
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    private static final ConfigFiles NO_FILES = new ConfigFiles() {
        @Override
        public boolean exists(String path) {
            return false;
        }

        @Override
        public String read(String path) {
            return "";
        }
    };

    private static boolean jbabelAcceptsCommandLine(List<String> argv) {
        try {
            CommandLineOptions.parse(argv).toConfig(NO_FILES);
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    @Test
    void jbabelAcceptsExactlyTheStatementsBabeldAccepts() throws Exception {
        List<String> disagreements = new ArrayList<>();
        for (String statement : AGREED) {
            boolean theirs = babeldAccepts(List.of("-C", statement));
            boolean ours = jbabelAcceptsStatement(statement);
            if (theirs != ours) {
                disagreements.add((theirs ? "babeld accepts, jbabel rejects: " : "jbabel accepts, babeld rejects: ")
                        + statement);
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void deliberateDifferencesAreStillDifferences() throws Exception {
        List<String> nowAgreeing = new ArrayList<>();
        for (var e : DIFFERENT.entrySet()) {
            if (babeldAccepts(List.of("-C", e.getKey())) == jbabelAcceptsStatement(e.getKey())) {
                nowAgreeing.add(e.getKey() + " (" + e.getValue() + ")");
            }
        }
        assertThat(nowAgreeing).as("documented differences that are not differences").isEmpty();
    }

    @Test
    void jbabelAcceptsExactlyTheCommandLinesBabeldAccepts() throws Exception {
        List<List<String>> commandLines = List.of(
                List.of("-d1", "eth0"), List.of("-d", "1", "eth0"), List.of("-lwrsD", "eth0"), List.of("-d"),
                List.of("-x", "eth0"), List.of("-u", "eth0"), List.of("-i", "eth0"), List.of("--help"),
                List.of("-p", "6696"), List.of("-p", "0"), List.of("-p", "65535"), List.of("-p", "65536"),
                List.of("-h", "2.5"), List.of("-h", "0"), List.of("-H", "655.35"), List.of("-H", "655.36"),
                List.of("-k", "0"), List.of("-k", "65535"), List.of("-k", "-1"), List.of("-M", "3600"),
                List.of("-M", "3601"), List.of("-t", "0"), List.of("-T", "300"), List.of("-T", "70000"),
                List.of("-m", "ff02::1:6"), List.of("-m", "2001:db8::1"), List.of("-m", "bogus"),
                List.of("-g", "33123"), List.of("-G", "/run/b.sock"), List.of("-G", "0"), List.of("-G", "x"),
                List.of("-S", "/tmp/s", "-L", "/tmp/l", "-I", ""), List.of("-z", "3"),
                List.of("-C", "debug 1", "-C", "interface eth0 rxcost 10", "eth0"), List.of("-C", "debug x"),
                List.of("-C", ""), List.of("-C", "debug 1\ndebug 2"), List.of("wlan0", "-d", "2", "eth0"));
        List<String> disagreements = new ArrayList<>();
        for (List<String> argv : commandLines) {
            boolean theirs = babeldAccepts(argv);
            boolean ours = jbabelAcceptsCommandLine(argv);
            if (theirs != ours) {
                disagreements.add((theirs ? "babeld accepts, jbabel rejects: " : "jbabel accepts, babeld rejects: ")
                        + argv);
            }
        }
        assertThat(disagreements).isEmpty();
    }
}
