package org.jbabel.engine;

import java.util.random.RandomGenerator;

/**
 * The engine's sense of time and its only source of jitter: the time of the latest event (never going back), and
 * the deadlines derived from it. Every part of the engine reads the time here, so that all of them see the same
 * {@code now} during one event.
 */
final class EngineClock {
    private final RandomGenerator random;
    private boolean started;
    private long now;

    EngineClock(RandomGenerator random) {
        this.random = random;
    }

    /** Moves the clock to an event's time, never back; returns true for the first event the engine sees. */
    boolean advance(long t) {
        if (!started) {
            started = true;
            now = t;
            return true;
        }
        now = Math.max(now, t);
        return false;
    }

    boolean started() {
        return started;
    }

    long now() {
        return now;
    }

    /** The deadline of an urgent TLV. */
    long urgent() {
        return now + BabelConstants.URGENT_DELAY;
    }

    /** The deadline of a TLV that may wait a little (jittered). */
    long normal() {
        return now + jitter(BabelConstants.NORMAL_DELAY);
    }

    /** A duration randomised to 0.75–1.25 of itself. */
    long jitter(long d) {
        return d * 3 / 4 + random.nextLong(d / 2 + 1);
    }
}
