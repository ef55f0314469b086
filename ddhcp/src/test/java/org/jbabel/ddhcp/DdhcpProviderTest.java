package org.jbabel.ddhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jbabel.config.ConfigException;
import org.jbabel.config.TestStatementWords;
import org.jbabel.ddhcp.block.BlockMessage.AddressOrder;
import org.jbabel.ddhcp.block.NodeId;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class DdhcpProviderTest {

    private final DdhcpProvider provider = new DdhcpProvider();

    private DdhcpSettings settings(String... lines) throws ConfigException {
        List<Object> statements = new ArrayList<>();
        for (String line : lines) {
            statements.add(provider.parse(TestStatementWords.of(line)));
        }
        return DdhcpProvider.settings(statements);
    }

    @Test
    void aClientInterfaceWithItsRangeGetsDdhcpdsDefaults() throws Exception {
        DdhcpSettings s = settings("client-interface br-client range 10.116.224.0/20");
        assertThat(provider.name()).isEqualTo("ddhcp");
        assertThat(s.clientInterface()).isEqualTo("br-client");
        assertThat(s.range()).isEqualTo(Prefix.parse("10.116.224.0/20"));
        assertThat(s.blockSize()).isEqualTo(32);
        assertThat(s.leaseTime()).isEqualTo(Duration.ofSeconds(300));
        assertThat(s.blockTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.tentativeTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.needlessTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(s.spareLeases()).isEqualTo(2);
        assertThat(s.learning()).isTrue();
        assertThat(s.addressOrder()).isEqualTo(AddressOrder.REVERSED);
        assertThat(s.serverInterface()).isNull();
        assertThat(s.exit()).isFalse();
        assertThat(s.swarm().numberOfBlocks()).isEqualTo(128);
    }

    @Test
    void theStateFileIsTheDhcpSidesAndNeedsAClientInterface() throws Exception {
        assertThat(settings("client-interface br-client range 10.116.224.0/20").stateFile()).isNull();
        assertThat(settings("client-interface br-client range 10.116.224.0/20", "state-file /var/lib/jbabel/ddhcp")
                .stateFile()).isEqualTo(java.nio.file.Path.of("/var/lib/jbabel/ddhcp"));
        assertThatThrownBy(() -> settings("range 10.116.224.0/20", "state-file /tmp/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a client interface");
        assertThatThrownBy(() -> settings("client-interface br-client range 10.116.224.0/20", "state-file"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void everyOptionOfTheClientInterfaceStatementIsRead() throws Exception {
        DdhcpSettings s = settings("client-interface br-client range 10.116.224.0/20 block-size 4"
                + " exit-range 10.116.255.0/24 dns 10.116.0.1 10.116.0.2 router 10.116.0.1 lease-time 600",
                "exit", "server-interface mmfd0 source 2001:db8::1", "node-id 0211223344550000", "block-timeout 30",
                "tentative-timeout 3", "needless-timeout 100", "spare-leases 1", "learning false",
                "lease-address-order network");
        assertThat(s.blockSize()).isEqualTo(4);
        assertThat(s.exitRange()).isEqualTo(Prefix.parse("10.116.255.0/24"));
        assertThat(s.exitSwarm().blockSize()).isEqualTo(1);
        assertThat(s.dns()).containsExactly(IpAddress.parse("10.116.0.1"), IpAddress.parse("10.116.0.2"));
        assertThat(s.router()).isEqualTo(IpAddress.parse("10.116.0.1"));
        assertThat(s.leaseTime()).isEqualTo(Duration.ofSeconds(600));
        assertThat(s.exit()).isTrue();
        assertThat(s.serverInterface()).isEqualTo("mmfd0");
        assertThat(s.source()).isEqualTo(IpAddress.parse("2001:db8::1"));
        assertThat(s.node()).isEqualTo(NodeId.parse("0211223344550000"));
        assertThat(s.blockTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.tentativeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.needlessTimeout()).isEqualTo(Duration.ofSeconds(100));
        assertThat(s.spareLeases()).isEqualTo(1);
        assertThat(s.learning()).isFalse();
        assertThat(s.addressOrder()).isEqualTo(AddressOrder.NETWORK);
    }

    @Test
    void aRangeWithoutClientInterfaceServesAnExit() throws Exception {
        assertThat(settings("range 10.116.224.0/22").spareLeases()).as("ddhcpd's -S").isZero();
        assertThat(settings("range 10.116.224.0/22", "spare-leases 3").spareLeases()).isEqualTo(3);
        DdhcpSettings s = settings("range 10.116.224.0/22 block-size 1", "exit");
        assertThat(s.clientInterface()).isNull();
        assertThat(s.exit()).isTrue();
        assertThat(provider.create(List.of(provider.parse(TestStatementWords.of("range 10.0.0.0/24")))))
                .isInstanceOf(Ddhcp.class);
    }

    @Test
    void badStatementsAreErrorsNamingTheWord() {
        assertThatThrownBy(() -> settings("client-interface br-client 10.0.0.0/24")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.conf").hasMessageContaining("expected range");
        assertThatThrownBy(() -> settings("range 2001:db8::/64")).hasMessageContaining("IPv4 prefix");
        assertThatThrownBy(() -> settings("range 10.0.0.0/4")).hasMessageContaining("8..32");
        assertThatThrownBy(() -> settings("range 10.0.0.0/24 block-size 3")).hasMessageContaining("power of two");
        assertThatThrownBy(() -> settings("range 10.0.0.0/24 block-size 256")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> settings("range 10.0.0.0/30 block-size 8")).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> settings("range 10.0.0.0/24 exit-range 10.0.0.128/25"))
                .hasMessageContaining("overlaps");
        assertThatThrownBy(() -> settings("range 10.0.0.0/24 dns 10.0.0.1")).hasMessageContaining("client interface");
        assertThatThrownBy(() -> settings("client-interface c range 10.0.0.0/24 dns 2001:db8::1"))
                .hasMessageContaining("IPv4 address");
        assertThatThrownBy(() -> settings("client-interface c range 10.0.0.0/24 colour blue"))
                .hasMessageContaining("colour");
        assertThatThrownBy(() -> settings("server-interface mmfd0 source fe80::1")).hasMessageContaining("routable");
        assertThatThrownBy(() -> settings("node-id 12")).hasMessageContaining("16 hex digits");
        assertThatThrownBy(() -> settings("tentative-timeout 1")).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> settings("learning maybe")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> settings("lease-address-order little")).hasMessageContaining("reversed or network");
        assertThatThrownBy(() -> settings("frobnicate")).hasMessageContaining("unknown ddhcp keyword");
        assertThatThrownBy(() -> settings("exit")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a range");
        assertThatThrownBy(() -> settings("client-interface c range 10.0.0.0/24", "exit"))
                .hasMessageContaining("exit-range");
    }
}
