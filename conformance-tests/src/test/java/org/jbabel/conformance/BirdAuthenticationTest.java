package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jbabel.auth.Verdict;
import org.jbabel.config.KeyConfig;
import org.jbabel.config.MacAlgorithm;
import org.jbabel.wire.Bytes;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MAC authentication against BIRD 2 (Debian's 2.0.12, {@code authentication mac} with a {@code password} whose
 * {@code algorithm} is {@code hmac sha256} or {@code blake2s128}): BIRD takes the password's bytes as the key, so
 * the same text hex-encoded is our key. Same shape as {@link BabeldAuthenticationTest}: with the same key both
 * sides authenticate each other (BIRD lists our fake neighbour as authenticated and counts its Hellos); with
 * another key neither side accepts the other. BIRD sends 32-byte indices and 10-byte nonces, unlike babeld.
 */
class BirdAuthenticationTest {
    private static final String PASSWORD = "jbabel-test-key1";

    @TempDir
    Path dir;

    private static String birdName(MacAlgorithm algorithm) {
        return switch (algorithm) {
            case HMAC_SHA256 -> "hmac sha256";
            case BLAKE2S128 -> "blake2s128";
        };
    }

    private static KeyConfig key(MacAlgorithm algorithm, String password) {
        return new KeyConfig("k", algorithm, Bytes.of(password.getBytes(StandardCharsets.US_ASCII)), null);
    }

    private Process bird(AuthLab lab, MacAlgorithm algorithm) throws IOException {
        String bird = Lab.tool("bird", "bird2");
        Path conf = dir.resolve("bird.conf");
        Files.writeString(conf, """
                router id 192.0.2.1;
                protocol device {}
                protocol babel {
                  interface "vp" {
                    type wired;
                    hello interval 1 s;
                    authentication mac;
                    password "%s" { algorithm %s; };
                  };
                  ipv6 { import all; export all; };
                }
                """.formatted(PASSWORD, birdName(algorithm)));
        return lab.start(dir.resolve("bird.log"), "ip", "netns", "exec", lab.peerNs, bird, "-f",
                "-c", conf.toString(), "-s", dir.resolve("bird.ctl").toString());
    }

    /** BIRD's line for our address in {@code show babel neighbors}, if any. */
    private Optional<String> ourNeighbourLine() throws Exception {
        Path ctl = dir.resolve("bird.ctl");
        if (!Files.exists(ctl)) {
            return Optional.empty();
        }
        Process p = new ProcessBuilder(Lab.tool("birdc", "bird2"), "-s", ctl.toString(),
                "show", "babel", "neighbors").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> l.trim().startsWith(AuthLab.OURS + " ")).findFirst();
    }

    /** The Hellos column of a neighbour line: IP address, interface, metric, routes, Hellos, expires, auth. */
    private static int hellos(String line) {
        return Integer.parseInt(line.trim().split("\\s+")[4]);
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void withTheSamePasswordBothSidesAuthenticateEachOther(MacAlgorithm algorithm) throws Exception {
        KeyConfig key = key(algorithm, PASSWORD);
        try (AuthLab lab = new AuthLab()) {
            Process bird = bird(lab, algorithm);
            FakeNeighbour us = new FakeNeighbour(lab, key, key(algorithm, "another-password"));
            Optional<String> neighbour = Optional.empty();
            for (int i = 0; i < 20 && !(neighbour.isPresent() && hellos(neighbour.get()) > 0
                    && !us.multicastAuthenticVerdicts.isEmpty()); i++) {
                assertThat(bird.isAlive()).as("BIRD runs: %s", log()).isTrue();
                us.run(1000);
                neighbour = ourNeighbourLine();
            }
            assertThat(us.multicastAuthenticVerdicts).as("BIRD's multicast packets accepted; verdicts %s",
                    us.verdicts).isNotEmpty();
            assertThat(us.count(Verdict.Outcome.BAD_MAC) + us.count(Verdict.Outcome.UNSIGNED)).isZero();
            assertThat(us.wrongKeyVerdicts).containsOnlyKeys(Verdict.Outcome.BAD_MAC);
            assertThat(neighbour).as("BIRD counts our Hellos").hasValueSatisfying(
                    l -> assertThat(hellos(l)).isPositive());
        }
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void withAnotherPasswordNeitherSideAcceptsTheOther(MacAlgorithm algorithm) throws Exception {
        try (AuthLab lab = new AuthLab()) {
            Process bird = bird(lab, algorithm);
            FakeNeighbour us = new FakeNeighbour(lab, key(algorithm, "another-password"), key(algorithm, PASSWORD));
            us.run(5000);
            assertThat(bird.isAlive()).as("BIRD runs: %s", log()).isTrue();
            assertThat(us.verdicts).as("BIRD sent something").isNotEmpty().containsOnlyKeys(Verdict.Outcome.BAD_MAC);
            assertThat(us.wrongKeyVerdicts).doesNotContainKey(Verdict.Outcome.BAD_MAC);
            Optional<String> neighbour = ourNeighbourLine();
            assertThat(neighbour.isEmpty() || hellos(neighbour.get()) == 0)
                    .as("BIRD does not hear us: %s", neighbour).isTrue();
        }
    }

    private String log() throws IOException {
        Path log = dir.resolve("bird.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
