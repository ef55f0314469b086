package org.jbabel.sim;

/**
 * The virtual clock of a {@link Simulation} and the events waiting for it. Every part schedules here; only the
 * facade's event loop takes events out, which moves the clock.
 */
final class Timeline {

    private final EventQueue<SimEvent> queue = new EventQueue<>();
    private long now;
    private long events;

    /** Simulated time now, in nanoseconds since the start. */
    long now() {
        return now;
    }

    /** The engines' time now: {@link Simulation#ORIGIN} plus {@link #now()}. */
    long engineNow() {
        return Simulation.ORIGIN + now;
    }

    /** The events handled so far. */
    long events() {
        return events;
    }

    /** Whether the run has started (time passed or an event was handled). */
    boolean started() {
        return now > 0 || events > 0;
    }

    /** Schedules {@code event} at time {@code at} (after the events already scheduled for that time). */
    void at(long at, SimEvent event) {
        queue.schedule(at, event);
    }

    /** The time of the next event, or {@link Long#MAX_VALUE} when there is none. */
    long nextTime() {
        return queue.nextTime();
    }

    /** The next event, left in place, or null when there is none. */
    SimEvent peek() {
        return queue.peek();
    }

    /** Takes the next event and moves the clock to its time. */
    SimEvent next() {
        EventQueue.Scheduled<SimEvent> s = queue.poll();
        now = s.time();
        events++;
        return s.event();
    }

    /** Moves the clock to {@code until} when it is behind (time passed without events). */
    void passTo(long until) {
        now = Math.max(now, until);
    }
}
