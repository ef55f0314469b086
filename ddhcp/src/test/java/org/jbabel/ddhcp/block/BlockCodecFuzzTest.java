package org.jbabel.ddhcp.block;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.ddhcp.block.BlockMessage.AddressOrder;
import org.jbabel.ddhcp.block.BlockMessage.Header;
import org.jbabel.fuzz.FuzzInputs;

/**
 * Any datagram on the block port is a message or a named drop, and whatever the writer writes reads back as the same
 * message (docs/ROBUSTNESS.md, "Fuzzing").
 */
class BlockCodecFuzzTest {

    private static final Swarm SWARM = BlockCodecTest.SWARM;
    private final BlockReader reader = new BlockReader(List.of(SWARM));

    /** Coverage-guided with {@code JAZZER_FUZZ=1}; otherwise replays the corpus (BlockCodecFuzzTestInputs). */
    @FuzzTest(maxDuration = "30s")
    void blockMessage(byte[] datagram) {
        check(datagram);
    }

    @Property(tries = 3000)
    void mutantsOfTheCorpus(@ForAll("corpus") byte[] datagram) {
        check(datagram);
    }

    @Provide
    Arbitrary<byte[]> corpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(BlockCodecFuzzTest.class, "blockMessage"));
    }

    /** A message or a named drop, allocation bounded by the size; a message read writes again and reads the same. */
    private void check(byte[] datagram) {
        BlockReader.Result[] result = new BlockReader.Result[1];
        FuzzInputs.assertAllocationBounded(datagram, 0, 64, () -> result[0] = reader.read(datagram));
        switch (result[0]) {
            case BlockReader.Dropped d -> assertThat(d.reason()).isNotBlank();
            case BlockReader.Read r -> assertThat(reader.read(BlockWriter.write(r.message()))).isEqualTo(r);
        }
    }

    @Property(tries = 1000)
    void writeThenReadRoundTrips(@ForAll("messages") BlockMessage m) {
        assertThat(reader.read(BlockWriter.write(m))).isEqualTo(new BlockReader.Read(m));
    }

    @Provide
    Arbitrary<BlockMessage> messages() {
        Arbitrary<Header> header = Arbitraries.longs().map(v -> new Header(new NodeId(v), SWARM));
        Arbitrary<Long> index = Arbitraries.longs().between(0, 0xffff_ffffL);
        Arbitrary<BlockMessage.Claim> claim = Combinators.combine(index, Arbitraries.integers().between(0, 0xffff),
                Arbitraries.integers().between(0, 255)).as(BlockMessage.Claim::new);
        Arbitrary<BlockMessage> update = Combinators.combine(header, claim.list().ofMaxSize(255))
                .as(BlockMessage.UpdateClaim::new);
        Arbitrary<BlockMessage> inquire = Combinators.combine(header, index.list().ofMaxSize(255))
                .as(BlockMessage.Inquire::new);
        Arbitrary<BlockMessage.LeaseEntry> entry = Combinators.combine(
                        Arbitraries.integers().between(0, SWARM.numberOfBlocks() * SWARM.blockSize() - 1),
                        Arbitraries.of(AddressOrder.class), Arbitraries.integers(), Arbitraries.integers(),
                        Arbitraries.bytes().array(byte[].class).ofSize(16))
                .as((offset, order, xid, seconds, chaddr) -> {
                    int address = SWARM.prefix() + offset;
                    // an address whose reversal is inside the range too reads back in network order
                    if (order == AddressOrder.REVERSED && SWARM.contains(Integer.reverseBytes(address))) {
                        order = AddressOrder.NETWORK;
                    }
                    return new BlockMessage.LeaseEntry(address, order, xid, seconds, chaddr);
                });
        Arbitrary<BlockMessage> lease = Combinators.combine(header, entry, Arbitraries.integers().between(0, 3))
                .as((h, e, kind) -> switch (kind) {
                    case 0 -> new BlockMessage.RenewLease(h, e);
                    case 1 -> new BlockMessage.LeaseAck(h, e);
                    case 2 -> new BlockMessage.LeaseNak(h, e);
                    default -> new BlockMessage.Release(h, e);
                });
        return Arbitraries.oneOf(update, inquire, lease);
    }
}
