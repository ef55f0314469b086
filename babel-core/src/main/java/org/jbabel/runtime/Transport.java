package org.jbabel.runtime;

import java.io.IOException;
import java.util.Map;
import org.jbabel.wire.IpAddress;

/**
 * How Babel's packets leave and arrive: {@link BabelSocket} on Linux, an in-memory wire in tests. Every method but
 * {@link #close} runs on the daemon's event loop; received datagrams are handed to the {@link Receiver} there.
 */
public interface Transport extends AutoCloseable {

    /** Where received datagrams go. */
    interface Receiver {
        /**
         * A datagram arrived.
         *
         * @param ifindex the interface it came in on
         * @param source the sender's address
         * @param destination the group for a datagram sent to the group, our address (link-local or not) for a
         *     unicast one
         * @param data the UDP payload
         */
        void received(int ifindex, IpAddress source, IpAddress destination, byte[] data);
    }

    /**
     * Babel runs on an interface (again, or with new settings): from now on what arrives there is received, and the
     * group is joined there. A refused join is counted, never thrown.
     *
     * @throws IOException when nothing can be received or sent there (counted and logged by the caller)
     */
    void interfaceUp(int ifindex, String ifname) throws IOException;

    /** Babel stops on an interface, or the kernel deleted it: nothing more is received there. */
    void interfaceDown(int ifindex);

    /**
     * Sends one datagram to {@code destination} out of interface {@code ifindex}. Never blocks: the datagram is with
     * the kernel (or dropped and counted) when this returns, so a goodbye sent before the process exits leaves.
     */
    void send(int ifindex, IpAddress destination, byte[] payload);

    /** One line for the log: what the transport is and how it is set up. */
    String description();

    /** Counters by name ({@code send_error}, {@code send_dropped}, {@code join_failed} ...). */
    Map<String, Long> counters();

    @Override
    void close();
}
