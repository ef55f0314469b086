package org.jbabel.ddhcp.block;

import java.time.Duration;

/**
 * The block engine's parameters (spec ddhcp.md §5.1), ddhcpd's defaults in {@link #of}.
 *
 * @param swarm the range and block size
 * @param node our node id
 * @param blockTimeout how long a claim holds (ddhcpd {@code -B}, 60 s); the learning phase is as long; sent in claims
 *     as whole seconds (1..65535)
 * @param tentativeTimeout how long an inquired block stays untouchable ({@code -t}, 15 s, at least 2 s); housekeeping
 *     runs every half of it
 * @param needlessTimeout how long an unused surplus block is kept ({@code -n}, 300 s)
 * @param spareLeases how many free addresses to keep in own blocks ({@code -s}, 2)
 * @param learning whether to listen for one block timeout before claiming ({@code -L} turns it off)
 * @param addressOrder how this node lays out the address of the lease messages it starts
 */
public record BlockSettings(Swarm swarm, NodeId node, Duration blockTimeout, Duration tentativeTimeout,
        Duration needlessTimeout, int spareLeases, boolean learning, BlockMessage.AddressOrder addressOrder) {

    public static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration TENTATIVE_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration NEEDLESS_TIMEOUT = Duration.ofSeconds(300);
    public static final int SPARE_LEASES = 2;
    /** ddhcpd's {@code block_refresh_factor}: a claim is renewed when less than 3/4 of it is left. */
    public static final int REFRESH_FACTOR = 4;
    /** Claims per UPDATECLAIM in a refresh (ddhcpd). */
    public static final int CLAIMS_PER_MESSAGE = 32;
    /** INQUIREs a block gets before it is ours. */
    public static final int INQUIRIES = 3;

    public BlockSettings {
        if (blockTimeout.toSeconds() < 1 || blockTimeout.toSeconds() > 0xffff) {
            throw new IllegalArgumentException("block timeout must be 1..65535 s, not " + blockTimeout.toSeconds());
        }
        if (tentativeTimeout.toSeconds() < 2) {
            throw new IllegalArgumentException("tentative timeout must be at least 2 s");
        }
        if (spareLeases < 0) {
            throw new IllegalArgumentException("spare leases must not be negative");
        }
    }

    /** ddhcpd's defaults for this range and node. */
    public static BlockSettings of(Swarm swarm, NodeId node) {
        return new BlockSettings(swarm, node, BLOCK_TIMEOUT, TENTATIVE_TIMEOUT, NEEDLESS_TIMEOUT, SPARE_LEASES, true,
                BlockMessage.AddressOrder.REVERSED);
    }

    public BlockSettings withSpareLeases(int spare) {
        return new BlockSettings(swarm, node, blockTimeout, tentativeTimeout, needlessTimeout, spare, learning,
                addressOrder);
    }

    public BlockSettings withLearning(boolean on) {
        return new BlockSettings(swarm, node, blockTimeout, tentativeTimeout, needlessTimeout, spareLeases, on,
                addressOrder);
    }

    public BlockSettings withTimers(Duration block, Duration tentative, Duration needless) {
        return new BlockSettings(swarm, node, block, tentative, needless, spareLeases, learning, addressOrder);
    }

    /** Housekeeping interval: half the tentative timeout in whole seconds (7 s by default), as ddhcpd. */
    public long housekeepingNanos() {
        return Math.max(1, tentativeTimeout.toSeconds() / 2) * 1_000_000_000L;
    }
}
