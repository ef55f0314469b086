package org.jbabel.config;

/**
 * Where a statement came from: a source name (a file path, {@code -C #2} for the second {@code -C} argument,
 * {@code control socket}, {@code command line}), a 1-based line number (0 when the source is not line-based)
 * and a 1-based column (0 when the whole statement is meant).
 */
public record Position(String source, int line, int column) {

    /** The position of the implicit rules babeld appends to the filter lists. */
    public static final Position IMPLICIT = new Position("implicit", 0, 0);

    /** {@code babeld.conf:12}, or just the source name when there are no line numbers. */
    public String where() {
        return line > 0 ? source + ":" + line : source;
    }

    Position at(int newColumn) {
        return new Position(source, line, newColumn);
    }

    @Override
    public String toString() {
        return where();
    }
}
