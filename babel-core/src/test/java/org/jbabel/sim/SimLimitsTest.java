package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.EngineLimits;
import org.jbabel.engine.Time;
import org.junit.jupiter.api.Test;

/**
 * Table limits in the simulator: a route an engine refuses for a full table is reported (JSON and summary, naming the
 * nodes), never silent; with the simulator's default limits ({@link SimConfig#ENGINE_LIMITS}) a hub with many
 * neighbours keeps every route and the mesh converges.
 */
class SimLimitsTest {

    /** A hub and 20 leaves, each leaf also linked to the next: the hub has 20 neighbours. */
    private static Topology wheel() {
        List<String> names = new ArrayList<>();
        List<Topology.Link> links = new ArrayList<>();
        names.add("hub");
        for (int i = 1; i <= 20; i++) {
            names.add("leaf" + i);
            links.add(Topology.Link.plain(0, i));
            links.add(Topology.Link.plain(i, i % 20 + 1));
        }
        return new Topology("wheel", names, links, 0, 0);
    }

    @Test
    void routesRefusedForAFullTableAreReportedNamingTheNode() {
        // The hub hears 27 routes: its leaves' own prefixes and a few more (split horizon keeps back the rest).
        Simulation sim = new Simulation(wheel(), SimConfig.defaults().withDuration(Time.seconds(20)));
        sim.setEngineConfig(0, SimConfig.defaults().engineConfig()
                .withLimits(EngineLimits.defaults().withRoutes(1_000, 20)));
        SimReport r = sim.run();
        assertThat(r.refusals()).containsKey("route_table_full");
        assertThat(r.refusals().get("route_table_full")).isPositive();
        assertThat(r.refusingNodes()).isEqualTo(1);
        assertThat(r.refusingNodesNamed()).containsOnlyKeys("hub");
        assertThat(r.summary()).contains("REFUSED for full tables").contains("hub=");
        assertThat(r.toJson()).contains("\"route_table_full\"");
    }

    @Test
    void withTheSimulatorsLimitsTheSameMeshConvergesWithoutRefusals() {
        SimReport r = new Simulation(wheel(), SimConfig.defaults().withDuration(Time.seconds(20))).run();
        assertThat(r.converged()).isTrue();
        assertThat(r.convergedAtEnd()).isTrue();
        assertThat(r.loopsObserved()).isZero();
        assertThat(r.refusals()).isEmpty();
        assertThat(r.refusingNodes()).isZero();
    }

    @Test
    void aDaemonHeapGivesTheDaemonsLimits() {
        assertThat(SimConfig.defaults().withDaemonHeap(EngineLimits.DEFAULT_HEAP).engineConfig().limits())
                .isEqualTo(EngineLimits.defaults());
        assertThat(SimConfig.defaults().engineConfig().limits().routes()).isGreaterThan(1_000_000_000);
    }
}
