package org.jbabel.config;

import java.time.Duration;
import org.jbabel.wire.Bytes;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;

/** Reads the words of one statement in order and turns every problem into a {@link ConfigException}. */
final class Cursor {

    private final Statement statement;
    private int index;

    Cursor(Statement statement) {
        this.statement = statement;
    }

    Statement statement() {
        return statement;
    }

    boolean hasNext() {
        return index < statement.tokens().size();
    }

    /** How many words were read. */
    int index() {
        return index;
    }

    /** The word just read. */
    Token last() {
        return statement.tokens().get(index - 1);
    }

    /** The next token, quoted or not; {@code what} names it in the error when there is none. */
    Token next(String what) throws ConfigException {
        if (!hasNext()) {
            Token before = index > 0 ? last() : null;
            throw new ConfigException(
                    statement.position(), null, statement.text(),
                    before == null ? "missing " + what : "missing " + what + " after '" + before.text() + "'");
        }
        return statement.tokens().get(index++);
    }

    /** An unquoted word (babeld's {@code getword}). */
    String word(String what) throws ConfigException {
        Token t = next(what);
        if (t.quoted()) {
            throw error(t, "expected " + what + ", not a quoted string");
        }
        return t.text();
    }

    /** A word or a quoted string (babeld's {@code getstring}). */
    String string(String what) throws ConfigException {
        return next(what).text();
    }

    /** A C-style integer in [min, max]. */
    int integer(String what, long min, long max) throws ConfigException {
        String w = word(what);
        Long v = Values.integer(w);
        if (v == null) {
            throw error(last(), "'" + w + "' is not an integer (" + what + ")");
        }
        if (v < min || v > max) {
            throw error(last(), what + " " + w + " out of range " + min + ".." + max);
        }
        return v.intValue();
    }

    /** A decimal number of units with up to three decimals, in thousandths, within [min, max] thousandths. */
    long thousands(String what, long min, long max) throws ConfigException {
        String w = word(what);
        long v = Values.thousands(w);
        if (v < 0) {
            throw error(last(), "'" + w + "' is not a decimal number (" + what + ")");
        }
        if (v < min || v > max) {
            throw error(last(), what + " " + w + " out of range");
        }
        return v;
    }

    /** Seconds with up to three decimals, as babeld's intervals; at least 1 ms, at most {@code maxMillis}. */
    Duration seconds(String what, long maxMillis) throws ConfigException {
        return Duration.ofMillis(thousands(what, 1, maxMillis));
    }

    Tristate bool(String what) throws ConfigException {
        String w = word(what);
        Tristate b = Values.bool(w);
        if (b == null) {
            throw error(last(), "'" + w + "' is not a boolean (true, false, yes, no, default, auto) for " + what);
        }
        return b;
    }

    IpAddress address(String what) throws ConfigException {
        String w = word(what);
        IpAddress a = Values.address(w);
        if (a == null) {
            throw error(last(), "'" + w + "' is not an IP address (" + what + ")");
        }
        return a;
    }

    Prefix prefix(String what) throws ConfigException {
        String w = word(what);
        Prefix p = Values.prefix(w);
        if (p == null) {
            throw error(last(), "'" + w + "' is not a prefix (" + what + ")");
        }
        return p;
    }

    RouterId routerId(String what) throws ConfigException {
        String w = word(what);
        RouterId id = Values.routerId(w);
        if (id == null) {
            throw error(last(), "'" + w + "' is not a router-id (EUI-64 or MAC-48) for " + what);
        }
        return id;
    }

    Bytes hex(String what) throws ConfigException {
        String w = word(what);
        Bytes b = Values.hex(w);
        if (b == null) {
            throw error(last(), "'" + w + "' is not an even number of hex digits (" + what + ")");
        }
        return b;
    }

    /** Requires that the statement has no more words. */
    void end() throws ConfigException {
        if (hasNext()) {
            Token t = statement.tokens().get(index);
            throw error(t, "unexpected '" + t.text() + "'");
        }
    }

    ConfigException error(Token token, String reason) {
        return new ConfigException(statement.position().at(token.column()), token.text(), statement.text(), reason);
    }

    /** An error about the statement as a whole. */
    ConfigException error(String reason) {
        return new ConfigException(statement.position(), null, statement.text(), reason);
    }

    ConfigWarning warning(String message) {
        return new ConfigWarning(statement.position(), statement.text(), message);
    }
}
