package org.jbabel.xlat.nat426;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jbabel.engine.ChangeKind;
import org.jbabel.engine.RouteChange;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Family;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.xlat.nat64.ExitPrefix;

/**
 * The exits this node can reach and the nearest of them, from Babel's selected routes (docs/XLAT.md decisions 3 and
 * 3b): an exit is an address E of the exit range whose /96 XP(E) inside the metaprefix has a route that is not
 * source-specific; its metric is that route's. The nearest exit has the smallest metric (ties: the smaller address).
 * Fed with {@link #reset} (from {@code BabelApi.selectedRoutes()}) and {@link #changed} (each {@code RouteChange}),
 * it reports what the ARP side must act on as {@link Event}s.
 *
 * <p>{@link #reachable} and {@link #nearest} allocate nothing (sorted arrays). At most {@code maxExits} exits: routes
 * beyond are ignored and counted ({@code exit_refused}).
 */
public final class Exits {

    /** Babel's infinite metric (RFC 8966 §2.1): a route with it leads nowhere. */
    private static final int INFINITY = 0xFFFF;

    /** {@link #nearest} when no exit is reachable. */
    public static final long NONE = -1;
    /** Default bound on the exits tracked. */
    public static final int DEFAULT_MAX = 1024;

    /**
     * What changed: an exit appeared ({@code BACK}), went ({@code GONE}), or the nearest is another ({@code NEAREST},
     * exit {@link #NONE} when none is left).
     */
    public record Event(Kind kind, long exit) {
        public enum Kind { BACK, GONE, NEAREST }

        @Override
        public String toString() {
            return kind + " " + (exit == NONE ? "none" : IpAddress.v4((int) exit).toString());
        }
    }

    private final ExitPrefix plan;
    private final Prefix exitRange;
    private final int max;
    private final Consumer<String> counter;
    /** Exit addresses as unsigned values, sorted; {@code metrics[i]} belongs to {@code exits[i]}. */
    private long[] exits = new long[0];
    private int[] metrics = new int[0];
    private long nearest = NONE;

    /**
     * @param plan the exits' address plan (the metaprefix)
     * @param exitRange the IPv4 range exit addresses come from
     * @param maxExits the most exits tracked
     */
    public Exits(ExitPrefix plan, Prefix exitRange, int maxExits, Consumer<String> counter) {
        this.plan = plan;
        this.exitRange = exitRange;
        this.max = maxExits;
        this.counter = counter;
    }

    /** Starts over from the routes in use. */
    public List<Event> reset(List<SelectedRoute> routes) {
        long[] oldExits = exits;
        long oldNearest = nearest;
        exits = new long[0];
        metrics = new int[0];
        for (SelectedRoute r : routes) {
            long e = exitOf(r.key());
            if (e != NONE && r.metric() < INFINITY) {
                put(e, r.metric());
            }
        }
        List<Event> events = new ArrayList<>();
        for (long e : oldExits) {
            if (index(e) < 0) {
                events.add(new Event(Event.Kind.GONE, e));
            }
        }
        for (long e : exits) {
            if (Arrays.binarySearch(oldExits, e) < 0) {
                events.add(new Event(Event.Kind.BACK, e));
            }
        }
        return finish(events, oldNearest);
    }

    /** Takes one route change; returns the events it causes (none for routes that are not exits). */
    public List<Event> changed(RouteChange change) {
        long e = exitOf(change.route().key());
        if (e == NONE) {
            return List.of();
        }
        long oldNearest = nearest;
        List<Event> events = new ArrayList<>(2);
        boolean was = index(e) >= 0;
        boolean is = change.kind() != ChangeKind.REMOVED && change.route().metric() < INFINITY;
        if (is) {
            if (put(e, change.route().metric()) && !was) {
                events.add(new Event(Event.Kind.BACK, e));
            }
        } else if (was) {
            delete(e);
            events.add(new Event(Event.Kind.GONE, e));
        }
        return finish(events, oldNearest);
    }

    private List<Event> finish(List<Event> events, long oldNearest) {
        nearest = NONE;
        int best = Integer.MAX_VALUE;
        for (int i = 0; i < exits.length; i++) {
            if (metrics[i] < best) {
                best = metrics[i];
                nearest = exits[i];
            }
        }
        if (nearest != oldNearest) {
            events.add(new Event(Event.Kind.NEAREST, nearest));
        }
        return events;
    }

    /** E of an exit route's key (unsigned), or {@link #NONE}. */
    private long exitOf(RouteKey key) {
        Prefix p = key.prefix();
        if (key.sourceSpecific() || p.length() != 96 || p.family() != Family.V6
                || !plan.contains(p.address().hi(), p.address().lo())) {
            return NONE;
        }
        int e = plan.exit(p.address().hi(), p.address().lo());
        return inExitRange(e) ? e & 0xffff_ffffL : NONE;
    }

    /** Adds or updates; false when refused. */
    private boolean put(long e, int metric) {
        int i = index(e);
        if (i >= 0) {
            metrics[i] = metric;
            return true;
        }
        if (exits.length >= max) {
            counter.accept("exit_refused");
            return false;
        }
        int at = -i - 1;
        long[] ne = new long[exits.length + 1];
        int[] nm = new int[exits.length + 1];
        System.arraycopy(exits, 0, ne, 0, at);
        System.arraycopy(metrics, 0, nm, 0, at);
        ne[at] = e;
        nm[at] = metric;
        System.arraycopy(exits, at, ne, at + 1, exits.length - at);
        System.arraycopy(metrics, at, nm, at + 1, exits.length - at);
        exits = ne;
        metrics = nm;
        return true;
    }

    private void delete(long e) {
        int i = index(e);
        long[] ne = new long[exits.length - 1];
        int[] nm = new int[exits.length - 1];
        System.arraycopy(exits, 0, ne, 0, i);
        System.arraycopy(metrics, 0, nm, 0, i);
        System.arraycopy(exits, i + 1, ne, i, exits.length - i - 1);
        System.arraycopy(metrics, i + 1, nm, i, exits.length - i - 1);
        exits = ne;
        metrics = nm;
    }

    private int index(long e) {
        return Arrays.binarySearch(exits, e);
    }

    // ---- queries (no allocation) ----

    /** The nearest reachable exit (unsigned), or {@link #NONE}. */
    public long nearest() {
        return nearest;
    }

    /** Whether {@code exit} is an exit with a route now. */
    public boolean reachable(int exit) {
        return index(exit & 0xffff_ffffL) >= 0;
    }

    /** The metric of the route to {@code exit}'s /96, or {@link BabelConstants#INFINITY} when it has none. */
    public int metric(int exit) {
        int i = index(exit & 0xffff_ffffL);
        return i < 0 ? INFINITY : metrics[i];
    }

    /** Whether {@code address} is in the exit range. */
    public boolean inExitRange(int address) {
        int len = exitRange.length();
        int mask = len == 0 ? 0 : -1 << (32 - len);
        return (address & mask) == (exitRange.address().v4Bits() & mask);
    }

    /** The reachable exits and their metrics, by address. */
    public Map<IpAddress, Integer> snapshot() {
        Map<IpAddress, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < exits.length; i++) {
            out.put(IpAddress.v4((int) exits[i]), metrics[i]);
        }
        return out;
    }
}
