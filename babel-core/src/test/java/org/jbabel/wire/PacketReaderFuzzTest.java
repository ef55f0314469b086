package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.fuzz.FuzzInputs;

/**
 * Any datagram gives a packet or a counted drop (every {@link Problem} counted once), allocation bounded by its
 * size; a packet read without problems writes again and reads back the same (docs/ROBUSTNESS.md, "Fuzzing").
 */
class PacketReaderFuzzTest {

    /** Coverage-guided with {@code JAZZER_FUZZ=1}; otherwise replays the corpus (PacketReaderFuzzTestInputs). */
    @FuzzTest(maxDuration = "30s")
    void packetReader(byte[] datagram) {
        check(datagram);
    }

    @Property(tries = 3000)
    void mutantsOfTheCorpus(@ForAll("corpus") byte[] datagram) {
        check(datagram);
    }

    @Provide
    Arbitrary<byte[]> corpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(PacketReaderFuzzTest.class, "packetReader"));
    }

    static void check(byte[] datagram) {
        ReadResult[] read = new ReadResult[1];
        // the records of every TLV and problem: a few hundred bytes per byte of input at worst, nothing per length field
        FuzzInputs.assertAllocationBounded(datagram, 0, 400, () -> read[0] = PacketReader.read(datagram));
        ReadResult r = read[0];
        WireCounters counters = new WireCounters();
        counters.countAll(r.problems());
        long total = 0;
        for (Problem.Kind k : Problem.Kind.values()) {
            total += counters.get(k);
        }
        assertThat(total).as("every problem counted").isEqualTo(r.problems().size());
        if (r.dropped()) {
            assertThat(r.problems()).as("a dropped datagram says why").isNotEmpty();
            return;
        }
        List<Tlv> all = new ArrayList<>(r.packet().body());
        all.addAll(r.packet().trailer());
        assertThat(all).doesNotContainNull();
        if (r.problems().isEmpty()) {
            RoundTripTest.assertRoundTrip(writable(r.packet().body()), 1452);
        }
    }

    /** What the writer takes back: parser-state TLVs are its own to place, padding and martians it leaves out. */
    private static List<Tlv> writable(List<Tlv> body) {
        List<Tlv> tlvs = new ArrayList<>();
        for (Tlv t : body) {
            switch (t) {
                case Tlv.RouterIdTlv x -> { }
                case Tlv.NextHop x -> { }
                case Tlv.Pad1 x -> { }
                case Tlv.PadN x -> { }
                case Tlv.Update u when PacketWriter.isMartian(u) -> { }
                default -> tlvs.add(t);
            }
        }
        return tlvs;
    }
}
