package org.jbabel.cli.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * The configuration being written, line by line, each line with where it came from, and the warnings for standard
 * error. Nothing a daemon's command line says is dropped silently: what has no jbabel statement becomes a comment
 * line in the configuration and a warning ({@link #dropped}).
 */
final class Output {

    /**
     * One line of the configuration: a statement with the option or line it came from, or a comment.
     *
     * @param statement the statement, or null for a comment line
     * @param origin for a statement, what it came from (printed after it as a comment); for a comment, its text
     */
    record Line(String statement, String origin) {
        String render() {
            if (statement == null) {
                return origin.isEmpty() ? "#" : "# " + origin;
            }
            return origin == null ? statement : statement + "  # " + origin;
        }
    }

    private final List<Line> lines = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    void statement(String statement, String origin) {
        lines.add(new Line(statement, origin));
    }

    /** A line copied as it was (a configuration file's). */
    void verbatim(String line) {
        lines.add(new Line(line, null));
    }

    void comment(String text) {
        lines.add(new Line(null, text));
    }

    void warn(String message) {
        warnings.add(message);
    }

    /** An option with no jbabel statement: a comment saying why, and the same as a warning. */
    void dropped(String origin, String reason) {
        comment(origin + ": " + reason);
        warn(origin + ": " + reason);
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    String text() {
        StringBuilder b = new StringBuilder();
        for (Line l : lines) {
            b.append(l.render()).append('\n');
        }
        return b.toString();
    }
}
