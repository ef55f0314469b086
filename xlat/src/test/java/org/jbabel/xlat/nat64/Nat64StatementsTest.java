package org.jbabel.xlat.nat64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.config.ConfigException;
import org.jbabel.config.TestStatementWords;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class Nat64StatementsTest {

    private static Nat64Settings settings(String... lines) throws ConfigException {
        List<Object> statements = new ArrayList<>();
        for (String line : lines) {
            statements.add(Nat64Statements.parse(TestStatementWords.of(line)));
        }
        return Nat64Settings.from(statements);
    }

    private static void refused(String line, String message) {
        assertThatThrownBy(() -> Nat64Statements.parse(TestStatementWords.of(line)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("test.conf").hasMessageContaining("7")
                .hasMessageContaining(message);
    }

    @Test
    void anExitAloneTakesTheDefaults() throws Exception {
        Nat64Settings s = settings("exit uplink eth0");
        assertThat(s.uplink()).isEqualTo("eth0");
        assertThat(s.address()).as("DDHCP's exit address").isNull();
        assertThat(s.metaprefix()).as("nat426's").isNull();
        assertThat(s.exitPrefix()).isNull();
        assertThat(s.sessionsMax()).isEqualTo(65_536);
        assertThat(s.portLow()).isEqualTo(1024);
        assertThat(s.portHigh()).isEqualTo(65535);
        Nat64Sessions tables = Nat64Sessions.of(s, null);
        assertThat(tables.sessionsMax()).isEqualTo(65_536);
    }

    @Test
    void everyStatementIsRead() throws Exception {
        Nat64Settings s = settings("exit uplink eth0 address 192.0.2.1", "metaprefix fd7a:1:2:3::/64",
                "sessions-max 1000", "ports 20000-29999", "device tun");
        assertThat(s.tunDevice()).isTrue();
        assertThat(settings("exit uplink eth0").tunDevice()).as("the veth pair by default").isFalse();
        assertThat(settings("exit uplink eth0", "device tun", "device veth").tunDevice()).isFalse();
        assertThat(s.address()).isEqualTo(IpAddress.parse("192.0.2.1"));
        assertThat(s.metaprefix()).isEqualTo(Prefix.parse("fd7a:1:2:3::/64"));
        assertThat(s.exitPrefix().exitPrefix(IpAddress.parse("10.255.0.1")))
                .isEqualTo(Prefix.parse("fd7a:1:2:3:aff:1::/96"));
        assertThat(s.sessionsMax()).isEqualTo(1000);
        assertThat(s.portLow()).isEqualTo(20000);
        assertThat(s.portHigh()).isEqualTo(29999);
        assertThat(settings("exit uplink eth0", "metaprefix 2001:db8:122:300::/56").exitPrefix().rfc6052()).isTrue();
    }

    @Test
    void aLaterStatementOfAKindReplacesAnEarlierOne() throws Exception {
        Nat64Settings s = settings("exit uplink eth0", "ports 2000-3000", "exit uplink wan address 192.0.2.9",
                "ports 4000-4001", "sessions-max 5", "sessions-max 6");
        assertThat(s.uplink()).isEqualTo("wan");
        assertThat(s.address()).isEqualTo(IpAddress.parse("192.0.2.9"));
        assertThat(s.portLow()).isEqualTo(4000);
        assertThat(s.portHigh()).isEqualTo(4001);
        assertThat(s.sessionsMax()).isEqualTo(6);
    }

    @Test
    void withoutAnExitStatementThereIsNothingToRun() {
        assertThatThrownBy(() -> settings("metaprefix fd7a:1:2:3::/64")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nat64 exit uplink IF");
    }

    @Test
    void badStatementsNameTheirLineAndWord() {
        refused("", "nat64 keyword");
        refused("exit", "uplink");
        refused("exit downlink eth0", "expected uplink");
        refused("exit uplink a/b", "not a valid uplink interface");
        refused("exit uplink eth0 adress 192.0.2.1", "unknown exit keyword 'adress'");
        refused("exit uplink eth0 address 2001:db8::1", "IPv4 unicast");
        refused("exit uplink eth0 address 224.0.0.1", "IPv4 unicast");
        refused("exit uplink eth0 address 127.0.0.1", "IPv4 unicast");
        refused("exit uplink eth0 address 192.0.2.1 more", "");
        refused("metaprefix fd7a:1:2::/48", "/64 or /56");
        refused("metaprefix 10.0.0.0/8", "/64 or /56");
        refused("metaprefix fd7a:1:2:3::/96", "/64 or /56");
        refused("sessions-max 0", "sessions-max");
        refused("sessions-max 2000000", "sessions-max");
        refused("ports 1024", "LOW-HIGH");
        refused("ports 0-100", "LOW-HIGH");
        refused("ports 2000-1000", "LOW-HIGH");
        refused("ports 1024-65536", "LOW-HIGH");
        refused("ports -5-10", "LOW-HIGH");
        refused("ports 1024-65535 1", "");
        refused("sessions 5", "unknown nat64 keyword 'sessions'");
        refused("device tap", "veth or tun");
        refused("device", "device kind");
    }
}
