package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.EngineLimits;
import org.jbabel.engine.Time;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's flaps: a gateway with more point-to-point neighbours than its unicast welcome budget
 * ({@link EngineLimits#welcomeBurst}, 16) used to owe the rest their wildcard retraction and send it as the budget
 * refilled (two a second), after its table had reached them by multicast: each late retraction took every route a
 * leaf had learned through the gateway, the leaf's seqno requests made every origin raise its seqno, and the whole
 * mesh re-announced everything, twice a second, for as long as retractions were owed (the Freifunk maps' gateways
 * have 42 to 78 neighbours). A neighbour alone on its interface now gets the retraction and the table together by
 * multicast, outside the budget.
 */
class GatewayWelcomeTest {

    private static Topology star(int leaves) {
        List<String> names = new ArrayList<>();
        List<Topology.Link> links = new ArrayList<>();
        names.add("hub");
        for (int i = 1; i <= leaves; i++) {
            names.add("leaf" + i);
            links.add(Topology.Link.plain(0, i));
        }
        return new Topology("star-" + leaves, names, links, 0, 0);
    }

    @Test
    void aHubWithMoreNeighboursThanTheWelcomeBudgetLeavesTheirRoutesAloneOnceConverged() {
        Simulation sim = new Simulation(star(60), SimConfig.defaults().withDuration(Time.seconds(40)));
        sim.runUntil(Time.seconds(3));
        assertThat(sim.checkConvergedNow()).isTrue();
        SimReport converged = sim.report();
        sim.runUntil(Time.seconds(40));
        SimReport end = sim.report();
        assertThat(sim.checkConvergedNow()).isTrue();
        assertThat(end.fibUpdates()).as("FIB changes after convergence in a static, lossless star")
                .isEqualTo(converged.fibUpdates());
        assertThat(end.blackholesObserved()).isEqualTo(converged.blackholesObserved());
        // 60 leaves, 61 routes each: the periodic updates and Hellos of 37 s are some 4,000 packets; the late
        // retractions and the seqno floods they caused were 8,000 more.
        assertThat(end.packetsSent() - converged.packetsSent()).isLessThan(6_000);
    }
}
