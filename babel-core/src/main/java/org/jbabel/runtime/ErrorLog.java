package org.jbabel.runtime;

/**
 * Unexpected exceptions the daemon survives, logged with their stack traces, at most {@value #BURST} per minute so
 * that a neighbour who found a way to make one happen cannot fill the disk; the ones left out are counted in the
 * next line that is logged.
 */
final class ErrorLog {

    static final int BURST = 10;
    private static final long WINDOW = 60_000_000_000L;

    private final DaemonLog log;
    private long windowStart = Long.MIN_VALUE;
    private int logged;
    private long suppressed;

    ErrorLog(DaemonLog log) {
        this.log = log;
    }

    synchronized void report(String what, Throwable error) {
        long now = System.nanoTime();
        if (windowStart == Long.MIN_VALUE || now - windowStart > WINDOW) {
            windowStart = now;
            logged = 0;
        }
        if (logged >= BURST) {
            suppressed++;
            return;
        }
        logged++;
        String more = suppressed == 0 ? "" : " (" + suppressed + " more errors not logged before this one)";
        suppressed = 0;
        log.error(what + more, error);
    }
}
