package org.jbabel.ddhcp.block;

import org.jbabel.ddhcp.block.BlockMessage.LeaseEntry;

/**
 * The DHCP side's half of the lease messages (spec ddhcp.md §6.4): the engine handles the block questions (is the
 * address's block ours, where is the owner) and asks this for the lease decisions. The default, {@link #NONE}, is
 * ddhcpd's owner: every RENEWLEASE for an own block is acknowledged.
 */
public interface ForwardedLeases {

    /** A node without a DHCP side: acknowledges every renewal of an address of its blocks, ignores the rest. */
    ForwardedLeases NONE = new ForwardedLeases() {};

    /**
     * Owner side: another node's client asks for {@code entry.address()}, which is in one of our blocks. True to
     * answer LEASEACK (the DHCP side records the lease), false for LEASENAK.
     */
    default boolean renew(LeaseEntry entry, Peer from) {
        return true;
    }

    /** Asking side: the owner answered a RENEWLEASE we sent (LEASEACK when {@code ack}, else LEASENAK). */
    default void answered(LeaseEntry entry, boolean ack, Peer from) {}

    /** Owner side: a client of another node released {@code entry.address()} of one of our blocks. */
    default void released(LeaseEntry entry, Peer from) {}
}
