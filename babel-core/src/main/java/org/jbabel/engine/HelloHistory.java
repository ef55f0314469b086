package org.jbabel.engine;

/**
 * The Hello history of one neighbour for one kind of Hello (multicast or unicast): a 16-bit reach bitmap (newest
 * Hello in the most significant bit), the last seqno, the announced interval and the time of the last Hello.
 * Missed Hellos are shifted in by {@link #accountMissed(long)} as time passes.
 */
final class HelloHistory {
    private static final int LATE_HELLO_WINDOW = 7;
    /**
     * A seqno more than this ahead of the last one means 16 Hellos or more went missing unnoticed: nothing of the
     * 16-bit history remains. Missed Hellos are counted as time passes, moving the last seqno on, and a neighbour
     * whose history empties is forgotten, so a neighbour that merely went silent never shows such a gap: only a
     * restart (a new seqno sequence) does.
     */
    private static final int RESTART_GAP = 16;

    private int reach;
    private int seqno;
    private boolean known;
    private long interval;
    private long lastHello;
    private int missedCounted;

    /**
     * Takes over the history of a neighbour we lost with our interface and meet again: the Hellos it sent meanwhile
     * count as missed (shifted in now, as time says), so its next Hello finds the history it would have had.
     */
    void resume(HelloHistory old, long now) {
        reach = old.reach;
        seqno = old.seqno;
        known = old.known;
        interval = old.interval;
        lastHello = old.lastHello;
        missedCounted = old.missedCounted;
        accountMissed(now);
    }

    int reach() {
        return reach;
    }

    boolean known() {
        return known;
    }

    long lastHello() {
        return lastHello;
    }

    /**
     * A Hello with this seqno and interval (engine time, 0 for unscheduled Hellos) arrived. Returns true when its seqno
     * shows that the neighbour restarted: the history still held Hellos, and the seqno is far behind the last one, or
     * so far ahead of where the missed Hellos counted so far put it that nothing of the history remains.
     */
    boolean receive(long now, int helloSeqno, long helloInterval) {
        boolean restarted = false;
        if (!known) {
            reach = 0x8000;
            seqno = helloSeqno;
            known = true;
        } else {
            int delta = Seqno.minus(helloSeqno, seqno);
            if (delta > 0) {
                restarted = delta > RESTART_GAP && reach != 0;
                reach = ((reach >>> Math.min(16, delta - 1)) >>> 1) | 0x8000;
                seqno = helloSeqno;
            } else if (delta >= -LATE_HELLO_WINDOW) {
                // A late (reordered or delayed) Hello takes back its old slot.
                reach |= 1 << (15 + delta);
            } else {
                // Far behind: the neighbour restarted.
                restarted = reach != 0;
                reach = 0x8000;
                seqno = helloSeqno;
            }
        }
        reach &= 0xFFFF;
        lastHello = now;
        missedCounted = 0;
        if (helloInterval > 0) {
            interval = helloInterval;
        }
        return restarted;
    }

    /**
     * Shift in the Hellos that should have arrived by now: the first 1.7 intervals after the last one, each
     * further one a full interval later. Returns true when the history changed.
     */
    boolean accountMissed(long now) {
        if (!known || interval <= 0) {
            return false;
        }
        int expected = missedAt(now - lastHello);
        if (expected <= missedCounted) {
            return false;
        }
        int newlyMissed = expected - missedCounted;
        reach = (reach >>> Math.min(16, newlyMissed)) & 0xFFFF;
        seqno = Seqno.plus(seqno, newlyMissed);
        missedCounted = expected;
        return true;
    }

    /**
     * When {@link #accountMissed(long)} next counts a missed Hello (if none arrives before), or
     * {@code Long.MAX_VALUE} when it never will (no history, unscheduled Hellos only, or the history already empty).
     */
    long nextMissed() {
        if (!known || interval <= 0 || missedCounted >= 17) {
            return Long.MAX_VALUE;
        }
        return lastHello + interval * BabelConstants.FIRST_MISSED_HELLO_TENTHS / 10 + missedCounted * interval;
    }

    private int missedAt(long age) {
        long first = interval * BabelConstants.FIRST_MISSED_HELLO_TENTHS / 10;
        if (age < first) {
            return 0;
        }
        return (int) Math.min(17, (age - first) / interval + 1);
    }
}
