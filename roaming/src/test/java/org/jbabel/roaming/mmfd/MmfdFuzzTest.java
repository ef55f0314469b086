package org.jbabel.roaming.mmfd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.fuzz.FuzzInputs;
import org.jbabel.wire.IpAddress;

/**
 * Any datagram on mmfd's port ends in exactly one counted outcome; what is forwarded is the datagram unchanged, what
 * is delivered is its inner packet, and a second copy is a duplicate (docs/ROBUSTNESS.md, "Fuzzing"). An input's
 * first byte says where the rest was sent: low bit set, the HELLO group; clear, unicast to us.
 */
class MmfdFuzzTest {

    /** The counters of which exactly one ends the handling of a received datagram. */
    private static final Set<String> OUTCOMES = Set.of("drop_short", "drop_interface", "drop_source", "hello_own",
            "hello_received", "drop_invalid", "duplicate", "delivered");
    private static final IpAddress NEIGHBOUR = IpAddress.parse("fe80::2");
    private static final IpAddress OTHER = IpAddress.parse("fe80::3");
    private static final IpAddress US = IpAddress.parse("fe80::1");

    /** Coverage-guided with {@code JAZZER_FUZZ=1}; otherwise replays the corpus (MmfdFuzzTestInputs). */
    @FuzzTest(maxDuration = "30s")
    void mmfdDatagram(byte[] input) {
        check(input);
    }

    @Property(tries = 3000)
    void mutantsOfTheCorpus(@ForAll("corpus") byte[] input) {
        check(input);
    }

    @Provide
    Arbitrary<byte[]> corpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(MmfdFuzzTest.class, "mmfdDatagram"));
    }

    private static final class Recorder implements MmfdEngine.Output {
        final List<String> counted = new ArrayList<>();
        final List<byte[]> sent = new ArrayList<>();
        final List<byte[]> delivered = new ArrayList<>();

        @Override
        public void send(IpAddress destination, int ifindex, byte[] datagram) {
            sent.add(datagram);
        }

        @Override
        public void deliver(byte[] packet) {
            delivered.add(packet);
        }

        @Override
        public void count(String counter) {
            counted.add(counter);
        }

        List<String> outcomes() {
            return counted.stream().filter(OUTCOMES::contains).toList();
        }
    }

    static void check(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean hello = (input[0] & 1) == 1;
        byte[] datagram = Arrays.copyOfRange(input, 1, input.length);
        MmfdEngine engine = new MmfdEngine(new Random(1));
        engine.addInterface(7, "mesh0");
        engine.receive(0, NEIGHBOUR, MmfdEngine.GROUP, 7, new byte[8], new Recorder());
        engine.receive(0, OTHER, MmfdEngine.GROUP, 7, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, new Recorder());
        IpAddress destination = hello ? MmfdEngine.GROUP : US;

        Recorder first = new Recorder();
        engine.receive(1, NEIGHBOUR, destination, 7, datagram, first);
        assertThat(first.outcomes()).as("one outcome").hasSize(1);
        if (first.outcomes().contains("delivered")) {
            assertThat(first.delivered).singleElement()
                    .isEqualTo(Arrays.copyOfRange(datagram, MmfdEngine.NONCE_LENGTH, datagram.length));
            assertThat(MmfdEngine.validInner(datagram, MmfdEngine.NONCE_LENGTH)).isTrue();
            assertThat(first.sent).as("forwarded to the other neighbour only").singleElement().isEqualTo(datagram);
            Recorder second = new Recorder();
            engine.receive(2, OTHER, destination, 7, datagram, second);
            assertThat(second.outcomes()).containsExactly("duplicate");
            assertThat(second.delivered).isEmpty();
        } else {
            assertThat(first.delivered).isEmpty();
            assertThat(first.sent).isEmpty();
        }
    }
}
