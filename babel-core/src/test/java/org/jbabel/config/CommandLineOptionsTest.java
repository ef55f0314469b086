package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

class CommandLineOptionsTest {

    private static final ConfigFiles NONE = ConfigFiles.of(Map.of());

    private static DaemonConfig config(ConfigFiles files, String... argv) throws ConfigException {
        return CommandLineOptions.parse(List.of(argv)).toConfig(files);
    }

    private static ConfigException error(String... argv) {
        return catchThrowableOfType(ConfigException.class, () -> config(NONE, argv));
    }

    @Test
    void optionsMayBeClusteredAndTheirArgumentsAttachedOrSeparate() throws ConfigException {
        DaemonConfig c = config(NONE, "-d1", "-lw", "-rDk", "5", "-A64", "-G33123", "eth0");
        assertThat(c.globals().debug()).isEqualTo(1);
        assertThat(c.globals().linkDetect()).isTrue();
        assertThat(c.globals().allWireless()).isTrue();
        assertThat(c.globals().randomId()).isTrue();
        assertThat(c.globals().daemonise()).isTrue();
        assertThat(c.globals().kernelPriority()).isEqualTo(5);
        assertThat(c.globals().allowDuplicates()).isEqualTo(64);
        assertThat(c.globals().localServer()).isEqualTo(LocalServer.tcp(33123, true));
        assertThat(c.commandLineInterfaces()).containsExactly(new InterfaceName("eth0"));
    }

    @Test
    void optionsAndInterfacesMayBeMixedAndDoubleDashEndsTheOptions() throws ConfigException {
        CommandLineOptions o = CommandLineOptions.parse(List.of("wlan0", "-d", "2", "eth0", "--", "-weird"));
        assertThat(o.operands()).containsExactly("wlan0", "eth0", "-weird");
        assertThat(o.options()).containsExactly(new CommandLineOptions.Option('d', "2"));
    }

    @Test
    void lowercaseHIsTheWirelessHelloIntervalNotHelp() throws ConfigException {
        DaemonConfig c = config(NONE, "-h", "2.5", "-H", "8", "wlan0");
        assertThat(c.globals().wirelessHelloInterval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.globals().wiredHelloInterval()).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.resolve("wlan0", true).helloInterval()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.resolve("wlan0", false).helloInterval()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void everyBabeldOptionSetsItsSetting() throws ConfigException {
        DaemonConfig c = config(NONE, "-m", "ff02::1:7", "-p", "6697", "-S", "/tmp/s", "-M", "0", "-t", "10",
                "-T", "11", "-T", "12", "-L", "/tmp/log", "-I", "", "-g", "/run/babeld.sock", "eth0");
        GlobalSettings g = c.globals();
        assertThat(g.protocolGroup()).isEqualTo(IpAddress.parse("ff02::1:7"));
        assertThat(g.protocolPort()).isEqualTo(6697);
        assertThat(g.stateFile()).isEqualTo("/tmp/s");
        assertThat(g.smoothingHalfLife()).isZero();
        assertThat(g.exportTable()).isEqualTo(10);
        assertThat(g.importTables()).containsExactly(11, 12);
        assertThat(g.logFile()).isEqualTo("/tmp/log");
        assertThat(g.pidFile()).isEmpty();
        assertThat(g.localServer()).isEqualTo(LocalServer.unix("/run/babeld.sock", false));
    }

    @Test
    void versionStopsReadingTheCommandLine() throws ConfigException {
        CommandLineOptions o = CommandLineOptions.parse(List.of("-d", "1", "-V", "-x"));
        assertThat(o.showVersion()).isTrue();
        assertThat(o.options()).containsExactly(new CommandLineOptions.Option('d', "1"));
        assertThat(catchThrowableOfType(ConfigException.class,
                        () -> CommandLineOptions.parse(List.of("-x", "-V"))).reason())
                .isEqualTo("unknown option '-x'");
    }

    @Test
    void unknownOptionsMissingArgumentsAndBadValuesAreErrors() {
        assertThat(error("-u", "eth0").getMessage()).isEqualTo("command line: unknown option '-u'");
        assertThat(error("--help").reason()).isEqualTo("unknown option '--help'");
        assertThat(error("-d").reason()).isEqualTo("option '-d' requires an argument");
        assertThat(error("-p", "0").reason()).contains("'-p' needs an integer in 1..65535");
        assertThat(error("-M", "3601").reason()).contains("0..3600");
        assertThat(error("-h", "0").reason()).contains("needs an interval");
        assertThat(error("-m", "2001:db8::1").reason()).contains("not an IPv6 multicast address");
        assertThat(error("").reason()).isEqualTo("empty interface name");
    }

    @Test
    void removedAndNoOpFlagsAreAcceptedWithAWarning() throws ConfigException {
        DaemonConfig c = config(NONE, "-s", "-z", "3,64", "eth0");
        assertThat(c.warnings()).extracting(ConfigWarning::message).containsExactly(
                "'-s' has no effect (babeld ignores it too)",
                "'-z' (diversity) was removed in babeld 1.13 and is ignored");
    }

    @Test
    void commandLineStatementsAreNumberedInErrors() {
        ConfigException e = error("-C", "debug 1", "-C", "interface eth0 foo true");
        assertThat(e.getMessage()).isEqualTo("-C #2: unknown interface option 'foo' in \"interface eth0 foo true\"");
        assertThat(e.source()).isEqualTo("-C #2");
    }

    @Test
    void configurationFilesAreReadAfterAllOptionsSoTheyOverrideFlagsAndFollowCommandLineRules()
            throws ConfigException {
        ConfigFiles files = ConfigFiles.of(Map.of(
                "/a.conf", "kernel-priority 10\nredistribute ip 10.0.0.0/8 deny\n",
                "/b.conf", "local-port-readwrite 33124\n"));
        DaemonConfig c = config(files, "-c", "/a.conf", "-k", "5", "-C", "redistribute ip 10.0.0.0/8 metric 7",
                "-G", "33123", "-c", "/b.conf", "-C", "kernel-priority 20");
        assertThat(c.globals().kernelPriority()).isEqualTo(10);
        assertThat(c.globals().localServer()).isEqualTo(LocalServer.tcp(33124, true));
        assertThat(c.filters().rules(FilterKind.REDISTRIBUTE)).extracting(Filter::statement).containsExactly(
                "redistribute ip 10.0.0.0/8 metric 7", "redistribute ip 10.0.0.0/8 deny", "redistribute local allow");
    }

    @Test
    void theStatusPageIsOffByDefaultAndOnWithLocalHttpPortNextToTheControlSocket() throws ConfigException {
        assertThat(config(NONE, "-G", "33123").globals().localEndpoints()).containsExactly(LocalServer.tcp(33123, true));
        DaemonConfig c = config(NONE, "-g", "33123", "-C", "local-http-port 33124");
        assertThat(c.globals().statusPage()).isEqualTo(LocalServer.http(33124));
        assertThat(c.globals().localEndpoints()).containsExactly(LocalServer.tcp(33123, false), LocalServer.http(33124));
        assertThat(error("-C", "local-http-port 0").getMessage()).contains("local-http-port");
    }

    @Test
    void laterFlagsOverrideEarlierFlagsAndCommandLineStatementsInOrder() throws ConfigException {
        DaemonConfig c = config(NONE, "-C", "kernel-priority 20", "-k", "5", "-M", "3", "-C", "smoothing-half-life 9");
        assertThat(c.globals().kernelPriority()).isEqualTo(5);
        assertThat(c.globals().smoothingHalfLife()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void etcBabeldConfIsReadOnlyWhenNoFileIsGivenAndItExists() throws ConfigException {
        ConfigFiles files = ConfigFiles.of(Map.of(ConfigFiles.DEFAULT_FILE, "debug 3\n", "/x.conf", "debug 4\n"));
        assertThat(config(files, "eth0").globals().debug()).isEqualTo(3);
        assertThat(config(files, "-c", "/x.conf", "eth0").globals().debug()).isEqualTo(4);
        assertThat(config(NONE, "eth0").globals().debug()).isZero();
    }

    @Test
    void aMissingOrBadFileIsAnErrorNamingTheFile() {
        ConfigException missing = error("-c", "/missing.conf", "eth0");
        assertThat(missing.source()).isEqualTo("/missing.conf");
        assertThat(missing.line()).isZero();
        ConfigFiles files = ConfigFiles.of(Map.of("/bad.conf", "debug 1\n\ninterface eth0 rxcost x\n"));
        ConfigException bad = catchThrowableOfType(ConfigException.class, () -> config(files, "-c", "/bad.conf"));
        assertThat(bad.getMessage())
                .isEqualTo("/bad.conf:3: 'x' is not an integer (rxcost) in \"interface eth0 rxcost x\"");
    }

    @Test
    void commandLineInterfacesComeAfterConfiguredOnesAndPatternsAreAccepted() throws ConfigException {
        ConfigFiles files = ConfigFiles.of(Map.of("/a.conf", "interface eth1 rxcost 10\n"));
        DaemonConfig c = config(files, "-c", "/a.conf", "eth0", "wg-*", "eth1");
        assertThat(c.exactInterfaceNames()).containsExactly("eth1", "eth0");
        assertThat(c.isConfigured("wg-office")).isTrue();
        assertThat(c.isConfigured("wlan0")).isFalse();
    }
}
