package org.jbabel.ddhcp.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.jbabel.ddhcp.block.BlockMessage.AddressOrder;
import org.jbabel.ddhcp.block.BlockMessage.Claim;
import org.jbabel.ddhcp.block.BlockMessage.Header;
import org.jbabel.ddhcp.block.BlockMessage.Inquire;
import org.jbabel.ddhcp.block.BlockMessage.LeaseEntry;
import org.jbabel.ddhcp.block.BlockMessage.UpdateClaim;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/** The transitions of spec ddhcp.md §4.1 and the procedures of §5, one at a time, on one engine. */
class BlockEngineTest {

    static final long S = 1_000_000_000L;
    static final Swarm SWARM = Swarm.of(Prefix.parse("10.116.224.0/22"), 4); // 256 blocks
    static final NodeId SELF = NodeId.parse("5000000000000000");
    static final NodeId HIGHER = NodeId.parse("9000000000000000");
    static final NodeId LOWER = NodeId.parse("1000000000000000");
    static final Peer PEER = new Peer(IpAddress.parse("fe80::2"), 3);
    static final byte[] CHADDR = new byte[16];

    long now = 100 * S;
    final RecordingOutput out = new RecordingOutput(SWARM);

    BlockEngine engine(boolean learning, int spare) {
        return new BlockEngine(BlockSettings.of(SWARM, SELF).withLearning(learning).withSpareLeases(spare),
                new Random(1), now);
    }

    static Header from(NodeId id) {
        return new Header(id, SWARM);
    }

    /** Runs housekeeping every second until {@code seconds} have passed. */
    void run(BlockEngine e, int seconds) {
        for (int i = 0; i < seconds; i++) {
            now += S;
            e.poll(now, out);
        }
    }

    /** Polls until the engine holds a CLAIMING block, and returns it. */
    int claimingBlock(BlockEngine e) {
        e.poll(now, out);
        Inquire first = (Inquire) out.multicast.getFirst();
        return (int) (long) first.blocks().getFirst();
    }

    @Test
    void aBlockIsOursAfterThreeInquiriesAndIsAnnouncedAtOnce() {
        BlockEngine e = engine(false, 2);
        int block = claimingBlock(e);
        assertThat(e.state(block)).isEqualTo(BlockState.CLAIMING);
        run(e, 7);
        run(e, 7);
        assertThat(out.multicast).hasSize(3).allMatch(m -> m instanceof Inquire i && i.blocks().equals(List.of((long) block)));
        assertThat(e.state(block)).isEqualTo(BlockState.CLAIMING);
        run(e, 7);
        assertThat(e.state(block)).isEqualTo(BlockState.OURS);
        assertThat(out.multicast.getLast()).isEqualTo(new UpdateClaim(from(SELF), List.of(new Claim(block, 60))));
        assertThat(out.ownership).containsExactly("+" + block);
        assertThat(e.standing(SWARM.firstAddress(block) + 3)).isEqualTo(new Standing.Ours(block));
    }

    @Test
    void theLearningPhaseClaimsNothingForOneBlockTimeout() {
        BlockEngine e = engine(true, 2);
        run(e, 59);
        assertThat(out.multicast).isEmpty();
        run(e, 1);
        assertThat(out.multicast).hasSize(1).first().isInstanceOf(Inquire.class);
    }

    @Test
    void aHigherInquirerMakesOurClaimingBlockTentativeAndALowerOneDoesNot() {
        BlockEngine e = engine(false, 2);
        int block = claimingBlock(e);
        e.receive(now, PEER, new Inquire(from(LOWER), List.of((long) block)), out);
        assertThat(e.state(block)).isEqualTo(BlockState.CLAIMING);
        e.receive(now, PEER, new Inquire(from(HIGHER), List.of((long) block)), out);
        assertThat(e.state(block)).isEqualTo(BlockState.TENTATIVE);
        run(e, 21);
        assertThat(e.state(block)).as("not taken although three INQUIREs had gone out (spec §13 Q3 fixed)")
                .isNotEqualTo(BlockState.OURS);
    }

    @Test
    void anInquiryMakesAFreeBlockTentativeUntilTheTentativeTimeout() {
        BlockEngine e = engine(false, 0);
        e.receive(now, PEER, new Inquire(from(LOWER), List.of(7L)), out);
        assertThat(e.state(7)).isEqualTo(BlockState.TENTATIVE);
        run(e, 14);
        assertThat(e.state(7)).isEqualTo(BlockState.TENTATIVE);
        run(e, 8); // the first housekeeping after the 15 s
        assertThat(e.state(7)).isEqualTo(BlockState.FREE);
    }

    @Test
    void anInquiryDoesNotMakeAClaimedBlockForgetItsOwner() {
        BlockEngine e = engine(false, 0);
        e.receive(now, PEER, new UpdateClaim(from(HIGHER), List.of(new Claim(7, 60))), out);
        e.receive(now, new Peer(IpAddress.parse("fe80::3"), 3), new Inquire(from(LOWER), List.of(7L)), out);
        assertThat(e.standingOfBlock(7)).isEqualTo(new Standing.Remote(7, HIGHER, PEER));
    }

    @Test
    void anInquiryAboutAnOwnBlockIsAnsweredWithAClaimAtOnce() {
        BlockEngine e = engine(false, 2);
        int block = ownOneBlock(e);
        out.clear();
        now += S;
        e.receive(now, PEER, new Inquire(from(HIGHER), List.of((long) block)), out);
        assertThat(out.multicast).containsExactly(new UpdateClaim(from(SELF), List.of(new Claim(block, 60))));
        assertThat(e.state(block)).isEqualTo(BlockState.OURS);
    }

    @Test
    void askingForTheOwnerOfAFreeBlockSendsOneInquiryAndTheOwnersAnswerMakesItRemote() {
        BlockEngine e = engine(false, 0);
        BlockEngine owner = new BlockEngine(BlockSettings.of(SWARM, HIGHER).withLearning(false), new Random(2), now);
        int block = ownOneBlock(owner);
        out.clear();
        assertThat(e.askOwner(block, out)).isTrue();
        assertThat(out.multicast).containsExactly(new Inquire(from(SELF), List.of((long) block)));
        assertThat(e.state(block)).as("asking claims nothing").isEqualTo(BlockState.FREE);
        RecordingOutput ownerOut = new RecordingOutput(SWARM);
        owner.receive(now, PEER, out.multicast.getFirst(), ownerOut);
        e.receive(now, PEER, ownerOut.multicast.getFirst(), out);
        assertThat(e.standingOfBlock(block)).isEqualTo(new Standing.Remote(block, HIGHER, PEER));
        // a block with a known owner, or outside the range, is not asked about
        out.clear();
        assertThat(e.askOwner(block, out)).isFalse();
        assertThat(e.askOwner(SWARM.numberOfBlocks(), out)).isFalse();
        assertThat(out.multicast).isEmpty();
    }

    int ownOneBlock(BlockEngine e) {
        int block = claimingBlock(e);
        run(e, 21);
        assertThat(e.state(block)).isEqualTo(BlockState.OURS);
        return block;
    }

    @Test
    void aLowerClaimOnAnOwnBlockIsAnsweredAndAHigherOneWins() {
        BlockEngine e = engine(false, 2);
        int block = ownOneBlock(e);
        out.clear();
        e.receive(now, PEER, new UpdateClaim(from(LOWER), List.of(new Claim(block, 60))), out);
        assertThat(e.state(block)).isEqualTo(BlockState.OURS);
        assertThat(out.multicast).containsExactly(new UpdateClaim(from(SELF), List.of(new Claim(block, 60))));
        assertThat(out.counted("conflict_won")).isOne();
        e.receive(now, PEER, new UpdateClaim(from(HIGHER), List.of(new Claim(block, 60))), out);
        assertThat(e.standingOfBlock(block)).isEqualTo(new Standing.Remote(block, HIGHER, PEER));
        assertThat(out.ownership).containsExactly("-" + block);
        assertThat(out.counted("conflict_lost")).isOne();
    }

    @Test
    void aClaimHoldsForItsTimeoutAndAZeroTimeoutReleasesIt() {
        BlockEngine e = engine(false, 0);
        e.receive(now, PEER, new UpdateClaim(from(HIGHER), List.of(new Claim(7, 30), new Claim(8, 60))), out);
        run(e, 29);
        assertThat(e.state(7)).isEqualTo(BlockState.CLAIMED);
        run(e, 7);
        assertThat(e.state(7)).isEqualTo(BlockState.FREE);
        assertThat(out.counted("claim_expired")).isOne();
        e.receive(now, PEER, new UpdateClaim(from(LOWER), List.of(new Claim(8, 0))), out);
        assertThat(e.state(8)).as("only the owner releases").isEqualTo(BlockState.CLAIMED);
        e.receive(now, PEER, new UpdateClaim(from(HIGHER), List.of(new Claim(8, 0))), out);
        assertThat(e.state(8)).isEqualTo(BlockState.FREE);
    }

    @Test
    void ownClaimsAreRefreshedEveryQuarterOfTheBlockTimeout() {
        BlockEngine e = engine(false, 2);
        ownOneBlock(e);
        out.clear();
        run(e, 120);
        long claims = out.multicast.stream().filter(m -> m instanceof UpdateClaim).count();
        // a refresh when less than 45 s are left, housekeeping every 7 s: every 21 s
        assertThat(claims).isBetween(5L, 8L);
    }

    @Test
    void blocksOutsideTheRangeAreSkippedOneByOne() {
        BlockEngine e = engine(false, 0);
        e.receive(now, PEER, new UpdateClaim(from(HIGHER), List.of(new Claim(999, 60), new Claim(3, 60))), out);
        assertThat(e.state(3)).isEqualTo(BlockState.CLAIMED);
        assertThat(out.counted("block_outside")).isOne();
    }

    @Test
    void ourOwnMessagesAreIgnored() {
        BlockEngine e = engine(false, 0);
        e.receive(now, PEER, new UpdateClaim(from(SELF), List.of(new Claim(3, 60))), out);
        assertThat(e.state(3)).isEqualTo(BlockState.FREE);
        assertThat(out.counted("own_node_id")).isOne();
    }

    @Test
    void enoughBlocksForTheSpareLeasesAreClaimed() {
        BlockEngine e = engine(false, 9); // 9 addresses of 4-address blocks: 3 blocks
        run(e, 30);
        assertThat(e.ownBlocks()).hasSize(3);
        assertThat(out.multicast.stream().filter(m -> m instanceof Inquire).findFirst().orElseThrow())
                .satisfies(m -> assertThat(((Inquire) m).blocks()).hasSize(3));
    }

    @Test
    void aSurplusBlockIsGivenBackAfterTheNeedlessTimeoutWithAZeroClaim() {
        BlockEngine e = engine(false, 5); // 2 blocks
        run(e, 30);
        int[] own = e.ownBlocks();
        assertThat(own).hasSize(2);
        int[] free = {8};
        e.usage(new LeaseUsage() {
            @Override
            public int freeAddressesInOwnBlocks() {
                return free[0];
            }

            @Override
            public boolean blockInUse(int blockIndex) {
                return blockIndex == own[0];
            }
        });
        // spare 5, free 8: need -3, not a whole block: keep both
        run(e, 400);
        assertThat(e.ownBlocks()).hasSize(2);
        free[0] = 9; // need -4: one block too many
        out.clear();
        run(e, 299);
        assertThat(e.ownBlocks()).hasSize(2);
        run(e, 8);
        assertThat(e.ownBlocks()).containsExactly(own[0]);
        assertThat(out.multicast).contains(new UpdateClaim(from(SELF), List.of(new Claim(own[1], 0))));
        assertThat(out.ownership).containsExactly("-" + own[1]);
    }

    @Test
    void anOwnBlockIsGivenBackOnRequestUnlessInUse() {
        BlockEngine e = engine(false, 2);
        int block = ownOneBlock(e);
        out.clear();
        assertThat(e.giveBack(block + 1 == SWARM.numberOfBlocks() ? block - 1 : block + 1, out)).isFalse();
        e.usage(new LeaseUsage() {
            @Override
            public int freeAddressesInOwnBlocks() {
                return 4;
            }

            @Override
            public boolean blockInUse(int blockIndex) {
                return true;
            }
        });
        assertThat(e.giveBack(block, out)).isFalse();
        e.usage(LeaseUsage.none(e));
        assertThat(e.giveBack(block, out)).isTrue();
        assertThat(e.state(block)).isEqualTo(BlockState.FREE);
        assertThat(out.multicast).containsExactly(new UpdateClaim(from(SELF), List.of(new Claim(block, 0))));
        assertThat(out.ownership).containsExactly("-" + block);
    }

    @Test
    void aDeficitClaimsForTheNodeItselfWithoutSpareLeases() {
        BlockEngine e = engine(false, 0);
        e.usage(new LeaseUsage() {
            @Override
            public int freeAddressesInOwnBlocks() {
                return e.ownBlockCount() * 4 - 1; // one address for the node itself
            }

            @Override
            public boolean blockInUse(int blockIndex) {
                return true;
            }
        });
        run(e, 60);
        assertThat(e.ownBlocks()).hasSize(1);
    }

    @Test
    void aRenewalForAnOwnBlockIsAcknowledgedAndForAnotherBlockRefused() {
        BlockEngine e = engine(false, 2);
        int block = ownOneBlock(e);
        int address = SWARM.firstAddress(block) + 1;
        LeaseEntry ours = new LeaseEntry(address, AddressOrder.REVERSED, 42, 0, CHADDR);
        e.receive(now, PEER, new BlockMessage.RenewLease(from(LOWER), ours), out);
        assertThat(out.unicast).containsExactly(new RecordingOutput.Unicast(PEER,
                new BlockMessage.LeaseAck(from(SELF), ours)));
        out.clear();
        LeaseEntry other = new LeaseEntry(SWARM.firstAddress(block == 0 ? 1 : 0), AddressOrder.NETWORK, 43, 0, CHADDR);
        e.receive(now, PEER, new BlockMessage.RenewLease(from(LOWER), other), out);
        assertThat(out.unicast).containsExactly(new RecordingOutput.Unicast(PEER,
                new BlockMessage.LeaseNak(from(SELF), other)));
    }

    @Test
    void theDhcpSideDecidesRenewalsAndHearsAnswersAndReleases() {
        BlockEngine e = engine(false, 2);
        int block = ownOneBlock(e);
        int address = SWARM.firstAddress(block);
        List<String> heard = new java.util.ArrayList<>();
        e.leases(new ForwardedLeases() {
            @Override
            public boolean renew(LeaseEntry entry, Peer from) {
                heard.add("renew " + IpAddress.v4(entry.address()));
                return false;
            }

            @Override
            public void answered(LeaseEntry entry, boolean ack, Peer from) {
                heard.add((ack ? "ack " : "nak ") + IpAddress.v4(entry.address()));
            }

            @Override
            public void released(LeaseEntry entry, Peer from) {
                heard.add("release " + IpAddress.v4(entry.address()));
            }
        });
        LeaseEntry entry = new LeaseEntry(address, AddressOrder.NETWORK, 1, 0, CHADDR);
        e.receive(now, PEER, new BlockMessage.RenewLease(from(LOWER), entry), out);
        assertThat(out.unicast.getLast().message()).isInstanceOf(BlockMessage.LeaseNak.class);
        e.receive(now, PEER, new BlockMessage.Release(from(LOWER), entry), out);
        e.receive(now, PEER, new BlockMessage.LeaseAck(from(LOWER), entry), out);
        String a = IpAddress.v4(address).toString();
        assertThat(heard).containsExactly("renew " + a, "release " + a, "ack " + a);
    }

    @Test
    void aRenewalForAnotherNodesBlockGoesToItsOwnerInTheConfiguredOrder() {
        BlockEngine e = engine(false, 0);
        e.receive(now, PEER, new UpdateClaim(from(HIGHER), List.of(new Claim(5, 60))), out);
        int address = SWARM.firstAddress(5) + 1;
        assertThat(e.renewLease(address, 7, CHADDR, out)).isTrue();
        assertThat(out.unicast).containsExactly(new RecordingOutput.Unicast(PEER, new BlockMessage.RenewLease(
                from(SELF), new LeaseEntry(address, AddressOrder.REVERSED, 7, 0, CHADDR))));
        assertThat(e.renewLease(SWARM.firstAddress(6), 7, CHADDR, out)).as("nobody's block").isFalse();
        assertThat(e.standing(IpAddress.parse("10.0.0.1").v4Bits())).isEqualTo(new Standing.Outside());
    }

    @Test
    void ownBlocksComeInTheOrderTheyWereTaken() {
        BlockEngine e = engine(false, 0);
        e.restore(now, new int[] {9}, out);
        now += S;
        e.restore(now, new int[] {2}, out);
        assertThat(e.ownBlocks()).containsExactly(9, 2);
    }

    @Test
    void settingsRefuseNonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BlockSettings.of(SWARM, SELF)
                .withTimers(Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(300)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wakeBringsHousekeepingForwardOnlyAfterTheLearningPhase() {
        BlockEngine e = engine(true, 2);
        long learningEnds = e.nextWakeup();
        e.wake(now);
        assertThat(e.nextWakeup()).isEqualTo(learningEnds);
        now = learningEnds;
        e.poll(now, out);
        assertThat(e.nextWakeup()).isGreaterThan(now);
        now += S / 10;
        e.wake(now);
        assertThat(e.nextWakeup()).isEqualTo(now);
    }
}
