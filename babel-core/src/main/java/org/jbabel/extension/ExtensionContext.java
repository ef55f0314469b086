package org.jbabel.extension;

import java.util.List;
import java.util.function.Consumer;

/**
 * Everything an extension may use, given by its host (the daemon or a simulated node). Every method must be called on
 * the host's thread (the daemon's event loop, the simulator's thread); a call from another thread throws
 * {@link IllegalStateException} naming the extension and the thread. Callbacks (receivers, timers, observers) are
 * always made on that thread.
 */
public interface ExtensionContext {

    /** The extension's name, as its provider gives it. */
    String name();

    /**
     * Babel, through this extension's own handle: what it originates is its own (see {@link BabelApi}). A call made
     * outside an engine event runs an engine turn at once, so an originated route is on the wire within
     * milliseconds.
     */
    BabelApi babel();

    /** The host's clock in nanoseconds (monotonic; virtual in the simulator). */
    long now();

    /** Runs {@code task} once after {@code delayNanos}. */
    Timer schedule(long delayNanos, Runnable task);

    /** Runs {@code task} every {@code periodNanos}, the first time after {@code initialDelayNanos}. */
    Timer every(long initialDelayNanos, long periodNanos, Runnable task);

    /** Runs {@code task} on the host's thread; the one method callable from any thread. */
    void execute(Runnable task);

    /** The interfaces Babel runs on, up or down. */
    List<NetInterface> interfaces();

    /** Calls {@code observer} when an interface Babel runs on comes up, goes down or changes its addresses. */
    BabelApi.Subscription onInterfaceChange(Consumer<NetInterface> observer);

    /** Sockets and devices; each is closed by the host after {@link Extension#stop}. */
    Network network();

    /** The kernel's neighbour table, addresses, and routes and rules of the extension's own. */
    KernelAccess kernel();

    /** The extension's counters; they appear with the daemon's as {@code NAME.counter}. */
    Counters counters();

    /** Control-socket sections and commands of this extension. */
    ControlRegistry control();

    /** The daemon's log (in the simulator: the run's log). */
    Log log();

    /** A scheduled task; cancelling twice, or after it ran, does nothing. */
    interface Timer {
        void cancel();
    }

    /** Named counters of one extension. */
    interface Counters {
        void increment(String name);

        void add(String name, long delta);

        /**
         * Declares {@code name} the counter of a bound's refusals (a table full, a cap reached): whenever it grows,
         * the host logs {@code N DESCRIPTION [NAME TOTAL]}, at most one line per such counter every 20 s (N: the
         * refusals since its last line), as the daemon does for Babel's own table limits. The counter itself counts
         * every refusal. Hosts that keep no log may ignore it.
         */
        default void limit(String name, String description) {}
    }

    /** Log lines; {@code error} keeps the stack trace. */
    interface Log {
        void info(String message);

        void debug(String message);

        void error(String message, Throwable cause);
    }
}
