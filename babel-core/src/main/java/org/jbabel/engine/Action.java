package org.jbabel.engine;

import java.util.List;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
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

    /**
     * Install, replace or remove a forwarding entry. {@code metric} is the Babel metric of the route. {@code table}
     * and {@code preferredSource} come from the install filter ({@code table T}, {@code pref-src A}): table 0 means
     * the driver's export table, a null preferred source means none. A REMOVE carries the table and preferred source
     * the entry was installed with. A route that moves to another table is removed from the old one and added to the
     * new one (two updates), never replaced across tables.
     *
     * <p>An entry with neither next hop nor interface and the infinite metric ({@link #unreachable()}) is an
     * unreachable entry: packets to the key are dropped rather than sent along a less specific route (RFC 8966
     * §3.5, "Hold Time"). The engine asks for one when the route in the FIB is lost, and removes it when the key's
     * retracted routes are forgotten.
     */
    record FibUpdate(FibOp op, RouteKey key, IpAddress nextHop, String ifname, int metric, int table,
            IpAddress preferredSource) implements Action {

        /** An entry in the export table without a preferred source. */
        public FibUpdate(FibOp op, RouteKey key, IpAddress nextHop, String ifname, int metric) {
            this(op, key, nextHop, ifname, metric, 0, null);
        }

        /** Whether this installs an unreachable entry (no next hop, no interface, the infinite metric). */
        public boolean unreachable() {
            return op != FibOp.REMOVE && nextHop == null && ifname == null && metric == BabelConstants.INFINITY;
        }
    }

    /** Our router-id or seqno changed: the driver may persist them (babeld's state file). */
    record StateChanged(RouterId routerId, int seqno) implements Action {}
}
