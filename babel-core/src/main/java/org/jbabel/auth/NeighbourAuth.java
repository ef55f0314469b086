package org.jbabel.auth;

import org.jbabel.wire.Bytes;

/**
 * What an {@link Authenticator} remembers about one neighbour (by link-local address): its index, the last PC seen
 * for multicast and for unicast packets (RFC 9467), our outstanding challenge, and the rate-limit clocks.
 */
final class NeighbourAuth {
    /** The neighbour's index, null until a Challenge Reply established it. */
    Bytes index;
    /** Last PC accepted on a multicast packet; -1 before any. */
    long lastMulticastPc = -1;
    /** Last PC accepted on a unicast packet; -1 before any. */
    long lastUnicastPc = -1;
    /** Our outstanding nonce, null when none is outstanding. */
    Bytes nonce;
    long nonceSentAt;
    boolean challengeSent;
    long lastChallengeAt;
    boolean replied;
    long lastReplyAt;
    long lastHeard;

    NeighbourAuth(long now) {
        lastHeard = now;
    }
}
