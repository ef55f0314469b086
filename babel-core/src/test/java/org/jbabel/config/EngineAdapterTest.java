package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.InstallOptions;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.InterfaceType;
import org.jbabel.engine.RouteFilters;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.Time;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;

/** What the parsed configuration hands the engine: filters as {@link RouteFilters}, interfaces as InterfaceConfig. */
class EngineAdapterTest {

    private static final RouterId ID = RouterId.parse("02:00:00:ff:fe:00:00:01");
    private static final RouterId OTHER = RouterId.parse("02:00:00:ff:fe:00:00:02");
    private static final IpAddress NEIGH = IpAddress.parse("fe80::1");
    private static final IpAddress LL = IpAddress.parse("fe80::99");

    private static RouteKey key(String prefix) {
        return RouteKey.of(Prefix.parse(prefix));
    }

    @Test
    void inRulesGiveDenyOrTheMetricToAdd() throws ConfigException {
        RouteFilters f = Samples.config(
                "in ip 2001:db8:1::/48 deny",
                "in if wlan0 metric 64",
                "in neigh fe80::7 metric 10",
                "in id 02:00:00:ff:fe:00:00:02 deny").filters();

        assertThat(f.input(key("2001:db8:1::/48"), ID, NEIGH, "eth0")).isEqualTo(RouteFilters.DENY);
        assertThat(f.input(key("2001:db8:1:1::/64"), ID, NEIGH, "eth0")).isEqualTo(RouteFilters.DENY);
        assertThat(f.input(key("2001:db8:2::/48"), ID, NEIGH, "wlan0")).isEqualTo(64);
        assertThat(f.input(key("2001:db8:2::/48"), ID, IpAddress.parse("fe80::7"), "eth0")).isEqualTo(10);
        assertThat(f.input(key("2001:db8:2::/48"), OTHER, NEIGH, "eth0")).isEqualTo(RouteFilters.DENY);
        assertThat(f.input(key("2001:db8:2::/48"), ID, NEIGH, "eth0")).isZero();
    }

    @Test
    void outRulesMatchTheSendingInterface() throws ConfigException {
        RouteFilters f = Samples.config(
                "out ip 10.0.0.0/8 if wan deny",
                "out ip 2001:db8::/32 le 64 metric 300").filters();

        assertThat(f.output(key("10.1.0.0/16"), ID, "wan")).isEqualTo(RouteFilters.DENY);
        assertThat(f.output(key("10.1.0.0/16"), ID, "mesh")).isZero();
        assertThat(f.output(key("2001:db8:5::/48"), ID, "mesh")).isEqualTo(300);
        assertThat(f.output(key("2001:db8:5::1/128"), ID, "mesh")).isZero();
    }

    @Test
    void installRulesGiveDenyOrTableAndPreferredSource() throws ConfigException {
        RouteFilters f = Samples.config(
                "install ip 2001:db8:3::/48 deny",
                "install ip 2001:db8:2::/48 table 100 pref-src 2001:db8::1",
                "install if wg0 table 7").filters();

        assertThat(f.install(key("2001:db8:3::/48"), ID, "eth0")).isEqualTo(InstallOptions.DENY);
        assertThat(f.install(key("2001:db8:2::/48"), ID, "eth0"))
                .isEqualTo(new InstallOptions(true, 100, IpAddress.parse("2001:db8::1")));
        assertThat(f.install(key("2001:db8:9::/48"), ID, "wg0")).isEqualTo(new InstallOptions(true, 7, null));
        // The implicit "install allow" babeld appends.
        assertThat(f.install(key("2001:db8:9::/48"), ID, "eth0")).isEqualTo(InstallOptions.DEFAULT);
    }

    @Test
    void withoutRulesTheFiltersAllowEverything() throws ConfigException {
        RouteFilters f = Samples.config().filters();
        assertThat(f.input(key("2001:db8::/32"), ID, NEIGH, "eth0")).isZero();
        assertThat(f.output(key("0.0.0.0/0"), ID, "eth0")).isZero();
        assertThat(f.install(key("::/0"), ID, "eth0")).isEqualTo(InstallOptions.DEFAULT);
    }

    @Test
    void aResolvedInterfaceBecomesAnEngineInterfaceInOneCall() throws ConfigException {
        DaemonConfig c = Samples.config(
                "interface wg0 type tunnel rxcost 300 hello-interval 2 update-interval 10 unicast true",
                "neighbour fe80::2 interface wg0",
                "neighbour fe80::3 interface wg0",
                "neighbour fe80::2 interface wg0",
                "neighbour fe80::4 interface wg1");

        InterfaceConfig e = c.engineInterface("wg0", false, 5, LL, IpAddress.parse("10.0.0.1"), 1420);
        assertThat(e.name()).isEqualTo("wg0");
        assertThat(e.ifindex()).isEqualTo(5);
        assertThat(e.linkLocal()).isEqualTo(LL);
        assertThat(e.ipv4()).isEqualTo(IpAddress.parse("10.0.0.1"));
        assertThat(e.mtu()).isEqualTo(1420);
        assertThat(e.type()).isEqualTo(InterfaceType.TUNNEL);
        assertThat(e.rxcost()).isEqualTo(300);
        assertThat(e.helloInterval()).isEqualTo(Time.seconds(2));
        assertThat(e.updateInterval()).isEqualTo(Time.seconds(10));
        assertThat(e.linkQuality()).isFalse();
        assertThat(e.splitHorizon()).isFalse();
        assertThat(e.unicast()).isTrue();
        assertThat(e.neighbours()).containsExactly(IpAddress.parse("fe80::2"), IpAddress.parse("fe80::3"));
    }

    @Test
    void interfaceDefaultsFollowTheTypeAndTheKernelsWirelessFlag() throws ConfigException {
        DaemonConfig c = Samples.config("interface eth0 type wired", "interface mesh0");

        InterfaceConfig wired = c.engineInterface("eth0", false, 2, LL, null, 1500);
        assertThat(wired.splitHorizon()).isTrue();
        assertThat(wired.linkQuality()).isFalse();
        assertThat(wired.rxcost()).isEqualTo(96);
        assertThat(wired.helloInterval()).isEqualTo(Time.seconds(4));
        assertThat(wired.updateInterval()).isEqualTo(Time.seconds(16));
        assertThat(wired.unicastOnly()).isFalse();

        InterfaceConfig wireless = c.engineInterface("mesh0", true, 3, LL, null, 1500);
        assertThat(wireless.type()).isEqualTo(InterfaceType.WIRELESS);
        assertThat(wireless.linkQuality()).isTrue();
        assertThat(wireless.splitHorizon()).isFalse();
        assertThat(wireless.rxcost()).isEqualTo(256);

        InterfaceConfig auto = c.engineInterface("mesh0", false, 3, LL, null, 1500);
        assertThat(auto.type()).isEqualTo(InterfaceType.AUTO);
        assertThat(auto.splitHorizon()).isFalse();
        assertThat(auto.rxcost()).isEqualTo(96);
    }

    @Test
    void rttSettingsReachTheEngineWithBabeldsDefaultsAndTunnelsTimestamped() throws ConfigException {
        DaemonConfig c = Samples.config("interface eth0", "interface wg0 type tunnel",
                "interface gre0 enable-timestamps true rtt-decay 64 rtt-min 20 rtt-max 200 max-rtt-penalty 150");

        InterfaceConfig plain = c.engineInterface("eth0", false, 2, LL, null, 1500);
        assertThat(plain.enableTimestamps()).isFalse();
        assertThat(plain.maxRttPenalty()).isZero();
        assertThat(plain.rttDecay()).isEqualTo(42);
        assertThat(plain.rttMin()).isEqualTo(Time.millis(10));
        assertThat(plain.rttMax()).isEqualTo(Time.millis(120));

        InterfaceConfig tunnel = c.engineInterface("wg0", false, 3, LL, null, 1420);
        assertThat(tunnel.enableTimestamps()).isTrue();
        assertThat(tunnel.maxRttPenalty()).isEqualTo(96);

        InterfaceConfig tuned = c.engineInterface("gre0", false, 4, LL, null, 1476);
        assertThat(tuned.enableTimestamps()).isTrue();
        assertThat(tuned.rttDecay()).isEqualTo(64);
        assertThat(tuned.rttMin()).isEqualTo(Time.millis(20));
        assertThat(tuned.rttMax()).isEqualTo(Time.millis(200));
        assertThat(tuned.maxRttPenalty()).isEqualTo(150);
    }

    @Test
    void theSameInterfaceWithNewAddressesDiffersOnlyInThem() throws ConfigException {
        DaemonConfig c = Samples.config("interface eth0 rxcost 200");
        InterfaceConfig before = c.engineInterface("eth0", false, 2, LL, null, 1500);
        InterfaceConfig after = c.engineInterface("eth0", false, 2, LL, IpAddress.parse("192.0.2.1"), 1400);
        assertThat(after).isEqualTo(before.withAddresses(LL, IpAddress.parse("192.0.2.1"), 1400));
        assertThat(List.of(before.rxcost(), after.rxcost())).containsOnly(200);
    }

    @Test
    void globalsBecomeTheEngineSettings() throws ConfigException {
        EngineConfig e = Samples.config("kernel-priority 20", "allow-duplicates 64", "smoothing-half-life 2")
                .globals().engineConfig();
        assertThat(e.kernelPriority()).isEqualTo(20);
        assertThat(e.allowDuplicates()).isEqualTo(64);
        assertThat(e.smoothingHalfLife()).isEqualTo(Time.seconds(2));
        assertThat(GlobalSettings.defaults().engineConfig()).isEqualTo(EngineConfig.defaults());
    }
}
