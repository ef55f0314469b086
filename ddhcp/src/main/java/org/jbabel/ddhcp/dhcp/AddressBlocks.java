package org.jbabel.ddhcp.dhcp;

import java.util.List;
import org.jbabel.ddhcp.block.Standing;

/**
 * What the DHCP server asks the block side (package {@code org.jbabel.ddhcp.block}): who owns the block of an
 * address (the block engine's own {@link Standing}: {@code Ours}, {@code Remote} with the owner's node id and
 * address, {@code Unowned}, {@code Outside}), and which blocks are ours. Addresses are IPv4 addresses as {@code int}s
 * in network order.
 */
public interface AddressBlocks {

    /** An own block: its index in the range, first address and number of addresses. */
    record OwnBlock(int index, int firstAddress, int size) {}

    Standing standing(int address);

    /** The own blocks in lease-preference order: the earliest claimed first. */
    List<OwnBlock> ownBlocks();

    /** The index of the block an address is in, or -1 when it is outside the range. */
    int blockIndex(int address);

    /**
     * Whether an address of the range is never handed out (the range's network and broadcast addresses, and the
     * server identifier, router and DNS servers when they lie in the range): not offered, not acknowledged, NAKed.
     */
    default boolean reserved(int address) {
        return false;
    }
}
