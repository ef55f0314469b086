package org.jbabel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Access to configuration files, so that command-line handling can be tested without a file system. */
public interface ConfigFiles {

    /** The file babeld reads when no {@code -c} is given, if it exists. */
    String DEFAULT_FILE = "/etc/babeld.conf";

    boolean exists(String path);

    String read(String path) throws IOException;

    /** The real file system (UTF-8). */
    ConfigFiles SYSTEM = new ConfigFiles() {
        @Override
        public boolean exists(String path) {
            return Files.exists(Path.of(path));
        }

        @Override
        public String read(String path) throws IOException {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8);
        }
    };
}
