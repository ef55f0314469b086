package org.jbabel.config;

/** Builds {@link StatementWords} from a line of text for extension tests (same package: the constructor is not public). */
public final class TestStatementWords {

    private TestStatementWords() {}

    /** The words of {@code text} (what follows the statement's keyword), as read from line 7 of "test.conf". */
    public static StatementWords of(String text) throws ConfigException {
        return new StatementWords(new Cursor(Lexer.lex(new Position("test.conf", 7, 0), text)));
    }
}
