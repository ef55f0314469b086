package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.jbabel.engine.InterfaceType;
import org.junit.jupiter.api.Test;

class InterfaceResolutionTest {

    @Test
    void unconfiguredTypeFollowsTheKernelAndDefaultsFollowTheType() throws ConfigException {
        DaemonConfig c = Samples.config();
        ResolvedInterface wired = c.resolve("eth0", false);
        assertThat(wired.type()).isEqualTo(InterfaceType.AUTO);
        assertThat(wired.rxcost()).isEqualTo(96);
        assertThat(wired.splitHorizon()).isFalse();
        assertThat(wired.linkQuality()).isFalse();
        assertThat(wired.helloInterval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(wired.updateInterval()).isEqualTo(Duration.ofSeconds(16));
        assertThat(wired.rttDecay()).isEqualTo(42);
        assertThat(wired.rttMin()).isEqualTo(Duration.ofMillis(10));
        assertThat(wired.rttMax()).isEqualTo(Duration.ofMillis(120));
        assertThat(wired.maxRttPenalty()).isZero();
        assertThat(wired.enableTimestamps()).isFalse();
        assertThat(wired.v4ViaV6()).isNull();
        ResolvedInterface wireless = c.resolve("wlan0", true);
        assertThat(wireless.type()).isEqualTo(InterfaceType.WIRELESS);
        assertThat(wireless.rxcost()).isEqualTo(256);
        assertThat(wireless.linkQuality()).isTrue();
    }

    @Test
    void wiredGetsSplitHorizonAndTunnelsGetTimestampsAndRttPenalty() throws ConfigException {
        DaemonConfig c = Samples.config("interface eth0 type wired", "interface tun0 type tunnel");
        assertThat(c.resolve("eth0", true).splitHorizon()).isTrue();
        ResolvedInterface tun = c.resolve("tun0", false);
        assertThat(tun.enableTimestamps()).isTrue();
        assertThat(tun.maxRttPenalty()).isEqualTo(96);
        assertThat(tun.splitHorizon()).isFalse();
    }

    @Test
    void allWirelessFlagMakesUndeterminedInterfacesWireless() throws ConfigException {
        DaemonConfig c = CommandLineOptions.parse(java.util.List.of("-w", "eth0"))
                .toConfig(new ConfigFiles() {
                    @Override
                    public boolean exists(String path) {
                        return false;
                    }

                    @Override
                    public String read(String path) {
                        throw new AssertionError();
                    }
                });
        assertThat(c.resolve("eth0", false).type()).isEqualTo(InterfaceType.WIRELESS);
    }

    @Test
    void laterInterfaceLinesOverrideWhatTheySetAndDefaultsFillTheRest() throws ConfigException {
        DaemonConfig c = Samples.config(
                "interface eth0 rxcost 100 hello-interval 2",
                "default rxcost 300 update-interval 60 type wireless",
                "interface eth0 rxcost 200 type auto");
        ResolvedInterface r = c.resolve("eth0", false);
        assertThat(r.rxcost()).isEqualTo(200);
        assertThat(r.helloInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.updateInterval()).isEqualTo(Duration.ofSeconds(60));
        // "type auto" leaves the type open, so the default's wireless applies, as in babeld
        assertThat(r.type()).isEqualTo(InterfaceType.WIRELESS);
        assertThat(c.interfaces()).hasSize(1);
        assertThat(c.interfaces().getFirst().position().line()).isEqualTo(1);
    }

    @Test
    void exactNamesWinOverPatternsAndEarlierPatternsOverLaterOnes() throws ConfigException {
        DaemonConfig c = Samples.config(
                "interface wg-* type tunnel rxcost 500",
                "interface wg-? rxcost 400 hello-interval 3",
                "interface wg-a rxcost 300");
        ResolvedInterface a = c.resolve("wg-a", false);
        assertThat(a.rxcost()).isEqualTo(300);
        assertThat(a.type()).isEqualTo(InterfaceType.TUNNEL);
        assertThat(a.helloInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.resolve("wg-b", false).rxcost()).isEqualTo(500);
        assertThat(c.resolve("wg-long", false).helloInterval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.resolve("eth0", false).type()).isEqualTo(InterfaceType.AUTO);
    }

    @Test
    void rttMaxNotAboveRttMinIsRaisedAsBabeldDoes() throws ConfigException {
        DaemonConfig c = Samples.config("interface eth0 rtt-min 50 rtt-max 20");
        assertThat(c.resolve("eth0", false).rttMax()).isEqualTo(Duration.ofMillis(60));
    }

    @Test
    void keysAreResolvedByIdAndARedefinitionReplacesTheKey() throws ConfigException {
        DaemonConfig c = Samples.config(
                "key id k type hmac-sha256 value 01", "interface eth0 key k", "key id k type blake2s128 value 02");
        assertThat(c.resolve("eth0", false).keys()).extracting(KeyConfig::algorithm)
                .containsExactly(MacAlgorithm.BLAKE2S128);
        assertThat(c.resolve("eth1", false).keys()).isEmpty();
    }

    @Test
    void severalKeysOnOneInterfaceLineAreKeptInOrderAndALaterLineReplacesThem() throws ConfigException {
        DaemonConfig c = Samples.config(
                "key id old type hmac-sha256 value 01 send-until 2025-06-01T00:00:00Z",
                "key id new type blake2s128 value 02 send-from 2025-06-01T00:00:00Z",
                "key id other type hmac-sha256 value 03",
                "interface eth0 key old key new",
                "interface eth1 key old key new",
                "interface eth1 key other");
        assertThat(c.resolve("eth0", false).keys()).extracting(KeyConfig::id).containsExactly("old", "new");
        assertThat(c.resolve("eth1", false).keys()).extracting(KeyConfig::id).containsExactly("other");
        KeyValidity old = c.keys().get("old").validity();
        assertThat(old.sendsAt(Instant.parse("2025-05-31T23:59:59Z"))).isTrue();
        assertThat(old.sendsAt(Instant.parse("2025-06-01T00:00:00Z"))).isFalse();
        assertThat(old.acceptsAt(Instant.parse("2030-01-01T00:00:00Z"))).isTrue();
        assertThat(c.keys().get("new").validity().sendsAt(Instant.parse("2025-06-01T00:00:00Z"))).isTrue();
        assertThat(c.keys().get("other").validity()).isEqualTo(KeyValidity.ALWAYS);
    }

    @Test
    void interfacePatternsMatchGlobs() {
        assertThat(new InterfaceName("wg-*").matches("wg-")).isTrue();
        assertThat(new InterfaceName("wg-*").matches("wg-office")).isTrue();
        assertThat(new InterfaceName("wg-*").matches("wg0")).isFalse();
        assertThat(new InterfaceName("*-mesh").matches("bat0-mesh")).isTrue();
        assertThat(new InterfaceName("eth?").matches("eth1")).isTrue();
        assertThat(new InterfaceName("eth?").matches("eth10")).isFalse();
        assertThat(new InterfaceName("eth0").matches("eth0")).isTrue();
        assertThat(new InterfaceName("eth0").isPattern()).isFalse();
    }
}
