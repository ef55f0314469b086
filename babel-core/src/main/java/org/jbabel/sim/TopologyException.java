package org.jbabel.sim;

/** A topology that cannot be used: unreadable, not meshnet-lab JSON, or inconsistent. The message says why. */
public final class TopologyException extends Exception {
    private static final long serialVersionUID = 1L;

    public TopologyException(String message) {
        super(message);
    }

    public TopologyException(String message, Throwable cause) {
        super(message, cause);
    }
}
