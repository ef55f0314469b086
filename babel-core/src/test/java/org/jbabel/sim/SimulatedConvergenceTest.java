package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jbabel.engine.InterfaceType;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.engine.Time;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real engine in the simulator: convergence, loop freedom, retractions and starvation recovery. These tests
 * need {@link org.jbabel.engine.BabelEngine}, {@link org.jbabel.wire.PacketWriter} and
 * {@link org.jbabel.wire.PacketReader}; the driver alone is covered by {@link SimulationDriverTest}.
 */
class SimulatedConvergenceTest {

    private static final SimConfig BASE = SimConfig.defaults().withDuration(Time.seconds(300));

    private static void assertConvergedLoopFree(SimReport r) {
        assertThat(r.converged()).as("converged: %s", r.toJson()).isTrue();
        assertThat(r.convergedAtEnd()).as("converged at the end: %s", r.toJson()).isTrue();
        assertThat(r.loopsObserved()).as("loops: %s", r.firstLoops()).isZero();
        assertThat(r.problemsCounted()).as("reader problems").isZero();
    }

    /** Runs until the first convergence and returns its time. */
    private static long runToConvergence(Simulation sim) {
        while (!sim.converged() && sim.now() < Time.seconds(300)) {
            sim.runUntil(sim.now() + Time.millis(100));
        }
        assertThat(sim.converged()).as("converged within 300 s").isTrue();
        return sim.now();
    }

    @Test
    void aLineConvergesAndEveryNodeSelectsARouteToEveryOtherPrefix() {
        Simulation sim = new Simulation(Topology.line(10), BASE);
        assertConvergedLoopFree(sim.run());
        for (int n = 0; n < 10; n++) {
            List<RouteKey> selected = sim.selectedRoutes(n).stream().filter(r -> !r.local()).map(SelectedRoute::key).toList();
            for (int other = 0; other < 10; other++) {
                if (other != n) {
                    assertThat(selected).contains(RouteKey.of(Simulation.prefixOf(other)));
                }
            }
        }
    }

    @Test
    void aGridConvergesLoopFree() {
        assertConvergedLoopFree(new Simulation(Topology.grid(6, 6), BASE).run());
    }

    @Test
    void aLossyGridConvergesLoopFree() {
        assertConvergedLoopFree(new Simulation(Topology.grid(5, 5), BASE.withLoss(0.1).withSeed(3)).run());
    }

    @Test
    void theFreifunkUlmMeshConvergesLoopFree() throws TopologyException {
        assertConvergedLoopFree(new Simulation(TopologyLoader.load("freifunk-ulm"), BASE).run());
    }

    /**
     * The map's measured link qualities as loss (capped at 30 % per direction), with every link wireless: lossy
     * links are what the link-quality (ETX) cost is for. As wired links (2-out-of-3) such links flap by design.
     */
    @Test
    void theFreifunkUlmMeshWithTqLossConvergesLoopFree() throws TopologyException {
        assertConvergedLoopFree(new Simulation(TopologyLoader.load("freifunk-ulm"),
                BASE.withTqLoss(true, 0.3).withForcedType(InterfaceType.WIRELESS)).run());
    }

    /** meshnet-lab's map of two islands (11 + 7 nodes, one of them named by a link only): each converges on its own. */
    @Test
    void islandsConvergeEachOnItsOwn() throws Exception {
        Topology t = TopologyLoaderTest.meshnetLab("17_node_mesh_network");
        SimReport r = new Simulation(t, BASE).run();
        assertConvergedLoopFree(r);
        assertThat(r.components()).isEqualTo(2);
        assertThat(r.fibCompleteness()).isEqualTo(1.0);
    }

    /** Every small map of meshnet-lab's data set converges loop-free (each island on its own). */
    @ParameterizedTest
    @ValueSource(strings = {"big_cross", "feymann_s_channel", "freifunk_mesh_cloud", "small_cross", "split", "two_hop",
        "two_way", "grid8-0049"})
    void meshnetLabsSmallMapsConvergeLoopFree(String name) throws Exception {
        assertConvergedLoopFree(new Simulation(TopologyLoaderTest.meshnetLab(name), BASE).run());
    }

    @Test
    void aNodeWithoutLinksIsAnIslandOfItsOwn() {
        Topology t = new Topology("lonely", List.of("a", "b", "c", "alone"),
                List.of(Topology.Link.plain(0, 1), Topology.Link.plain(1, 2)), 0, 0);
        SimReport r = new Simulation(t, BASE).run();
        assertConvergedLoopFree(r);
        assertThat(r.components()).isEqualTo(2);
    }

    @Test
    void aRetractedPrefixIsHeldUnreachableInEveryFibThenDisappears() {
        Simulation sim = new Simulation(Topology.line(5), BASE);
        long converged = runToConvergence(sim);
        RouteKey key = RouteKey.of(Simulation.prefixOf(0));
        sim.scheduleWithdraw(converged + Time.seconds(1), 0, key);
        sim.runUntil(converged + Time.seconds(6));
        for (int n = 1; n < 5; n++) {
            assertThat(sim.fib(n).get(key)).as("node %d holds the withdrawn prefix as unreachable", n)
                    .satisfies(e -> assertThat(e.unreachable()).isTrue());
        }
        sim.runUntil(converged + Time.seconds(150));
        for (int n = 1; n < 5; n++) {
            assertThat(sim.fib(n).get(key)).as("node %d still holds the withdrawn prefix", n).isNull();
        }
        assertThat(sim.loopsObserved()).isZero();
    }

    @Test
    void starvationIsRecoveredByASeqnoRequestReachingTheSource() {
        // S=0 - X=1 - D=2 (2 hops) and S=0 - Y1=3 - Y2=4 - D=2 (3 hops), all wired (cost 96 per hop). D's feasibility
        // distance for S is 192; when X-D fails, the route via Y2 (288) is unfeasible until S raises its seqno, which
        // it only does when D's seqno request reaches it. Without that, D would wait minutes for the source to expire.
        Topology t = new Topology("starvation", List.of("S", "X", "D", "Y1", "Y2"),
                List.of(Topology.Link.plain(0, 1), Topology.Link.plain(1, 2), Topology.Link.plain(0, 3),
                        Topology.Link.plain(3, 4), Topology.Link.plain(4, 2)), 0, 0);
        Simulation sim = new Simulation(t, BASE.withCarrierSense(true));
        long converged = runToConvergence(sim);
        assertThat(sim.fib(2).lookup(Simulation.probeOf(0), IpAddress.V6_UNSPECIFIED).ifname())
                .isEqualTo("l" + sim.linkBetween(2, 1));
        long failure = converged + Time.seconds(2);
        sim.scheduleLinkState(failure, sim.linkBetween(1, 2), false);
        sim.runUntil(failure + Time.seconds(15));
        SimFib.Entry toS = sim.fib(2).lookup(Simulation.probeOf(0), IpAddress.V6_UNSPECIFIED);
        assertThat(toS).as("D routes to S again").isNotNull();
        assertThat(toS.ifname()).isEqualTo("l" + sim.linkBetween(2, 4));
        assertThat(sim.checkConvergedNow()).isTrue();
        assertThat(sim.loopsObserved()).isZero();
    }

    /**
     * Under link failures, loss changes and restarts, no forwarding loop appears after any event, except one through a
     * node that restarted and that its neighbour in the loop has heard neither a Hello nor a retraction from since
     * ({@link Simulation#loopsThroughUnheardRestarts()}). Such a loop is one Babel allows: the restarted node has lost
     * its feasibility distances, so it may take a route back through that neighbour, which still forwards through it
     * on what it announced before, and which nothing has told otherwise (its start-up retraction and its Hellos were
     * lost, or the link is down without carrier sense). The neighbour keeps that route until its Hellos stop counting.
     */
    @Property(tries = 12)
    void noForwardingLoopAppearsAfterAnyEventExceptThroughARestartItsNeighbourCannotKnowOf(
            @ForAll("smallTopologies") Topology topology,
            @ForAll long seed,
            @ForAll boolean carrierSense,
            @ForAll("disruptions") List<Disruption> disruptions) {
        Simulation sim = new Simulation(topology,
                BASE.withSeed(seed).withCarrierSense(carrierSense).withDuration(Time.seconds(150)));
        for (Disruption d : disruptions) {
            long at = Time.millis(d.atMillis());
            switch (d.kind()) {
                case 0 -> {
                    int link = d.target() % topology.links().size();
                    sim.scheduleLinkState(at, link, false);
                    sim.scheduleLinkState(at + Time.seconds(d.lengthSeconds()), link, true);
                }
                case 1 -> sim.scheduleLinkLoss(at, d.target() % topology.links().size(), 0.3, 0.6);
                default -> sim.scheduleRestart(at, d.target() % topology.nodeCount());
            }
        }
        sim.runUntil(Time.seconds(150));
        SimReport r = sim.report();
        assertThat(r.loopsObserved() - sim.loopsThroughUnheardRestarts()).as("loops: %s", r.firstLoops()).isZero();
    }

    /**
     * A case the property above once found: node 0 restarts while its link to 1 is down (its start-up retraction is
     * lost there) and the link 1-2 turns lossy.
     */
    @Test
    void noLoopWhenANodeRestartsBehindADownLinkWhileAnotherLinkTurnsLossy() {
        Simulation sim = new Simulation(ring6(), BASE.withSeed(1).withCarrierSense(false).withDuration(Time.seconds(150)));
        sim.scheduleLinkState(Time.seconds(5), 0, false);
        sim.scheduleLinkState(Time.seconds(6), 0, true);
        sim.scheduleLinkLoss(Time.seconds(5), 1, 0.3, 0.6);
        sim.scheduleRestart(Time.seconds(5), 0);
        sim.runUntil(Time.seconds(150));
        assertThat(sim.report().loopsObserved()).as("loops: %s", sim.report().firstLoops()).isZero();
    }

    /**
     * Another case the property found: node 2 restarts, then node 0, while the links 0-1 and 0-3 turn lossy. Node 0's
     * start-up retraction is lost towards 3, but its next Hellos arrive: 3 must not go on routing through 0 on the
     * routes 0 announced before its restart (0 no longer has them and takes a route back through 3).
     */
    @Test
    void noLoopWhenARestartedNodesRetractionIsLostButItsHellosArrive() {
        Simulation sim = new Simulation(ring6(), BASE.withSeed(-4).withCarrierSense(true).withDuration(Time.seconds(150)));
        sim.scheduleLinkLoss(Time.seconds(5), 0, 0.3, 0.6);
        sim.scheduleLinkLoss(Time.seconds(5), 6, 0.3, 0.6);
        sim.scheduleRestart(Time.seconds(5), 2);
        sim.scheduleRestart(Time.millis(5061), 0);
        sim.runUntil(Time.seconds(150));
        assertThat(sim.report().loopsObserved()).as("loops: %s", sim.report().firstLoops()).isZero();
        assertThat(sim.converged()).isTrue();
    }

    /** Nodes 0..5 in a ring (links 0-5, link k joins k and k+1) and the chord 0-3 (link 6). */
    private static Topology ring6() {
        return new Topology("ring6", List.of("0", "1", "2", "3", "4", "5"), List.of(Topology.Link.plain(0, 1),
                Topology.Link.plain(1, 2), Topology.Link.plain(2, 3), Topology.Link.plain(3, 4), Topology.Link.plain(4, 5),
                Topology.Link.plain(5, 0), Topology.Link.plain(0, 3)), 0, 0);
    }

    /** One scripted disruption: 0 = link down for a while, 1 = loss change, 2 = node restart. */
    record Disruption(int kind, int target, int atMillis, int lengthSeconds) {}

    @Provide
    Arbitrary<Topology> smallTopologies() {
        return Arbitraries.of(Topology.line(5), Topology.grid(3, 3), Topology.grid(4, 2), ring6());
    }

    @Provide
    Arbitrary<List<Disruption>> disruptions() {
        Arbitrary<Disruption> one = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 1000),
                        Arbitraries.integers().between(5_000, 100_000),
                        Arbitraries.integers().between(1, 40))
                .as(Disruption::new);
        return one.list().ofMinSize(1).ofMaxSize(6);
    }

    @Test
    void tunnelLinksMeasureTheirDelayAndPayTheRttPenaltyOtherLinksDoNot() {
        SimConfig slow = BASE.withDelay(Time.millis(50)).withStartSpread(0);
        Simulation tunnel = new Simulation(Topology.line(2), slow.withForcedType(InterfaceType.TUNNEL));
        Simulation wired = new Simulation(Topology.line(2), slow.withForcedType(InterfaceType.WIRED));
        tunnel.runUntil(Time.seconds(120));
        wired.runUntil(Time.seconds(120));

        // 100 ms round trip: a penalty of about 78 (of 96) once the first, doubled sample has been smoothed away.
        assertThat(metricTo(tunnel, 0, 1)).isBetween(96 + 70, 96 + 96);
        assertThat(metricTo(wired, 0, 1)).isEqualTo(96);
        assertThat(tunnel.problems().snapshot().values()).as("reader problems").allMatch(v -> v == 0);
    }

    private static int metricTo(Simulation sim, int from, int to) {
        return sim.selectedRoutes(from).stream().filter(r -> r.key().equals(RouteKey.of(Simulation.prefixOf(to))))
                .findFirst().orElseThrow().metric();
    }

    @Test
    @Tag("slow")
    void aThousandNodeGridConvergesLoopFree() {
        assertConvergedLoopFree(new Simulation(Topology.grid(40, 25), BASE.withDuration(Time.seconds(600))).run());
    }

    @Property(tries = 3)
    void theSameSeedGivesTheSameRun(@ForAll @IntRange(min = 1, max = 1000) int seed) {
        SimConfig c = BASE.withSeed(seed).withLoss(0.05);
        String a = new Simulation(Topology.grid(3, 3), c).run().toJson().replaceAll("\"wallSeconds\":[0-9.E-]+", "");
        String b = new Simulation(Topology.grid(3, 3), c).run().toJson().replaceAll("\"wallSeconds\":[0-9.E-]+", "");
        assertThat(a).isEqualTo(b);
    }

    /**
     * With several threads the engines of the nodes that receive at the same instant run concurrently: the run is the
     * same as on one thread (losses, link failures and restarts included), and the batches did happen.
     */
    @Property(tries = 2)
    void theThreadCountDoesNotChangeTheRun(@ForAll @IntRange(min = 1, max = 1000) int seed) {
        SimConfig c = BASE.withSeed(seed).withLoss(0.05)
                .withDisruptions(3, 2, Time.seconds(5), Time.seconds(2));
        Simulation one = new Simulation(Topology.grid(6, 5), c);
        Simulation three = new Simulation(Topology.grid(6, 5), c);
        three.setThreads(3);
        String a = one.run().toJson().replaceAll("\"wallSeconds\":[0-9.E-]+", "");
        String b = three.run().toJson().replaceAll("\"wallSeconds\":[0-9.E-]+", "");
        assertThat(b).isEqualTo(a);
        assertThat(one.batchedEvents()).isZero();
        assertThat(three.batchedEvents()).as("receives run in batches").isGreaterThan(1000);
        for (int node = 0; node < 30; node++) {
            assertThat(three.selectedRoutes(node)).isEqualTo(one.selectedRoutes(node));
        }
    }
}
