package org.jbabel.engine;

/**
 * Engine time: a monotonic clock in nanoseconds, given by whoever drives the engine (the daemon's clock, or the
 * simulator's virtual clock). The engine never reads a clock itself.
 */
public final class Time {
    private Time() {}

    public static long seconds(long s) {
        return s * 1_000_000_000L;
    }

    public static long millis(long ms) {
        return ms * 1_000_000L;
    }

    /** Wire intervals are in centiseconds. */
    public static long centis(long cs) {
        return cs * 10_000_000L;
    }

    public static int toCentis(long nanos) {
        return (int) Math.min(0xFFFF, Math.max(0, nanos / 10_000_000L));
    }

    public static double toSeconds(long nanos) {
        return nanos / 1e9;
    }
}
