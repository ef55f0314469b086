package org.jbabel.config;

import java.time.Instant;

/**
 * When a key may be used (jbabel's extension of babeld's {@code key} statement, for key rotation): it signs
 * outgoing packets from {@code sendFrom} (inclusive) until {@code sendUntil} (exclusive) and verifies incoming ones
 * from {@code acceptFrom} until {@code acceptUntil}. A null bound is open: a key without times is always valid,
 * as babeld's keys are.
 */
public record KeyValidity(Instant sendFrom, Instant sendUntil, Instant acceptFrom, Instant acceptUntil) {

    /** No bounds: valid for sending and accepting at all times. */
    public static final KeyValidity ALWAYS = new KeyValidity(null, null, null, null);

    /** Whether the key signs packets sent at {@code wallClock}. */
    public boolean sendsAt(Instant wallClock) {
        return within(sendFrom, sendUntil, wallClock);
    }

    /** Whether the key verifies packets received at {@code wallClock}. */
    public boolean acceptsAt(Instant wallClock) {
        return within(acceptFrom, acceptUntil, wallClock);
    }

    /** Whether any bound is set (the key's use depends on the wall clock). */
    public boolean bounded() {
        return sendFrom != null || sendUntil != null || acceptFrom != null || acceptUntil != null;
    }

    private static boolean within(Instant from, Instant until, Instant t) {
        return (from == null || !t.isBefore(from)) && (until == null || t.isBefore(until));
    }
}
