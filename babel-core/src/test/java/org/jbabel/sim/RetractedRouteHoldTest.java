package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.jbabel.engine.Time;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.junit.jupiter.api.Test;

/**
 * A retracted route is held in the FIB as unreachable until its retracted routes are forgotten (RFC 8966 §3.5,
 * "Hold Time"; docs/ENGINE.md "Hold time"): a packet for a more specific prefix that was just retracted is dropped,
 * never sent along the covering prefix back to a neighbour that has not yet heard the retraction. Removing the entry
 * at once (jbabel before 2026-12-06) made such loops in every run of these meshes: 3 on the line, 17–20 on the grid.
 */
class RetractedRouteHoldTest {

    /** A /64 inside node 0's /48, originated by another node. */
    private static final RouteKey INSIDE = RouteKey.of(Prefix.parse("fd00:0:0:1::/64"));
    private static final IpAddress IN_INSIDE = IpAddress.parse("fd00:0:0:1::1");

    private static Simulation meshWithTheInsidePrefixAt(Topology t, int seed, int originator) {
        Simulation sim = new Simulation(t, SimConfig.defaults().withSeed(seed).withDuration(Time.seconds(400)));
        sim.scheduleOriginate(Time.seconds(5), originator, INSIDE, 0);
        sim.scheduleWithdraw(Time.seconds(40), originator, INSIDE);
        sim.scheduleOriginate(Time.seconds(60), originator, INSIDE, 0);
        sim.scheduleWithdraw(Time.seconds(80), originator, INSIDE);
        return sim;
    }

    private static boolean heldUnreachable(Simulation sim, int node) {
        SimFib.Entry e = sim.fib(node).lookup(IN_INSIDE, IpAddress.V6_UNSPECIFIED);
        return e != null && e.key().equals(INSIDE) && e.unreachable();
    }

    private static boolean routed(Simulation sim, int node) {
        SimFib.Entry e = sim.fib(node).lookup(IN_INSIDE, IpAddress.V6_UNSPECIFIED);
        return e != null && e.key().equals(INSIDE) && !e.unreachable();
    }

    @Test
    void aRetractedMoreSpecificPrefixNeverLoopsThroughTheCoveringPrefixOnALineOrAGrid() {
        for (Topology t : new Topology[] {Topology.line(6), Topology.grid(4, 4)}) {
            for (int seed = 1; seed <= 4; seed++) {
                int far = t.nodeCount() - 1;
                Simulation sim = meshWithTheInsidePrefixAt(t, seed, far);
                sim.runUntil(Time.seconds(39));
                for (int n = 0; n < far; n++) {
                    assertThat(routed(sim, n)).as("node %d routes the /64 before the withdrawal", n).isTrue();
                }
                sim.runUntil(Time.seconds(41));
                for (int n = 0; n < far; n++) {
                    assertThat(heldUnreachable(sim, n)).as("node %d holds the retracted /64 as unreachable", n)
                            .isTrue();
                }
                sim.runUntil(Time.seconds(65));
                for (int n = 0; n < far; n++) {
                    assertThat(routed(sim, n)).as("node %d routes the /64 again after it came back", n).isTrue();
                }
                sim.runUntil(Time.seconds(300));
                for (int n = 0; n < t.nodeCount(); n++) {
                    SimFib.Entry e = sim.fib(n).lookup(IN_INSIDE, IpAddress.V6_UNSPECIFIED);
                    assertThat(e == null || !e.key().equals(INSIDE))
                            .as("node %d let the /64 go once its retracted routes were forgotten", n).isTrue();
                }
                assertThat(sim.loopsObserved()).as("loops in %s, seed %d: %s", t.nodeCount(), seed,
                        sim.report().firstLoops()).isZero();
            }
        }
    }

    @Test
    void aRetractedDefaultRouteIsRemovedAtOnceNotHeld() {
        RouteKey def = RouteKey.of(Prefix.parse("::/0"));
        IpAddress outside = IpAddress.parse("2001:db8::1");
        Simulation sim = new Simulation(Topology.line(4), SimConfig.defaults().withDuration(Time.seconds(200)));
        sim.scheduleOriginate(Time.seconds(5), 0, def, 0);
        sim.scheduleWithdraw(Time.seconds(40), 0, def);
        sim.runUntil(Time.seconds(39));
        assertThat(sim.fib(3).lookup(outside, IpAddress.V6_UNSPECIFIED)).isNotNull();
        sim.runUntil(Time.seconds(41));
        for (int n = 1; n < 4; n++) {
            assertThat(sim.fib(n).lookup(outside, IpAddress.V6_UNSPECIFIED)).as("node %d", n).isNull();
        }
        assertThat(sim.loopsObserved()).isZero();
    }
}
