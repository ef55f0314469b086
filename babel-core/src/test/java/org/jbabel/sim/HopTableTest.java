package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.jbabel.wire.RouteKey;
import org.jbabel.engine.Time;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * The path checks' shortcut ({@link ForwardingPlane#hop}) gives what a FIB lookup gives, on every node for every
 * destination, through convergence, link failures (with and without carrier) and restarts; and it steps aside once
 * a script originates another prefix.
 */
class HopTableTest {

    private static void assertHopsMatchTheFibs(Simulation sim, String when) {
        for (int n = 0; n < sim.nodeCount(); n++) {
            for (int d = 0; d < sim.nodeCount(); d++) {
                IpAddress probe = Simulation.probeOf(d);
                long quick = sim.hop(n, probe, IpAddress.V6_UNSPECIFIED);
                if (quick == ForwardingPlane.NOT_KNOWN) {
                    continue;
                }
                SimFib.Entry e = sim.fib(n).lookup(probe, IpAddress.V6_UNSPECIFIED);
                int next = e == null ? -1 : sim.nextNode(n, e);
                long slow = next < 0 ? ForwardingPlane.NO_HOP : next | (sim.hopUp(n, e) ? ForwardingPlane.UP : 0);
                assertThat(quick).as("%s: node %d towards %d", when, n, d).isEqualTo(slow);
                assertThat(sim.delivers(n, probe)).as("%s: %d delivers %d's", when, n, d).isEqualTo(n == d);
            }
        }
    }

    @Test
    void theHopTableAgreesWithTheFibsThroughFailuresAndRestarts() {
        for (boolean carrier : new boolean[] {false, true}) {
            Simulation sim = new Simulation(Topology.grid(5, 4), SimConfig.defaults().withCarrierSense(carrier));
            sim.scheduleLinkState(Time.seconds(6), 3, false);
            sim.scheduleLinkState(Time.seconds(6), 10, false);
            sim.scheduleRestart(Time.seconds(8), 7);
            sim.scheduleLinkState(Time.seconds(14), 3, true);
            int checks = 0;
            for (long t = Time.millis(250); t <= Time.seconds(20); t += Time.millis(250)) {
                sim.runUntil(t);
                assertHopsMatchTheFibs(sim, "carrier " + carrier + " t=" + Time.toSeconds(t));
                checks++;
            }
            assertThat(checks).isEqualTo(80);
            assertThat(sim.hop(0, Simulation.probeOf(5), IpAddress.V6_UNSPECIFIED))
                    .isNotEqualTo(ForwardingPlane.NOT_KNOWN);
        }
    }

    @Test
    void aScriptedOriginationTurnsTheShortcutOff() {
        Simulation sim = new Simulation(Topology.line(4), SimConfig.defaults());
        sim.runUntil(Time.seconds(3));
        assertThat(sim.hop(0, Simulation.probeOf(3), IpAddress.V6_UNSPECIFIED)).isNotEqualTo(ForwardingPlane.NOT_KNOWN);
        RouteKey covering = RouteKey.of(new org.jbabel.wire.Prefix(IpAddress.v6(0xfd00_0000_0000_0000L, 0), 16));
        sim.scheduleOriginate(Time.seconds(4), 3, covering, 0);
        sim.runUntil(Time.seconds(8));
        assertThat(sim.hop(0, Simulation.probeOf(3), IpAddress.V6_UNSPECIFIED)).isEqualTo(ForwardingPlane.NOT_KNOWN);
        assertThat(sim.loopsObserved()).isZero();
    }
}
