package org.jbabel.extension;

/**
 * A service that runs inside jbabel (mmfd, l3roamd, prefixd, DDHCP, the translators): an engine of its own that
 * talks to Babel and to the system only through the {@link ExtensionContext} it is started with. The same class runs
 * unchanged in the daemon and on every node of the simulator. See docs/EXTENSION-API.md.
 *
 * <p>Life cycle, all on the host's single thread: the host creates the extension from its configuration statements
 * ({@link ExtensionProvider#create}), calls {@link #start} once Babel's interfaces are up, and {@link #stop} on
 * shutdown, before Babel's final retraction. After {@code stop} returns the host withdraws whatever the extension
 * still originates, cancels its timers and closes its sockets and devices, so an extension that forgets something
 * leaks nothing.
 */
public interface Extension {

    /**
     * Starts the service. An exception here is a start-up error of the daemon (the message names the extension); in
     * the simulator it fails the run.
     */
    void start(ExtensionContext context) throws Exception;

    /** Stops the service: withdraw routes, say goodbye on the wire if the protocol has one. */
    void stop();
}
