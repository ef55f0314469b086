package org.jbabel.xlat.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.fuzz.FuzzInputs;

/**
 * Any packet entering the translator, either way, is translated, answered with an ICMP error, or dropped with exactly
 * one counted {@link Drop}; nothing is allocated for it, and what comes out lies inside the output buffer
 * (docs/ROBUSTNESS.md, "Fuzzing").
 */
class TranslatorFuzzTest {

    private final Translator translator = new Translator(Packets.taygaConfig().withMssClamp(1220),
            Packets.taygaMapping());
    private final Result result = new Result();

    /** Coverage-guided with {@code JAZZER_FUZZ=1}; otherwise replays the corpus (TranslatorFuzzTestInputs). */
    @FuzzTest(maxDuration = "30s")
    void fourToSix(byte[] packet) {
        check(translator, result, packet, packet.length, true);
    }

    @FuzzTest(maxDuration = "30s")
    void sixToFour(byte[] packet) {
        check(translator, result, packet, packet.length, false);
    }

    @Property(tries = 2000)
    void mutantsOfTheCorpusFourToSix(@ForAll("fourToSixCorpus") byte[] packet) {
        check(translator, result, packet, packet.length, true);
    }

    @Property(tries = 2000)
    void mutantsOfTheCorpusSixToFour(@ForAll("sixToFourCorpus") byte[] packet) {
        check(translator, result, packet, packet.length, false);
    }

    @Provide
    Arbitrary<byte[]> fourToSixCorpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(TranslatorFuzzTest.class, "fourToSix"));
    }

    @Provide
    Arbitrary<byte[]> sixToFourCorpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(TranslatorFuzzTest.class, "sixToFour"));
    }

    private static long dropped(Translator translator) {
        return translator.drops().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Runs one packet in one direction and checks the accounting. */
    static void check(Translator translator, Result result, byte[] p, int len, boolean fourToSix) {
        long before = dropped(translator);
        long translatedBefore = translator.translated4to6() + translator.translated6to4();
        Result[] out = new Result[1];
        FuzzInputs.assertAllocationBounded(p, 0, 0, () -> out[0] = fourToSix ? translator.translate4to6(p, 0, len,
                result) : translator.translate6to4(p, 0, len, result));
        Result r = out[0];
        // the packet went through twice: the first run was not measured
        if (r.kind() == Result.Kind.PACKETS) {
            assertThat(r.drop()).isNull();
            assertThat(r.count()).isPositive();
            assertThat(dropped(translator)).isEqualTo(before);
            assertThat(translator.translated4to6() + translator.translated6to4()).isEqualTo(translatedBefore + 2);
        } else {
            assertThat(r.drop()).as("a reason").isNotNull();
            assertThat(dropped(translator)).as("counted once each time").isEqualTo(before + 2);
            assertThat(r.count()).isEqualTo(r.kind() == Result.Kind.ERROR ? 1 : 0);
        }
        for (int i = 0; i < r.count(); i++) {
            assertThat(r.offset(i) + r.length(i)).isLessThanOrEqualTo(r.buffer().length);
        }
        if (r.kind() == Result.Kind.ERROR) {
            assertThat(Packets.checksumProblem(r.packet(0))).as("a generated error").isNull();
        }
    }
}
