package org.jbabel.cli;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * What {@code jbabel demo} shows while it runs. On a terminal the screen is redrawn in place (like {@code ctl watch}):
 * the phase, the state tables, the last events. Otherwise every event is one line as it happens, and the tables are
 * printed now and then ({@link #PLAIN_TABLES_EVERY}), so that a log reads from top to bottom.
 */
final class DemoView {

    /** Events kept on the terminal's screen. */
    static final int EVENTS_SHOWN = 12;
    /** Without a terminal: the tables at most this often (nanoseconds). */
    static final long PLAIN_TABLES_EVERY = 10_000_000_000L;
    private static final String HOME_CLEAR = "\033[H\033[2J";
    private static final String NO_WRAP = "\033[?7l";
    private static final String WRAP = "\033[?7h";

    private final PrintWriter out;
    private final boolean terminal;
    private final long start;
    private final Deque<String> events = new ArrayDeque<>();
    private long lastTables = Long.MIN_VALUE;

    DemoView(PrintWriter out, boolean terminal, long start) {
        this.out = out;
        this.terminal = terminal;
        this.start = start;
    }

    /** Something happened at {@code now}: a line with the seconds since the start. */
    synchronized void event(long now, String what) {
        String line = String.format(Locale.ROOT, "%6.1f s  %s", (now - start) / 1e9, what);
        if (terminal) {
            events.addLast(line);
            while (events.size() > EVENTS_SHOWN) {
                events.removeFirst();
            }
        } else {
            out.println(line);
            out.flush();
        }
    }

    /** The state now: on a terminal a redraw, otherwise the tables when they are due (or {@code force}d). */
    synchronized void show(long now, String phase, List<String> tables, boolean force) {
        if (terminal) {
            StringBuilder b = new StringBuilder(HOME_CLEAR).append(NO_WRAP);
            b.append(String.format(Locale.ROOT, "jbabel demo   %s   %.0f s%n%n", phase, (now - start) / 1e9));
            tables.forEach(l -> b.append(l).append('\n'));
            b.append('\n');
            events.forEach(l -> b.append(l).append('\n'));
            b.append(WRAP);
            out.print(b);
            out.flush();
        } else if (force || now - lastTables >= PLAIN_TABLES_EVERY) {
            lastTables = now;
            List<String> lines = new ArrayList<>(tables);
            lines.forEach(l -> out.println("         " + l));
            out.flush();
        }
    }

    /** The closing lines, after the last redraw (on a terminal the events stay above them). */
    synchronized void finish(List<String> summary) {
        summary.forEach(out::println);
        out.flush();
    }
}
