package org.jbabel.roaming.l3roamd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.fuzz.FuzzInputs;
import org.jbabel.roaming.l3roamd.Intercom.Decoded;
import org.jbabel.roaming.l3roamd.Intercom.Info;
import org.jbabel.roaming.l3roamd.Intercom.Packet;
import org.jbabel.wire.IpAddress;

/**
 * Any intercom datagram decodes to a packet or a counted {@link Intercom.Reason}, allocation bounded by its size; what
 * decodes writes again and decodes to the same packet (docs/ROBUSTNESS.md, "Fuzzing").
 */
class IntercomFuzzTest {

    /** Coverage-guided with {@code JAZZER_FUZZ=1}; otherwise replays the corpus (IntercomFuzzTestInputs). */
    @FuzzTest(maxDuration = "30s")
    void intercom(byte[] datagram) {
        check(datagram);
    }

    @Property(tries = 3000)
    void mutantsOfTheCorpus(@ForAll("corpus") byte[] datagram) {
        check(datagram);
    }

    @Provide
    Arbitrary<byte[]> corpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(IntercomFuzzTest.class, "intercom"));
    }

    static void check(byte[] datagram) {
        Decoded[] decoded = new Decoded[1];
        FuzzInputs.assertAllocationBounded(datagram, 0, 64, () -> decoded[0] = Intercom.decode(datagram));
        switch (decoded[0]) {
            case Decoded.Rejected r -> assertThat(r.reason().counter()).startsWith("malformed_");
            case Decoded.Ok ok -> {
                Packet p = ok.packet();
                // several BASIC TLVs may carry more addresses than one INFO of ours; such an INFO is only ever read
                if (!(p instanceof Info i) || i.addresses().size() <= Intercom.INFO_MAX) {
                    assertThat(Intercom.decode(Intercom.encode(p))).isEqualTo(new Decoded.Ok(written(p)));
                }
            }
        }
    }

    /** What {@link Intercom#encode} makes of a packet: an INFO always has a PLAT TLV. */
    private static Packet written(Packet p) {
        if (p instanceof Info i && i.platLease() < 0) {
            return new Info(i.header(), 0, IpAddress.V6_UNSPECIFIED, i.mac(), i.addresses());
        }
        return p;
    }
}
