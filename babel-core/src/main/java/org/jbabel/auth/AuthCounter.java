package org.jbabel.auth;

import java.util.Locale;

/** The named counters of one {@link Authenticator}, shown on the control socket under their lower-case names. */
public enum AuthCounter {
    /** Packets signed with at least one key. */
    SIGNED,
    /** Packets sent with a PC but no MAC because no key was valid for sending at the time. */
    NO_SEND_KEY,
    /** Received packets accepted as authentic. */
    AUTHENTIC,
    /** Received packets without a valid MAC accepted because of {@code accept-bad-signatures}. */
    ACCEPTED_BAD_SIGNATURE,
    /** Received packets dropped because their header was unusable. */
    MALFORMED,
    /** Received packets dropped for carrying no MAC. */
    UNSIGNED,
    /** Received packets dropped because no MAC verified. */
    BAD_MAC,
    /** Authentic packets dropped for carrying no PC. */
    NO_PC,
    /** Authentic packets dropped because the sender's index was unknown or had changed. */
    UNKNOWN_INDEX,
    /** Authentic packets dropped because their PC was not fresh (a replay, or reordering). */
    REPLAYED_PC,
    /** Challenge Requests we asked the daemon to send. */
    CHALLENGE_SENT,
    /** Challenge Requests not sent because one went to the same neighbour less than 300 ms before. */
    CHALLENGE_RATE_LIMITED,
    /** Challenge Replies that matched our nonce in time: the neighbour's index was learnt. */
    CHALLENGE_ANSWERED,
    /** Challenge Replies that matched no outstanding nonce, or came too late: ignored. */
    CHALLENGE_REPLY_IGNORED,
    /** Challenge Replies we asked the daemon to send (one per Challenge Request answered). */
    CHALLENGE_REPLY_SENT,
    /** Challenge Requests not answered because we answered the same neighbour less than 300 ms before. */
    CHALLENGE_REPLY_RATE_LIMITED;

    /** The name on the control socket, e.g. {@code bad_mac}. */
    public String counterName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
