package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.jbabel.engine.InterfaceType;
import org.jbabel.wire.Bytes;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;

class SampleConfigurationsTest {

    @Test
    void gluonNodeConfigurationParsesIntoItsRecords() throws ConfigException {
        DaemonConfig c = Samples.parse("gluon-node.conf");
        GlobalSettings g = c.globals();
        assertThat(g.ipv6Subtrees()).isTrue();
        assertThat(g.reflectKernelMetric()).isTrue();
        assertThat(g.exportTable()).isEqualTo(10);
        assertThat(g.importTables()).containsExactly(11, 12);
        assertThat(g.localServer()).isEqualTo(LocalServer.tcp(33123, true));
        assertThat(c.defaults().enableTimestamps()).isTrue();
        assertThat(c.defaults().updateInterval()).isEqualTo(Duration.ofSeconds(30));

        assertThat(c.interfaces()).extracting(e -> e.name().text()).containsExactly("mesh0", "mesh-vpn", "br-wan");
        InterfaceSettings vpn = c.interfaces().get(1).settings();
        assertThat(vpn.type()).isEqualTo(InterfaceType.TUNNEL);
        assertThat(vpn.rxcost()).isEqualTo(1024);
        assertThat(vpn.helloInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(vpn.maxRttPenalty()).isEqualTo(200);
        assertThat(vpn.rttMin()).isEqualTo(Duration.ofMillis(25));
        assertThat(vpn.rttMax()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.interfaces().get(1).position().line()).isEqualTo(16);

        List<Filter> redistribute = c.filters().rules(FilterKind.REDISTRIBUTE);
        assertThat(redistribute).hasSize(6);
        Filter first = redistribute.getFirst();
        assertThat(first.prefix()).isEqualTo(Prefix.parse("2001:db8:1:2::/64"));
        assertThat(first.minLength()).isEqualTo(64);
        assertThat(first.maxLength()).isEqualTo(64);
        assertThat(first.kernelProtocol()).isEqualTo(4);
        assertThat(first.action()).isEqualTo(FilterAction.ALLOW);
        assertThat(first.position()).isEqualTo(new Position("gluon-node.conf", 21, 0));
        assertThat(redistribute.get(2).family()).isEqualTo(Family.V4);
        assertThat(redistribute.get(2).action().metric()).isEqualTo(128);
        assertThat(redistribute.get(4).local()).isTrue();
        assertThat(redistribute.get(4).action().denies()).isTrue();
        assertThat(redistribute.get(5).position()).isEqualTo(Position.IMPLICIT);

        List<Filter> install = c.filters().rules(FilterKind.INSTALL);
        assertThat(install).hasSize(4);
        assertThat(install.get(0).action().table()).isEqualTo(20);
        assertThat(install.get(2).action().preferredSource()).isEqualTo(IpAddress.parse("2001:db8:1:2::1"));
        assertThat(install.get(2).family()).isEqualTo(Family.V6);
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void openWrtConfigurationParsesIntoItsRecords() throws ConfigException {
        DaemonConfig c = Samples.parse("openwrt.conf");
        GlobalSettings g = c.globals();
        assertThat(g.localServer()).isEqualTo(LocalServer.tcp(33123, false));
        assertThat(g.linkDetect()).isTrue();
        assertThat(g.logFile()).isEqualTo("/var/log/babeld.log");
        assertThat(g.routerId()).isEqualTo(RouterId.parse("02:11:22:ff:fe:33:44:55"));
        assertThat(g.kernelPriority()).isEqualTo(10);
        assertThat(c.exactInterfaceNames()).containsExactly("wlan0", "wlan1", "br-lan", "eth0.2");
        assertThat(c.interfaces().get(1).settings().helloInterval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.interfaces().get(2).settings().splitHorizon()).isTrue();
        assertThat(c.interfaces().get(3).settings().unicast()).isFalse();

        Filter in = c.filters().rules(FilterKind.IN).get(0);
        assertThat(in.neighbour()).isEqualTo(IpAddress.parse("fe80::1234:56ff:fe78:9abc"));
        assertThat(in.interfaceName()).isEqualTo("wlan0");
        assertThat(in.action().metric()).isEqualTo(64);
        // MAC-48 router-ids become EUI-64 by inserting ff:fe, as in babeld.
        assertThat(c.filters().rules(FilterKind.IN).get(1).routerId())
                .isEqualTo(RouterId.parse("02:11:22:ff:fe:33:44:55"));
        assertThat(c.filters().rules(FilterKind.OUT)).hasSize(2);
        assertThat(c.filters().rules(FilterKind.REDISTRIBUTE)).hasSize(5);
        assertThat(c.filters().rules(FilterKind.REDISTRIBUTE).get(2).kernelProtocol()).isEqualTo(3);
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void everyStatementConfigurationParsesIntoItsRecords() throws ConfigException {
        DaemonConfig c = Samples.parse("every-statement.conf");
        GlobalSettings g = c.globals();
        assertThat(g.protocolGroup()).isEqualTo(IpAddress.BABEL_GROUP);
        assertThat(g.randomId()).isTrue();
        assertThat(g.ipv6Subtrees()).isFalse();
        assertThat(g.debug()).isEqualTo(1);
        assertThat(g.localServer()).isEqualTo(LocalServer.unix("/var/run/babeld ctl.sock", true));
        assertThat(g.kernelCheckInterval()).isEqualTo(Duration.ofSeconds(600));
        assertThat(g.shutdownDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(g.skipKernelSetup()).isTrue();
        assertThat(g.smoothingHalfLife()).isZero();
        assertThat(g.routerId()).isEqualTo(RouterId.parse("02:00:00:ff:fe:00:00:0a"));
        assertThat(g.pidFile()).isEmpty();

        assertThat(c.keys()).containsOnlyKeys("k1", "k2");
        assertThat(c.keys().get("k1").value()).isEqualTo(Bytes.fromHex("ffff"));
        assertThat(c.keys().get("k2").algorithm()).isEqualTo(MacAlgorithm.BLAKE2S128);

        assertThat(c.defaults().type()).isNull();
        assertThat(c.defaults().helloInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.defaults().v4ViaV6()).isTrue();
        assertThat(c.defaults().probeMtu()).isFalse();

        InterfaceSettings eth0 = c.settingsFor("eth0");
        assertThat(eth0.type()).isEqualTo(InterfaceType.WIRED);
        assertThat(eth0.updateInterval()).isEqualTo(Duration.ofSeconds(16));
        assertThat(eth0.splitHorizon()).isTrue();
        assertThat(eth0.keys()).containsExactly("k1");
        assertThat(eth0.rttDecay()).isEqualTo(64);
        InterfaceSettings wlan0 = c.settingsFor("wlan0");
        assertThat(wlan0.rttMax()).isEqualTo(Duration.ofNanos(120_500_000));
        assertThat(c.settingsFor("wg-a").unicast()).isTrue();
        assertThat(c.settingsFor("old0").type()).isEqualTo(InterfaceType.WIRED);
        assertThat(c.isConfigured("wg-anything")).isTrue();
        assertThat(c.exactInterfaceNames()).containsExactly("eth0", "wlan0", "tun0", "old0");

        assertThat(c.neighbours()).containsExactly(
                new UnicastNeighbour(IpAddress.parse("fe80::1"), "wg-a", new Position("every-statement.conf", 39, 0)),
                new UnicastNeighbour(IpAddress.parse("fe80::2"), "wg-b", new Position("every-statement.conf", 40, 0)));

        assertThat(c.filters().rules(FilterKind.IN)).hasSize(4);
        Filter src = c.filters().rules(FilterKind.IN).get(1);
        assertThat(src.sourcePrefix()).isEqualTo(Prefix.parse("2001:db8:f::/48"));
        assertThat(src.minSourceLength()).isEqualTo(48);
        assertThat(src.maxSourceLength()).isEqualTo(48);
        assertThat(c.filters().rules(FilterKind.IN).get(2).family()).isEqualTo(Family.V6);
        assertThat(c.filters().rules(FilterKind.OUT).get(1).prefix()).isEqualTo(Prefix.V6_DEFAULT);
        Filter ss = c.filters().rules(FilterKind.REDISTRIBUTE).get(0);
        assertThat(ss.action().sourcePrefix()).isEqualTo(Prefix.parse("2001:db8:f::/48"));
        assertThat(c.filters().rules(FilterKind.REDISTRIBUTE).get(2).action().metric()).isEqualTo(128);
        assertThat(c.filters().rules(FilterKind.INSTALL).get(2).action().table()).isEqualTo(100);

        assertThat(c.warnings()).extracting(ConfigWarning::message).containsExactly(
                "'wired' is deprecated, use 'type wired' or 'type wireless'",
                "'faraway' has no effect (babeld ignores it too)",
                "'channel' was removed in babeld 1.13 and is ignored");
    }
}
