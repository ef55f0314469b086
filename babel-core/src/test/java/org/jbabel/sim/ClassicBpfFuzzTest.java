package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/** {@link ClassicBpf} on random programs and packets. */
class ClassicBpfFuzzTest {

    /** Offsets near the packet, its end, the negative areas and the wrap-around. */
    static Arbitrary<Integer> constants() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 70),
                Arbitraries.of(0xFFFF, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 31, 32, 135, 58),
                Arbitraries.integers().between(ClassicBpf.SKF_NET_OFF - 4, ClassicBpf.SKF_NET_OFF + 70),
                Arbitraries.integers().between(ClassicBpf.SKF_LL_OFF - 4, ClassicBpf.SKF_LL_OFF + 70),
                Arbitraries.integers().between(ClassicBpf.SKF_AD_OFF - 2, ClassicBpf.SKF_AD_OFF + 70),
                Arbitraries.integers());
    }

    /** Mostly opcodes the kernel takes, sometimes any 16-bit code. */
    static Arbitrary<Integer> opcodes() {
        return Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.of(Arrays.stream(Bpf.ALL_OPCODES).boxed().toList())),
                Tuple.of(1, Arbitraries.integers().between(0, 0xFFFF)));
    }

    static Arbitrary<Bpf.Insn> instructions() {
        Arbitrary<Integer> offsets = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.integers().between(0, 4)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        return Combinators.combine(opcodes(), offsets, offsets, constants()).as((code, jt, jf, k) -> {
            int c = code;
            int kk = switch (c) {
                case Bpf.LD_MEM, Bpf.LDX_MEM, Bpf.ST, Bpf.STX, Bpf.JA -> Math.floorMod(k, 17);
                case Bpf.ALU_LSH_K, Bpf.ALU_RSH_K -> Math.floorMod(k, 33);
                default -> k;
            };
            return new Bpf.Insn(c, jt, jf, kk);
        });
    }

    /** Random programs ending in a return, most of which the checker takes. */
    @Provide
    static Arbitrary<byte[]> programs() {
        Arbitrary<Bpf.Insn> ret = Arbitraries.oneOf(
                constants().map(k -> Bpf.stmt(Bpf.RET_K, k)), Arbitraries.just(Bpf.stmt(Bpf.RET_A, 0)));
        return Combinators.combine(instructions().list().ofMaxSize(24), ret).as((body, last) -> {
            Bpf.Insn[] all = body.toArray(new Bpf.Insn[body.size() + 1]);
            all[body.size()] = last;
            return Bpf.program(all);
        });
    }

    @Property(tries = 3000)
    void runNeverThrowsForAProgramThatValidates(@ForAll("programs") byte[] program,
            @ForAll @Size(max = 80) byte[] packet, @ForAll @Size(max = 20) byte[] linkHeader) {
        boolean valid;
        try {
            ClassicBpf.validate(program);
            valid = true;
        } catch (IllegalArgumentException e) {
            valid = false;
        }
        Statistics.label("valid").collect(valid);
        Assume.that(valid);
        int verdict = ClassicBpf.run(program, packet);
        assertThat(verdict).isBetween(0, packet.length);
        int withLink = ClassicBpf.compile(program).run(linkHeader, packet);
        assertThat(withLink).isBetween(0, packet.length);
    }

    @Property(tries = 1000)
    void validateRefusesAnyBytesOnlyWithAClearMessage(@ForAll @Size(max = 200) byte[] bytes) {
        assertThatCode(() -> {
            try {
                ClassicBpf.validate(bytes);
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }).doesNotThrowAnyException();
    }

    @Property(tries = 200)
    void theSameProgramAndPacketAlwaysGetTheSameVerdict(@ForAll("programs") byte[] program,
            @ForAll @Size(max = 80) byte[] packet) {
        Assume.that(validates(program));
        assertThat(List.of(ClassicBpf.run(program, packet), ClassicBpf.run(program, packet.clone())))
                .containsOnly(ClassicBpf.run(program, packet));
    }

    static boolean validates(byte[] program) {
        try {
            ClassicBpf.validate(program);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
