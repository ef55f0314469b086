package org.jbabel.runtime;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;

/**
 * The daemon's log: standard error, or a file ({@code -L}, {@code log-file}) that can be reopened after log
 * rotation. Level 0 logs problems and the main events; {@code -d 1} and more add detail. Thread-safe.
 */
public final class DaemonLog {

    private final int debug;
    private String file;
    private PrintStream out;

    /**
     * @param file the log file, or null for standard error
     * @param debug babeld's debug level
     */
    public DaemonLog(String file, int debug) throws IOException {
        this.debug = debug;
        this.file = file;
        this.out = open(file);
    }

    /** A log to standard error. */
    public static DaemonLog stderr(int debug) {
        try {
            return new DaemonLog(null, debug);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public synchronized void info(String message) {
        out.println(timestamp(LocalDateTime.now()) + " " + message);
    }

    /**
     * {@code yyyy-MM-dd HH:mm:ss.SSS}, written by hand: a DateTimeFormatter would load some hundred classes (regular
     * expressions, the formatter's parsers) into every daemon for one line format (docs/DAEMON.md, "Memory").
     */
    static String timestamp(LocalDateTime t) {
        StringBuilder b = new StringBuilder(23);
        b.append(t.getYear()).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append(' ');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2).append('.');
        return pad(b, t.getNano() / 1_000_000, 3).toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String digits = Integer.toString(value);
        b.repeat('0', width - digits.length());
        return b.append(digits);
    }

    /** A line with the cause's stack trace below it: an error is never logged without where it came from. */
    public void error(String message, Throwable cause) {
        info(message + ": " + FatalErrors.stackTrace(cause));
    }

    public void debug(String message) {
        if (debug > 0) {
            info(message);
        }
    }

    public int debugLevel() {
        return debug;
    }

    /** Switches to another file (or reopens the same one, after rotation). */
    public synchronized void reopen(String newFile) throws IOException {
        PrintStream next = open(newFile);
        if (out != System.err) {
            out.close();
        }
        out = next;
        file = newFile;
    }

    public synchronized String file() {
        return file;
    }

    private static PrintStream open(String file) throws IOException {
        if (file == null) {
            return System.err;
        }
        return new PrintStream(new FileOutputStream(file, true), true, StandardCharsets.UTF_8);
    }
}
