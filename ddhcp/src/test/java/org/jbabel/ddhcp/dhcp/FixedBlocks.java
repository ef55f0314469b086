package org.jbabel.ddhcp.dhcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.ddhcp.block.BlockState;
import org.jbabel.ddhcp.block.NodeId;
import org.jbabel.ddhcp.block.Peer;
import org.jbabel.ddhcp.block.Standing;
import org.jbabel.wire.IpAddress;

/** A range cut into blocks whose standing a test sets by hand. */
final class FixedBlocks implements AddressBlocks {
    final int prefix;
    final int prefixLength;
    final int blockSize;
    private final List<Integer> own = new ArrayList<>();
    private final Map<Integer, Standing> remote = new HashMap<>();
    private final java.util.Set<Integer> reserved = new java.util.HashSet<>();

    FixedBlocks(int prefix, int prefixLength, int blockSize) {
        this.prefix = prefix;
        this.prefixLength = prefixLength;
        this.blockSize = blockSize;
    }

    /** 10.116.224.0/20 with blocks of 4, as the spec's vectors. */
    static FixedBlocks specRange() {
        return new FixedBlocks(0x0a74e000, 20, 4);
    }

    FixedBlocks own(int... indices) {
        for (int i : indices) {
            remote.remove(i);
            own.remove((Integer) i);
            own.add(i);
        }
        return this;
    }

    FixedBlocks remote(int index, long nodeId, IpAddress owner) {
        own.remove((Integer) index);
        remote.put(index, new Standing.Remote(index, new NodeId(nodeId), new Peer(owner, 0)));
        return this;
    }

    FixedBlocks reserve(int... addresses) {
        for (int a : addresses) {
            reserved.add(a);
        }
        return this;
    }

    @Override
    public boolean reserved(int address) {
        return reserved.contains(address);
    }

    FixedBlocks lose(int index) {
        own.remove((Integer) index);
        return this;
    }

    int address(int block, int lease) {
        return prefix + block * blockSize + lease;
    }

    @Override
    public Standing standing(int address) {
        int i = blockIndex(address);
        if (i < 0) {
            return new Standing.Outside();
        }
        if (own.contains(i)) {
            return new Standing.Ours(i);
        }
        return remote.getOrDefault(i, new Standing.Unowned(i, BlockState.FREE));
    }

    @Override
    public List<OwnBlock> ownBlocks() {
        return own.stream().map(i -> new OwnBlock(i, prefix + i * blockSize, blockSize)).toList();
    }

    @Override
    public int blockIndex(int address) {
        long offset = Integer.toUnsignedLong(address - prefix);
        return offset < (1L << (32 - prefixLength)) ? (int) (offset / blockSize) : -1;
    }
}
