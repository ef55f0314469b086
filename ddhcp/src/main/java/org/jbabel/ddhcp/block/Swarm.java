package org.jbabel.ddhcp.block;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * One DDHCP address range as the block protocol's header carries it (spec ddhcp.md §1, §3.1): the prefix as
 * configured, its length, and the number of addresses per block. Nodes whose headers differ in any of the three are
 * a foreign swarm to each other.
 *
 * @param prefix the prefix's four address bytes as a big-endian int (not masked, spec §13 Q8: peers send it as
 *     configured)
 * @param prefixLength 8..32
 * @param blockSize addresses per block, a power of two 1..128 (it travels as one byte)
 */
public record Swarm(int prefix, int prefixLength, int blockSize) {

    public Swarm {
        if (prefixLength < 8 || prefixLength > 32) {
            throw new IllegalArgumentException("range prefix length must be 8..32, not " + prefixLength);
        }
        if (blockSize < 1 || blockSize > 128 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two 1..128, not " + blockSize);
        }
        if (Integer.numberOfTrailingZeros(blockSize) > 32 - prefixLength) {
            throw new IllegalArgumentException("a block of " + blockSize + " addresses does not fit in a /"
                    + prefixLength);
        }
    }

    /** The swarm of an IPv4 prefix (its address as written) and a block size. */
    public static Swarm of(Prefix range, int blockSize) {
        if (range.address().family() != org.jbabel.wire.Family.V4) {
            throw new IllegalArgumentException("a DDHCP range is an IPv4 prefix, not " + range);
        }
        return new Swarm(range.address().v4Bits(), range.length(), blockSize);
    }

    /** {@code 2^(32 − prefix_len − log2(block_size))}. */
    public int numberOfBlocks() {
        return 1 << (32 - prefixLength - Integer.numberOfTrailingZeros(blockSize));
    }

    /** The block of {@code address} (host-order int), or -1 when it is outside the range. */
    public int blockOf(int address) {
        long offset = Integer.toUnsignedLong(address) - Integer.toUnsignedLong(prefix);
        if (offset < 0) {
            return -1;
        }
        long block = offset / blockSize;
        return block < numberOfBlocks() ? (int) block : -1;
    }

    public boolean contains(int address) {
        return blockOf(address) >= 0;
    }

    /** The first address of block {@code index}. */
    public int firstAddress(int index) {
        return prefix + index * blockSize;
    }

    /** The range as a prefix (as configured). */
    public Prefix toPrefix() {
        return new Prefix(IpAddress.v4(prefix), prefixLength);
    }

    @Override
    public String toString() {
        return IpAddress.v4(prefix) + "/" + prefixLength + " block-size " + blockSize;
    }
}
