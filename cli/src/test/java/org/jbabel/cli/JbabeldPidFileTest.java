package org.jbabel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jbabel.linux.ProcessControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pid file and its lock: who holds the lock runs; a file left without a holder is taken over. */
class JbabeldPidFileTest {

    @TempDir
    Path dir;

    @AfterEach
    void release() {
        Jbabeld.releaseLock();
    }

    @Test
    void aPidFileNamingALiveProcessButWithoutAHolderOfItsLockIsTakenOver() throws IOException {
        Path pid = dir.resolve("b.pid");
        // pid 1 is alive, but it does not hold our lock: a file left by a crash whose pid was reused
        Files.writeString(pid, "1\n");
        Jbabeld.writePidFile(pid);
        assertThat(Files.readString(pid, StandardCharsets.US_ASCII).strip())
                .isEqualTo(Long.toString(ProcessControl.pid()));
        assertThat(Jbabeld.lockFileOf(pid)).exists();
    }

    @Test
    void aSecondStartWithTheSamePidFileIsRefusedWhileTheFirstHoldsTheLock() throws IOException {
        Path pid = dir.resolve("b.pid");
        Jbabeld.writePidFile(pid);
        assertThatThrownBy(() -> Jbabeld.writePidFile(pid)).isInstanceOf(IOException.class)
                .hasMessageContaining("another jbabeld (pid " + ProcessControl.pid() + ") is running")
                .hasMessageContaining("b.pid.lock");
        Jbabeld.releaseLock();
        Files.delete(pid);
        Jbabeld.writePidFile(pid);
        assertThat(pid).exists();
    }
}
