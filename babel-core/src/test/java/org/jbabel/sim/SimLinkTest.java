package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.jbabel.engine.InterfaceType;
import org.junit.jupiter.api.Test;

class SimLinkTest {

    private static final int DRAWS = 100_000;

    @Test
    void eachDirectionLosesItsOwnShareOfDatagrams() {
        SimLink link = new SimLink(0.2, 0.05);
        SplittableRandom r = new SplittableRandom(7);
        int lostAb = 0;
        int lostBa = 0;
        for (int i = 0; i < DRAWS; i++) {
            lostAb += link.drops(true, r) ? 1 : 0;
            lostBa += link.drops(false, r) ? 1 : 0;
        }
        // With 100,000 draws the standard error is ≈ 0.0013 at p = 0.2: 0.01 is more than 7 of them.
        assertThat((double) lostAb / DRAWS).isCloseTo(0.2, within(0.01));
        assertThat((double) lostBa / DRAWS).isCloseTo(0.05, within(0.005));
    }

    @Test
    void theSameSeedLosesTheSameDatagrams() {
        assertThat(pattern(99)).isEqualTo(pattern(99)).isNotEqualTo(pattern(100));
    }

    @Test
    void aLosslessDirectionDeliversEverythingWithoutDrawing() {
        SimLink link = new SimLink(0, 1);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(link.drops(true, r)).isFalse();
            assertThat(link.drops(false, r)).isTrue();
        }
        assertThat(r.nextLong()).isEqualTo(new SplittableRandom(1).nextLong());
    }

    @Test
    void aDownLinkDropsEverythingAndAnUpOneDeliversAgain() {
        SimLink link = new SimLink(0, 0);
        SplittableRandom r = new SplittableRandom(1);
        link.setUp(false);
        assertThat(link.drops(true, r)).isTrue();
        assertThat(link.drops(false, r)).isTrue();
        link.setUp(true);
        assertThat(link.drops(true, r)).isFalse();
    }

    @Test
    void tqLossIsOffByDefaultAndCappedWhenOn() {
        SimConfig d = SimConfig.defaults();
        assertThat(d.lossFor(0.01)).isZero();
        assertThat(d.withLoss(0.1).lossFor(0.01)).isCloseTo(0.1, within(1e-12));
        SimConfig tq = d.withTqLoss(true, 0.5);
        assertThat(tq.lossFor(0.9)).isCloseTo(0.1, within(1e-12));
        assertThat(tq.lossFor(0.01)).isCloseTo(0.5, within(1e-12));
        assertThat(tq.withLoss(0.1).lossFor(0.8)).isCloseTo(1 - 0.9 * 0.8, within(1e-12));
    }

    @Test
    void linkTypesMapToInterfaceTypesUnlessOneIsForced() {
        SimConfig d = SimConfig.defaults();
        assertThat(d.typeFor("wifi")).isEqualTo(InterfaceType.WIRELESS);
        assertThat(d.typeFor("vpn")).isEqualTo(InterfaceType.TUNNEL);
        assertThat(d.typeFor("other")).isEqualTo(InterfaceType.WIRED);
        assertThat(d.typeFor(null)).isEqualTo(InterfaceType.WIRED);
        assertThat(d.withForcedType(InterfaceType.WIRELESS).typeFor("vpn")).isEqualTo(InterfaceType.WIRELESS);
    }

    private static BitSet pattern(long seed) {
        SimLink link = new SimLink(0.3, 0.3);
        SplittableRandom r = new SplittableRandom(seed);
        BitSet b = new BitSet();
        for (int i = 0; i < 1000; i++) {
            b.set(i, link.drops(i % 2 == 0, r));
        }
        return b;
    }
}
