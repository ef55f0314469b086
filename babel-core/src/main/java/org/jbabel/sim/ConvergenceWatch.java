package org.jbabel.sim;

import org.jbabel.engine.Time;

/**
 * When a {@link Simulation}'s mesh converged: asks the {@link ConvergenceTracker} at most once per
 * {@link SimConfig#checkInterval()}, and keeps when the mesh first converged, since when it is converged, and how long
 * it took to converge again after the last scripted event.
 */
final class ConvergenceWatch {

    private final ConvergenceTracker tracker;
    private final long checkInterval;
    private long lastCheck = Long.MIN_VALUE;
    private boolean convergedNow;
    private long firstConverged = -1;
    private long convergedSince = -1;
    private long lastScripted = -1;
    private long reconvergedAfterScripted = -1;

    ConvergenceWatch(ConvergenceTracker tracker, long checkInterval) {
        this.tracker = tracker;
        this.checkInterval = checkInterval;
    }

    /**
     * Checks at {@code now} when a check is due (or whatever the interval with {@code force}); true when this check
     * found the mesh converged for the first time in the run.
     */
    boolean check(long now, boolean force) {
        if (!force && lastCheck != Long.MIN_VALUE && now - lastCheck < checkInterval) {
            return false;
        }
        lastCheck = now;
        boolean c = tracker.check();
        boolean first = false;
        if (c && !convergedNow) {
            convergedSince = now;
            if (firstConverged < 0) {
                firstConverged = now;
                first = true;
            }
            if (lastScripted >= 0 && reconvergedAfterScripted < 0) {
                reconvergedAfterScripted = now;
            }
        }
        convergedNow = c;
        return first;
    }

    /** A scripted event ran at {@code now}: the mesh counts as unconverged until the next check says otherwise. */
    void disturbed(long now) {
        lastScripted = now;
        reconvergedAfterScripted = -1;
        convergedNow = false;
        lastCheck = Long.MIN_VALUE;
    }

    /** True when the mesh is converged as of the last check. */
    boolean converged() {
        return convergedNow;
    }

    /** True when the mesh has been converged for at least {@code settle} at {@code now}. */
    boolean settled(long now, long settle) {
        return convergedNow && now - convergedSince >= settle;
    }

    /** When the mesh first converged, in seconds, or null. */
    Double firstConvergedSeconds() {
        return firstConverged >= 0 ? Time.toSeconds(firstConverged) : null;
    }

    /** The time from the last scripted event to the convergence that followed it, in seconds, or null. */
    Double reconvergenceSeconds() {
        return lastScripted >= 0 && reconvergedAfterScripted >= 0
                ? Time.toSeconds(reconvergedAfterScripted - lastScripted)
                : null;
    }
}
