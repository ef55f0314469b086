package org.jbabel.control;

/**
 * What one connection of the control server speaks, as a state machine without I/O: babeld's protocol
 * ({@link ControlProtocol}) or the status page's HTTP ({@link StatusHttp}). The server calls it on the daemon's
 * event loop only: it gives the bytes that came and asks for the next answer when the previous one is sent.
 */
interface Session {

    /** What is sent first, before any request (babeld's banner; nothing for HTTP). */
    ControlProtocol.Output open();

    /** Takes received bytes (kept, not copied, until {@link #next} has looked at them). */
    void accept(byte[] data);

    /** The answer to the next complete request, or null when none is complete yet or the session has ended. */
    ControlProtocol.Output next();

    /** Whether bytes that {@link #next} has not looked at are waiting. */
    boolean hasInput();

    /** The snapshot this monitoring session showed last, or null when it does not monitor. */
    StateSnapshot monitored();

    /** Whether the session monitors (it then gets {@link #refresh}es and is never idle while it keeps up). */
    default boolean monitoring() {
        return monitored() != null;
    }

    /** The monitor events since the snapshot this session showed last. */
    ControlProtocol.Output refresh(StateSnapshot now);
}
