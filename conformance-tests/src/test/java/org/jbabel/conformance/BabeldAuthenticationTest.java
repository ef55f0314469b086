package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jbabel.auth.Verdict;
import org.jbabel.config.KeyConfig;
import org.jbabel.config.MacAlgorithm;
import org.jbabel.wire.Bytes;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MAC authentication against the real babeld (Debian's 1.12.1) on a veth pair between two network namespaces:
 * babeld with {@code key id k type ALGORITHM value ...} on its interface, and on the other end a fake neighbour
 * that is only our {@link org.jbabel.auth.Authenticator} plus Hello/IHU (see {@link FakeNeighbour}). With the same
 * key, the challenge exchange completes, our side accepts babeld's multicast packets as authentic and babeld lists
 * us as a neighbour with a nonzero reach (its local socket dump); an authenticator with another key rejects every
 * packet of babeld's. With different keys, babeld never lists us and we accept nothing of its: no routes can flow
 * either way.
 */
class BabeldAuthenticationTest {

    @TempDir
    Path dir;

    private static KeyConfig key(MacAlgorithm algorithm, String byteHex) {
        int length = algorithm == MacAlgorithm.HMAC_SHA256 ? 32 : 16;
        return new KeyConfig("k", algorithm, Bytes.fromHex(byteHex.repeat(length)), null);
    }

    private Process babeld(AuthLab lab, KeyConfig key) throws IOException {
        String babeld = Lab.tool("babeld", "babeld");
        return lab.start(dir.resolve("babeld.log"), "ip", "netns", "exec", lab.peerNs, babeld,
                "-I", dir.resolve("b.pid").toString(), "-S", dir.resolve("b.state").toString(),
                "-G", dir.resolve("b.sock").toString(),
                "-C", "key id k type " + key.algorithm().configName() + " value " + key.value().hex(),
                "-C", "interface vp key k hello-interval 0.5 update-interval 2", "vp");
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void withTheSameKeyBothSidesAuthenticateEachOther(MacAlgorithm algorithm) throws Exception {
        KeyConfig key = key(algorithm, "5a");
        try (AuthLab lab = new AuthLab()) {
            Process babeld = babeld(lab, key);
            FakeNeighbour us = new FakeNeighbour(lab, key, key(algorithm, "a5"));
            Optional<String> neighbour = Optional.empty();
            for (int i = 0; i < 20 && !(reachable(neighbour) && !us.multicastAuthenticVerdicts.isEmpty()); i++) {
                assertThat(babeld.isAlive()).as("babeld runs: %s", log()).isTrue();
                us.run(1000);
                neighbour = ourNeighbourLine();
            }
            assertThat(us.multicastAuthenticVerdicts).as("babeld's multicast packets accepted; verdicts %s",
                    us.verdicts).isNotEmpty();
            assertThat(us.count(Verdict.Outcome.BAD_MAC) + us.count(Verdict.Outcome.UNSIGNED)).isZero();
            assertThat(us.wrongKeyVerdicts).as("another key accepts nothing").containsOnlyKeys(Verdict.Outcome.BAD_MAC);
            assertThat(neighbour).as("babeld lists us with a nonzero reach").hasValueSatisfying(
                    l -> assertThat(l).doesNotContain(" reach 0000 "));
        }
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void withAnotherKeyNeitherSideAcceptsTheOther(MacAlgorithm algorithm) throws Exception {
        KeyConfig babeldsKey = key(algorithm, "5a");
        KeyConfig ours = key(algorithm, "a5");
        try (AuthLab lab = new AuthLab()) {
            Process babeld = babeld(lab, babeldsKey);
            FakeNeighbour us = new FakeNeighbour(lab, ours, babeldsKey);
            us.run(5000);
            assertThat(babeld.isAlive()).as("babeld runs: %s", log()).isTrue();
            assertThat(us.verdicts).as("babeld sent something").isNotEmpty();
            assertThat(us.verdicts).containsOnlyKeys(Verdict.Outcome.BAD_MAC);
            assertThat(us.wrongKeyVerdicts).as("babeld's key would have accepted its packets")
                    .doesNotContainKey(Verdict.Outcome.BAD_MAC);
            Optional<String> neighbour = ourNeighbourLine();
            assertThat(neighbour.isEmpty() || neighbour.get().contains(" reach 0000 "))
                    .as("babeld does not hear us: %s", neighbour).isTrue();
        }
    }

    private String log() throws IOException {
        Path log = dir.resolve("babeld.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static boolean reachable(Optional<String> line) {
        return line.isPresent() && !line.get().contains(" reach 0000 ");
    }

    /** babeld's {@code add neighbour} line for our address, if its socket is up and lists us. */
    private Optional<String> ourNeighbourLine() throws IOException {
        Path socket = dir.resolve("b.sock");
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        return Lab.ask(socket, "dump").stream()
                .filter(l -> l.startsWith("add neighbour") && l.contains(" address " + AuthLab.OURS + " "))
                .findFirst();
    }
}
