package org.jbabel.control;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Named counters of the control socket (bad requests, overlong lines, clients that had to wait, ...), safe to
 * increment from any thread. {@code dump json} shows them next to the daemon's own counters.
 */
public final class ControlCounters {

    /** Request lines answered {@code bad}. */
    public static final String BAD_REQUESTS = "control.bad-requests";
    /** Request lines that were not valid UTF-8 (also counted as bad requests). */
    public static final String INVALID_UTF8 = "control.invalid-utf8";
    /** Connections closed because a request line was longer than 1024 bytes. */
    public static final String OVERLONG_LINES = "control.overlong-lines";
    /** Connections that had to wait because four clients were already connected. */
    public static final String CLIENTS_WAITED = "control.clients-waited";
    /** Connections closed at once because {@value ControlServer#MAX_WAITING} were already waiting. */
    public static final String CLIENTS_REFUSED = "control.clients-refused";
    /** Monitoring clients disconnected because their output stayed at its bound while changes waited. */
    public static final String SLOW_CLIENTS = "control.slow-clients";
    /** Clients disconnected because they neither sent nor received anything for the idle timeout. */
    public static final String IDLE_CLIENTS = "control.idle-clients";
    /** Requests to the status page refused with a 4xx status other than 404 (malformed, too large, not GET). */
    public static final String HTTP_BAD_REQUESTS = "control.http-bad-requests";
    /** Requests to the status page refused because their head was too large (also in the bad requests). */
    public static final String HTTP_OVERSIZED = "control.http-oversized";
    /** Statements the daemon failed on unexpectedly (answered {@code no internal error}). */
    public static final String INTERNAL_ERRORS = "control.internal-errors";

    private final ConcurrentSkipListMap<String, LongAdder> counters = new ConcurrentSkipListMap<>();

    public void increment(String name) {
        counters.computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    public long get(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    /** The current values, by name. */
    public SortedMap<String, Long> snapshot() {
        TreeMap<String, Long> m = new TreeMap<>();
        for (Map.Entry<String, LongAdder> e : counters.entrySet()) {
            m.put(e.getKey(), e.getValue().sum());
        }
        return m;
    }
}
