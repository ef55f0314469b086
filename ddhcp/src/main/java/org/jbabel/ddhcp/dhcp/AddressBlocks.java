package org.jbabel.ddhcp.dhcp;

import java.util.List;
import org.jbabel.wire.IpAddress;

/**
 * What the DHCP server asks the block side (package {@code org.jbabel.ddhcp.block}): who owns the block of an
 * address, and which blocks are ours. Addresses are IPv4 addresses as {@code int}s in network order.
 */
public interface AddressBlocks {

    /** Where an address stands. */
    sealed interface Standing {
        /** In a block this node owns. */
        record Ours() implements Standing {}

        /** In a block another node owns: its node id (8 bytes, big-endian) and a routable IPv6 address of it. */
        record Remote(long ownerNodeId, IpAddress ownerAddress) implements Standing {}

        /** In the range, in a block nobody is known to own (free, tentative, being claimed). */
        record None() implements Standing {}

        /** Not in the range. */
        record Outside() implements Standing {}

        Standing OURS = new Ours();
        Standing NONE = new None();
        Standing OUTSIDE = new Outside();
    }

    /** An own block: its index in the range, first address and number of addresses. */
    record OwnBlock(int index, int firstAddress, int size) {}

    Standing standing(int address);

    /** The own blocks in lease-preference order: the earliest claimed first. */
    List<OwnBlock> ownBlocks();

    /** The index of the block an address is in, or -1 when it is outside the range. */
    int blockIndex(int address);
}
