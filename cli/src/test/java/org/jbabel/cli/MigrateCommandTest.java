package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jbabel.cli.migrate.Migration;
import org.jbabel.cli.migrate.MigrationException;
import org.jbabel.cli.migrate.ShellWords;
import org.jbabel.cli.migrate.Site;
import org.jbabel.config.CommandLineOptions;
import org.jbabel.config.ConfigException;
import org.jbabel.config.ConfigFiles;
import org.jbabel.config.DaemonConfig;
import org.jbabel.config.Filter;
import org.jbabel.config.FilterKind;
import org.jbabel.config.KeyConfig;
import org.jbabel.config.LocalServer;
import org.jbabel.ddhcp.Ddhcp;
import org.jbabel.ddhcp.DdhcpSettings;
import org.jbabel.extension.Extension;
import org.jbabel.roaming.l3roamd.L3roamd;
import org.jbabel.roaming.l3roamd.RoamingSettings;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jbabel migrate} (docs/MIGRATING.md): a Gluon-style node's command lines become the expected configuration,
 * every printed configuration is accepted by jbabeld's own parser with the extensions' settings in it, babeld's part
 * means what babeld's command line and file meant, unknown options are errors (exit 2) and options jbabel has no
 * statement for are warnings.
 */
class MigrateCommandTest {

    static final String BABELD = "/usr/sbin/babeld -D -I /var/run/gluon-babeld.pid -G 33123"
            + " -c /etc/gluon-babeld.conf babeldummydoesnotexist";
    static final String L3ROAMD = "/usr/sbin/l3roamd -s /var/run/l3roamd.sock -p 10.116.224.0/22 -p 2001:db8:1::/64"
            + " -m mesh0 -m mesh-vpn -i local-node -t 254 -a 2001:db8:2::c24a:ff:fe01:2345 -b br-client"
            + " -P fd1c:8b9e:1882:4eef::/64";
    static final String MMFD = "/usr/sbin/mmfd -s /var/run/mmfd.sock -i mesh0 -i mesh-vpn";
    static final String DDHCPD = "/usr/sbin/ddhcpd -D -H /etc/ddhcp-hook.sh -c br-client -i mmfd0 -b 2 -s 1"
            + " -N 10.116.224.0/22 -o 51:4:0.0.1.44 -o 3:4:10.116.224.1 -o 6:4:10.116.224.1";
    static final Site GLUON_SITE = new Site("2001:db8:1::1", "10.116.224.1", "16:41:95:40:f7:dc", null);

    private static String resource(String name) throws IOException {
        try (InputStream in = MigrateCommandTest.class.getResourceAsStream("/migrate/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Files by path, from memory: /etc/gluon-babeld.conf is the Gluon-style one. */
    private static ConfigFiles files(Map<String, String> texts) {
        return ConfigFiles.of(texts);
    }

    private static Migration.Result migrate(Migration.Inputs in, Map<String, String> texts) throws MigrationException {
        return Migration.migrate(in, files(texts), BuiltInExtensions.PROVIDERS, BuiltInExtensions::create);
    }

    private static Migration.Result gluon() throws Exception {
        return migrate(new Migration.Inputs(BABELD, List.of(), L3ROAMD, MMFD, DDHCPD, List.of(), GLUON_SITE),
                Map.of("/etc/gluon-babeld.conf", resource("gluon-babeld.conf")));
    }

    /** The configuration as jbabeld reads it from {@code jbabeld -c FILE}. */
    private static DaemonConfig asJbabeldReadsIt(String configuration, List<String> options) throws ConfigException {
        List<String> argv = new ArrayList<>(options);
        argv.addAll(List.of("-c", "/etc/jbabeld.conf"));
        return CommandLineOptions.parse(argv).toConfig(files(Map.of("/etc/jbabeld.conf", configuration)),
                BuiltInExtensions.PROVIDERS);
    }

    @Test
    void aGluonNodesCommandLinesBecomeTheExpectedConfiguration() throws Exception {
        Migration.Result r = gluon();

        // the output to compare (and to take as the new golden text when a change is meant)
        Files.writeString(Path.of("target/gluon-node.actual"), r.configuration());
        assertThat(r.configuration()).isEqualTo(resource("gluon-node.expected"));
        assertThat(r.commandLine()).isEmpty();
    }

    @Test
    void theGluonExampleInDocsMigratingIsTheProgramsOutput() throws Exception {
        String doc = Files.readString(Path.of("../docs/MIGRATING.md"));

        assertThat(doc).contains(gluon().configuration());
        assertThat(doc).contains(resource("gluon-babeld.conf"));
    }

    @Test
    void theMigratedGluonConfigurationIsAcceptedWithEveryExtensionsSettings() throws Exception {
        DaemonConfig c = asJbabeldReadsIt(gluon().configuration(), List.of());

        assertThat(c.warnings()).isEmpty();
        assertThat(c.extensionStatements()).containsOnlyKeys("roaming", "mmfd", "ddhcp");
        Map<String, Extension> extensions = BuiltInExtensions.create(c);
        assertThat(extensions).containsOnlyKeys("mmfd", "roaming", "ddhcp");
        RoamingSettings roaming = ((L3roamd) extensions.get("roaming")).settings();
        assertThat(roaming.clientInterface()).isEqualTo("br-client");
        assertThat(roaming.clientPrefixes()).containsExactly(Prefix.parse("10.116.224.0/22"),
                Prefix.parse("2001:db8:1::/64"));
        assertThat(roaming.nodeClientPrefix()).isEqualTo(Prefix.parse("fd1c:8b9e:1882:4eef::/64"));
        assertThat(roaming.nodeAddress()).isEqualTo(IpAddress.parse("2001:db8:2::c24a:ff:fe01:2345"));
        assertThat(roaming.nextNode()).isEqualTo(IpAddress.parse("2001:db8:1::1"));
        assertThat(roaming.nextNodeIpv4()).isEqualTo(IpAddress.parse("10.116.224.1"));
        assertThat(roaming.nextNodeInterface()).isEqualTo("local-node");
        DdhcpSettings ddhcp = ((Ddhcp) extensions.get("ddhcp")).settings();
        assertThat(ddhcp.clientInterface()).isEqualTo("br-client");
        assertThat(ddhcp.range()).isEqualTo(Prefix.parse("10.116.224.0/22"));
        assertThat(ddhcp.blockSize()).isEqualTo(4);
        assertThat(ddhcp.router()).isEqualTo(IpAddress.parse("10.116.224.1"));
        assertThat(ddhcp.dns()).containsExactly(IpAddress.parse("10.116.224.1"));
        assertThat(ddhcp.leaseTime()).isEqualTo(Duration.ofSeconds(300));
        assertThat(ddhcp.spareLeases()).isEqualTo(1);
        assertThat(ddhcp.serverInterface()).isEqualTo("mmfd0");
        // Babel: babeld's globals, its interface and the mesh interfaces gluon added at run time
        assertThat(c.globals().localServer()).isEqualTo(LocalServer.tcp(33123, true));
        assertThat(c.globals().daemonise()).isTrue();
        assertThat(c.globals().pidFile()).isEqualTo("/var/run/gluon-babeld.pid");
        assertThat(c.globals().ipv6Subtrees()).isTrue();
        assertThat(c.exactInterfaceNames()).containsExactly("babeldummydoesnotexist", "mesh0", "mesh-vpn");
        // l3roamd's host routes are the roaming extension's now; the node addresses and uplinks are still redistributed
        assertThat(c.filters().rules(FilterKind.REDISTRIBUTE).stream().map(Filter::statement))
                .doesNotContain("redistribute ip 2001:db8:1::/64 eq 128 allow",
                        "redistribute ip fd1c:8b9e:1882:4eef::/64 eq 128 allow")
                .contains("redistribute ip 2001:db8:2::/64 eq 128 allow", "redistribute ip 2000::/3 allow");
    }

    @Test
    void everyOptionWithoutAJbabelStatementIsAWarning() throws Exception {
        List<String> w = gluon().warnings();

        assertThat(w).anySatisfy(s -> assertThat(s).startsWith("l3roamd -s /var/run/l3roamd.sock: one control socket"));
        assertThat(w).noneSatisfy(s -> assertThat(s).startsWith("l3roamd -t 254"));
        assertThat(w).anySatisfy(s -> assertThat(s).startsWith("l3roamd -i local-node: jbabel creates local-node"));
        assertThat(w).anySatisfy(s -> assertThat(s).startsWith("mmfd -s /var/run/mmfd.sock: one control socket"));
        assertThat(w).anySatisfy(s -> assertThat(s).startsWith("ddhcpd -H /etc/ddhcp-hook.sh: not supported"));
        assertThat(w).anySatisfy(s -> assertThat(s).startsWith("ddhcpd -D: "));
        assertThat(w).anySatisfy(s -> assertThat(s).startsWith(
                "/etc/gluon-babeld.conf:7: \"redistribute ip 2001:db8:1::/64 eq 128 allow\" left out: not needed"));
        assertThat(w).anySatisfy(s -> assertThat(s).startsWith("Babel also runs on mesh0, mesh-vpn"));
    }

    @Test
    void babeldsCommandLineAndFileMeanTheSameAfterMigration() throws Exception {
        String conf = "default hello-interval 2\ninterface wlan0 type wireless rxcost 300 # comment\n"
                + "key id k1 type hmac-sha256 value 0011223344556677\ninterface eth0 key k1\n"
                + "in ip 10.0.0.0/8 deny\nredistribute local deny\nkernel-priority 10\n";
        String babeld = "babeld -d1 -k 5 -M 8 -l -r -m ff02::1:7 -p 6697 -S /tmp/state -g /run/babel.sock -t 10"
                + " -T 11 -T 12 -A 20 -L /tmp/log -I '' -C 'redistribute ip 2001:db8::/32 allow' -c /x.conf eth0 'wg-*'";
        Migration.Result r = migrate(new Migration.Inputs(babeld, List.of(), null, null, null, List.of(), Site.NONE),
                Map.of("/x.conf", conf));

        DaemonConfig before = babeldAsItRan(babeld, conf);
        DaemonConfig after = asJbabeldReadsIt(r.configuration(), r.commandLine());
        assertThat(after.globals()).isEqualTo(before.globals());
        assertThat(after.keys().values().stream().map(MigrateCommandTest::withoutPlace).toList())
                .isEqualTo(before.keys().values().stream().map(MigrateCommandTest::withoutPlace).toList());
        assertThat(after.defaults()).isEqualTo(before.defaults());
        for (String i : List.of("eth0", "wlan0", "wg-office")) {
            assertThat(after.settingsFor(i)).as(i).isEqualTo(before.settingsFor(i));
            assertThat(after.isConfigured(i)).as(i).isTrue();
        }
        for (FilterKind k : FilterKind.values()) {
            assertThat(after.filters().rules(k).stream().map(MigrateCommandTest::withoutPlace).toList()).as(k.name())
                    .isEqualTo(before.filters().rules(k).stream().map(MigrateCommandTest::withoutPlace).toList());
        }
    }

    @Test
    void babeldsHelloIntervalOptionsStayOnTheCommandLine() throws Exception {
        Migration.Result r = migrate(new Migration.Inputs("-h 2 -H 6 -w eth0", List.of(), null, null, null,
                List.of(), Site.NONE), Map.of());

        assertThat(r.commandLine()).containsExactly("-h", "2", "-H", "6", "-w");
        DaemonConfig after = asJbabeldReadsIt(r.configuration(), r.commandLine());
        assertThat(after.globals()).isEqualTo(babeldAsItRan("-h 2 -H 6 -w eth0", "").globals());
    }

    private static DaemonConfig babeldAsItRan(String commandLine, String conf) throws ConfigException {
        List<String> argv = ShellWords.split(commandLine);
        if (argv.getFirst().equals("babeld")) {
            argv = argv.subList(1, argv.size());
        }
        return CommandLineOptions.parse(argv).toConfig(files(Map.of("/x.conf", conf)), BuiltInExtensions.PROVIDERS);
    }

    /** A key without its file and line. */
    private static List<Object> withoutPlace(KeyConfig k) {
        return List.of(k.id(), k.algorithm(), k.value(), k.validity());
    }

    /** A rule without its file and line (the migrated file has other ones). */
    private static Filter withoutPlace(Filter f) {
        return new Filter(f.kind(), f.family(), f.prefix(), f.minLength(), f.maxLength(), f.sourcePrefix(),
                f.minSourceLength(), f.maxSourceLength(), f.neighbour(), f.routerId(), f.kernelProtocol(), f.local(),
                f.interfaceName(), f.action(), null, null);
    }

    @Test
    void anUnknownOptionIsAnErrorNamingItWithExitStatus2() {
        for (String[] args : List.of(new String[] {"--l3roamd", "-a 2001:db8::1 -Q"},
                new String[] {"--mmfd", "-i mesh0 --frob"}, new String[] {"--ddhcpd", "-N 10.0.0.0/24 -x 1"},
                new String[] {"--babeld", "-u eth0"})) {
            StringWriter err = new StringWriter();
            int exit = run(new StringWriter(), err, args);

            assertThat(exit).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", args)).contains("unknown option")
                    .containsAnyOf("'-Q'", "'--frob'", "'-x'", "'-u'");
        }
    }

    @Test
    void anOptionMappedToAWarningIsPrintedOnStandardErrorAndAsAComment() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, "--ddhcpd", "-c br-client -N 10.116.224.0/22 -H /etc/hook.sh -o 42:4:1.2.3.4");

        assertThat(exit).isZero();
        assertThat(err.toString()).contains("jbabel migrate: warning: ddhcpd -H /etc/hook.sh: not supported")
                .contains("jbabel migrate: warning: ddhcpd -o 42:4:1.2.3.4: not supported");
        assertThat(out.toString()).contains("# ddhcpd -H /etc/hook.sh: not supported")
                .contains("ddhcp client-interface br-client range 10.116.224.0/22  # ddhcpd -c br-client"
                        + " -N 10.116.224.0/22\n");
    }

    @Test
    void aValueJbabelRejectsIsAnErrorNamingTheOptionItCameFrom() {
        assertThatThrownBy(() -> migrate(new Migration.Inputs(null, List.of(), "-a 2001:db8::1 -b br -P fd00::/48",
                null, null, List.of(), Site.NONE), Map.of()))
                .isInstanceOf(MigrationException.class)
                .hasMessageStartingWith("l3roamd -P fd00::/48: the node-client prefix must be an IPv6 /64");
    }

    @Test
    void aBabeldFileJbabeldRejectsIsAnError() {
        assertThatThrownBy(() -> migrate(new Migration.Inputs("-c /x.conf", List.of(), null, null, null, List.of(),
                Site.NONE), Map.of("/x.conf", "interface eth0 probe-mtu true\n")))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("/x.conf:1: 'probe-mtu' is not supported by jbabel yet");
    }

    @Test
    void theCommandReadsBabeldsFileFromBabeldConf(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("babeld.conf");
        Files.writeString(conf, "redistribute ip 2001:db8:1::/64 eq 128 allow\nredistribute local deny\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, "--babeld", "-c /etc/gluon-babeld.conf mesh0", "--babeld-conf", conf.toString(),
                "--l3roamd", "-a 2001:db8:2::1 -p 2001:db8:1::/64 -b br-client -m mesh0", "--prefixd",
                "2001:db8:9::/64");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("# redistribute ip 2001:db8:1::/64 eq 128 allow  (not needed")
                .contains("\nredistribute local deny\n")
                .contains("\nprefixd uplink-prefix 2001:db8:9::/64  # prefixd");
        assertThat(err.toString()).contains("babeld -c /etc/gluon-babeld.conf: read from --babeld-conf instead")
                .contains("start it with: jbabeld -c FILE");
    }

    @Test
    void withoutAnythingToMigrateItSaysSo() {
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err)).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to migrate");
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        List<String> all = new ArrayList<>(List.of("migrate"));
        all.addAll(List.of(args));
        return new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
    }
}
