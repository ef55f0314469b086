package org.jbabel.config;

/**
 * A configuration statement that cannot be accepted: a syntax error, a value out of range, an unknown statement,
 * or a statement jbabel does not support yet. It names the source, the line, the offending word and the whole
 * statement, e.g. {@code babeld.conf:12: unknown interface option 'foo' in "interface wlan0 foo true"}.
 */
public final class ConfigException extends Exception {

    private final Position position;
    private final String word;
    private final String statement;
    private final String reason;

    /**
     * @param position where the statement is; its column points at {@code word} (0 when no single word is meant)
     * @param word the offending word, or null
     * @param statement the statement text as written (without the trailing comment), or null
     * @param reason what is wrong, without position
     */
    public ConfigException(Position position, String word, String statement, String reason) {
        super(format(position, statement, reason));
        this.position = position;
        this.word = word;
        this.statement = statement;
        this.reason = reason;
    }

    private static String format(Position position, String statement, String reason) {
        String s = position.where() + ": " + reason;
        return statement == null || statement.isEmpty() ? s : s + " in \"" + statement + "\"";
    }

    public Position position() {
        return position;
    }

    /** The source name: a file path, {@code -C #n}, {@code command line} or {@code control socket}. */
    public String source() {
        return position.source();
    }

    public int line() {
        return position.line();
    }

    /** 1-based column of the offending word, 0 when the statement as a whole is at fault. */
    public int column() {
        return position.column();
    }

    /** The offending word, or null. */
    public String word() {
        return word;
    }

    /** The statement as written, or null when the error is not about one statement (an unreadable file). */
    public String statement() {
        return statement;
    }

    /** The reason alone, without source, line or statement. */
    public String reason() {
        return reason;
    }
}
