package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class ConfigErrorsTest {

    private static ConfigException error(String... lines) {
        return catchThrowableOfType(ConfigException.class, () -> Samples.config(lines));
    }

    @Test
    void unknownInterfaceOptionNamesFileLineWordAndStatement() {
        ConfigException e = error("# header", "", "interface wlan0 foo true   # comment");
        assertThat(e.getMessage()).isEqualTo("test.conf:3: unknown interface option 'foo' in \"interface wlan0 foo true\"");
        assertThat(e.source()).isEqualTo("test.conf");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(17);
        assertThat(e.word()).isEqualTo("foo");
        assertThat(e.statement()).isEqualTo("interface wlan0 foo true");
    }

    @Test
    void unknownStatementsAndMissingValuesAreErrors() {
        assertThat(error("frobnicate 1").getMessage()).isEqualTo("test.conf:1: unknown statement 'frobnicate' in \"frobnicate 1\"");
        assertThat(error("debug").reason()).isEqualTo("missing debug after 'debug'");
        assertThat(error("debug 1 2").reason()).isEqualTo("unexpected '2'");
        assertThat(error("interface").reason()).isEqualTo("missing interface name after 'interface'");
        assertThat(error("interface eth0 rxcost").reason()).isEqualTo("missing rxcost after 'rxcost'");
    }

    @Test
    void valuesOutOfBabeldsRangesAreErrors() {
        assertThat(error("interface eth0 rxcost 0").reason()).isEqualTo("rxcost 0 out of range 1..65535");
        assertThat(error("interface eth0 hello-interval 655.351").reason()).contains("out of range");
        assertThat(error("interface eth0 hello-interval 0").reason()).contains("out of range");
        assertThat(error("interface eth0 rtt-decay 257").reason()).contains("out of range");
        assertThat(error("protocol-port 65535").reason()).contains("out of range 1..65534");
        assertThat(error("export-table 0").reason()).contains("out of range");
        assertThat(error("in metric 0").reason()).contains("out of range 1..65535");
        assertThat(error("in eq 129").reason()).contains("out of range 0..128");
        assertThat(error("interface eth0 type fast").reason()).contains("unknown interface type 'fast'");
        assertThat(error("link-detect maybe").reason()).contains("not a boolean");
        assertThat(error("router-id 00:00:00:00:00:00:00:00").reason()).contains("all zeros");
        assertThat(error("protocol-group 2001:db8::1").reason()).contains("not an IPv6 multicast address");
    }

    @Test
    void quotedStringsAreOnlyAcceptedWhereBabeldTakesAString() {
        assertThat(error("\"debug\" 1").reason()).contains("not a quoted string");
        assertThat(error("debug \"1\"").reason()).contains("not a quoted string");
    }

    @Test
    void filterRulesCannotMixFamilies() {
        ConfigException e = error("redistribute ip 10.0.0.0/8 src-ip 2001:db8::/32");
        assertThat(e.reason()).isEqualTo("a filter rule cannot mix IPv4 and IPv6");
        assertThat(e.word()).isEqualTo("2001:db8::/32");
        assertThat(error("install ip ::/0 pref-src 10.0.0.1").reason()).contains("cannot mix");
        assertThat(error("in ip 10.0.0.0/8 frob").reason()).isEqualTo("unknown filter selector or action 'frob'");
    }

    @Test
    void keysMustBeCompleteAndDefinedBeforeUse() {
        assertThat(error("interface eth0 key k").reason()).contains("unknown key 'k'");
        assertThat(error("interface eth0 key k", "key id k type hmac-sha256 value 00").line()).isEqualTo(1);
        assertThat(error("key type hmac-sha256 value 00").reason()).isEqualTo("key without id");
        assertThat(error("key id k value 00").reason()).isEqualTo("key 'k' without type");
        assertThat(error("key id k type hmac-sha256").reason()).isEqualTo("key 'k' without value");
        assertThat(error("key id k type none value 00").reason()).contains("unsupported key type 'none'");
        assertThat(error("key id k type hmac-sha256 value 0").reason()).contains("even number of hex digits");
        assertThat(error("key id k type blake2s128 value " + "00".repeat(33)).reason())
                .isEqualTo("a blake2s128 key must have 1 to 32 bytes, not 33");
        assertThat(error("key id k type hmac-sha256 value 00 send-from tomorrow").reason())
                .contains("send-from wants a UTC time like 2025-06-01T00:00:00Z");
        assertThat(error("key id k type hmac-sha256 value 00 accept-from 2025-06-02T00:00:00Z"
                + " accept-until 2025-06-01T00:00:00Z").reason())
                .isEqualTo("key 'k': accept-from must be before accept-until");
        assertThat(error("key id k type hmac-sha256 value " + "00".repeat(65)).reason()).contains("0 to 64 bytes");
    }

    @Test
    void statementsBabeldAcceptsButJbabelDoesNotImplementAreErrorsSayingSo() {
        ConfigException e = error("interface eth0 probe-mtu true");
        assertThat(e.getMessage()).isEqualTo(
                "test.conf:1: 'probe-mtu' is not supported by jbabel yet in \"interface eth0 probe-mtu true\"");
        assertThat(error("default rfc6126-compatible yes").reason()).contains("not supported by jbabel yet");
    }

    @Test
    void socketOnlyStatementsAreErrorsInFiles() {
        assertThat(error("dump").reason()).isEqualTo("'dump' is only accepted on the control socket");
        assertThat(error("flush interface eth0").reason()).contains("only accepted on the control socket");
        assertThat(error("reopen-logfile").reason()).contains("only accepted on the control socket and in -C");
    }

    @Test
    void reopenLogfileInACommandLineStatementIsAcceptedWithAWarningAsBabeldAcceptsIt() throws ConfigException {
        DaemonConfig c = new ConfigParser().parseStatement("-C #1", "reopen-logfile").build();
        assertThat(c.warnings()).extracting(ConfigWarning::message)
                .containsExactly("'reopen-logfile' has no effect at start-up");
    }

    @Test
    void removedAndNoOpDirectivesAreAcceptedWithAWarning() throws ConfigException {
        DaemonConfig c = Samples.config(
                "diversity true", "diversity-factor 128",
                "interface eth0 channel interfering faraway yes", "in proto 3 deny", "install src-prefix ::/0");
        assertThat(c.warnings()).extracting(w -> w.position().line()).containsExactly(1, 2, 3, 3, 4, 5);
        assertThat(c.warnings().get(1).toString())
                .isEqualTo("test.conf:2: warning: 'diversity-factor' was removed from babeld and is ignored"
                        + " in \"diversity-factor 128\"");
        assertThat(c.warnings().get(4).message()).isEqualTo("'proto' never matches in in rules");
        assertThat(c.warnings().get(5).message()).isEqualTo("'src-prefix' has no effect in install rules");
    }

    @Test
    void sourceTableNumberingIsAcceptedWithoutWarningAndChecked() throws ConfigException {
        DaemonConfig c = Samples.config("first-table-number 20", "first-rule-priority 200");
        assertThat(c.warnings()).isEmpty();
        assertThat(c.globals().firstTableNumber()).isEqualTo(20);
        assertThat(c.globals().firstRulePriority()).isEqualTo(200);
        assertThat(Samples.config("debug 0").globals().firstTableNumber()).isEqualTo(10);
        assertThat(Samples.config("debug 0").globals().firstRulePriority()).isEqualTo(100);
        assertThat(error("first-table-number 250").reason()).contains("overlap the kernel's tables 252..255");
        assertThat(error("first-rule-priority 32760").reason()).contains("out of range");
        assertThat(error("first-table-number 0").reason()).contains("out of range");
    }

    @Test
    void removedDirectivesStillNeedWellFormedArguments() {
        assertThat(error("first-rule-priority x").reason()).contains("not an integer");
        assertThat(error("diversity-factor 257").reason()).contains("out of range 0..256");
        assertThat(error("interface eth0 channel 300").reason()).contains("channel must be");
    }

    @Test
    void neighbourStatementsNeedALinkLocalAddressAndAnInterface() {
        assertThat(error("neighbour 2001:db8::1 interface wg0").reason()).contains("IPv6 link-local");
        assertThat(error("neighbour fe80::1").reason()).isEqualTo("missing 'interface' after 'fe80::1'");
        assertThat(error("neighbour fe80::1 dev wg0").reason()).contains("expected 'interface NAME'");
        assertThat(error("neighbour fe80::1 interface wg0 extra").reason()).isEqualTo("unexpected 'extra'");
    }

    @Test
    void unreadableFileIsAnErrorAtLineZero() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> new ConfigParser().parseFile(java.nio.file.Path.of("/nonexistent/babeld.conf")));
        assertThat(e.source()).isEqualTo("/nonexistent/babeld.conf");
        assertThat(e.line()).isZero();
        assertThat(e.getMessage()).startsWith("/nonexistent/babeld.conf: cannot read configuration file");
    }

    @Test
    void commandLineStatementsMustBeOneNonEmptyLine() {
        ConfigParser p = new ConfigParser();
        assertThat(catchThrowableOfType(ConfigException.class, () -> p.parseStatement("-C #1", "")).reason())
                .isEqualTo("empty statement");
        assertThat(catchThrowableOfType(ConfigException.class, () -> p.parseStatement("-C #2", "debug 1\ndebug 2"))
                        .getMessage())
                .isEqualTo("-C #2: a statement must be a single line in \"debug 1\ndebug 2\"");
        assertThat(catchThrowableOfType(ConfigException.class, () -> p.parseStatement("-C #3", "debug x"))
                        .getMessage())
                .isEqualTo("-C #3: 'x' is not an integer (debug) in \"debug x\"");
    }
}
