package org.jbabel.ddhcp.block;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jbabel.ddhcp.block.BlockMessage.Claim;
import org.jbabel.ddhcp.block.BlockMessage.Header;
import org.jbabel.ddhcp.block.BlockMessage.LeaseEntry;

/**
 * DDHCP's block protocol for one range, sans-IO (spec ddhcp.md §4–§5): it takes the time and the block messages
 * received (with the sender's {@link Peer}), and answers through an {@link Output} with the datagrams to multicast to
 * the swarm and to unicast to an owner. It never reads a clock and owns no socket; the extension
 * ({@code org.jbabel.ddhcp.Ddhcp}), the simulator and the tests drive it alike.
 *
 * <p>It follows ddhcpd's transitions, timers and conflict rule (the higher node id wins), with the deliberate fixes of
 * docs/DDHCP.md: a block becomes ours only while it is still CLAIMING (spec §13 Q3), an INQUIRE does not make a
 * CLAIMED block forget its owner, a block given back is released on the wire (an UPDATECLAIM with timeout 0, which a
 * stock ddhcpd forgets at its next housekeeping), RELEASE is honoured, and received block messages trigger only the
 * answering refresh, not a whole housekeeping run (so three INQUIREs always span two housekeeping intervals).
 */
public final class BlockEngine {

    /** What the engine does to the world. */
    public interface Output {
        /** Sends a block message (UPDATECLAIM, INQUIRE) to the swarm: [ff02::1234]:1234 on the server interface. */
        void multicast(byte[] datagram);

        /** Sends a lease message to another node's port 1235. */
        void unicast(Peer to, byte[] datagram);

        /** Counts an event or a drop (docs/DDHCP.md lists the names). */
        void count(String counter);

        /** A block became ours ({@code ours}) or stopped being ours. */
        default void ownership(int block, boolean ours) {}
    }

    private final BlockSettings settings;
    private final Swarm swarm;
    private final Header header;
    private final Blocks blocks;
    private final RandomGenerator random;
    private final List<Integer> claiming = new ArrayList<>();
    private final long blockTimeout;
    private final long tentativeTimeout;
    private final long needlessTimeout;
    private final long learningEnds;
    private LeaseUsage usage;
    private ForwardedLeases leases = ForwardedLeases.NONE;
    private long nextHousekeeping;
    private boolean learningOver;

    /** An engine that starts at {@code now}: it listens for one block timeout first unless learning is off. */
    public BlockEngine(BlockSettings settings, RandomGenerator random, long now) {
        this.settings = settings;
        this.swarm = settings.swarm();
        this.header = new Header(settings.node(), swarm);
        this.blocks = new Blocks(swarm.numberOfBlocks());
        this.random = random;
        this.blockTimeout = settings.blockTimeout().toNanos();
        this.tentativeTimeout = settings.tentativeTimeout().toNanos();
        this.needlessTimeout = settings.needlessTimeout().toNanos();
        this.learningEnds = settings.learning() ? now + blockTimeout : now;
        this.nextHousekeeping = learningEnds;
        this.usage = LeaseUsage.none(this);
    }

    /** Plugs in the DHCP side's demand (default: {@link LeaseUsage#none}). */
    public void usage(LeaseUsage usage) {
        this.usage = usage;
    }

    /** Plugs in the DHCP side's lease decisions (default: {@link ForwardedLeases#NONE}). */
    public void leases(ForwardedLeases leases) {
        this.leases = leases;
    }

    public BlockSettings settings() {
        return settings;
    }

    public Swarm swarm() {
        return swarm;
    }

    public NodeId node() {
        return settings.node();
    }

    /** Whether the learning phase is still on at {@code now}. */
    public boolean learning(long now) {
        return now < learningEnds;
    }

    /** When {@link #poll} wants to run next. */
    public long nextWakeup() {
        return nextHousekeeping;
    }

    // ---- time

    /**
     * Brings housekeeping forward to {@code now}: the DHCP side ran out of addresses and a claim should start at once
     * rather than at the next turn (ddhcpd waits, spec §13 Q10). Does nothing during the learning phase.
     */
    public void wake(long now) {
        if (learningOver && now < nextHousekeeping) {
            nextHousekeeping = now;
        }
    }

    /** Runs housekeeping (spec §5.2) if it is due at {@code now}. */
    public void poll(long now, Output out) {
        if (now < nextHousekeeping) {
            return;
        }
        nextHousekeeping = now + settings.housekeepingNanos();
        if (!learningOver) {
            learningOver = true;
            out.count("learning_ended");
        }
        expire(now, out);
        int free = usage.freeAddressesInOwnBlocks();
        int need = settings.spareLeases() - free;
        int size = swarm.blockSize();
        int blocksNeeded = need > 0 ? (need + size - 1) / size : need / size;
        if (blocksNeeded < 0) {
            clearClaiming();
            needless(now, out);
        } else {
            for (int i = 0; i < blocks.size(); i++) {
                if (blocks.state(i) == BlockState.OURS) {
                    blocks.needlessSince(i, Blocks.NEVER);
                }
            }
            if (blocksNeeded > 0) {
                claim(now, blocksNeeded, out);
            } else {
                clearClaiming();
            }
        }
        refresh(now, out);
    }

    private void expire(long now, Output out) {
        for (int i = 0; i < blocks.size(); i++) {
            BlockState s = blocks.state(i);
            if ((s == BlockState.TENTATIVE || s == BlockState.CLAIMED || s == BlockState.CLAIMING)
                    && blocks.timeout(i) < now) {
                if (s == BlockState.CLAIMED) {
                    out.count("claim_expired");
                }
                blocks.free(i);
            }
        }
    }

    /** The claim procedure (spec §5.3), taking a block only while it is still CLAIMING. */
    private void claim(long now, int needed, Output out) {
        int n = needed;
        for (var it = claiming.iterator(); it.hasNext(); ) {
            int i = it.next();
            if (blocks.state(i) != BlockState.CLAIMING) {
                it.remove();
            } else if (blocks.inquiries(i) >= BlockSettings.INQUIRIES && n > 0) {
                it.remove();
                blocks.ours(i, settings.node(), now);
                out.count("block_taken");
                out.ownership(i, true);
                n--;
            }
        }
        while (claiming.size() > n) {
            int i = claiming.removeLast();
            blocks.free(i);
        }
        if (claiming.size() < n) {
            List<Integer> free = new ArrayList<>();
            for (int i = 0; i < blocks.size(); i++) {
                if (blocks.state(i) == BlockState.FREE) {
                    free.add(i);
                }
            }
            while (claiming.size() < n && !free.isEmpty()) {
                int pick = free.size() == 1 ? 0 : random.nextInt(free.size());
                int i = free.get(pick);
                free.set(pick, free.getLast());
                free.removeLast();
                blocks.claiming(i, now + tentativeTimeout);
                claiming.add(i);
            }
            if (claiming.size() < n) {
                out.count("no_free_blocks");
            }
        }
        for (int from = 0; from < claiming.size(); from += BlockMessage.MAX_ENTRIES) {
            List<Integer> part = claiming.subList(from, Math.min(claiming.size(), from + BlockMessage.MAX_ENTRIES));
            out.multicast(BlockWriter.write(new BlockMessage.Inquire(header,
                    part.stream().map(Integer::longValue).toList())));
            out.count("sent_inquire");
            for (int i : part) {
                blocks.inquired(i);
                blocks.timeout(i, now + tentativeTimeout);
            }
        }
    }

    private void clearClaiming() {
        for (int i : claiming) {
            if (blocks.state(i) == BlockState.CLAIMING) {
                blocks.free(i);
            }
        }
        claiming.clear();
    }

    /** A surplus of at least one block: the latest taken block that is not in use goes back after a while. */
    private void needless(long now, Output out) {
        int candidate = -1;
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.state(i) == BlockState.OURS && !usage.blockInUse(i)
                    && (candidate < 0 || blocks.firstClaimed(i) >= blocks.firstClaimed(candidate))) {
                candidate = i;
            }
        }
        for (int i = 0; i < blocks.size(); i++) {
            if (i != candidate && blocks.state(i) == BlockState.OURS) {
                blocks.needlessSince(i, Blocks.NEVER);
            }
        }
        if (candidate < 0) {
            return;
        }
        long since = blocks.needlessSince(candidate);
        if (since == Blocks.NEVER) {
            blocks.needlessSince(candidate, now);
        } else if (now - since >= needlessTimeout) {
            giveBackNow(candidate, out);
        }
    }

    /** Gives an own block back: free here, and a claim with timeout 0 tells the others at once. */
    private void giveBackNow(int i, Output out) {
        blocks.free(i);
        out.multicast(BlockWriter.write(new BlockMessage.UpdateClaim(header, List.of(new Claim(i, 0)))));
        out.count("block_released");
        out.ownership(i, false);
    }

    /** Refreshes own claims (spec §5.4): every own block in index order, 32 per message, when one of them is due. */
    private void refresh(long now, Output out) {
        if (now < learningEnds) {
            return;
        }
        long threshold = now + blockTimeout - blockTimeout / BlockSettings.REFRESH_FACTOR;
        boolean due = false;
        for (int i = 0; i < blocks.size() && !due; i++) {
            due = blocks.state(i) == BlockState.OURS && blocks.timeout(i) < threshold;
        }
        if (!due) {
            return;
        }
        int seconds = (int) settings.blockTimeout().toSeconds();
        List<Integer> chunk = new ArrayList<>(BlockSettings.CLAIMS_PER_MESSAGE);
        boolean chunkDue = false;
        for (int i = 0; i <= blocks.size(); i++) {
            if (i < blocks.size() && blocks.state(i) == BlockState.OURS) {
                chunk.add(i);
                chunkDue |= blocks.timeout(i) < threshold;
            }
            if (chunk.size() == BlockSettings.CLAIMS_PER_MESSAGE || (i == blocks.size() && !chunk.isEmpty())) {
                if (chunkDue) {
                    out.multicast(BlockWriter.write(new BlockMessage.UpdateClaim(header,
                            chunk.stream().map(b -> new Claim(b, seconds)).toList())));
                    out.count("sent_updateclaim");
                    for (int b : chunk) {
                        blocks.timeout(b, now + blockTimeout);
                    }
                }
                chunk.clear();
                chunkDue = false;
            }
        }
    }

    // ---- messages

    /** Handles a datagram of this engine's swarm from {@code from}; a malformed one is counted and dropped. */
    public void receive(long now, Peer from, byte[] datagram, Output out) {
        switch (new BlockReader(List.of(swarm)).read(datagram)) {
            case BlockReader.Read r -> receive(now, from, r.message(), out);
            case BlockReader.Dropped d -> out.count(d.reason());
        }
    }

    /** Handles a message read for this engine's swarm. */
    public void receive(long now, Peer from, BlockMessage message, Output out) {
        if (!message.header().swarm().equals(swarm)) {
            out.count("foreign_swarm");
            return;
        }
        NodeId sender = message.header().node();
        if (sender.equals(settings.node())) {
            out.count("own_node_id");
            return;
        }
        switch (message) {
            case BlockMessage.Inquire m -> inquired(now, sender, m, out);
            case BlockMessage.UpdateClaim m -> claimed(now, sender, from, m, out);
            case BlockMessage.RenewLease m -> renew(from, m.entry(), out);
            case BlockMessage.LeaseAck m -> {
                out.count("received_leaseack");
                leases.answered(m.entry(), true, from);
            }
            case BlockMessage.LeaseNak m -> {
                out.count("received_leasenak");
                leases.answered(m.entry(), false, from);
            }
            case BlockMessage.Release m -> {
                if (standing(m.entry().address()) instanceof Standing.Ours) {
                    out.count("received_release");
                    leases.released(m.entry(), from);
                } else {
                    out.count("release_not_ours");
                }
            }
        }
    }

    private void inquired(long now, NodeId sender, BlockMessage.Inquire m, Output out) {
        out.count("received_inquire");
        boolean answer = false;
        for (long index : m.blocks()) {
            if (index >= blocks.size()) {
                out.count("block_outside");
                continue;
            }
            int i = (int) index;
            switch (blocks.state(i)) {
                case OURS -> {
                    blocks.timeout(i, 0);
                    answer = true;
                }
                case CLAIMING -> {
                    if (sender.isHigherThan(settings.node())) {
                        blocks.tentative(i, now + tentativeTimeout);
                        out.count("inquiry_yielded");
                    }
                }
                case FREE, TENTATIVE -> blocks.tentative(i, now + tentativeTimeout);
                case CLAIMED, BLOCKED -> { } // the owner answers; we keep knowing it
            }
        }
        if (answer) {
            refresh(now, out);
        }
    }

    private void claimed(long now, NodeId sender, Peer from, BlockMessage.UpdateClaim m, Output out) {
        out.count("received_updateclaim");
        boolean reclaim = false;
        for (Claim c : m.claims()) {
            if (c.block() >= blocks.size()) {
                out.count("block_outside");
                continue;
            }
            int i = (int) c.block();
            BlockState s = blocks.state(i);
            if (c.timeoutSeconds() == 0) {
                if (s == BlockState.CLAIMED && blocks.owner(i).equals(sender)) {
                    blocks.free(i);
                    out.count("received_release_of_block");
                }
                continue;
            }
            long until = now + c.timeoutSeconds() * 1_000_000_000L;
            if (s == BlockState.OURS) {
                if (settings.node().isHigherThan(sender)) {
                    blocks.timeout(i, 0);
                    reclaim = true;
                    out.count("conflict_won");
                } else {
                    blocks.claimed(i, sender, from, until);
                    out.count("conflict_lost");
                    out.ownership(i, false);
                }
            } else {
                if (s == BlockState.CLAIMING) {
                    out.count("claim_lost");
                }
                blocks.claimed(i, sender, from, until);
            }
        }
        if (reclaim) {
            refresh(now, out);
        }
    }

    private void renew(Peer from, LeaseEntry entry, Output out) {
        out.count("received_renewlease");
        Standing standing = standing(entry.address());
        if (standing instanceof Standing.Outside) {
            out.count("lease_address_outside");
            return;
        }
        boolean ack = standing instanceof Standing.Ours && leases.renew(entry, from);
        BlockMessage answer = ack ? new BlockMessage.LeaseAck(header, entry) : new BlockMessage.LeaseNak(header, entry);
        out.unicast(from, BlockWriter.write(answer));
        out.count(ack ? "sent_leaseack" : "sent_leasenak");
    }

    /**
     * Asks the owner of {@code address}'s block whether this client may have it (RENEWLEASE, in this node's address
     * order). False, with nothing sent, when the block is not another node's.
     */
    public boolean renewLease(int address, int xid, byte[] chaddr, Output out) {
        return sendLease(address, xid, chaddr, true, out);
    }

    /**
     * Asks the swarm who owns block {@code index} (an INQUIRE for it alone), for a client that renews an address in a
     * block this node knows no owner of: its UPDATECLAIM may have been lost. An owner answers with an UPDATECLAIM at
     * once; the others hold the block TENTATIVE for a while, so nobody claims it from under the client. Nothing
     * changes here. False, with nothing sent, unless the block is FREE or TENTATIVE here.
     */
    public boolean askOwner(int index, Output out) {
        if (!(standingOfBlock(index) instanceof Standing.Unowned u)
                || u.state() != BlockState.FREE && u.state() != BlockState.TENTATIVE) {
            return false;
        }
        out.multicast(BlockWriter.write(new BlockMessage.Inquire(header, List.of((long) index))));
        out.count("sent_owner_inquiry");
        return true;
    }

    /** Tells the owner of {@code address}'s block that its client gave the address up (RELEASE). */
    public boolean releaseLease(int address, int xid, byte[] chaddr, Output out) {
        return sendLease(address, xid, chaddr, false, out);
    }

    private boolean sendLease(int address, int xid, byte[] chaddr, boolean renew, Output out) {
        if (!(standing(address) instanceof Standing.Remote r)) {
            return false;
        }
        LeaseEntry e = new LeaseEntry(address, settings.addressOrder(), xid, 0, chaddr);
        out.unicast(r.peer(), BlockWriter.write(renew ? new BlockMessage.RenewLease(header, e)
                : new BlockMessage.Release(header, e)));
        out.count(renew ? "sent_renewlease" : "sent_release");
        return true;
    }

    // ---- what the DHCP side and the control socket ask

    /** Who answers for {@code address} (host-order IPv4). */
    public Standing standing(int address) {
        int block = swarm.blockOf(address);
        return block < 0 ? new Standing.Outside() : standingOfBlock(block);
    }

    /** Who answers for block {@code index}. */
    public Standing standingOfBlock(int index) {
        if (index < 0 || index >= blocks.size()) {
            return new Standing.Outside();
        }
        return switch (blocks.state(index)) {
            case OURS -> new Standing.Ours(index);
            case CLAIMED -> new Standing.Remote(index, blocks.owner(index), blocks.peer(index));
            default -> new Standing.Unowned(index, blocks.state(index));
        };
    }

    public BlockState state(int index) {
        return blocks.state(index);
    }

    public int ownBlockCount() {
        return blocks.ownCount();
    }

    /** Our blocks in lease-preference order: the earliest taken first (spec §5.5), then by index. */
    public int[] ownBlocks() {
        List<Integer> own = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.state(i) == BlockState.OURS) {
                own.add(i);
            }
        }
        own.sort(Comparator.comparingLong(blocks::firstClaimed).thenComparingInt(i -> i));
        return own.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Gives own block {@code index} back now (an operator's request), unless the DHCP side uses it: FREE here and an
     * UPDATECLAIM with timeout 0 to the others. False when it is not ours or in use.
     */
    public boolean giveBack(int index, Output out) {
        if (index < 0 || index >= blocks.size() || blocks.state(index) != BlockState.OURS || usage.blockInUse(index)) {
            return false;
        }
        giveBackNow(index, out);
        return true;
    }

    /**
     * Takes {@code indices} as ours at once (a restart restoring the blocks it had acknowledged leases from): they
     * are announced at the first refresh after the learning phase and kept or lost by the conflict rule.
     */
    public void restore(long now, int[] indices, Output out) {
        for (int i : indices) {
            if (i >= 0 && i < blocks.size() && blocks.state(i) != BlockState.OURS) {
                blocks.ours(i, settings.node(), now);
                out.ownership(i, true);
            }
        }
    }

    /**
     * A row of the block table as {@code ddhcpdctl -b} shows it.
     *
     * @param index the block
     * @param state its state
     * @param owner the owner (ours for OURS, null when nobody's)
     * @param peer the owner's address (null unless CLAIMED)
     * @param inquiries INQUIREs sent for it (CLAIMING)
     * @param secondsLeft until the deadline (for OURS: until the claim runs out at the others)
     */
    public record Row(int index, BlockState state, NodeId owner, Peer peer, int inquiries, long secondsLeft) {}

    /** Every block that is not FREE, by index. */
    public List<Row> rows(long now) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            BlockState s = blocks.state(i);
            if (s != BlockState.FREE) {
                NodeId owner = s == BlockState.OURS || s == BlockState.CLAIMED ? blocks.owner(i) : null;
                long left = Math.max(0, (blocks.timeout(i) - now) / 1_000_000_000L);
                rows.add(new Row(i, s, owner, blocks.peer(i), blocks.inquiries(i), left));
            }
        }
        return rows;
    }
}
