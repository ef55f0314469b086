package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.fuzz.FuzzInputs;

/**
 * Any bytes from a control client, read-only or read-write, are answered line by line or close the session; nothing
 * escapes as an internal error, and every line before the end gets an answer (docs/ROBUSTNESS.md, "Fuzzing").
 */
class ControlProtocolFuzzTest {

    /** Coverage-guided with {@code JAZZER_FUZZ=1}; otherwise replays the corpus. The first byte's low bit: read-write. */
    @FuzzTest(maxDuration = "30s")
    void controlLines(byte[] input) {
        check(input);
    }

    @Property(tries = 1500)
    void mutantsOfTheCorpus(@ForAll("corpus") byte[] input) {
        check(input);
    }

    @Provide
    Arbitrary<byte[]> corpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(ControlProtocolFuzzTest.class, "controlLines"));
    }

    static void check(byte[] input) {
        Fixtures.FakeTarget target = new Fixtures.FakeTarget();
        ControlRegistry mmfd = target.extensions.registry("mmfd");
        mmfd.command("neighbours", "the neighbours", args -> {
            if (!args.isEmpty()) {
                throw new IllegalArgumentException("no arguments");
            }
            return new ControlRegistry.Answer("none", List.of());
        });
        ControlCounters counters = new ControlCounters();
        boolean readWrite = input.length > 0 && (input[0] & 1) == 1;
        ControlProtocol session = new ControlProtocol(target, readWrite, counters);
        ControlProtocol.Output out = session.receive(input);
        List<String> lines = out.lines();
        assertThat(counters.get(ControlCounters.INTERNAL_ERRORS)).as("internal errors").isZero();
        assertThat(session.hasInput()).as("all input looked at").isFalse();
        if (out.close() == ControlProtocol.Close.NONE) {
            assertThat(session.ended()).isFalse();
            long complete = 0;
            for (byte b : input) {
                complete += b == '\n' ? 1 : 0;
            }
            long statuses = lines.stream().filter(l -> l.equals("ok") || l.equals("bad") || l.startsWith("no ")
                    || l.equals("no")).count();
            assertThat(statuses).as("one status per line at least").isGreaterThanOrEqualTo(complete);
        } else {
            assertThat(session.ended()).isTrue();
        }
    }
}
