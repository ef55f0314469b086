package org.jbabel.config;

import java.time.Duration;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * The words of one extension statement, after its keyword, read in order with the same rules and error messages as
 * babeld's own statements (every problem is a {@link ConfigException} naming the file, line and word).
 */
public final class StatementWords {

    /** The kernel's IFNAMSIZ less the terminating zero. */
    private static final int MAX_IFNAME = 15;

    private final Cursor cursor;

    StatementWords(Cursor cursor) {
        this.cursor = cursor;
    }

    /** Where the statement is. */
    public Position position() {
        return cursor.statement().position();
    }

    public boolean hasNext() {
        return cursor.hasNext();
    }

    /** An unquoted word; {@code what} names it in the error when there is none. */
    public String word(String what) throws ConfigException {
        return cursor.word(what);
    }

    /**
     * An interface name as the kernel takes it: at most 15 characters (IFNAMSIZ less the terminating zero), not
     * {@code .} or {@code ..}, no {@code /}, {@code :} or blanks.
     */
    public String interfaceName(String what) throws ConfigException {
        String name = cursor.word(what);
        if (name.length() > MAX_IFNAME || name.equals(".") || name.equals("..")
                || name.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw error("'" + name + "' is not a valid " + what + " (at most 15 characters, no '/', ':' or blanks)");
        }
        return name;
    }

    /** A word or a quoted string. */
    public String string(String what) throws ConfigException {
        return cursor.string(what);
    }

    /** A C-style integer in [min, max]. */
    public int integer(String what, long min, long max) throws ConfigException {
        return cursor.integer(what, min, max);
    }

    /** A duration in seconds (fractions allowed), at most {@code maxMillis}. */
    public Duration seconds(String what, long maxMillis) throws ConfigException {
        return cursor.seconds(what, maxMillis);
    }

    public IpAddress address(String what) throws ConfigException {
        return cursor.address(what);
    }

    public Prefix prefix(String what) throws ConfigException {
        return cursor.prefix(what);
    }

    /** Fails when words are left. */
    public void end() throws ConfigException {
        cursor.end();
    }

    /** An error about the word just read (about the whole statement before any was read). */
    public ConfigException error(String reason) {
        return cursor.index() == 0 ? cursor.error(reason) : cursor.error(cursor.last(), reason);
    }
}
