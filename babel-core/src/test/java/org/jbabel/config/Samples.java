package org.jbabel.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the sample configurations from the test resources. */
final class Samples {

    private Samples() {}

    static String text(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/config/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DaemonConfig parse(String name) throws ConfigException {
        return new ConfigParser().parseText(name, text(name)).build();
    }

    static DaemonConfig config(String... lines) throws ConfigException {
        return new ConfigParser().parseText("test.conf", String.join("\n", lines)).build();
    }
}
