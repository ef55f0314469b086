package org.jbabel.config;

import java.util.List;

/**
 * One lexed statement: its position (line, column 0), its text without comment and surrounding blanks, and its
 * words. A blank or comment-only line has no words.
 */
record Statement(Position position, String text, List<Token> tokens) {

    boolean isEmpty() {
        return tokens.isEmpty();
    }
}
