package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh jbabeld next to an already running babeld 1.12.1 gets babeld's whole table as the answer to its start-up
 * wildcard Route Request, not with babeld's next periodic update.
 *
 * <p>babeld answers a wildcard request with a full dump only when its last full dump on that interface is older than
 * ten Hello intervals (40 s with the default 4 s), and its periodic updates (every 16 s by default) count as dumps,
 * so with default timers it never answers one and every newcomer waits for the next periodic update. Here babeld
 * runs with {@code hello-interval 1 update-interval 120}: a request more than 10 s after its start-up dump is
 * answered, and its first periodic update comes no earlier than 60 s after its start (babeld jitters the update
 * interval downwards by at most a quarter; half is assumed for margin). jbabeld starts 12 s after babeld, and the
 * test gives it 25 s for the table: a table that arrives within that bound can only be the answer to the request.
 * babeld's answer (Hello, IHU and the updates) may reach jbabeld before any Hello of babeld, so this also needs
 * jbabeld to keep updates from a neighbour it has not heard a Hello from yet.
 */
class JbabeldFirstTableTest {

    private static final int PREFIXES = 1_000;

    private Lab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void freshJbabeldGetsARunningBabeldsTableWithoutWaitingForItsPeriodicUpdate(@TempDir Path dir)
            throws Exception {
        Lab.tool("babeld", "babeld");
        lab = new Lab(dir);
        String s = lab.ns("s");
        String r = lab.ns("r");
        lab.link(s, "vs", r, "vr");
        lab.link(s, "st0", s, "st1");
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < PREFIXES; i++) {
            batch.append("route add 2001:db8:1:").append(Integer.toHexString(i)).append("::/64 dev st0 proto static\n");
        }
        Path routes = dir.resolve("routes.batch");
        Files.writeString(routes, batch);
        lab.ip(s, "-batch", routes.toString());
        // Link-local addresses past DAD before either daemon starts.
        Thread.sleep(2_000);

        Lab.Daemon babeld = lab.babeld(s, "s", List.of("-C", "default hello-interval 1 update-interval 120",
                "-C", "redistribute ip 2001:db8:1::/48 ge 64", "-C", "redistribute local deny", "vs"));
        long babeldStart = System.nanoTime();
        lab.await("babeld announcing all " + PREFIXES + " prefixes", Duration.ofSeconds(20), () -> {
            List<String> d = Lab.dump(babeld.socket());
            return d != null && d.stream().filter(l -> l.startsWith("add xroute")).count() >= PREFIXES ? true : null;
        });
        Thread.sleep(Math.max(0, Duration.ofSeconds(12).toMillis() - (System.nanoTime() - babeldStart) / 1_000_000));

        lab.jbabeld(r, "r", List.of("vr"));
        long count = lab.await("babeld's " + PREFIXES + " prefixes in the fresh jbabeld's FIB", Duration.ofSeconds(25),
                () -> {
                    long n = lab.babelRoutes(r, "-6").lines().filter(l -> l.startsWith("2001:db8:1:")).count();
                    return n >= PREFIXES ? n : null;
                });
        assertThat(count).isEqualTo(PREFIXES);
    }
}
