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
 * {@code bin/jbabeld}'s ahead-of-time cache (docs/DAEMON.md, "Start-up"), next to a babeld 1.12 neighbour: a missing
 * cache is recorded by a training run in a network namespace of its own before the daemon starts, the daemon then maps
 * it and routes as before, a run started while another trains goes without it, and {@code JBABEL_AOT_CACHE=} (empty)
 * starts without one.
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
    void aMissingCacheIsRecordedByATrainingRunAndTheDaemonStartsFromIt() throws Exception {
        Path cache = dir.resolve("jbabeld.aot");
        Map<String, String> env = Map.of("JBABEL_AOT_CACHE", cache.toString());

        // while another run trains (its marker), a run goes without the cache and does not train
        Files.createDirectory(dir.resolve("jbabeld.aot.training"));
        Lab.Daemon meanwhile = lab.jbabeldScript(c, "meanwhile", env, List.of("vc"));
        lab.await("the run started meanwhile answering dump", CONVERGE,
                () -> Lab.dump(meanwhile.socket()) != null ? true : null);
        assertThat(maps(meanwhile.name())).as("no cache mapped").doesNotContain(".aot");
        assertThat(Files.readString(meanwhile.log())).contains("is being recorded by another run");
        assertThat(cache).doesNotExist();
        lab.stop(meanwhile);
        Files.delete(dir.resolve("jbabeld.aot.training"));

        Lab.Daemon cached = lab.jbabeldScript(b, "cached", env, List.of("vb"));
        awaitBabeldsRoute("the run from the cache it recorded first");
        assertThat(Files.readString(cached.log())).contains("recording the ahead-of-time cache");
        assertThat(cache).as("the cache written").isRegularFile();
        assertThat(Files.size(cache)).isGreaterThan(1 << 20);
        assertThat(dir.resolve("jbabeld.aot.training")).as("no marker left").doesNotExist();
        assertThat(dir.resolve("jbabeld.aot.failed")).as("no failure").doesNotExist();
        assertThat(maps("cached")).as("the JVM maps the cache").contains(cache.toString());
        assertThat(Lab.run("ip", "-o", "link", "show")).as("the training's veth was in a namespace of its own")
                .doesNotContain("jbt0");
        lab.stop(cached);
        lab.ip(b, "-6", "route", "flush", "proto", "babel");

        Lab.Daemon lean = lab.jbabeldScript(b, "lean", Map.of("JBABEL_AOT_CACHE", ""), List.of("vb"));
        awaitBabeldsRoute("the run without a cache");
        assertThat(maps("lean")).as("no cache mapped").doesNotContain(".aot");
        assertThat(Files.readString(lean.log())).doesNotContain("recording");
    }

    private String maps(String name) throws Exception {
        long pid = Long.parseLong(Files.readString(dir.resolve(name + ".pid")).strip());
        return Files.readString(Path.of("/proc/" + pid + "/maps"));
    }

    private void awaitBabeldsRoute(String run) throws Exception {
        lab.await("babeld's route in the FIB of " + run, CONVERGE,
                () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:") ? true : null);
    }
}
