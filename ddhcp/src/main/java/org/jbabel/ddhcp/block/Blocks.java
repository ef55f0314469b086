package org.jbabel.ddhcp.block;

import java.util.Arrays;

/**
 * The block table of one range (spec ddhcp.md §4): per block its state, owner, owner's address, deadline, inquiry
 * count, when we took it and since when it is needless. Arrays indexed by block, so a simulated node with a /16 of
 * 4-address blocks costs a few hundred kilobytes, not an object per block. Times are the engine's nanoseconds.
 */
final class Blocks {

    /** "Not set" for {@link #needlessSince} and {@link #firstClaimed}. */
    static final long NEVER = Long.MIN_VALUE;

    private final BlockState[] state;
    private final long[] owner;
    private final Peer[] peer;
    private final long[] timeout;
    private final int[] inquiries;
    private final long[] firstClaimed;
    private final long[] needlessSince;
    private int ours;

    Blocks(int count) {
        state = new BlockState[count];
        Arrays.fill(state, BlockState.FREE);
        owner = new long[count];
        peer = new Peer[count];
        timeout = new long[count];
        inquiries = new int[count];
        firstClaimed = new long[count];
        Arrays.fill(firstClaimed, NEVER);
        needlessSince = new long[count];
        Arrays.fill(needlessSince, NEVER);
    }

    int size() {
        return state.length;
    }

    BlockState state(int i) {
        return state[i];
    }

    NodeId owner(int i) {
        return new NodeId(owner[i]);
    }

    Peer peer(int i) {
        return peer[i];
    }

    long timeout(int i) {
        return timeout[i];
    }

    void timeout(int i, long t) {
        timeout[i] = t;
    }

    int inquiries(int i) {
        return inquiries[i];
    }

    void inquired(int i) {
        inquiries[i]++;
    }

    long firstClaimed(int i) {
        return firstClaimed[i];
    }

    long needlessSince(int i) {
        return needlessSince[i];
    }

    void needlessSince(int i, long t) {
        needlessSince[i] = t;
    }

    int ownCount() {
        return ours;
    }

    /** Nobody's: no owner, no deadline. */
    void free(int i) {
        set(i, BlockState.FREE);
        timeout[i] = 0;
    }

    /** Someone inquired; untouchable until {@code until}. */
    void tentative(int i, long until) {
        set(i, BlockState.TENTATIVE);
        timeout[i] = until;
    }

    /** Owned by another node until {@code until}. */
    void claimed(int i, NodeId by, Peer at, long until) {
        set(i, BlockState.CLAIMED);
        owner[i] = by.value();
        peer[i] = at;
        timeout[i] = until;
    }

    /** We start inquiring. */
    void claiming(int i, long until) {
        set(i, BlockState.CLAIMING);
        inquiries[i] = 0;
        timeout[i] = until;
    }

    /** Ours from {@code now}; announced at the next refresh (deadline 0). */
    void ours(int i, NodeId self, long now) {
        set(i, BlockState.OURS);
        owner[i] = self.value();
        peer[i] = null;
        firstClaimed[i] = now;
        timeout[i] = 0;
    }

    private void set(int i, BlockState s) {
        if (state[i] == BlockState.OURS && s != BlockState.OURS) {
            ours--;
            firstClaimed[i] = NEVER;
        } else if (state[i] != BlockState.OURS && s == BlockState.OURS) {
            ours++;
        }
        if (s != BlockState.CLAIMED && s != BlockState.OURS) {
            owner[i] = 0;
            peer[i] = null;
        }
        if (s != BlockState.CLAIMING) {
            inquiries[i] = 0;
        }
        needlessSince[i] = NEVER;
        state[i] = s;
    }
}
