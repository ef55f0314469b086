package org.jbabel.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.From;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jbabel.fuzz.FuzzInputs;

/**
 * Configuration text, command lines and runtime statements only ever fail with a {@link ConfigException} naming the
 * file and line (docs/ROBUSTNESS.md, "Fuzzing"): random statements from the grammar's words, and whole files.
 */
class ConfigFuzzTest {

    /**
     * Coverage-guided with {@code JAZZER_FUZZ=1}; otherwise replays the corpus (ConfigFuzzTestInputs). Bytes that are
     * not UTF-8 never reach the parser: reading the file fails first, with a ConfigException at line 0.
     */
    @FuzzTest(maxDuration = "30s")
    void configFile(byte[] file) {
        checkFile(file);
    }

    @Property(tries = 1000)
    void mutantsOfTheCorpus(@ForAll("corpus") byte[] file) {
        checkFile(file);
    }

    @Provide
    Arbitrary<byte[]> corpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(ConfigFuzzTest.class, "configFile"));
    }

    private static void checkFile(byte[] file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(file)).toString();
        } catch (CharacterCodingException e) {
            return;
        }
        int lines = (int) text.chars().filter(c -> c == '\n').count() + 1;
        try {
            new ConfigParser().parseText("fuzz.conf", text).build();
        } catch (ConfigException e) {
            assertThat(e.line()).isBetween(1, lines);
            assertThat(e.getMessage()).startsWith("fuzz.conf:" + e.line() + ": ");
        }
    }

    /** Words of the grammar and values of every kind, good and bad, so random lines get deep into the parser. */
    private static final List<String> WORDS = List.of(
            "interface", "default", "in", "out", "redistribute", "install", "key", "neighbour", "flush", "dump",
            "quit", "id", "type", "value", "ip", "src-ip", "eq", "le", "ge", "src-eq", "src-le", "src-ge", "neigh",
            "proto", "local", "if", "allow", "deny", "metric", "src-prefix", "table", "pref-src", "rxcost",
            "hello-interval", "update-interval", "link-quality", "split-horizon", "rtt-min", "rtt-max", "rtt-decay",
            "max-rtt-penalty", "wired", "faraway", "channel", "unicast", "v4-via-v6", "probe-mtu", "debug",
            "router-id", "protocol-group", "local-port", "local-path", "import-table", "diversity", "link-detect",
            "log-file", "smoothing-half-life", "true", "no", "auto", "wireless", "tunnel", "hmac-sha256",
            "blake2s128", "eth0", "wg-*", "0", "1", "-1", "0x10", "08", "65535", "65536", "4.5", ".5", "1.", "x",
            "10.0.0.0/8", "2001:db8::/32", "default", "fe80::1", "::", "1.2.3", "02:00:00:ff:fe:00:00:01",
            "00:11:22:33:44:55", "ff02::1:6", "00ff", "abc", "\"quoted string\"", "\"unterminated", "#", "\\",
            "\"a\\\"b\"", "\t", "\r");

    @Provide
    Arbitrary<String> statements() {
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.of(WORDS),
                Arbitraries.strings().withChars(" \t\"#\\:./-*?0123456789abcdefx").ofMaxLength(12),
                Arbitraries.strings().ofMaxLength(8));
        return word.list().ofMaxSize(8).map(ws -> String.join(" ", ws));
    }

    @Property(tries = 2000)
    void randomLinesOnlyEverFailWithAConfigExceptionNamingFileAndLine(
            @ForAll("statements") String line, @ForAll @IntRange(min = 0, max = 3) int blankLinesBefore) {
        String text = "\n".repeat(blankLinesBefore) + line;
        try {
            new ConfigParser().parseText("fuzz.conf", text).build();
        } catch (ConfigException e) {
            assertThat(e.source()).isEqualTo("fuzz.conf");
            assertThat(e.line()).isBetween(blankLinesBefore + 1, blankLinesBefore + 1 + (int) line.chars()
                    .filter(c -> c == '\n').count());
            assertThat(e.getMessage()).startsWith("fuzz.conf:" + e.line() + ": ");
        }
    }

    @Property(tries = 1000)
    void randomFilesOfManyLinesFailAtTheLineOfTheFirstBadStatement(
            @ForAll @Size(max = 6) List<@From("statements") String> lines) {
        List<String> clean = new ArrayList<>();
        for (String l : lines) {
            clean.add(l.replace("\n", " "));
        }
        try {
            new ConfigParser().parseText("multi.conf", String.join("\n", clean)).build();
        } catch (ConfigException e) {
            int failing = e.line();
            assertThat(failing).isBetween(1, clean.size());
            // every line before the failing one parses on its own
            ConfigParser p = new ConfigParser();
            for (int i = 0; i < failing - 1; i++) {
                try {
                    p.parseText("multi.conf", clean.get(i));
                } catch (ConfigException earlier) {
                    throw new AssertionError("line " + (i + 1) + " failed alone but not in the file", earlier);
                }
            }
        }
    }

    @Property(tries = 1000)
    void randomSocketLinesOnlyEverFailWithAConfigException(@ForAll("statements") String line, @ForAll boolean rw) {
        try {
            RuntimeStatements.parse(line, java.util.Map.of(), rw, new ArrayList<>());
        } catch (ConfigException e) {
            assertThat(e.source()).isEqualTo(RuntimeStatements.SOURCE);
        }
    }

    @Property(tries = 1000)
    void randomCommandLinesOnlyEverFailWithAConfigException(
            @ForAll @Size(max = 6) List<@From("argv") String> argv) {
        try {
            CommandLineOptions.parse(argv).toConfig(new ConfigFiles() {
                @Override
                public boolean exists(String path) {
                    return false;
                }

                @Override
                public String read(String path) throws java.io.IOException {
                    throw new java.io.FileNotFoundException(path);
                }
            });
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> argv() {
        return Arbitraries.oneOf(
                Arbitraries.of("-d", "-d1", "-lw", "-C", "-c", "-h", "-H", "-m", "-p", "-G", "-g", "-T", "-z", "-s",
                        "--", "-", "-V", "-x", "eth0", "wg-*", "", "1", "0x20", "/tmp/x", "ff02::1:6", "debug 1",
                        "interface eth0 foo"),
                statements());
    }
}
