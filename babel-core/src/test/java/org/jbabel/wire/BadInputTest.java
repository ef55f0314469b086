package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.wire.Vectors.bytes;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input never escapes as an exception: it is a counted drop. */
class BadInputTest {
    private static final List<byte[]> SAMPLES =
            List.of(bytes(Vectors.TV3), bytes(Vectors.TV4), bytes(Vectors.TV5), bytes(Vectors.TV6));

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void truncationAtEveryByteKeepsTheTlvsBeforeTheCut(int sample) {
        byte[] full = SAMPLES.get(sample);
        Packet whole = PacketReader.read(full).packet();
        int bodyEnd = Packet.HEADER_LENGTH + (((full[2] & 0xff) << 8) | (full[3] & 0xff));
        for (int cut = 0; cut < full.length; cut++) {
            ReadResult r = PacketReader.read(full, 0, cut);
            if (cut < Packet.HEADER_LENGTH) {
                assertThat(r.dropped()).isTrue();
                assertThat(r.problems()).extracting(Problem::kind).containsExactly(Problem.Kind.SHORT_PACKET);
                continue;
            }
            List<Tlv> body = r.packet().body();
            assertThat(whole.body().subList(0, body.size())).as("cut at %d", cut).isEqualTo(body);
            if (cut < bodyEnd) {
                assertThat(r.problems()).extracting(Problem::kind).contains(Problem.Kind.BODY_LENGTH_CLAMPED);
            } else {
                assertThat(body).isEqualTo(whole.body());
                assertThat(r.packet().trailer()).isEmpty();
                if (cut > bodyEnd) {
                    assertThat(r.problems()).extracting(Problem::kind).containsExactly(Problem.Kind.BAD_TRAILER);
                }
            }
        }
    }

    @Property(tries = 2000)
    void randomGarbageNeverThrowsAndEveryProblemIsCounted(@ForAll @Size(max = 300) byte[] garbage) {
        assertReadIsSafe(garbage);
    }

    @Property(tries = 2000)
    void garbageBehindAValidHeaderNeverThrows(@ForAll @Size(max = 300) byte[] body, @ForAll boolean exactLength) {
        byte[] p = new byte[body.length + 4];
        p[0] = (byte) Packet.MAGIC;
        p[1] = (byte) Packet.VERSION;
        int len = exactLength ? body.length : body.length / 2;
        p[2] = (byte) (len >>> 8);
        p[3] = (byte) len;
        System.arraycopy(body, 0, p, 4, body.length);
        assertReadIsSafe(p);
    }

    @Property(tries = 2000)
    void corruptedValidPacketsNeverThrow(
            @ForAll @IntRange(max = 3) int sample, @ForAll @Size(min = 1, max = 6) List<@IntRange(max = 1000) Integer> flips) {
        byte[] p = SAMPLES.get(sample).clone();
        for (int f : flips) {
            p[4 + f % (p.length - 4)] ^= (byte) (1 + f);
        }
        assertReadIsSafe(p);
    }

    private static void assertReadIsSafe(byte[] input) {
        ReadResult r = PacketReader.read(input);
        WireCounters counters = new WireCounters();
        counters.countAll(r.problems());
        long total = 0;
        for (Problem.Kind k : Problem.Kind.values()) {
            total += counters.get(k);
        }
        assertThat(total).isEqualTo(r.problems().size());
        if (!r.dropped()) {
            List<Tlv> all = new ArrayList<>(r.packet().body());
            all.addAll(r.packet().trailer());
            assertThat(all).doesNotContainNull();
        }
    }
}
