package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

    @TempDir
    Path dir;

    @Test
    void babeldsFileWithJustASeqnoIsRead() {
        assertThat(StateFile.parse("4711\n")).contains(new StateFile(null, 4711));
    }

    @Test
    void ourFileKeepsRouterIdAndSeqnoAcrossAWriteAndARead() throws Exception {
        Path f = dir.resolve("babel-state");
        StateFile s = new StateFile(RouterId.parse("02:00:00:ff:fe:00:00:0b"), 65535);
        s.write(f);
        assertThat(Files.readString(f)).isEqualTo("02:00:00:ff:fe:00:00:0b 65535\n");
        assertThat(StateFile.read(f)).contains(s);
    }

    @Test
    void garbageMissingFilesAndOutOfRangeSeqnosReadAsEmpty() {
        assertThat(StateFile.parse("")).isEmpty();
        assertThat(StateFile.parse("hello world")).isEmpty();
        assertThat(StateFile.parse("70000")).isEmpty();
        assertThat(StateFile.parse("00:00:00:00:00:00:00:00 5")).isEmpty();
        assertThat(StateFile.parse("1 2 3")).isEmpty();
        assertThat(StateFile.read(dir.resolve("missing"))).isEmpty();
    }
}
