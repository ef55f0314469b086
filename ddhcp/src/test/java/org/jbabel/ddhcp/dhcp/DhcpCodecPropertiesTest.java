package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the writer writes reads back as the same message (bad input: {@link DhcpFuzzTest}). */
class DhcpCodecPropertiesTest {

    @Property(tries = 1000)
    void writtenMessagesReadBackEqual(@ForAll("messages") DhcpMessage m) {
        assertThat(DhcpReader.read(DhcpWriter.write(m))).isEqualTo(new DhcpReader.Result.Parsed(m));
    }

    @Provide
    Arbitrary<DhcpMessage> messages() {
        Arbitrary<Integer> i32 = Arbitraries.integers();
        Arbitrary<List<DhcpOption>> options = Arbitraries.integers().between(1, 254).filter(c -> c != 52 && c != 53)
                .set().ofMaxSize(8).flatMap(codes -> Arbitraries.bytes().array(byte[].class).ofMaxSize(400)
                        .list().ofSize(codes.size()).map(values -> {
                            List<DhcpOption> l = new ArrayList<>();
                            List<Integer> cs = new ArrayList<>(codes);
                            for (int k = 0; k < cs.size(); k++) {
                                l.add(new DhcpOption(cs.get(k), values.get(k)));
                            }
                            return l;
                        }));
        Arbitrary<Integer> type = Arbitraries.integers().between(1, 8);
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 8);
        return Combinators.combine(Arbitraries.integers().between(1, 2), Arbitraries.integers().between(0, 16),
                i32, i32, i32, Arbitraries.bytes().array(byte[].class).ofSize(16), options,
                Combinators.combine(type, position).as((t, p) -> new int[] {t, p}))
                .as((op, hlen, xid, ci, yi, chaddr, opts, tp) -> {
                    List<DhcpOption> all = new ArrayList<>(opts);
                    all.add(Math.min(tp[1], all.size()), new DhcpOption(53, new byte[] {(byte) tp[0]}));
                    return new DhcpMessage(op, 1, hlen, xid & 0xff, xid, (ci >>> 16), (yi & 0xffff), ci, yi,
                            ci ^ yi, xid ^ ci, chaddr, all);
                });
    }
}
