package org.jbabel.control;

import java.util.Map;
import org.jbabel.config.KeyConfig;
import org.jbabel.config.RuntimeStatement;

/**
 * What the control socket controls: the daemon implements it. Every method is called on the executor given to
 * {@link ControlServer} (the daemon's event loop), never concurrently.
 */
public interface ControlTarget {

    /**
     * Babel's current state, for {@code dump} and for monitor events; the sections of {@link #extensions()} are
     * appended by the control socket, so they must not be in it.
     */
    StateSnapshot snapshot();

    /**
     * The sections and commands of the running extensions (none by default): their objects follow Babel's entries
     * in {@code dump} and {@code monitor}, and a control line starting with an extension's name is its command.
     */
    default ExtensionControls extensions() {
        return new ExtensionControls();
    }

    /** The node's banner information; by default taken from a snapshot. */
    default NodeInfo node() {
        return snapshot().node();
    }

    /**
     * Applies a runtime configuration statement (never dump, monitor, unmonitor or quit, which the session
     * handles itself).
     */
    Result apply(RuntimeStatement statement);

    /**
     * Something in the control socket failed that should not have (a bug): the session answered {@code no internal
     * error} or was closed, and the error is counted in {@code control.internal-errors}. The daemon logs it with its
     * stack trace; by default nothing more happens.
     */
    default void internalError(String what, RuntimeException error) {}

    /** The keys defined so far, which an {@code interface ... key NAME} line may refer to. */
    default Map<String, KeyConfig> keys() {
        return Map.of();
    }

    /**
     * The outcome of a runtime statement: {@code ok}, or {@code no} with an optional message.
     *
     * @param ok whether the statement was applied
     * @param message why not (printed after {@code no}), or null
     */
    record Result(boolean ok, String message) {

        /** The statement was applied. */
        public static final Result OK = new Result(true, null);

        /** The statement was not applied, for the given reason. */
        public static Result no(String message) {
            return new Result(false, message);
        }

        /** The status line: {@code ok}, {@code no} or {@code no <message>}. */
        public String statusLine() {
            if (ok) {
                return "ok";
            }
            if (message == null || message.isBlank()) {
                return "no";
            }
            return "no " + message.replaceAll("[\\r\\n]+", " ").strip();
        }
    }
}
