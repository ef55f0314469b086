package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.Time;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's square in the simulator: X - J - B and X - Y - B, the X - Y link dearer (a Wi-Fi link, cost 256 against
 * 96), so X reaches B through J; X's alternative through Y stays feasible (Y's metric 96 is below X's feasibility
 * distance 192). J's link to B is cut without carrier sense (a far end that goes silent, not an interface that goes
 * down): J learns of it only by missing B's Hellos, and X reroutes when J's retraction arrives.
 */
class SquareCutTest {

    private static final int X = 0;
    private static final int J = 1;
    private static final int B = 2;
    private static final int Y = 3;
    private static final long HELLO = Time.seconds(4);

    private static Topology square() {
        return new Topology("square", List.of("X", "J", "B", "Y"),
                List.of(Topology.Link.plain(X, J), Topology.Link.plain(J, B), Topology.Link.plain(B, Y),
                        new Topology.Link(Y, X, 1.0, 1.0, "wifi")),
                0, 0);
    }

    /**
     * B's last Hello reached J at most one Hello interval (jittered: 1.25 of it) before the cut; J's link to B counts
     * as lost when the second Hello after it is missed, 1.7 + 1 intervals after it. So X must have moved to Y at most
     * 2.7 intervals (plus the few milliseconds of the retraction's way) after the cut, whatever the phase of the cut.
     * Before, J counted missed Hellos only at its whole-second housekeeping, up to a second later.
     */
    @Test
    void xReroutesAroundASilentCutWhenJMissesBsSecondHello() {
        List<Long> afterCut = new ArrayList<>();
        for (long seed = 1; seed <= 24; seed++) {
            Simulation sim = new Simulation(square(),
                    SimConfig.defaults().withSeed(seed).withCarrierSense(false).withDuration(Time.seconds(300)));
            while (!sim.converged() && sim.now() < Time.seconds(300)) {
                sim.runUntil(sim.now() + Time.millis(100));
            }
            assertThat(sim.converged()).as("seed %d converged", seed).isTrue();
            sim.runUntil(sim.now() + Time.seconds(90)); // smoothed metrics settled, X on its route through J
            assertThat(via(sim)).as("X's route to B before the cut").isEqualTo("l" + sim.linkBetween(X, J));

            long cut = sim.now() + Time.millis(137 * seed);
            sim.scheduleLinkState(cut, sim.linkBetween(J, B), false);
            sim.runUntil(cut);
            while (!("l" + sim.linkBetween(X, Y)).equals(via(sim)) && sim.now() < cut + Time.seconds(60)) {
                sim.runUntil(sim.now() + Time.millis(5));
            }
            assertThat(via(sim)).as("seed %d: X's route to B around the cut", seed)
                    .isEqualTo("l" + sim.linkBetween(X, Y));
            afterCut.add((sim.now() - cut) / Time.millis(1));
            assertThat(sim.loopsObserved()).isZero();
        }
        long bound = (HELLO * 27 / 10 + Time.millis(50)) / Time.millis(1);
        assertThat(afterCut).as("milliseconds from the cut to X's reroute, per seed").allSatisfy(
                ms -> assertThat(ms).isLessThanOrEqualTo(bound));
    }

    private static String via(Simulation sim) {
        SimFib.Entry e = sim.fib(X).lookup(Simulation.probeOf(B), IpAddress.V6_UNSPECIFIED);
        return e == null ? null : e.ifname();
    }
}
