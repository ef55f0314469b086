package org.jbabel.runtime;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jbabel.engine.EngineCounters;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.engine.EngineLimits;
import org.jbabel.engine.Time;

/**
 * Logs what the engine's table limits refused, rate-limited: for each limit at most one line per
 * {@link #INTERVAL}, with how many were refused since its last line and the limit's value. The engine only counts
 * ({@link EngineCounters}); the daemon calls {@link #check} once per turn of its loop.
 */
final class LimitReporter {

    /** At most one line per limit this often. */
    static final long INTERVAL = Time.seconds(20);

    private final Map<Counter, String> watched = new EnumMap<>(Counter.class);
    private final Map<Counter, Long> reported = new EnumMap<>(Counter.class);
    private final Map<Counter, Long> lastLine = new EnumMap<>(Counter.class);
    private final Consumer<String> log;

    LimitReporter(EngineLimits l, Consumer<String> log) {
        this.log = log;
        watched.put(Counter.NEIGHBOUR_LIMIT, "new neighbours refused: the interface's neighbour table is full and "
                + "every neighbour on it carries a selected route (limit " + l.neighboursPerInterface()
                + " per interface)");
        watched.put(Counter.NEIGHBOUR_TABLE_FULL, "new neighbours refused: the neighbour table is full and every "
                + "neighbour carries a selected route (limit " + l.neighbours() + " in all)");
        watched.put(Counter.NEIGHBOUR_EVICTED, "neighbours without a selected route forgotten to make room for new "
                + "ones (limits " + l.neighboursPerInterface() + " per interface, " + l.neighbours() + " in all)");
        watched.put(Counter.ROUTE_LIMIT, "routes refused: their neighbour has the most routes allowed (limit "
                + l.routesPerNeighbour() + " per neighbour)");
        watched.put(Counter.ROUTE_TABLE_FULL, "routes refused: the route table is full (limit " + l.routes() + ")");
        watched.put(Counter.SOURCE_TABLE_FULL, "routes retracted instead of announced: the source table is full (limit "
                + l.sources() + ")");
        watched.put(Counter.REQUEST_TABLE_FULL, "seqno requests not sent: the request table is full (limit "
                + l.requests() + ")");
        watched.put(Counter.RESEND_TABLE_FULL, "urgent updates not repeated: the resend table is full (limit "
                + l.updateResends() + ")");
        watched.put(Counter.UNICAST_WELCOME_DEFERRED, "unicast packets to new neighbours postponed: their budget is "
                + "spent (" + l.welcomeBurst() + " at once, one per " + l.welcomeInterval() / Time.millis(1) + " ms)");
        for (Counter c : watched.keySet()) {
            reported.put(c, 0L);
        }
    }

    /** Logs a line for each limit that refused something since its last line, unless that line is too recent. */
    void check(EngineCounters counters, long now) {
        for (Map.Entry<Counter, String> e : watched.entrySet()) {
            Counter c = e.getKey();
            long value = counters.get(c);
            long since = value - reported.get(c);
            if (since <= 0) {
                continue;
            }
            Long last = lastLine.get(c);
            if (last != null && now - last < INTERVAL) {
                continue;
            }
            log.accept(since + " " + e.getValue() + " [" + c.counterName() + " " + value + "]");
            reported.put(c, value);
            lastLine.put(c, now);
        }
    }
}
