package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.Action;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.engine.Time;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.junit.jupiter.api.Test;

/** The simulator's driver, checked with a toy distance-vector engine and a toy codec instead of the real ones. */
class SimulationDriverTest {

    private final List<ToyDistanceVector> engines = new ArrayList<>();

    private Simulation toySim(Topology t, SimConfig c) {
        return new Simulation(t, c, (id, seqno, config, random) -> {
            ToyDistanceVector e = new ToyDistanceVector(id, seqno);
            engines.add(e);
            return e;
        }, new ToyCodec());
    }

    private ToyDistanceVector engineOf(int node, Simulation sim) {
        return engines.stream().filter(e -> e.routerId.value() == 0x0200_0000_0000_0000L + node + 1)
                .reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void aLineConvergesLoopFreeAndEveryNodeEndsWithARouteToEveryOther() {
        Simulation sim = toySim(Topology.line(6), SimConfig.defaults());
        SimReport r = sim.run();
        assertThat(r.converged()).isTrue();
        assertThat(r.convergedAtEnd()).isTrue();
        assertThat(r.loopsObserved()).isZero();
        assertThat(r.fibEntries()).isEqualTo(6 * 5);
        assertThat(r.fibCompleteness()).isEqualTo(1.0);
        // Hop by hop, at most one period each: the far end hears of the other end within 5 periods (+ start spread).
        assertThat(r.convergenceSeconds()).isBetween(2.0, 8.0);
        assertThat(r.durationSeconds()).isGreaterThanOrEqualTo(r.convergenceSeconds() + 10);
        for (int n = 0; n < 6; n++) {
            assertThat(sim.fib(n).size()).isEqualTo(5);
        }
    }

    @Test
    void packetsAndBytesAreCountedPerDatagram() {
        SimReport r = toySim(Topology.line(3), SimConfig.defaults().withStartSpread(0)).run();
        assertThat(r.packetsSent()).isPositive();
        // Datagrams still in flight when the run ends are neither delivered nor lost.
        assertThat(r.packetsDelivered()).isBetween(r.packetsSent() - r.packetsLost() - 3, r.packetsSent() - r.packetsLost());
        assertThat(r.bytesSent()).isGreaterThanOrEqualTo(r.packetsSent() * 8);
        assertThat(r.problemsCounted()).isZero();
    }

    @Test
    void aReceivedPacketComesFromTheSendersLinkLocalToTheGroupAfterTheLinkDelay() {
        Simulation sim = toySim(Topology.line(2), SimConfig.defaults().withStartSpread(0).withDelay(Time.millis(7)));
        sim.runUntil(Time.seconds(3));
        ToyDistanceVector one = engineOf(1, sim);
        ToyDistanceVector.Received first = one.received.getFirst();
        assertThat(first.ifname()).isEqualTo("l0");
        assertThat(first.source()).isEqualTo(Simulation.linkLocalOf(0, 0));
        assertThat(first.destination()).isEqualTo(IpAddress.BABEL_GROUP);
        assertThat(first.now()).isEqualTo(Simulation.ORIGIN + Time.millis(7));
    }

    @Test
    void eachNodeIsWokenAtItsRequestedTimesWithoutStorms() {
        Simulation sim = toySim(Topology.grid(3, 3), SimConfig.defaults().withStartSpread(0));
        sim.runUntil(Time.seconds(20));
        for (ToyDistanceVector e : engines) {
            // One tick per period (the toy asks for exactly that), never two at the same time.
            assertThat(e.ticks).doesNotHaveDuplicates().isSorted();
            assertThat(e.ticks.size()).isBetween(20, 22);
            assertThat(e.ticks.getFirst()).isGreaterThanOrEqualTo(Simulation.ORIGIN);
        }
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedAnotherOne() {
        SimConfig lossy = SimConfig.defaults().withLoss(0.2);
        String a = withoutWallTime(toySim(Topology.grid(4, 4), lossy.withSeed(5)).run());
        String b = withoutWallTime(toySim(Topology.grid(4, 4), lossy.withSeed(5)).run());
        String c = withoutWallTime(toySim(Topology.grid(4, 4), lossy.withSeed(6)).run());
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void totalLossNeverConvergesAndTheRunEndsAtItsDuration() {
        SimReport r = toySim(Topology.line(3), SimConfig.defaults().withLoss(1).withDuration(Time.seconds(30))).run();
        assertThat(r.converged()).isFalse();
        assertThat(r.packetsLost()).isEqualTo(r.packetsSent());
        assertThat(r.durationSeconds()).isEqualTo(30.0);
        assertThat(r.fibCompleteness()).isZero();
    }

    @Test
    void forwardingLoopsInstalledByAnEngineAreObservedAndDescribed() {
        // Every node sends everything out of its first interface: on a line, nodes 0 and 1 point at each other.
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(5)),
                (id, seqno, config, random) -> new FirstInterfaceForAll(3, (int) (id.value() - 0x0200_0000_0000_0000L - 1)),
                new ToyCodec());
        SimReport r = sim.run();
        assertThat(r.loopsObserved()).isPositive();
        assertThat(r.firstLoops()).isNotEmpty();
        assertThat(r.firstLoops().getFirst()).contains("fd00:0:", "->");
        assertThat(r.converged()).isFalse();
    }

    @Test
    void aLoopThroughARestartedNodeIsToldApartWhileItsNeighbourHasNotHeardOfTheRestart() {
        // Nodes 0 and 1 point at each other for node 2's prefix; the engines send nothing, so after node 0 restarts
        // node 1 never gets a Hello (or a retraction) from it.
        Simulation sim = new Simulation(Topology.line(3), SimConfig.defaults().withStartSpread(0),
                (id, seqno, config, random) -> new FirstInterfaceForAll(3, (int) (id.value() - 0x0200_0000_0000_0000L - 1)),
                new ToyCodec());
        sim.runUntil(Time.seconds(1));
        long before = sim.loopsObserved();
        assertThat(before).isPositive();
        assertThat(sim.loopsThroughUnheardRestarts()).isZero();

        sim.scheduleRestart(Time.seconds(2), 0);
        sim.runUntil(Time.seconds(3));
        assertThat(sim.loopsObserved()).isGreaterThan(before);
        assertThat(sim.loopsThroughUnheardRestarts()).isEqualTo(sim.loopsObserved() - before);
        assertThat(sim.report().firstLoops().getLast()).endsWith("(through 0, whose restart 1 has not heard of)");
    }

    @Test
    void anUnheardRestartOnTheWayIntoALoopDoesNotExcuseIt() {
        // On a line of five, 0 and 1 point at each other, 2 at 1, 3 at 2 and 4 at 3. Node 2 restarts (3 never hears
        // of it), then node 3: its walk towards node 4 passes 3 -> 2 before it reaches the loop between 0 and 1,
        // which no restart explains.
        Simulation sim = new Simulation(Topology.line(5), SimConfig.defaults().withStartSpread(0),
                (id, seqno, config, random) -> new FirstInterfaceForAll(5, (int) (id.value() - 0x0200_0000_0000_0000L - 1)),
                new ToyCodec());
        sim.scheduleRestart(Time.seconds(2), 2);
        sim.runUntil(Time.seconds(2));
        long before = sim.loopsObserved();
        sim.scheduleRestart(Time.seconds(3), 3);
        sim.runUntil(Time.seconds(3));
        assertThat(sim.loopsObserved()).isGreaterThan(before);
        assertThat(sim.loopsThroughUnheardRestarts()).isZero();
        assertThat(sim.report().firstLoops().getLast()).contains("3 -> 2 -> 1 -> 0 -> 1").doesNotContain("restart");
    }

    @Test
    void aFailedLinkWithCarrierSenseTakesItsInterfacesDownAndTheMeshReconverges() {
        Simulation sim = toySim(Topology.grid(3, 3), SimConfig.defaults().withCarrierSense(true));
        sim.scheduleLinkState(Time.seconds(20), sim.linkBetween(0, 1), false);
        SimReport r = sim.run();
        assertThat(r.linkFailures()).isEqualTo(1);
        assertThat(r.convergedAtEnd()).isTrue();
        assertThat(r.reconvergenceSeconds()).isNotNull().isPositive();
        SimFib.Entry toOne = sim.fib(0).lookup(Simulation.probeOf(1), IpAddress.V6_UNSPECIFIED);
        assertThat(toOne.ifname()).isEqualTo("l" + sim.linkBetween(0, 3));
    }

    @Test
    void anOwnInterfaceComesBackTentativeHearingAtOnceAndSendingOnlyOnceReadyWhileTheFarEndSeesCarrier() {
        Simulation sim = toySim(Topology.line(2), SimConfig.defaults().withStartSpread(0).withCarrierSense(true));
        sim.scheduleInterfaceDown(Time.seconds(20), 0, 0);
        sim.scheduleInterfaceUp(Time.seconds(22), 0, 0, Time.millis(1500));
        sim.runUntil(Time.seconds(30));
        long o = Simulation.ORIGIN;
        assertThat(engineOf(0, sim).interfaceEvents).filteredOn(e -> e.now() >= o + Time.seconds(20)).containsExactly(
                new ToyDistanceVector.InterfaceEvent(o + Time.seconds(20), "down", "l0"),
                new ToyDistanceVector.InterfaceEvent(o + Time.seconds(22), "up", "l0"),
                new ToyDistanceVector.InterfaceEvent(o + Time.millis(23_500), "ready", "l0"));
        assertThat(engineOf(1, sim).interfaceEvents).filteredOn(e -> e.now() >= o + Time.seconds(20)).containsExactly(
                new ToyDistanceVector.InterfaceEvent(o + Time.seconds(20), "down", "l0"),
                new ToyDistanceVector.InterfaceEvent(o + Time.seconds(22), "up", "l0"));
        // Node 0 hears node 1 from the moment it is up; node 1 hears node 0 only once its address is ready.
        assertThat(engineOf(0, sim).received).filteredOn(r -> r.now() > o + Time.seconds(20))
                .first().satisfies(r -> assertThat(r.now()).isBetween(o + Time.seconds(22), o + Time.millis(23_500)));
        assertThat(engineOf(1, sim).received).filteredOn(r -> r.now() > o + Time.seconds(20))
                .first().satisfies(r -> assertThat(r.now()).isGreaterThan(o + Time.millis(23_500)));
        assertThat(sim.sendsWhileTentative()).isPositive();
        assertThat(sim.report().convergedAtEnd()).isTrue();
    }

    @Test
    void aReceiveFilterHidesTlvsFromTheEngine() {
        Simulation sim = new Simulation(Topology.line(2), SimConfig.defaults().withStartSpread(0));
        List<Object> seen = new ArrayList<>();
        sim.setReceiveFilter(1, (ifname, source, destination, tlv) -> {
            seen.add(tlv);
            return !(tlv instanceof org.jbabel.wire.Tlv.Update);
        });
        sim.runUntil(Time.seconds(30));
        assertThat(seen).anyMatch(t -> t instanceof org.jbabel.wire.Tlv.Update);
        assertThat(sim.fib(0).lookup(Simulation.probeOf(1), IpAddress.V6_UNSPECIFIED)).isNotNull();
        assertThat(sim.fib(1).lookup(Simulation.probeOf(0), IpAddress.V6_UNSPECIFIED)).as("no update reached 1")
                .isNull();
        assertThatThrownBy(() -> sim.setReceiveFilter(0, (i, s, d, t) -> true))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSilentlyFailedLinkDropsPacketsAndBreaksConvergenceWhileRoutesStillUseIt() {
        Simulation sim = toySim(Topology.line(3), SimConfig.defaults().withDuration(Time.seconds(40)));
        sim.scheduleLinkState(Time.seconds(20), 0, false);
        SimReport r = sim.run();
        assertThat(r.converged()).isTrue();
        assertThat(r.convergedAtEnd()).isFalse();
        assertThat(r.durationSeconds()).isEqualTo(40.0);
    }

    @Test
    void aRestartedNodeGetsAFreshEngineWithTheSameRouterIdAndTheNextSeqnoAndAnEmptyFib() {
        Simulation sim = toySim(Topology.line(3), SimConfig.defaults());
        sim.scheduleRestart(Time.seconds(15), 1);
        sim.runUntil(Time.seconds(15));
        assertThat(sim.fib(1).size()).isZero();
        List<ToyDistanceVector> ofNode1 = engines.stream()
                .filter(e -> e.routerId.value() == 0x0200_0000_0000_0000L + 2).toList();
        assertThat(ofNode1).hasSize(2);
        assertThat(ofNode1.get(1).seqno).isEqualTo((ofNode1.get(0).seqno + 1) & 0xFFFF);
        SimReport r = sim.run();
        assertThat(r.nodeRestarts()).isEqualTo(1);
        assertThat(r.convergedAtEnd()).isTrue();
        assertThat(sim.fib(1).size()).isEqualTo(2);
    }

    @Test
    void disruptionsFromTheConfigurationHappenAfterTheFirstConvergence() {
        SimConfig c = SimConfig.defaults().withCarrierSense(true)
                .withDisruptions(2, 1, Time.seconds(10), Time.seconds(5));
        SimReport r = toySim(Topology.grid(3, 3), c).run();
        assertThat(r.linkFailures()).isEqualTo(2);
        assertThat(r.nodeRestarts()).isEqualTo(1);
        assertThat(r.convergedAtEnd()).isTrue();
        assertThat(r.reconvergenceSeconds()).isNotNull();
    }

    @Test
    void aWithdrawnPrefixIsNoLongerDeliveredByItsOwner() {
        Simulation sim = toySim(Topology.line(2), SimConfig.defaults().withDuration(Time.seconds(30)));
        sim.scheduleWithdraw(Time.seconds(10), 0, RouteKey.of(Simulation.prefixOf(0)));
        sim.runUntil(Time.seconds(11));
        assertThat(sim.delivers(0, Simulation.probeOf(0))).isFalse();
        assertThat(sim.unreachable()).extracting(ConvergenceTracker.Destination::owner).containsExactly(0);
    }

    @Test
    void schedulingInThePastOrOnUnknownLinksIsRefused() {
        Simulation sim = toySim(Topology.line(2), SimConfig.defaults());
        sim.runUntil(Time.seconds(2));
        assertThatThrownBy(() -> sim.scheduleRestart(Time.seconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.scheduleLinkState(Time.seconds(3), 5, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.scheduleLinkLoss(Time.seconds(3), 0, 2, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addressesAndPrefixesAreUniquePerNodeAndLink() {
        assertThat(Simulation.prefixOf(5).toString()).isEqualTo("fd00:0:5::/48");
        assertThat(Simulation.prefixOf(70_000).toString()).isEqualTo("fd00:1:1170::/48");
        assertThat(Simulation.prefixOf(5).contains(Simulation.probeOf(5))).isTrue();
        assertThat(Simulation.linkLocalOf(3, 7).toString()).isEqualTo("fe80::3:0:7");
        assertThat(Simulation.linkLocalOf(3, 7).isLinkLocal()).isTrue();
    }

    private static String withoutWallTime(SimReport r) {
        return r.toJson().replaceAll("\"wallSeconds\":[0-9.E-]+", "");
    }

    /** A broken engine: installs every other node's prefix via its first interface as soon as it is up. */
    private static final class FirstInterfaceForAll implements SimEngine {
        private final int nodes;
        private final int self;
        private final List<Action> actions = new ArrayList<>();
        private boolean installed;

        FirstInterfaceForAll(int nodes, int self) {
            this.nodes = nodes;
            this.self = self;
        }

        @Override
        public void interfaceUp(long now, InterfaceConfig iface) {
            if (installed) {
                return;
            }
            installed = true;
            long link = iface.linkLocal().lo() & 0xffff_ffffL;
            int peer = self == link ? self + 1 : self - 1;
            for (int n = 0; n < nodes; n++) {
                if (n != self) {
                    actions.add(new Action.FibUpdate(Action.FibOp.ADD, RouteKey.of(Simulation.prefixOf(n)),
                            Simulation.linkLocalOf(peer, (int) link), iface.name(), 1));
                }
            }
        }

        @Override
        public void interfaceDown(long now, String ifname) {}

        @Override
        public void receive(long now, String ifname, IpAddress source, IpAddress destination, Packet packet) {}

        @Override
        public void originate(long now, RouteKey key, int metric) {}

        @Override
        public void withdraw(long now, RouteKey key) {}

        @Override
        public void tick(long now) {}

        @Override
        public long nextWakeup() {
            return Long.MAX_VALUE;
        }

        @Override
        public List<Action> pollActions() {
            List<Action> out = List.copyOf(actions);
            actions.clear();
            return out;
        }

        @Override
        public List<SelectedRoute> selectedRoutes() {
            return List.of();
        }
    }
}
