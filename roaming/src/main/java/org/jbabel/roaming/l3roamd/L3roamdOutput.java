package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * What {@link L3roamdEngine} does to the world, one call per effect, in the order the effects must happen. The
 * extension carries them out through its {@code ExtensionContext}; tests record them. IPv4 addresses are
 * {@link IpAddress}es of family V4 here (never the intercom's mapped form). No method may call back into the engine
 * (the engine is in the middle of a change when it calls them): whatever they cause comes back as a later input.
 */
public interface L3roamdOutput {

    /** Announces a host prefix in Babel: a client's /128 or /32, or the node-client /128 (metric 0). */
    void originate(Prefix hostPrefix);

    /** Withdraws what {@link #originate} announced. */
    void withdraw(Prefix hostPrefix);

    /** Installs a host route to a client on the client interface and a neighbour entry with its MAC. */
    void installClientRoute(IpAddress address, byte[] mac);

    /** Removes both again. */
    void removeClientRoute(IpAddress address);

    /** Adds a node-client address as /128 on {@code lo}, so that CLAIMs for the client reach this node. */
    void addNodeClientAddress(IpAddress address);

    void removeNodeClientAddress(IpAddress address);

    /**
     * Sends {@link NdpPackets#neighbourSolicitation} for {@code target} on the client interface with hop limit 255.
     *
     * @param destination the target's solicited-node group, or the client's link-local address (unicast)
     */
    void sendNeighbourSolicitation(IpAddress target, IpAddress destination);

    /** Broadcasts {@link NdpPackets#arpRequest} for an IPv4 address on the client interface. */
    void sendArpRequest(IpAddress v4Target);

    /** Sends an intercom datagram to {@code [ff02::5523]:5523} once on every mesh interface. */
    void sendMulticast(byte[] datagram);

    /** Sends an intercom datagram to {@code [destination]:5523} by the routing table. */
    void sendUnicast(IpAddress destination, byte[] datagram);

    /** Writes a queued packet back into the TUN device: a route for its destination exists now. */
    void reinject(byte[] packet);

    /** Writes an ICMPv6 or ICMP error (a whole IP packet) into the TUN device, for the source of a dropped packet. */
    void sendToTun(byte[] icmpError);

    /**
     * Whether another node serves the client of this node-client address: Babel has a selected route to exactly
     * this /128 that is not our own.
     */
    boolean servedElsewhere(IpAddress nodeClientAddress);

    /** Increments a counter (names: {@link L3roamdEngine}). */
    void count(String counter);
}
