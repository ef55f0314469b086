package org.jbabel.config;

import java.util.ArrayList;
import java.util.List;

/**
 * babeld's lexical rules for one line: words are separated by blanks (space, tab, carriage return); {@code #}
 * outside a quoted string starts a comment, even in the middle of a word; a word that starts with {@code "} is a
 * quoted string in which {@code \} takes the next character literally; words and strings are at most 255
 * characters, as in babeld.
 */
final class Lexer {

    static final int MAX_WORD = 255;

    private Lexer() {}

    /** Lexes one statement. */
    static Statement lex(Position position, String line) throws ConfigException {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = line.length();
        int commentAt = n;
        while (i < n) {
            char c = line.charAt(i);
            if (isBlank(c)) {
                i++;
                continue;
            }
            if (c == '#') {
                commentAt = i;
                break;
            }
            int column = i + 1;
            StringBuilder sb = new StringBuilder();
            if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = line.charAt(i);
                    if (d == '"') {
                        i++;
                        closed = true;
                        break;
                    }
                    if (d == '\\') {
                        i++;
                        if (i >= n) {
                            break;
                        }
                        d = line.charAt(i);
                    }
                    sb.append(d);
                    i++;
                }
                String text = statementText(line, n);
                if (!closed) {
                    throw new ConfigException(position.at(column), null, text, "unterminated quoted string");
                }
                checkLength(position.at(column), sb, text);
                tokens.add(new Token(sb.toString(), column, true));
                continue;
            }
            while (i < n && !isBlank(line.charAt(i)) && line.charAt(i) != '#') {
                sb.append(line.charAt(i));
                i++;
            }
            checkLength(position.at(column), sb, statementText(line, n));
            tokens.add(new Token(sb.toString(), column, false));
        }
        return new Statement(position, statementText(line, commentAt), List.copyOf(tokens));
    }

    private static void checkLength(Position at, CharSequence word, String statement) throws ConfigException {
        if (word.length() > MAX_WORD) {
            throw new ConfigException(at, null, statement, "word longer than " + MAX_WORD + " characters");
        }
    }

    private static String statementText(String line, int end) {
        return line.substring(0, end).strip();
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }
}
