package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NeighbourBehaviourTest {

    @Test
    void neighboursDiscoverEachOtherAndExchangeIhus() {
        TestNetwork net = new TestNetwork(1);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        net.link("eth0", InterfaceType.WIRED, a, b);
        net.run(Time.seconds(1));

        NeighbourView ab = a.neighbour(b, "eth0");
        NeighbourView ba = b.neighbour(a, "eth0");
        assertThat(ab).isNotNull();
        assertThat(ab.rxcost()).isEqualTo(96);
        assertThat(ab.txcost()).isEqualTo(96);
        assertThat(ab.cost()).isEqualTo(96);
        assertThat(ba.cost()).isEqualTo(96);
    }
}
