package org.jbabel.cli.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line as a POSIX shell splits it, without expansions: blanks separate words, single quotes keep
 * everything, double quotes keep everything but {@code \\}, {@code \"}, {@code \$} and {@code \`}, a backslash
 * outside quotes keeps the next character. So {@code -C 'redistribute local deny'} is two words, as in an init
 * script.
 */
public final class ShellWords {

    private ShellWords() {}

    /** The words of {@code line}; an unterminated quote or a trailing backslash is an error. */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            switch (c) {
                case ' ', '\t', '\n', '\r' -> {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                }
                case '\'' -> {
                    int end = line.indexOf('\'', i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("unterminated ' in: " + line);
                    }
                    word.append(line, i + 1, end);
                    i = end;
                    inWord = true;
                }
                case '"' -> {
                    int j = i + 1;
                    for (; j < line.length() && line.charAt(j) != '"'; j++) {
                        char d = line.charAt(j);
                        if (d == '\\' && j + 1 < line.length() && "\\\"$`".indexOf(line.charAt(j + 1)) >= 0) {
                            d = line.charAt(++j);
                        }
                        word.append(d);
                    }
                    if (j >= line.length()) {
                        throw new IllegalArgumentException("unterminated \" in: " + line);
                    }
                    i = j;
                    inWord = true;
                }
                case '\\' -> {
                    if (i + 1 >= line.length()) {
                        throw new IllegalArgumentException("a backslash ends: " + line);
                    }
                    word.append(line.charAt(++i));
                    inWord = true;
                }
                default -> {
                    word.append(c);
                    inWord = true;
                }
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** {@code words} joined so that {@link #split} gives them back: a word with blanks or quotes in single quotes. */
    static String join(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            boolean plain = !w.isEmpty() && w.chars().allMatch(c -> c > ' ' && "'\"\\$`#;&|<>()*?".indexOf(c) < 0);
            out.add(plain ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return String.join(" ", out);
    }
}
