package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.jbabel.config.ConfigException;
import org.jbabel.config.TestStatementWords;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/** The {@code nat426} statement (docs/CONFIGURATION.md "nat426"): values, defaults and every error. */
class Nat426SettingsTest {

    static Nat426Settings parse(String line) throws ConfigException {
        return Nat426Settings.parse(TestStatementWords.of(line));
    }

    static final String MINIMAL = "client-interface br-client metaprefix fd7a:1:2:3::/64 exit-range 10.255.0.0/24";

    @Test
    void theMinimalStatementTakesTheDefaults() throws ConfigException {
        Nat426Settings s = parse(MINIMAL);
        assertThat(s).isEqualTo(new Nat426Settings("br-client", Prefix.parse("fd7a:1:2:3::/64"),
                Prefix.parse("10.255.0.0/24"), ExitMac.DEFAULT, null, 1280));
        assertThat(Nat426Settings.of(List.of(s))).isSameAs(s);
    }

    @Test
    void everyOptionInAnyOrder() throws ConfigException {
        Nat426Settings s = parse("client-interface br0 mtu 1500 gateway 10.20.0.1 exit-mac-prefix 0a42"
                + " exit-range 10.255.0.0/16 metaprefix 2001:db8:122:300::/56");
        assertThat(s.clientInterface()).isEqualTo("br0");
        assertThat(s.metaprefix()).isEqualTo(Prefix.parse("2001:db8:122:300::/56"));
        assertThat(s.exitRange()).isEqualTo(Prefix.parse("10.255.0.0/16"));
        assertThat(s.exitMac()).isEqualTo(new ExitMac(0x0a42));
        assertThat(s.gateway()).isEqualTo(IpAddress.parse("10.20.0.1"));
        assertThat(s.mtu()).isEqualTo(1500);
    }

    @Test
    void errorsNameWhatIsWrong() {
        String base = "client-interface br0 ";
        String ranges = " metaprefix fd7a:1:2:3::/64 exit-range 10.255.0.0/24";
        assertError("", "nat426 keyword");
        assertError("exit-range 10.0.0.0/8", "expected client-interface");
        assertError("client-interface this-name-is-too-long", "not a valid client interface");
        assertError(base + "exit-range 10.255.0.0/24", "needs 'metaprefix PREFIX'");
        assertError(base + "metaprefix fd7a:1:2:3::/64", "needs 'exit-range PREFIX'");
        assertError(base + "metaprefix fd7a:1:2::/48 exit-range 10.255.0.0/24", "/64 or /56");
        assertError(base + "metaprefix 10.0.0.0/24 exit-range 10.255.0.0/24", "/64 or /56");
        assertError(base + "metaprefix fd7a:1:2:3::/64 exit-range fd00::/64", "IPv4 prefix");
        assertError(base + "metaprefix fd7a:1:2:3::/64 exit-range 10.0.0.0/7", "8..32");
        assertError(base + ranges + " exit-mac-prefix 0326", "multicast");
        assertError(base + ranges + " exit-mac-prefix 0026", "not locally administered");
        assertError(base + ranges + " exit-mac-prefix 226", "4 hex digits");
        assertError(base + ranges + " gateway fd00::1", "IPv4 address");
        assertError(base + ranges + " gateway 255.255.255.255", "cannot be a client's gateway");
        assertError(base + ranges + " gateway 10.255.0.1", "inside the exit range");
        assertError(base + ranges + " mtu 1279", "mtu");
        assertError(base + ranges + " mtu 9001", "mtu");
        assertError(base + ranges + " mtu 1400 mtu 1500", "given twice");
        assertError(base + ranges + " router 10.0.0.1", "unknown keyword 'router'");
        assertError(base + ranges + " gateway", "gateway");
    }

    private static void assertError(String line, String message) {
        assertThatThrownBy(() -> parse(line)).as(line).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message).hasMessageContaining("test.conf");
    }

    @Test
    void exactlyOneStatement() throws ConfigException {
        Nat426Settings s = parse(MINIMAL);
        assertThatThrownBy(() -> Nat426Settings.of(List.of(s, s))).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> Nat426Settings.of(List.of())).hasMessageContaining("exactly one");
    }
}
