package org.jbabel.auth;

import org.jbabel.engine.Time;

/** RFC 8967's sizes and babeld 1.12's timers for MAC authentication. Times in nanoseconds. */
public final class AuthConstants {
    private AuthConstants() {}

    /** Length of the index we send in PC TLVs (babeld's choice; receivers accept 0 to 32 bytes). */
    public static final int INDEX_LENGTH = 8;
    /** Length of the nonces we send in Challenge Requests (babeld's choice; up to 192 are accepted). */
    public static final int NONCE_LENGTH = 8;
    /** A PC TLV as we send it: type, length, 4-byte counter, index. */
    public static final int PC_TLV_LENGTH = 2 + 4 + INDEX_LENGTH;
    /** At most one Challenge Request, and one batch of Challenge Replies, per neighbour in this interval. */
    public static final long CHALLENGE_INTERVAL = Time.millis(300);
    /** A Challenge Reply is accepted this long after its Challenge Request was issued. */
    public static final long CHALLENGE_TIMEOUT = Time.seconds(30);
    /** The index and counters of a neighbour we have not heard an authentic packet from in this long are forgotten. */
    public static final long NEIGHBOUR_STATE_LIFETIME = Time.seconds(300);
}
