package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jbabel.engine.InterfaceType;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

class RuntimeStatementsTest {

    private static final Map<String, KeyConfig> NO_KEYS = Map.of();

    private static RuntimeStatement rw(String line) throws ConfigException {
        return RuntimeStatements.parse(line, NO_KEYS, true, new ArrayList<>());
    }

    private static ConfigException rwError(String line) {
        return catchThrowableOfType(ConfigException.class, () -> rw(line));
    }

    @Test
    void readOnlyRequestsAreAcceptedOnBothKindsOfSocket() throws ConfigException {
        for (boolean readWrite : new boolean[] {false, true}) {
            List<ConfigWarning> w = new ArrayList<>();
            assertThat(RuntimeStatements.parse("dump", NO_KEYS, readWrite, w)).isEqualTo(new RuntimeStatement.Dump());
            assertThat(RuntimeStatements.parse("monitor", NO_KEYS, readWrite, w))
                    .isEqualTo(new RuntimeStatement.Monitor());
            assertThat(RuntimeStatements.parse("unmonitor", NO_KEYS, readWrite, w))
                    .isEqualTo(new RuntimeStatement.Unmonitor());
            assertThat(RuntimeStatements.parse("quit", NO_KEYS, readWrite, w)).isEqualTo(new RuntimeStatement.Quit());
        }
    }

    @Test
    void readOnlySocketRefusesEverythingElse() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RuntimeStatements.parse("interface eth0", NO_KEYS, false, new ArrayList<>()));
        assertThat(e.getMessage())
                .isEqualTo("control socket: 'interface' is not allowed on a read-only control socket in \"interface eth0\"");
    }

    @Test
    void interfaceLinesBecomeRecordsWithTheirParameters() throws ConfigException {
        RuntimeStatement s = rw("interface wg0 type tunnel hello-interval 1");
        assertThat(s).isInstanceOfSatisfying(RuntimeStatement.AddInterface.class, a -> {
            assertThat(a.name()).isEqualTo(new InterfaceName("wg0"));
            assertThat(a.settings().type()).isEqualTo(InterfaceType.TUNNEL);
            assertThat(a.settings().helloInterval()).isEqualTo(Duration.ofSeconds(1));
        });
    }

    @Test
    void flushKeyNeighbourDefaultAndReopenAreRecords() throws ConfigException {
        assertThat(rw("flush interface eth0")).isEqualTo(new RuntimeStatement.FlushInterface("eth0"));
        assertThat(rw("reopen-logfile")).isEqualTo(new RuntimeStatement.ReopenLogfile());
        assertThat(rw("key id k type hmac-sha256 value 00")).isInstanceOf(RuntimeStatement.AddKey.class);
        assertThat(rw("neighbour fe80::9 interface wg0")).isInstanceOfSatisfying(RuntimeStatement.AddNeighbour.class,
                n -> assertThat(n.neighbour().address()).isEqualTo(IpAddress.parse("fe80::9")));
        assertThat(rw("default rxcost 200")).isInstanceOfSatisfying(RuntimeStatement.SetDefaults.class,
                d -> assertThat(d.settings().rxcost()).isEqualTo(200));
        assertThat(rw("   # nothing")).isNull();
    }

    @Test
    void onlyTheGlobalsBabeldAllowsAtRunTimeAreAccepted() throws ConfigException {
        assertThat(rw("link-detect true")).isEqualTo(new RuntimeStatement.SetLinkDetect(true));
        assertThat(rw("log-file \"/tmp/x y.log\"")).isEqualTo(new RuntimeStatement.SetLogFile("/tmp/x y.log"));
        assertThat(rw("smoothing-half-life 0")).isEqualTo(new RuntimeStatement.SetSmoothingHalfLife(Duration.ZERO));
        assertThat(rwError("kernel-priority 5").reason()).isEqualTo("'kernel-priority' cannot be changed at run time");
        assertThat(rwError("redistribute local deny").reason()).isEqualTo("filters cannot be changed at run time");
        assertThat(rwError("dump-neighbours").reason()).isEqualTo("unknown statement 'dump-neighbours'");
    }

    @Test
    void interfaceKeysAreLookedUpInTheKeysGiven() throws ConfigException {
        assertThat(rwError("interface eth0 key k").reason()).contains("unknown key 'k'");
        DaemonConfig c = Samples.config("key id k type blake2s128 value 01");
        assertThat(RuntimeStatements.parse("interface eth0 key k", c.keys(), true, new ArrayList<>()))
                .isInstanceOf(RuntimeStatement.AddInterface.class);
    }

    @Test
    void badArgumentsAndExtraWordsAreErrors() {
        assertThat(rwError("dump now").reason()).isEqualTo("unexpected 'now'");
        assertThat(rwError("flush eth0").reason()).isEqualTo("expected 'flush interface NAME'");
        assertThat(rwError("flush interface").reason()).isEqualTo("missing interface name after 'interface'");
        assertThat(rwError("link-detect maybe").source()).isEqualTo("control socket");
    }
}
