package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.fuzz.FuzzInputs;

/**
 * Any frame on a client link and any resolver datagram decode to a value or one counted reason, allocating a fixed
 * amount; what decodes encodes to the bytes it came from (docs/ROBUSTNESS.md, "Fuzzing").
 */
class Nat426CodecFuzzTest {

    /** Coverage-guided with {@code JAZZER_FUZZ=1}; otherwise replays the corpus (Nat426CodecFuzzTestInputs). */
    @FuzzTest(maxDuration = "30s")
    void arpFrame(byte[] frame) {
        checkArp(frame);
    }

    @FuzzTest(maxDuration = "30s")
    void resolverMessage(byte[] datagram) {
        checkResolver(datagram);
    }

    @Property(tries = 2000)
    void mutantsOfTheArpCorpus(@ForAll("arpCorpus") byte[] frame) {
        checkArp(frame);
    }

    @Property(tries = 2000)
    void mutantsOfTheResolverCorpus(@ForAll("resolverCorpus") byte[] datagram) {
        checkResolver(datagram);
    }

    @Provide
    Arbitrary<byte[]> arpCorpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(Nat426CodecFuzzTest.class, "arpFrame"));
    }

    @Provide
    Arbitrary<byte[]> resolverCorpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(Nat426CodecFuzzTest.class, "resolverMessage"));
    }

    static void checkArp(byte[] frame) {
        ArpFrame.Result[] out = new ArpFrame.Result[1];
        FuzzInputs.assertAllocationBounded(frame, 0, 0, () -> out[0] = ArpFrame.decode(frame, frame.length));
        ArpFrame.Result r = out[0];
        assertThat(r.frame() == null).as("a frame or a reason").isNotEqualTo(r.reason() == null);
        if (r.frame() != null) {
            assertThat(r.frame().encode()).isEqualTo(Arrays.copyOf(frame, ArpFrame.LENGTH));
        }
    }

    static void checkResolver(byte[] datagram) {
        ResolverMessage.Result[] out = new ResolverMessage.Result[1];
        FuzzInputs.assertAllocationBounded(datagram, 0, 0,
                () -> out[0] = ResolverMessage.decode(datagram, 0, datagram.length));
        ResolverMessage.Result r = out[0];
        assertThat(r.message() == null).as("a message or a reason").isNotEqualTo(r.reason() == null);
        if (r.message() != null) {
            assertThat(r.message().encode()).isEqualTo(datagram);
        }
    }
}
