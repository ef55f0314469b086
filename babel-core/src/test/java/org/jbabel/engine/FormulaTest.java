package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The arithmetic of babel-notes §3-§5 and §14 TV-10 against its vectors. */
class FormulaTest {

    @ParameterizedTest(name = "reach {0}: LQ {1}, 2-of-3 {2}")
    @CsvSource({
        "FFFF, 256, 96",
        "FFF0, 256, 96",
        "FF00, 258, 96",
        "F000, 292, 96",
        "7FFF, 341, 96",
        "AAAA, 438, 96",
        "C000, 511, 96",
        "8000, 1023, 65535",
        "0FFF, 2048, 65535",
        "000F, 65535, 65535",
    })
    void rxcostTableMatchesBabeld(String reach, int lq, int twoOfThree) {
        int r = Integer.parseInt(reach, 16);
        assertThat(LinkCost.linkQualityRxcost(r, 256, Time.seconds(1))).isEqualTo(lq);
        assertThat(LinkCost.twoOutOfThreeRxcost(r, 96, Time.seconds(1))).isEqualTo(twoOfThree);
        assertThat(LinkCost.rxcost(InterfaceType.WIRELESS, r, 0)).isEqualTo(lq);
        assertThat(LinkCost.rxcost(InterfaceType.WIRED, r, 0)).isEqualTo(twoOfThree);
    }

    @Test
    void twoOutOfThreeNeedsTwoOfTheThreeNewestHellos() {
        assertThat(LinkCost.twoOutOfThreeRxcost(0xA000, 96, 0)).isEqualTo(96);
        assertThat(LinkCost.twoOutOfThreeRxcost(0x6000, 96, 0)).isEqualTo(96);
        assertThat(LinkCost.twoOutOfThreeRxcost(0x4000, 96, 0)).isEqualTo(0xFFFF);
        assertThat(LinkCost.twoOutOfThreeRxcost(0x2000 | 0x1000, 96, 0)).isEqualTo(0xFFFF);
    }

    @Test
    void linkQualityRxcostGrowsWhenTheLastHelloIsOld() {
        assertThat(LinkCost.linkQualityRxcost(0xFFFF, 256, Time.seconds(40))).isEqualTo(256);
        assertThat(LinkCost.linkQualityRxcost(0xFFFF, 256, Time.seconds(60))).isEqualTo(512);
        assertThat(LinkCost.linkQualityRxcost(0xFFFF, 256, Time.seconds(180))).isEqualTo(0xFFFF);
    }

    @ParameterizedTest(name = "tx {0} rx {1} -> {2}")
    @CsvSource({"256, 256, 256", "512, 256, 512", "300, 400, 469", "96, 300, 300", "100, 200, 100",
        "65535, 96, 65535", "96, 65535, 65535"})
    void etxCombinesTxcostAndRxcostOnWirelessLinks(int tx, int rx, int cost) {
        assertThat(LinkCost.cost(InterfaceType.WIRELESS, rx, tx)).isEqualTo(cost);
    }

    @Test
    void wiredCostIsTheTxcost() {
        assertThat(LinkCost.cost(InterfaceType.WIRED, 96, 96)).isEqualTo(96);
        assertThat(LinkCost.cost(InterfaceType.WIRED, 96, 400)).isEqualTo(400);
        assertThat(LinkCost.cost(InterfaceType.TUNNEL, 0xFFFF, 96)).isEqualTo(0xFFFF);
    }

    @Test
    void smoothingFactorsAreBabeldsFixedPointConstants() {
        assertThat(MetricSmoothing.factor(1)).isEqualTo(131072);
        assertThat(MetricSmoothing.factor(2)).isEqualTo(92682);
        assertThat(MetricSmoothing.factor(3)).isEqualTo(82570);
        assertThat(MetricSmoothing.factor(4)).isEqualTo(77935);
        assertThat(MetricSmoothing.factor(8)).isEqualTo(65536 + 45426 / 8);
    }

    @Test
    void smoothedMetricHalvesTheGapPerHalfLifeAndSnapsNearTheMetric() {
        assertThat(MetricSmoothing.advance(1096, 96, 4, 4)).isEqualTo(596);
        assertThat(MetricSmoothing.advance(1096, 96, 8, 4)).isEqualTo(346);
        assertThat(MetricSmoothing.advance(1096, 96, 1, 4)).isEqualTo(96 + (1000L * 65536 / 77935));
        assertThat(MetricSmoothing.advance(100, 96, 1, 4)).isEqualTo(96);
        assertThat(MetricSmoothing.advance(96, 1096, 4, 4)).isEqualTo(596);
        assertThat(MetricSmoothing.advance(5000, 96, 3, 0)).as("half-life 0 turns smoothing off").isEqualTo(96);
        assertThat(MetricSmoothing.advance(0xFFFF, 96, 1, 4)).isEqualTo(96);
    }

    @Property
    void smoothedMetricMovesMonotonicallyTowardsTheMetric(
            @ForAll @IntRange(min = 0, max = 0xFFFE) int smoothed,
            @ForAll @IntRange(min = 0, max = 0xFFFE) int metric,
            @ForAll @IntRange(min = 0, max = 100) int seconds) {
        int s = MetricSmoothing.advance(smoothed, metric, seconds, 4);
        assertThat(Math.abs(s - metric)).isLessThanOrEqualTo(Math.abs(smoothed - metric));
        assertThat(Math.min(smoothed, metric) <= s && s <= Math.max(smoothed, metric)).isTrue();
    }

    @ParameterizedTest(name = "interval {0} cs -> hold {1} s")
    @CsvSource({"1600, 96", "400, 24", "100, 15", "6000, 360"})
    void routeHoldTimeIsSixIntervalsButAtLeastFifteenSeconds(int centis, int seconds) {
        assertThat(Routes.holdTime(Time.centis(centis))).isEqualTo(Time.seconds(seconds));
    }

    @Test
    void seqnoComparisonWrapsAndTiesAtHalfTheSpaceAsBabeldDoes() {
        assertThat(Seqno.greater(1, 0)).isTrue();
        assertThat(Seqno.greater(0, 0xFFFF)).isTrue();
        assertThat(Seqno.greater(0xFFFF, 0)).isFalse();
        assertThat(Seqno.greater(5, 5)).isFalse();
        assertThat(Seqno.greater(0x8000, 0)).isTrue();
        assertThat(Seqno.greater(0, 0x8000)).isTrue();
        assertThat(Seqno.greaterOrEqual(7, 7)).isTrue();
        assertThat(Seqno.plus(0xFFFF, 1)).isZero();
        assertThat(Seqno.minus(2, 0xFFFE)).isEqualTo(4);
        assertThat(Seqno.minus(0xFFFE, 2)).isEqualTo(-4);
    }

    @Property
    void seqnoIsGreaterThanItsPredecessors(@ForAll @IntRange(min = 0, max = 0xFFFF) int s,
            @ForAll @IntRange(min = 1, max = 0x7FFF) int d) {
        assertThat(Seqno.greater(Seqno.plus(s, d), s)).isTrue();
        assertThat(Seqno.greater(s, Seqno.plus(s, d))).isFalse();
    }
}
