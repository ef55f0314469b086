package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.jbabel.sim.PathWalker.Outcome;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

class PathWalkerTest {

    private static Outcome walk(HandBuiltPlane plane, int from, int owner) {
        return new PathWalker(plane).walk(from, Simulation.probeOf(owner), IpAddress.V6_UNSPECIFIED, true);
    }

    @Test
    void aTwoNodeLoopIsDetected() {
        HandBuiltPlane plane = new HandBuiltPlane(3).route(0, 2, 1).route(1, 2, 0);
        PathWalker w = new PathWalker(plane);
        assertThat(w.walk(0, Simulation.probeOf(2), IpAddress.V6_UNSPECIFIED, true)).isEqualTo(Outcome.LOOP);
        assertThat(w.lastPath()).containsExactly(0, 1, 0);
    }

    @Test
    void aThreeNodeLoopIsDetectedFromAnyOfItsNodesAndFromOutside() {
        HandBuiltPlane plane = new HandBuiltPlane(5).route(0, 4, 1).route(1, 4, 2).route(2, 4, 0).route(3, 4, 0);
        for (int start = 0; start < 4; start++) {
            assertThat(walk(plane, start, 4)).isEqualTo(Outcome.LOOP);
        }
        PathWalker w = new PathWalker(plane);
        w.walk(3, Simulation.probeOf(4), IpAddress.V6_UNSPECIFIED, true);
        assertThat(w.lastPath()).containsExactly(3, 0, 1, 2, 0);
    }

    @Test
    void aTreeOfRoutesHasNoLoop() {
        HandBuiltPlane plane = new HandBuiltPlane(6).lineRoutes();
        for (int from = 0; from < 6; from++) {
            for (int to = 0; to < 6; to++) {
                assertThat(walk(plane, from, to)).isEqualTo(Outcome.DELIVERED);
            }
        }
    }

    @Test
    void aMissingRouteOrAnUnknownNextHopIsABlackHole() {
        HandBuiltPlane plane = new HandBuiltPlane(3).route(0, 2, 1);
        assertThat(walk(plane, 0, 2)).isEqualTo(Outcome.BLACKHOLE);
        plane.route(1, 2, 99);
        assertThat(walk(plane, 0, 2)).isEqualTo(Outcome.BLACKHOLE);
    }

    @Test
    void aDownHopEndsTheWalkOnlyWhenDownLinksAreNotFollowed() {
        HandBuiltPlane plane = new HandBuiltPlane(3).lineRoutes().hopDown(1, 2);
        PathWalker w = new PathWalker(plane);
        assertThat(w.walk(0, Simulation.probeOf(2), IpAddress.V6_UNSPECIFIED, false)).isEqualTo(Outcome.LINK_DOWN);
        assertThat(w.walk(0, Simulation.probeOf(2), IpAddress.V6_UNSPECIFIED, true)).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void manyWalksReuseTheWalkerCorrectly() {
        HandBuiltPlane plane = new HandBuiltPlane(4).lineRoutes();
        PathWalker w = new PathWalker(plane);
        for (int i = 0; i < 10_000; i++) {
            assertThat(w.walk(i % 4, Simulation.probeOf(3 - i % 4), IpAddress.V6_UNSPECIFIED, true))
                    .isEqualTo(Outcome.DELIVERED);
        }
    }
}
