package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StateDiffTest {

    private static StateSnapshot with(List<NeighbourEntry> neighbours, List<RouteEntry> routes) {
        return new StateSnapshot(Fixtures.NODE, List.of(Fixtures.VB), neighbours, List.of(), routes, new TreeMap<>());
    }

    private static List<String> lines(StateSnapshot before, StateSnapshot after) {
        return StateDiff.between(before, after).stream().map(BabeldText::format).toList();
    }

    @Test
    void newEntriesAreAddedInDumpOrder() {
        StateSnapshot empty = StateSnapshot.empty(Fixtures.NODE);
        assertThat(lines(empty, Fixtures.full())).containsExactlyElementsOf(Fixtures.DUMP);
    }

    @Test
    void retractionAndNeighbourLossGiveBabeldsChangeAndFlushLines() {
        // the sequence of the observed transcript: the route is retracted, the link degrades, the route is
        // uninstalled, then route and neighbour disappear
        RouteEntry v4 = Fixtures.ROUTE_V4;
        RouteEntry retracted = new RouteEntry(v4.id(), v4.prefix(), v4.source(), true, v4.routerId(), 65535, 65535,
                v4.via(), v4.ifname());
        NeighbourEntry n = Fixtures.NEIGHBOUR;
        NeighbourEntry degraded = new NeighbourEntry(
                n.id(), n.address(), n.ifname(), 0x3ffe, 0, 65535, 96, n.rtt(), 65535);
        RouteEntry uninstalled = new RouteEntry(v4.id(), v4.prefix(), v4.source(), false, v4.routerId(), 65535,
                65535, v4.via(), v4.ifname());
        NeighbourEntry silent = new NeighbourEntry(n.id(), n.address(), n.ifname(), 0, 0, 65535, 96, n.rtt(), 65535);

        StateSnapshot s0 = with(List.of(n), List.of(v4));
        StateSnapshot s1 = with(List.of(n), List.of(retracted));
        StateSnapshot s2 = with(List.of(degraded), List.of(uninstalled));
        StateSnapshot s3 = with(List.of(silent), List.of(uninstalled));
        StateSnapshot s4 = with(List.of(), List.of());

        assertThat(lines(s0, s1)).containsExactly(Fixtures.EVENTS.get(0));
        assertThat(lines(s1, s2)).containsExactly(Fixtures.EVENTS.get(1), Fixtures.EVENTS.get(2));
        List<String> gone = lines(s3, s4);
        assertThat(gone).containsExactly(Fixtures.EVENTS.get(3), Fixtures.EVENTS.get(4));
    }

    @Test
    void unchangedEntriesGiveNoLines() {
        assertThat(StateDiff.between(Fixtures.full(), Fixtures.full())).isEmpty();
    }

    @Test
    void aNeighbourOnAnotherInterfaceIsAnotherNeighbour() {
        NeighbourEntry n = Fixtures.NEIGHBOUR;
        NeighbourEntry moved = new NeighbourEntry(
                "77", n.address(), "vc", n.reach(), n.ureach(), n.rxcost(), n.txcost(), n.rtt(), n.cost());
        List<ChangeEvent> events = StateDiff.between(with(List.of(n), List.of()), with(List.of(moved), List.of()));
        assertThat(events).extracting(ChangeEvent::kind)
                .containsExactly(ChangeEvent.Kind.ADD, ChangeEvent.Kind.FLUSH);
    }
}
