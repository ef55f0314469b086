package org.jbabel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

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

    /** Files held in memory, text by path (a path not in the map does not exist). */
    static ConfigFiles of(Map<String, String> texts) {
        Map<String, String> copy = Map.copyOf(texts);
        return new ConfigFiles() {
            @Override
            public boolean exists(String path) {
                return copy.containsKey(path);
            }

            @Override
            public String read(String path) throws IOException {
                String text = copy.get(path);
                if (text == null) {
                    throw new NoSuchFileException(path);
                }
                return text;
            }
        };
    }
}
