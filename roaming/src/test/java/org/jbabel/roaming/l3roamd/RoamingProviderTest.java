package org.jbabel.roaming.l3roamd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jbabel.config.ConfigException;
import org.jbabel.config.TestStatementWords;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class RoamingProviderTest {

    private static final String SEED = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private final RoamingProvider provider = new RoamingProvider();

    private RoamingSettings settings(String... lines) throws ConfigException {
        List<Object> statements = new ArrayList<>();
        for (String line : lines) {
            statements.add(provider.parse(TestStatementWords.of(line)));
        }
        return RoamingSettings.of(statements);
    }

    @Test
    void theIssuesStatementWithDefaults() throws Exception {
        RoamingSettings s = settings("client-interface br-client client-prefix 2001:db8:1::/64 client-prefix 10.1.0.0/16");
        assertThat(provider.name()).isEqualTo("roaming");
        assertThat(s.clientInterface()).isEqualTo("br-client");
        assertThat(s.clientPrefixes()).containsExactly(Prefix.parse("2001:db8:1::/64"), Prefix.parse("10.1.0.0/16"));
        assertThat(s.nodeClientPrefix()).isNull();
        assertThat(s.domainSeed()).isNull();
        assertThat(s.nodeAddress()).isNull();
        assertThat(s.nextNode()).isEqualTo(IpAddress.parse("fe80::1"));
        assertThat(HexFormat.ofDelimiter(":").formatHex(s.nextNodeMac())).isEqualTo("02:ca:ff:ee:ba:be");
        assertThat(s.nextNodeInterface()).isEqualTo("local-node");
        assertThat(s.device()).isEqualTo("l3roam0");
    }

    @Test
    void everyOptionAndStatementsThatAddUp() throws Exception {
        RoamingSettings s = settings("client-interface br0 client-prefix 2001:db8:1::/64",
                "client-prefix 2001:db8:2::/64 client-prefix 2001:db8:1::/64 node-client-prefix fd00:1:2:3::/64",
                "domain-seed " + SEED.toUpperCase() + " node-address fd00::7 next-node fe80::2 next-node-ipv4 10.1.0.1",
                "next-node-mac 02:00:00:00:00:09 next-node-interface ln0 device roam9 client-interface br-client");
        assertThat(s.clientInterface()).isEqualTo("br-client");
        assertThat(s.clientPrefixes()).containsExactly(Prefix.parse("2001:db8:1::/64"), Prefix.parse("2001:db8:2::/64"));
        assertThat(s.nodeClientPrefix()).isEqualTo(Prefix.parse("fd00:1:2:3::/64"));
        assertThat(s.domainSeed()).isEqualTo(SEED);
        assertThat(s.nodeAddress()).isEqualTo(IpAddress.parse("fd00::7"));
        assertThat(s.nextNode()).isEqualTo(IpAddress.parse("fe80::2"));
        assertThat(s.nextNodeIpv4()).isEqualTo(IpAddress.parse("10.1.0.1"));
        assertThat(HexFormat.ofDelimiter(":").formatHex(s.nextNodeMac())).isEqualTo("02:00:00:00:00:09");
        assertThat(s.nextNodeInterface()).isEqualTo("ln0");
        assertThat(s.device()).isEqualTo("roam9");
    }

    @Test
    void badOptionsAreErrorsNamingFileLineAndWord() {
        assertThatThrownBy(() -> settings("")).isInstanceOf(ConfigException.class).hasMessageContaining("needs options");
        assertThatThrownBy(() -> settings("client-interfaces br0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.conf").hasMessageContaining("7")
                .hasMessageContaining("unknown roaming option 'client-interfaces'");
        assertThatThrownBy(() -> settings("client-interface")).hasMessageContaining("client interface name");
        assertThatThrownBy(() -> settings("client-interface a-name-that-is-too-long"))
                .hasMessageContaining("not a valid client interface name");
        assertThatThrownBy(() -> settings("client-prefix ::/0")).hasMessageContaining("cannot be a client prefix");
        assertThatThrownBy(() -> settings("client-prefix ff02::/16")).hasMessageContaining("cannot be a client prefix");
        assertThatThrownBy(() -> settings("client-prefix 2001:db8::/zz")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> settings("node-client-prefix fd00::/48")).hasMessageContaining("IPv6 /64");
        assertThatThrownBy(() -> settings("node-client-prefix 10.0.0.0/24")).hasMessageContaining("IPv6 /64");
        assertThatThrownBy(() -> settings("domain-seed 0123")).hasMessageContaining("64 hexadecimal digits");
        assertThatThrownBy(() -> settings("domain-seed " + SEED.replace('a', 'x')))
                .hasMessageContaining("64 hexadecimal digits");
        assertThatThrownBy(() -> settings("node-address fe80::1")).hasMessageContaining("not link-local");
        assertThatThrownBy(() -> settings("node-address 10.0.0.1")).hasMessageContaining("routable IPv6");
        assertThatThrownBy(() -> settings("next-node ff02::1")).hasMessageContaining("unicast");
        assertThatThrownBy(() -> settings("next-node-ipv4 fe80::1")).hasMessageContaining("IPv4 unicast");
        assertThatThrownBy(() -> settings("next-node-ipv4 224.0.0.1")).hasMessageContaining("IPv4 unicast");
        assertThatThrownBy(() -> settings("next-node-mac 01:00:5e:00:00:01")).hasMessageContaining("not a unicast MAC");
        assertThatThrownBy(() -> settings("next-node-mac 02:00:00:00:00")).hasMessageContaining("not a unicast MAC");
        assertThatThrownBy(() -> settings("next-node-mac zz")).hasMessageContaining("not a unicast MAC");
        assertThatThrownBy(() -> settings("next-node-mac 00:00:00:00:00:00")).hasMessageContaining("not a unicast MAC");
    }
}
