package org.jbabel.config;

/**
 * One word of a statement. {@code quoted} tokens came from a double-quoted string and are accepted only where
 * babeld accepts a string (interface names, file names); {@code column} is 1-based.
 */
record Token(String text, int column, boolean quoted) {}
