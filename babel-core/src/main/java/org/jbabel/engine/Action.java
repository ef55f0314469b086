package org.jbabel.engine;

import java.util.List;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/** What the engine asks its driver (daemon runtime, simulator, test) to do. */
public sealed interface Action {

    /**
     * Send these TLVs on an interface to {@code destination} (the Babel group ff02::1:6 or a neighbour's
     * link-local address). The driver encodes them with {@link org.jbabel.wire.PacketWriter}, which splits them
     * into as many packets as the interface MTU needs; Updates are self-contained so any split is valid.
     */
    record Send(String ifname, IpAddress destination, List<Tlv> tlvs) implements Action {
        public Send {
            tlvs = List.copyOf(tlvs);
        }
    }

    enum FibOp { ADD, REPLACE, REMOVE }

    /** Install, replace or remove a forwarding entry. {@code metric} is the Babel metric of the route. */
    record FibUpdate(FibOp op, RouteKey key, IpAddress nextHop, String ifname, int metric) implements Action {}

    /** Our router-id or seqno changed: the driver may persist them (babeld's state file). */
    record StateChanged(RouterId routerId, int seqno) implements Action {}
}
