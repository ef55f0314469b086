package org.jbabel.runtime;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.Network;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.LinkMonitor;
import org.jbabel.kernel.Rules;
import org.jbabel.wire.IpAddress;

/**
 * What a daemon runs on: the kernel's routes, rules, links and their notifications, Babel's transport, the sysctls,
 * and the sockets and kernel access of extensions. {@link LinuxSystem} is the real one (netlink and sockets over
 * FFM, in the calling thread's network namespace); a test gives an in-memory kernel and wire, so the whole daemon
 * runs without root. The daemon closes the system when it stops.
 */
public interface DaemonSystem extends AutoCloseable {

    /** The kernel's forwarding table. */
    Fib fib();

    /** The kernel's policy-routing rules. */
    Rules rules();

    /** The kernel's interfaces, their addresses, and notifications of link, address and route changes. */
    LinkMonitor links();

    /**
     * Opens Babel's transport on {@code port}, member of {@code group} on the interfaces Babel runs on; received
     * datagrams go to {@code receiver} on {@code loop}.
     *
     * @throws IOException when it cannot be opened
     */
    Transport openTransport(Executor loop, IpAddress group, int port, Transport.Receiver receiver) throws IOException;

    /** The kernel settings babeld changes at start and puts back at exit, or null where there are none. */
    KernelSetup kernelSetup();

    /** The hardware address of interface {@code name} (for the router-id), or null when it has none. */
    byte[] hardwareAddress(String name);

    /**
     * After a fatal error, from any thread: removes every route and rule written with {@code protocol} without
     * touching the heap more than needed, and returns how many went.
     */
    int emergencyFlush(int protocol);

    /** The counters of the kernel channel ({@code netlink.*} in the daemon's counters), by name. */
    Map<String, Long> counters();

    /** The sockets, devices and kernel access of the extensions, whose callbacks run on {@code loop}. */
    ExtensionIo extensionIo(Executor loop);

    /** What the extensions of one daemon get from the system; closed after they stopped. */
    interface ExtensionIo extends AutoCloseable {
        /** The sockets and devices of one extension. */
        Network network(String extension);

        /** The kernel access of one extension. */
        KernelAccess kernel(String extension);

        /** The counters of the extensions' I/O ({@code io.*}), by name. */
        Map<String, Long> counters();

        /**
         * Closes every socket and device, and removes the routes and rules the extensions wrote with their own
         * protocols; reports the protocols whose routes could not all be removed.
         */
        void close(DaemonLog log);

        @Override
        default void close() {
            close(null);
        }
    }

    @Override
    void close();
}
