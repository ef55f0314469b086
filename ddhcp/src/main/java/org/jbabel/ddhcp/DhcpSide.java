package org.jbabel.ddhcp;

import java.util.Optional;
import java.util.OptionalInt;

import org.jbabel.ddhcp.block.ForwardedLeases;
import org.jbabel.ddhcp.block.LeaseUsage;
import org.jbabel.extension.ExtensionContext;

/**
 * Where the DHCPv4 server plugs into the {@code ddhcp} extension (package {@code org.jbabel.ddhcp.dhcp}, built
 * separately): started after the block engine on nodes with a client interface, it tells the engine its demand
 * ({@link LeaseUsage}) and its lease decisions ({@link ForwardedLeases}), and asks the engine through {@link Ddhcp}
 * ({@link Ddhcp#engine()} for standings and own blocks, {@link Ddhcp#renewLease}/{@link Ddhcp#releaseLease} to reach
 * an owner).
 */
public interface DhcpSide {

    LeaseUsage usage();

    ForwardedLeases leases();

    /**
     * A block of the range became ours ({@code ours}), or stopped being ours: given back as needless, or lost to a
     * higher node id in a conflict (the DHCP side should NAK that block's clients at their next request).
     */
    default void ownershipChanged(int block, boolean ours) {}

    /**
     * The address acknowledged to the client with hardware address {@code mac} and held now, if this node leased
     * one (as IPv4 bits); for NAT426, which must know a client's IPv4 address (docs/XLAT.md).
     */
    default OptionalInt leasedAddress(byte[] mac) {
        return OptionalInt.empty();
    }

    /** The hardware address of the client this node acknowledged {@code address} (IPv4 bits) to, held now. */
    default Optional<byte[]> leaseHolder(int address) {
        return Optional.empty();
    }

    /**
     * A DHCP message a client on the client interface sent that did not come through the DHCP socket: a client's
     * unicast renewal to a gateway address that is not one of the node's own (NAT426's virtual gateway takes those
     * frames, docs/XLAT.md "DHCP to the gateway"). Served as if it had come to port 67.
     */
    default void clientMessage(byte[] message) {}

    /** Called when the extension stops (the host closes the sockets afterwards). */
    default void stop() {}

    /** Makes the DHCP side of one node. */
    interface Factory {
        DhcpSide start(ExtensionContext context, DdhcpSettings settings, Ddhcp ddhcp) throws Exception;
    }
}
