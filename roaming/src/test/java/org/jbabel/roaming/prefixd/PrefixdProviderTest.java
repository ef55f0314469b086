package org.jbabel.roaming.prefixd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.config.ConfigException;
import org.jbabel.config.TestStatementWords;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class PrefixdProviderTest {

    private final PrefixdProvider provider = new PrefixdProvider();

    private PrefixdSettings settings(String... lines) throws ConfigException {
        List<Object> statements = new ArrayList<>();
        for (String line : lines) {
            statements.add(provider.parse(TestStatementWords.of(line)));
        }
        return PrefixdSettings.of(statements);
    }

    @Test
    void defaultsAndEveryOption() throws Exception {
        PrefixdSettings bare = settings("");
        assertThat(provider.name()).isEqualTo("prefixd");
        assertThat(bare).isEqualTo(new PrefixdSettings(List.of(), null, 0, 3, 12_000));
        PrefixdSettings s = settings("uplink-prefix 2001:db8:a::/64 uplink-interface wan uplink-metric 96",
                "uplink-prefix 2001:db8:b::/64 max-prefixes 2 max-metric 5000");
        assertThat(s.uplinkPrefixes()).containsExactly(Prefix.parse("2001:db8:a::/64"), Prefix.parse("2001:db8:b::/64"));
        assertThat(s.uplinkInterface()).isEqualTo("wan");
        assertThat(s.uplinkMetric()).isEqualTo(96);
        assertThat(s.maxPrefixes()).isEqualTo(2);
        assertThat(s.maxMetric()).isEqualTo(5000);
        assertThat(provider.create(List.of(provider.parse(TestStatementWords.of(""))))).isInstanceOf(Prefixd.class);
    }

    @Test
    void badOptionsAreErrors() {
        assertThatThrownBy(() -> settings("uplink-prefixes 2001:db8::/64")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown prefixd option").hasMessageContaining("test.conf");
        assertThatThrownBy(() -> settings("uplink-prefix 2001:db8::/48")).hasMessageContaining("/64");
        assertThatThrownBy(() -> settings("uplink-prefix 10.0.0.0/24")).hasMessageContaining("/64");
        assertThatThrownBy(() -> settings("uplink-prefix fe80::/64")).hasMessageContaining("/64");
        assertThatThrownBy(() -> settings("uplink-metric 65535")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> settings("max-prefixes 0")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> settings("uplink-interface")).hasMessageContaining("uplink interface name");
    }
}
