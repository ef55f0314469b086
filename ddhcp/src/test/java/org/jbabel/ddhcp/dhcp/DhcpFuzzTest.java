package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jbabel.fuzz.FuzzInputs;

/**
 * Any datagram on the DHCP port is a message or one counted {@link DhcpReader.Problem}, allocation bounded by its
 * size; a message read writes again and reads back the same (docs/ROBUSTNESS.md, "Fuzzing").
 */
class DhcpFuzzTest {

    /** Coverage-guided with {@code JAZZER_FUZZ=1}; otherwise replays the corpus (DhcpFuzzTestInputs). */
    @FuzzTest(maxDuration = "30s")
    void dhcpMessage(byte[] datagram) {
        check(datagram);
    }

    @Property(tries = 3000)
    void mutantsOfTheCorpus(@ForAll("corpus") byte[] datagram) {
        check(datagram);
    }

    @Provide
    Arbitrary<byte[]> corpus() {
        return FuzzInputs.mutants(FuzzInputs.seeds(DhcpFuzzTest.class, "dhcpMessage"));
    }

    static void check(byte[] datagram) {
        DhcpReader.Result[] result = new DhcpReader.Result[1];
        FuzzInputs.assertAllocationBounded(datagram, 0, 32, () -> result[0] = DhcpReader.read(datagram));
        switch (result[0]) {
            case DhcpReader.Result.Malformed m -> assertThat(m.problem().counter()).startsWith("dhcp.malformed.");
            case DhcpReader.Result.Parsed p -> assertThat(DhcpReader.read(DhcpWriter.write(p.message()))).isEqualTo(p);
        }
    }
}
