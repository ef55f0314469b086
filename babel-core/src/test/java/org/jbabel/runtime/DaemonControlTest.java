package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.jbabel.control.BabeldText;
import org.jbabel.control.NodeInfo;
import org.jbabel.engine.InterfaceType;
import org.jbabel.engine.InterfaceView;
import org.jbabel.engine.NeighbourView;
import org.jbabel.engine.Time;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;

/** The control socket's dump as the daemon builds it from the engine's views. */
class DaemonControlTest {

    private static final IpAddress LL = IpAddress.parse("fe80::1");

    @Test
    void neighbourLinesShowRttAndRttcostOnlyWhileTheEngineHasAnRtt() {
        InterfaceView vb = new InterfaceView("vb", true, LL, null, InterfaceType.TUNNEL, 1, Time.seconds(4),
                Time.seconds(16), 7, 1500, 96, false, false, false);
        List<NeighbourView> neighbours = List.of(
                new NeighbourView("vb", IpAddress.parse("fe80::2"), 0xffff, 0, 96, 96, 130, 50_123, 34, 1),
                new NeighbourView("vb", IpAddress.parse("fe80::3"), 0xffff, 0, 96, 96, 96, -1, 0, 2));

        List<String> dump = BabeldText.dump(DaemonControl.snapshot(
                new NodeInfo("jbabeld-test", "host", RouterId.parse("02:00:00:ff:fe:00:00:01")), List.of("vb"),
                List.of(vb), neighbours, List.of(), List.of(), Map.of()));

        assertThat(dump).anyMatch(l -> l.startsWith("add neighbour") && l.contains(" address fe80::2 ")
                && l.endsWith(" rxcost 96 txcost 96 rtt 50.123 rttcost 34 cost 130"));
        assertThat(dump).anyMatch(l -> l.startsWith("add neighbour") && l.contains(" address fe80::3 ")
                && l.endsWith(" rxcost 96 txcost 96 cost 96"));
    }
}
