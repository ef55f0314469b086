package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jbabeld} with {@code JBABEL_AOT_CACHE} (docs/DAEMON.md, "Start-up"), next to a babeld 1.12 neighbour:
 * the first run records and its JVM writes the cache as it exits, a run started meanwhile goes without it, and the
 * next run maps the cache and routes as before.
 */
class JbabeldAotCacheTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private Lab lab;
    private Path dir;
    private String a;
    private String b;
    private String c;

    @BeforeEach
    void network(@TempDir Path tmp) throws Exception {
        Lab.tool("babeld", "babeld");
        Lab.scriptRoot();
        dir = tmp;
        lab = new Lab(dir);
        a = lab.ns("a");
        b = lab.ns("b");
        c = lab.ns("c");
        lab.link(a, "va", b, "vb");
        lab.link(c, "vc", c, "vc2");
        lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
        lab.babeld(a, "a", List.of("-C", "default hello-interval 0.5 update-interval 4", "va"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void theFirstRunWritesTheCacheAndTheNextRunStartsFromIt() throws Exception {
        Path cache = dir.resolve("jbabeld.aot");
        Map<String, String> env = Map.of("JBABEL_AOT_CACHE", cache.toString());

        Lab.Daemon training = lab.jbabeldScript(b, "train", env, List.of("vb"));
        awaitBabeldsRoute("the training run");
        assertThat(dir.resolve("jbabeld.aot.training")).as("the marker of a training run").isDirectory();

        Lab.Daemon meanwhile = lab.jbabeldScript(c, "meanwhile", env, List.of("vc"));
        lab.await("the run started meanwhile answering dump", CONVERGE,
                () -> Lab.dump(meanwhile.socket()) != null ? true : null);
        assertThat(Files.readString(meanwhile.log())).contains("is being built by another run");
        lab.stop(meanwhile);

        // SIGTERM to the launcher, which hands it to the JVM and waits while it writes the cache
        lab.stop(training, Duration.ofSeconds(90));
        assertThat(training.process().exitValue()).as("the JVM's status after SIGTERM, passed on; its log: %s",
                Files.readString(training.log())).isEqualTo(143);
        assertThat(cache).as("the cache written").isRegularFile();
        assertThat(Files.size(cache)).isGreaterThan(1 << 20);
        assertThat(dir.resolve("jbabeld.aot.training")).as("no marker left").doesNotExist();
        lab.ip(b, "-6", "route", "flush", "proto", "babel");

        lab.jbabeldScript(b, "cached", env, List.of("vb"));
        awaitBabeldsRoute("the run from the cache");
        long pid = Long.parseLong(Files.readString(dir.resolve("cached.pid")).strip());
        assertThat(Files.readString(Path.of("/proc/" + pid + "/maps"))).as("the JVM maps the cache")
                .contains(cache.toString());
    }

    private void awaitBabeldsRoute(String run) throws Exception {
        lab.await("babeld's route in the FIB of " + run, CONVERGE,
                () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:") ? true : null);
    }
}
