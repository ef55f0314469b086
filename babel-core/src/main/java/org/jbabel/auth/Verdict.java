package org.jbabel.auth;

import java.util.List;
import org.jbabel.wire.Tlv;

/**
 * What {@link Authenticator#verify} decided about a received datagram.
 *
 * @param outcome accept (hand the parsed packet to the engine) or drop, and why
 * @param reply Challenge Request and Challenge Reply TLVs to send to the packet's source, unicast, in a packet
 *     signed by the same authenticator; empty when there is nothing to send. It can be non-empty when the packet
 *     itself is dropped (an unknown index is answered with a challenge, and the sender's challenges are answered).
 */
public record Verdict(Outcome outcome, List<Tlv> reply) {

    public Verdict {
        reply = List.copyOf(reply);
    }

    /** Whether the packet goes on to the engine. */
    public boolean accepted() {
        return outcome.accepted();
    }

    /** Why a packet is accepted or dropped; each outcome is counted under its {@link AuthCounter}. */
    public enum Outcome {
        /** A MAC verified and the packet counter is fresh: accepted. */
        AUTHENTIC(true, AuthCounter.AUTHENTIC),
        /** No MAC, or none that verifies, on an interface with {@code accept-bad-signatures}: accepted. */
        ACCEPTED_BAD_SIGNATURE(true, AuthCounter.ACCEPTED_BAD_SIGNATURE),
        /** The header is unusable (the reader dropped it): dropped. */
        MALFORMED(false, AuthCounter.MALFORMED),
        /** No MAC TLV: dropped. */
        UNSIGNED(false, AuthCounter.UNSIGNED),
        /** MAC TLVs, none of which verifies with a key valid for accepting: dropped. */
        BAD_MAC(false, AuthCounter.BAD_MAC),
        /** Authentic but without a PC TLV: dropped. */
        NO_PC(false, AuthCounter.NO_PC),
        /** Authentic, but the sender's index is not (yet) known: dropped, and a challenge is sent. */
        UNKNOWN_INDEX(false, AuthCounter.UNKNOWN_INDEX),
        /** Authentic, but the PC is not greater than the last one seen for its kind of destination: dropped. */
        REPLAYED_PC(false, AuthCounter.REPLAYED_PC);

        private final boolean accepted;
        private final AuthCounter counter;

        Outcome(boolean accepted, AuthCounter counter) {
            this.accepted = accepted;
            this.counter = counter;
        }

        public boolean accepted() {
            return accepted;
        }

        /** The counter this outcome increments. */
        public AuthCounter counter() {
            return counter;
        }
    }
}
