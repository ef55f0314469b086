package org.jbabel.sourcerouting;

import static org.assertj.core.api.Assertions.assertThat;


import java.util.Optional;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.Plan;
import org.jbabel.kernel.RouteType;
import org.jbabel.kernel.RuleChange;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/** {@link TablePlacement} on the in-memory kernel: tables, rules, disambiguation and where packets go. */
class TablePlacementTest {

    private static final String A = "192.0.2.1";
    private static final String B = "192.0.2.2";
    private static final String C = "192.0.2.3";
    private final PlacedKernel k = PlacedKernel.ipv4Tables();

    private static Optional<IpAddress> via(String address) {
        return Optional.of(IpAddress.parse(address));
    }

    @Test
    void aNonSpecificRouteWinsOverALessSpecificSourceSpecificRouteInEitherOrder() {
        for (boolean specificFirst : new boolean[] {true, false}) {
            PlacedKernel p = PlacedKernel.ipv4Tables();
            if (specificFirst) {
                p.install("10.0.0.0/8", null, A);
                p.install("0.0.0.0/0", "192.168.0.0/16", B);
            } else {
                p.install("0.0.0.0/0", "192.168.0.0/16", B);
                p.install("10.0.0.0/8", null, A);
            }

            assertThat(p.kernelNextHop("192.168.1.1", "10.1.1.1")).isEqualTo(via(A));
            assertThat(p.kernelNextHop("192.168.1.1", "11.1.1.1")).isEqualTo(via(B));
            assertThat(p.kernelNextHop("172.16.1.1", "10.1.1.1")).isEqualTo(via(A));
            assertThat(p.kernelNextHop("172.16.1.1", "11.1.1.1")).isEmpty();
            assertThat(p.kernel.routes()).extracting(KernelRoute::toString).containsExactlyInAnyOrder(
                    "10.0.0.0/8 via 192.0.2.1 dev #2 metric 0 table 254 proto 42",
                    "0.0.0.0/0 via 192.0.2.2 dev #2 metric 0 table 10 proto 42",
                    "10.0.0.0/8 via 192.0.2.1 dev #2 metric 0 table 10 proto 42");
        }
    }

    @Test
    void aSourceTableWithoutAMatchingRouteLetsThePacketFallThroughToMain() {
        k.install("10.1.0.0/16", "192.168.0.0/16", A);
        k.install("10.0.0.0/8", null, B);

        assertThat(k.kernelNextHop("192.168.1.1", "10.1.1.1")).isEqualTo(via(A));
        assertThat(k.kernelNextHop("192.168.1.1", "10.2.1.1")).isEqualTo(via(B));
        assertThat(((TablePlacement) k.placement).placedRoutes()).isEqualTo(1);
    }

    @Test
    void amongEqualDestinationsTheMoreSpecificSourceWins() {
        k.install("0.0.0.0/0", "192.168.0.0/16", A);
        k.install("0.0.0.0/0", "192.168.1.0/24", B);

        assertThat(k.kernelNextHop("192.168.1.1", "8.8.8.8")).isEqualTo(via(B));
        assertThat(k.kernelNextHop("192.168.2.1", "8.8.8.8")).isEqualTo(via(A));
    }

    @Test
    void aMoreSpecificDestinationFromALessSpecificSourceIsCopiedIntoTheMoreSpecificSourcesTable() {
        k.install("0.0.0.0/0", "192.168.1.0/24", A);
        k.install("10.0.0.0/8", "192.168.0.0/16", B);
        k.install("10.1.0.0/16", null, C);

        assertThat(k.kernelNextHop("192.168.1.1", "10.2.1.1")).isEqualTo(via(B));
        assertThat(k.kernelNextHop("192.168.1.1", "10.1.1.1")).isEqualTo(via(C));
        assertThat(k.kernelNextHop("192.168.1.1", "11.1.1.1")).isEqualTo(via(A));
        assertThat(k.kernelNextHop("192.168.2.1", "10.1.1.1")).isEqualTo(via(C));
        assertThat(k.kernelNextHop("192.168.2.1", "11.1.1.1")).isEmpty();
    }

    @Test
    void moreSpecificSourcesGetLowerRulePrioritiesAndRulesShiftWhenOneArrives() {
        Plan first = k.install("0.0.0.0/0", "192.168.0.0/16", A);
        assertThat(first.changes()).last().isEqualTo(RuleChange.add(KernelRule.babel(Prefix.parse("192.168.0.0/16"), 100, 10)));

        Plan second = k.install("0.0.0.0/0", "192.168.1.0/24", B);

        assertThat(second.changes()).containsSubsequence(
                FibChange.add(KernelRoute.unicast(Prefix.V4_DEFAULT, null, IpAddress.parse(B), k.eth, 0).withTable(11)),
                RuleChange.add(KernelRule.babel(Prefix.parse("192.168.0.0/16"), 101, 10)),
                RuleChange.remove(KernelRule.babel(Prefix.parse("192.168.0.0/16"), 100, 10)),
                RuleChange.add(KernelRule.babel(Prefix.parse("192.168.1.0/24"), 100, 11)));
        assertThat(k.kernel.rules(KernelRoute.PROTOCOL_BABEL)).containsExactly(
                KernelRule.babel(Prefix.parse("192.168.1.0/24"), 100, 11),
                KernelRule.babel(Prefix.parse("192.168.0.0/16"), 101, 10));
    }

    @Test
    void removingEveryRouteLeavesNoBabelRouteNorRuleAndRulesShiftBack() {
        k.install("10.0.0.0/8", null, A);
        k.install("0.0.0.0/0", "192.168.0.0/16", B);
        k.install("0.0.0.0/0", "192.168.1.0/24", C);

        Plan gone = k.remove("0.0.0.0/0", "192.168.1.0/24");
        assertThat(gone.changes().getFirst()).isInstanceOf(RuleChange.class);
        assertThat(k.kernel.rules(KernelRoute.PROTOCOL_BABEL)).containsExactly(
                KernelRule.babel(Prefix.parse("192.168.0.0/16"), 100, 10));

        k.remove("0.0.0.0/0", "192.168.0.0/16");
        k.remove("10.0.0.0/8", null);

        assertThat(k.kernel.routes(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(k.kernel.rules(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(k.placement.installed()).isEmpty();
    }

    @Test
    void aSwitchOfTheWinningRouteMovesItsDisambiguationRoute() {
        k.install("0.0.0.0/0", "192.168.0.0/16", A);
        k.install("10.0.0.0/8", null, B);

        Plan moved = k.install("10.0.0.0/8", null, C);

        assertThat(moved.changes()).containsExactly(
                FibChange.replace(k.route("10.0.0.0/8", null, C)),
                FibChange.replace(k.route("10.0.0.0/8", null, C).withTable(10)));
        assertThat(k.kernelNextHop("192.168.1.1", "10.1.1.1")).isEqualTo(via(C));
    }

    @Test
    void aRetractedRouteDropsItsZoneInsteadOfFallingThrough() {
        k.install("0.0.0.0/0", "192.168.0.0/16", A);
        k.install("10.0.0.0/8", null, B);

        k.install(KernelMetric.DEFAULT.retracted(Prefix.parse("10.0.0.0/8"), Prefix.zero(Family.V4), 254).orElseThrow());

        assertThat(k.kernel.lookup(IpAddress.parse("10.1.1.1"), IpAddress.parse("192.168.1.1")))
                .hasValueSatisfying(r -> assertThat(r.type()).isEqualTo(RouteType.UNREACHABLE));
    }

    @Test
    void anEleventhSourcePrefixIsRefusedWithItsReasonAndChangesNothing() {
        for (int i = 0; i < 10; i++) {
            k.install("0.0.0.0/0", "172.16." + i + ".0/24", A);
        }

        Plan refused = k.placement.install(k.route("0.0.0.0/0", "172.16.10.0/24", A));

        assertThat(refused.placed()).isFalse();
        assertThat(refused.refusal()).hasValueSatisfying(r -> assertThat(r).contains("at most 10 source prefixes"));
        assertThat(k.placement.installed()).hasSize(10);
        assertThat(k.kernel.rules(KernelRoute.PROTOCOL_BABEL)).extracting(KernelRule::priority)
                .containsExactlyInAnyOrder(100L, 101L, 102L, 103L, 104L, 105L, 106L, 107L, 108L, 109L);
    }

    @Test
    void aRouteOfTheOtherFamilyIsRefused() {
        KernelRoute v6 = KernelRoute.unicast(Prefix.parse("2001:db8::/32"), null, IpAddress.parse("fe80::1"), k.eth, 0);

        assertThat(k.placement.install(v6).placed()).isFalse();
    }
}
