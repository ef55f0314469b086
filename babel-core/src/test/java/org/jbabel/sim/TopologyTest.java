package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopologyTest {

    @Test
    void aLineJoinsEachNodeToTheNext() {
        Topology t = Topology.line(4);
        assertThat(t.nodeIds()).containsExactly("0", "1", "2", "3");
        assertThat(t.links()).containsExactly(
                Topology.Link.plain(0, 1), Topology.Link.plain(1, 2), Topology.Link.plain(2, 3));
    }

    @Test
    void aGridJoinsEachNodeToItsRightAndLowerNeighbour() {
        Topology t = Topology.grid(3, 2);
        assertThat(t.nodeCount()).isEqualTo(6);
        assertThat(t.links()).containsExactlyInAnyOrder(
                Topology.Link.plain(0, 1), Topology.Link.plain(1, 2), Topology.Link.plain(3, 4),
                Topology.Link.plain(4, 5), Topology.Link.plain(0, 3), Topology.Link.plain(1, 4),
                Topology.Link.plain(2, 5));
        int[] degree = new int[t.nodeCount()];
        t.links().forEach(l -> {
            degree[l.a()]++;
            degree[l.b()]++;
        });
        assertThat(degree).containsExactly(2, 3, 2, 2, 3, 2);
    }

    @Test
    void aThousandNodeGridHasTheLatticeLinkCount() {
        Topology t = Topology.grid(40, 25);
        assertThat(t.nodeCount()).isEqualTo(1000);
        assertThat(t.links()).hasSize(1935);
    }

    @Test
    void linksMustJoinTwoDifferentKnownNodes() {
        assertThatThrownBy(() -> new Topology("x", java.util.List.of("a", "b"),
                java.util.List.of(Topology.Link.plain(0, 0)), 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Topology("x", java.util.List.of("a", "b"),
                java.util.List.of(Topology.Link.plain(0, 2)), 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
