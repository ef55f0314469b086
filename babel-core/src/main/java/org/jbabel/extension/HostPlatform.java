package org.jbabel.extension;

import java.util.List;

/**
 * What a host (the daemon, a simulated node) provides for {@link ExtensionHost} to build each extension's context
 * from. Every method is called on the host's thread except {@link #execute} and {@link #onHostThread}.
 */
public interface HostPlatform {

    /** The host's clock, in the engine's time (nanoseconds). */
    long now();

    /** Runs {@code task} on the host's thread after {@code delayNanos}. */
    ExtensionContext.Timer schedule(long delayNanos, Runnable task);

    /** Runs {@code task} on the host's thread; callable from any thread. */
    void execute(Runnable task);

    /** Whether the caller is on the host's thread. */
    boolean onHostThread();

    /** Asks for an engine turn (the engine's actions carried out) as soon as the current task ends. */
    void engineTurn();

    /** The interfaces Babel runs on now. */
    List<NetInterface> interfaces();

    /** Sockets and devices for one extension; its receivers are called on the host's thread. */
    Network network(String extension);

    /** Kernel access for one extension. */
    KernelAccess kernel(String extension);

    /** The control sections and commands of one extension. */
    ControlRegistry control(String extension);

    /** The log of one extension (its lines name it). */
    ExtensionContext.Log log(String extension);

    /**
     * Whether a datagram from {@code source} received on interface {@code ifindex} may reach an extension: on an
     * interface with Babel authentication, a link-local source must be a neighbour that proved a key there
     * (docs/AUTH.md "Extensions on authenticated interfaces"). True where the host has no authentication.
     */
    default boolean admits(int ifindex, org.jbabel.wire.IpAddress source) {
        return true;
    }
}
