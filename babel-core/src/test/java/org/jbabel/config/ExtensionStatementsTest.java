package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionProvider;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/** Statements of extensions: handed to their providers, kept in order, and errors that name file and line. */
class ExtensionStatementsTest {

    /** {@code mmfd} alone, or {@code mmfd interface IF}, or {@code mmfd peer ADDRESS}. */
    record Mmfd(String interfaceName, IpAddress peer) {}

    static final ExtensionProvider MMFD = new ExtensionProvider() {
        @Override
        public String name() {
            return "mmfd";
        }

        @Override
        public Object parse(StatementWords words) throws ConfigException {
            if (!words.hasNext()) {
                return new Mmfd(null, null);
            }
            String w = words.word("mmfd option");
            return switch (w) {
                case "interface" -> new Mmfd(words.string("interface name"), null);
                case "peer" -> new Mmfd(null, words.address("peer address"));
                case "crash" -> throw new IllegalStateException("provider bug");
                case "nothing" -> null;
                default -> throw words.error("unknown mmfd option '" + w + "'");
            };
        }

        @Override
        public Extension create(List<Object> statements) {
            throw new UnsupportedOperationException();
        }
    };

    static final ExtensionProvider TOY = new ExtensionProvider() {
        @Override
        public String name() {
            return "toy";
        }

        @Override
        public Object parse(StatementWords words) throws ConfigException {
            return words.integer("toy number", 1, 9);
        }

        @Override
        public Extension create(List<Object> statements) {
            throw new UnsupportedOperationException();
        }
    };

    private static DaemonConfig parse(String text) throws ConfigException {
        return new ConfigParser(List.of(MMFD, TOY)).parseText("x.conf", text).build();
    }

    private static ConfigException error(String text) {
        return catchThrowableOfType(ConfigException.class, () -> parse(text));
    }

    @Test
    void statementsOfEachExtensionAreKeptInFileOrderWithTheirPositions() throws ConfigException {
        DaemonConfig c = parse("""
                toy 3
                interface eth0
                mmfd
                toy 1
                mmfd interface "wlan 0"
                """);
        assertThat(c.extensionStatements()).containsExactly(
                Map.entry("toy", List.of(3, 1)),
                Map.entry("mmfd", List.of(new Mmfd(null, null), new Mmfd("wlan 0", null))));
        assertThat(c.extensions()).extracting(s -> s.position().where())
                .containsExactly("x.conf:1", "x.conf:3", "x.conf:4", "x.conf:5");
        assertThat(c.exactInterfaceNames()).containsExactly("eth0");
    }

    @Test
    void commandLineStatementsComeInTheirPlace() throws ConfigException {
        DaemonConfig c = CommandLineOptions.parse(List.of("-C", "toy 7", "-C", "mmfd peer fe80::1", "eth0"))
                .toConfig(new ConfigFiles() {
                    @Override
                    public boolean exists(String path) {
                        return false;
                    }

                    @Override
                    public String read(String path) {
                        throw new AssertionError();
                    }
                }, List.of(MMFD, TOY));
        assertThat(c.extensionStatements()).containsExactly(
                Map.entry("toy", List.of(7)),
                Map.entry("mmfd", List.of(new Mmfd(null, IpAddress.parse("fe80::1")))));
        assertThat(c.extensions().get(1).position().where()).isEqualTo("-C #2");
    }

    @Test
    void aProvidersOwnErrorNamesFileLineAndStatement() {
        ConfigException e = error("\n\nmmfd frobnicate\n");
        assertThat(e.getMessage()).isEqualTo("x.conf:3: unknown mmfd option 'frobnicate' in \"mmfd frobnicate\"");
        assertThat(e.word()).isEqualTo("frobnicate");
        assertThat(error("toy 10").getMessage()).isEqualTo("x.conf:1: toy number 10 out of range 1..9 in \"toy 10\"");
        assertThat(error("mmfd peer").reason()).isEqualTo("missing peer address after 'peer'");
    }

    @Test
    void wordsAProviderLeavesUnreadAreAnError() {
        assertThat(error("mmfd interface eth0 eth1").getMessage())
                .isEqualTo("x.conf:1: unexpected 'eth1' in \"mmfd interface eth0 eth1\"");
    }

    @Test
    void aFailingProviderIsAnErrorAtTheStatementNotACrash() {
        assertThat(error("toy 1\nmmfd crash").getMessage()).startsWith("x.conf:2: extension 'mmfd' failed to parse")
                .contains("provider bug");
        assertThat(error("mmfd nothing").getMessage()).startsWith("x.conf:1: extension 'mmfd' gave no value");
    }

    @Test
    void aKnownExtensionThatIsNotBuiltInSaysSo() {
        assertThat(error("mmfd\nddhcp block-size 64").getMessage())
                .isEqualTo("x.conf:2: 'ddhcp' is an extension not built into this jbabel in \"ddhcp block-size 64\"");
        ConfigException withoutProviders = catchThrowableOfType(ConfigException.class,
                () -> new ConfigParser().parseText("y.conf", "interface eth0\nmmfd").build());
        assertThat(withoutProviders.getMessage())
                .isEqualTo("y.conf:2: 'mmfd' is an extension not built into this jbabel in \"mmfd\"");
        assertThat(KnownExtensions.NAMES).contains("mmfd", "roaming", "prefixd", "ddhcp", "nat64", "nat426");
    }

    @Test
    void unknownStatementsStayErrors() {
        assertThat(error("toy 1\nfrobnicate").getMessage())
                .isEqualTo("x.conf:2: unknown statement 'frobnicate' in \"frobnicate\"");
    }

    @Test
    void withoutProvidersTheConfigurationHasNoExtensions() throws ConfigException {
        DaemonConfig c = new ConfigParser().parseText("x.conf", "interface eth0\n").build();
        assertThat(c.extensions()).isEmpty();
        assertThat(c.extensionStatements()).isEmpty();
    }

    @Test
    void providersMustNotTakeBabeldsStatementsOrEachOthersNames() {
        assertThatThrownBy(() -> new ConfigParser(List.of(MMFD, MMFD))).hasMessageContaining("two extensions");
        assertThatThrownBy(() -> new ConfigParser(List.of(named("interface")))).hasMessageContaining("babeld");
        assertThatThrownBy(() -> new ConfigParser(List.of(named("redistribute")))).hasMessageContaining("babeld");
        assertThatThrownBy(() -> new ConfigParser(List.of(named("debug")))).hasMessageContaining("babeld");
        assertThatThrownBy(() -> new ConfigParser(List.of(named("two words")))).hasMessageContaining("one word");
    }

    @Test
    void onTheControlSocketAKnownExtensionIsNotAStatement() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RuntimeStatements.parse("ddhcp blocks", Map.of(), true, new java.util.ArrayList<>()));
        assertThat(e.reason()).contains("'ddhcp' is an extension");
    }

    private static ExtensionProvider named(String name) {
        return new ExtensionProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Object parse(StatementWords words) {
                return "x";
            }

            @Override
            public Extension create(List<Object> statements) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
