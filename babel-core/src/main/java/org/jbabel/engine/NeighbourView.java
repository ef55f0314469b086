package org.jbabel.engine;

import org.jbabel.wire.IpAddress;

/**
 * A read-only snapshot of a neighbour, as the local socket's {@code neighbour} lines show it.
 *
 * @param reach multicast Hello history, newest Hello in bit 15
 * @param unicastReach unicast Hello history
 * @param rxcost our estimate of the cost of receiving from the neighbour (65535 = unreachable)
 * @param txcost the rxcost the neighbour last reported for us in an IHU (65535 if none)
 * @param cost the link cost used for routes
 * @param rttMicros the smoothed round-trip time (RFC 9616) in microseconds, or -1 when there is no RTT sample less
 *     than 180 s old (timestamps off, or a neighbour that does not echo them)
 * @param rttCost the cost the RTT adds to {@code cost} (0 when {@code rttMicros} is -1)
 * @param id an identity unique among the neighbours of this engine and stable while the neighbour lives (babeld's
 *     opaque neighbour id; print it in hex)
 */
public record NeighbourView(
        String ifname,
        IpAddress address,
        int reach,
        int unicastReach,
        int rxcost,
        int txcost,
        int cost,
        long rttMicros,
        int rttCost,
        long id) {

    /** A neighbour without RTT data. */
    public NeighbourView(String ifname, IpAddress address, int reach, int unicastReach, int rxcost, int txcost,
            int cost, long rttMicros, long id) {
        this(ifname, address, reach, unicastReach, rxcost, txcost, cost, rttMicros, 0, id);
    }
}
