package org.jbabel.roaming.mmfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jbabel.config.ConfigException;
import org.jbabel.config.TestStatementWords;
import org.junit.jupiter.api.Test;

class MmfdProviderTest {

    private final MmfdProvider provider = new MmfdProvider();

    private MmfdSettings settings(String... lines) throws ConfigException {
        List<Object> statements = new ArrayList<>();
        for (String line : lines) {
            statements.add(provider.parse(TestStatementWords.of(line)));
        }
        return MmfdSettings.of(statements);
    }

    @Test
    void bareMmfdRunsOnEveryBabelInterfaceWithDeviceMmfd0() throws Exception {
        MmfdSettings s = settings("");
        assertThat(provider.name()).isEqualTo("mmfd");
        assertThat(s.device()).isEqualTo("mmfd0");
        assertThat(s.interfaces()).isEmpty();
        assertThat(s.runsOn("anything")).isTrue();
        assertThat(provider.create(List.of(new MmfdProvider.Enable()))).isInstanceOf(Mmfd.class);
    }

    @Test
    void interfaceStatementsLimitItAndDeviceNamesTheTun() throws Exception {
        MmfdSettings s = settings("interface eth0", "interface wg1", "device mesh7", "interface eth0");
        assertThat(s.interfaces()).isEqualTo(Set.of("eth0", "wg1"));
        assertThat(s.runsOn("eth0")).isTrue();
        assertThat(s.runsOn("eth2")).isFalse();
        assertThat(s.device()).isEqualTo("mesh7");
    }

    @Test
    void badStatementsAreErrorsNamingFileLineAndWord() {
        assertThatThrownBy(() -> settings("interfaces eth0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.conf").hasMessageContaining("7").hasMessageContaining("interfaces");
        assertThatThrownBy(() -> settings("interface")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("interface name");
        assertThatThrownBy(() -> settings("interface eth0 eth1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("eth1");
        assertThatThrownBy(() -> settings("device a-name-that-is-too-long")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a valid device name");
        assertThatThrownBy(() -> settings("device ../x")).isInstanceOf(ConfigException.class);
    }
}
