package org.jbabel.ddhcp.block;

/**
 * What the DHCP side tells the block engine about demand (spec ddhcp.md §5.2 step 2): the engine claims blocks until
 * {@code freeAddressesInOwnBlocks() ≥ spare leases needed} and gives back a block that is not in use once the surplus
 * is a whole block.
 */
public interface LeaseUsage {

    /**
     * The addresses of our own blocks that are free to hand out. May be negative: a node that wants addresses for
     * itself ({@code ddhcp exit}) reports those it still lacks as a deficit.
     */
    int freeAddressesInOwnBlocks();

    /** Whether an address of own block {@code blockIndex} is offered or leased (such a block is never given back). */
    boolean blockInUse(int blockIndex);

    /** No DHCP side: every address of every own block is free, no block is in use. */
    static LeaseUsage none(BlockEngine engine) {
        return new LeaseUsage() {
            @Override
            public int freeAddressesInOwnBlocks() {
                return engine.ownBlockCount() * engine.swarm().blockSize();
            }

            @Override
            public boolean blockInUse(int blockIndex) {
                return false;
            }
        };
    }
}
