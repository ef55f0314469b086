package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signals babeld's packaging relies on: SIGUSR1 writes the tables to the log, SIGUSR2 (sent by Debian's
 * logrotate configuration for babeld after rotating the log) reopens the log file.
 */
class JbabeldSignalsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void usr1DumpsTheTablesToTheLogAndUsr2ReopensTheLogAfterRotation() throws Exception {
        try (Lab lab = new Lab(dir)) {
            String a = lab.ns("a");
            String b = lab.ns("b");
            lab.link(a, "va", b, "vb");
            lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
            Path log = dir.resolve("jbabeld.log");
            Lab.Daemon j = lab.jbabeld(a, "a", List.of("-L", log.toString(), "va"));
            lab.await("jbabeld's control socket", WAIT, () -> Files.exists(j.socket()) ? true : null);
            lab.await("our address as an xroute", WAIT,
                    () -> String.join("\n", Lab.dump(j.socket())).contains("add xroute 2001:db8:a::1/128") ? true : null);

            Lab.run("kill", "-USR1", Long.toString(j.process().pid()));
            lab.await("the dump in the log", WAIT,
                    () -> read(log).contains("add xroute 2001:db8:a::1/128-::/0 prefix 2001:db8:a::1/128") ? true : null);

            Path rotated = dir.resolve("jbabeld.log.1");
            Files.move(log, rotated);
            Lab.run("kill", "-USR2", Long.toString(j.process().pid()));
            lab.await("a new log file at the old path", WAIT, () -> Files.exists(log) ? true : null);
            Lab.run("kill", "-USR1", Long.toString(j.process().pid()));
            lab.await("the next dump in the new file", WAIT, () -> read(log).contains("add xroute 2001:db8:a::1/128") ? true : null);
            assertThat(j.process().isAlive()).isTrue();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (Exception e) {
            return "";
        }
    }
}
