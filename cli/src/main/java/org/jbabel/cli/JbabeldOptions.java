package org.jbabel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options of {@code bin/jbabeld.options} read as {@code bin/jbabeld} reads them in the source tree: a
 * {@code #} starts a comment, blanks are dropped, {@code ${root}} stands for the project's directory and
 * {@code ${native}} for the directory of netty's native library in it. For what starts jbabeld itself (the demo, the
 * conformance tests), so that it runs as it is run.
 */
public final class JbabeldOptions {

    private JbabeldOptions() {}

    /** The options, for the project at {@code root}. */
    public static List<String> read(Path root) throws IOException {
        Path nativeDir = root.resolve("cli/target/native/META-INF/native");
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("bin/jbabeld.options"))) {
            String option = line.replaceAll("#.*", "").replaceAll("\\s", "");
            if (!option.isEmpty()) {
                options.add(option.replace("${root}", root.toString()).replace("${native}", nativeDir.toString()));
            }
        }
        return List.copyOf(options);
    }
}
