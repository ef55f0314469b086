package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeterminismTest {

    private static List<List<Action>> run(long seed) {
        TestNetwork net = new TestNetwork(seed);
        TestNetwork.Node a = net.node("a");
        TestNetwork.Node b = net.node("b");
        TestNetwork.Node c = net.node("c");
        TestNetwork.Node d = net.node("d");
        a.originate("2001:db8:a::/48");
        d.originate("10.4.0.0/16");
        net.link("ab", InterfaceType.WIRELESS, a, b);
        net.link("bc", InterfaceType.WIRED, b, c);
        net.link("cd", InterfaceType.WIRELESS, c, d);
        net.link("ad", InterfaceType.WIRELESS, a, d);
        net.link("ab").loss = 0.1;
        net.link("cd").loss = 0.2;
        net.run(Time.seconds(60));
        net.link("bc").up = false;
        net.run(Time.seconds(60));
        List<List<Action>> logs = new ArrayList<>();
        for (TestNetwork.Node n : List.of(a, b, c, d)) {
            logs.add(List.copyOf(n.log));
        }
        return logs;
    }

    @Test
    void sameSeedGivesTheSameActions() {
        List<List<Action>> first = run(77);
        assertThat(first.get(1)).hasSizeGreaterThan(50);
        assertThat(run(77)).isEqualTo(first);
        assertThat(run(78)).isNotEqualTo(first);
    }
}
