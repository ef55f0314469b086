package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvergenceTrackerTest {

    private static List<ConvergenceTracker.Destination> destinations(int n) {
        List<ConvergenceTracker.Destination> d = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            d.add(new ConvergenceTracker.Destination(i, HandBuiltPlane.keyOf(i), Simulation.probeOf(i)));
        }
        return d;
    }

    /** A tracker told about every entry the plane holds, as the simulator tells it about each FIB update. */
    private static ConvergenceTracker trackerFor(HandBuiltPlane plane) {
        ConvergenceTracker t = new ConvergenceTracker(plane, destinations(plane.nodeCount()));
        for (int node = 0; node < plane.nodeCount(); node++) {
            int n = node;
            plane.fib(node).forEach((key, e) -> t.fibChanged(n, key, false, true));
        }
        return t;
    }

    @Test
    void aLineWithEveryRouteInPlaceIsConverged() {
        ConvergenceTracker t = trackerFor(new HandBuiltPlane(5).lineRoutes());
        assertThat(t.completeness()).isEqualTo(1.0);
        assertThat(t.check()).isTrue();
        assertThat(t.unreachable()).isEmpty();
    }

    @Test
    void oneMissingEntryMeansNotConverged() {
        HandBuiltPlane plane = new HandBuiltPlane(4).lineRoutes();
        plane.fib(3).remove(HandBuiltPlane.keyOf(0));
        ConvergenceTracker t = trackerFor(plane);
        assertThat(t.complete()).isFalse();
        assertThat(t.completeness()).isEqualTo(11.0 / 12);
        assertThat(t.check()).isFalse();
    }

    @Test
    void aLoopMeansNotConvergedEvenWithEveryEntryPresent() {
        HandBuiltPlane plane = new HandBuiltPlane(4).lineRoutes().route(1, 3, 0);
        ConvergenceTracker t = trackerFor(plane);
        assertThat(t.complete()).isTrue();
        assertThat(t.check()).isFalse();
        assertThat(t.unreachable()).extracting(ConvergenceTracker.Destination::owner).containsExactly(3);
    }

    @Test
    void aRouteOverADownLinkMeansNotConvergedUntilTheRoutesMoveAway() {
        HandBuiltPlane plane = new HandBuiltPlane(3).lineRoutes();
        ConvergenceTracker t = trackerFor(plane);
        assertThat(t.check()).isTrue();
        plane.hopDown(0, 1);
        t.invalidateAll();
        assertThat(t.check()).isFalse();
    }

    @Test
    void aChangedRouteIsVerifiedAgainAndARepairedOneConvergesAgain() {
        HandBuiltPlane plane = new HandBuiltPlane(4).lineRoutes();
        ConvergenceTracker t = trackerFor(plane);
        assertThat(t.check()).isTrue();
        plane.route(2, 0, 3);
        t.fibChanged(2, HandBuiltPlane.keyOf(0), true, true);
        assertThat(t.check()).isFalse();
        plane.route(2, 0, 1);
        t.fibChanged(2, HandBuiltPlane.keyOf(0), true, true);
        assertThat(t.check()).isTrue();
    }

    @Test
    void anEntryAtTheOwnerItselfDoesNotCount() {
        HandBuiltPlane plane = new HandBuiltPlane(2).lineRoutes();
        ConvergenceTracker t = trackerFor(plane);
        t.fibChanged(0, HandBuiltPlane.keyOf(0), false, true);
        assertThat(t.completeness()).isEqualTo(1.0);
        assertThat(t.check()).isTrue();
    }

    /**
     * After a verification, only the walks from the changed nodes are taken again: they find a change that breaks
     * the paths of nodes that did not change (3 and 4 go through 2, which now points back at 1's new next hop), and
     * a change that keeps every path whole converges again.
     */
    @Test
    void aChangeIsJudgedByTheWalksFromTheChangedNodesAndCatchesThePathsThroughThem() {
        HandBuiltPlane plane = new HandBuiltPlane(5).lineRoutes();
        ConvergenceTracker t = trackerFor(plane);
        assertThat(t.check()).isTrue();
        plane.route(1, 0, 2);
        t.fibChanged(1, HandBuiltPlane.keyOf(0), true, true);
        assertThat(t.check()).isFalse();
        assertThat(t.unreachable()).extracting(ConvergenceTracker.Destination::owner).containsExactly(0);
        plane.route(1, 0, 0);
        t.fibChanged(1, HandBuiltPlane.keyOf(0), true, true);
        plane.route(4, 0, 3);
        t.fibChanged(4, HandBuiltPlane.keyOf(0), true, true);
        assertThat(t.check()).isTrue();
        assertThat(t.unreachable()).isEmpty();
    }
}
