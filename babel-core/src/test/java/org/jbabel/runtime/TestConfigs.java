package org.jbabel.runtime;

import java.io.IOException;
import java.util.List;
import org.jbabel.config.CommandLineOptions;
import org.jbabel.config.ConfigFiles;
import org.jbabel.config.DaemonConfig;

/** Configurations from babeld command lines, without touching the file system. */
final class TestConfigs {

    private static final ConfigFiles NONE = new ConfigFiles() {
        @Override
        public boolean exists(String path) {
            return false;
        }

        @Override
        public String read(String path) throws IOException {
            throw new IOException("no files in tests");
        }
    };

    private TestConfigs() {}

    static DaemonConfig of(String... argv) {
        try {
            return CommandLineOptions.parse(List.of(argv)).toConfig(NONE);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
