package org.jbabel.control;

import org.jbabel.wire.IpAddress;

/**
 * A neighbour as babeld's dump shows it.
 *
 * @param id an opaque token of lowercase hex digits, unique while the neighbour lives (see {@link #idOf})
 * @param address the neighbour's (link-local) address
 * @param ifname the interface it is heard on
 * @param reach the multicast Hello history, 16 bits, most recent Hello in the top bit
 * @param ureach the unicast Hello history, 16 bits
 * @param rxcost the rxcost we compute for the link
 * @param txcost the last rxcost the neighbour sent us in an IHU (65535 if none)
 * @param rtt the last RTT sample, or null when there is none recent enough to show
 * @param cost the link cost, RTT penalty included
 */
public record NeighbourEntry(String id, IpAddress address, String ifname, int reach, int ureach, int rxcost,
        int txcost, Rtt rtt, int cost) implements Entry {

    /**
     * An RTT sample.
     *
     * @param micros the smoothed round-trip time in microseconds
     * @param cost the cost added for it
     */
    public record Rtt(long micros, int cost) {
        public Rtt {
            if (micros < 0) {
                throw new IllegalArgumentException("negative rtt");
            }
            Metrics.check(cost, "rttcost");
        }
    }

    /** The identity of a neighbour: its address on an interface. */
    public record Key(IpAddress address, String ifname) {}

    public NeighbourEntry {
        Names.check(id, "neighbour id");
        if (address == null) {
            throw new IllegalArgumentException("neighbour address missing");
        }
        Names.check(ifname, "interface name");
        if ((reach & ~0xffff) != 0 || (ureach & ~0xffff) != 0) {
            throw new IllegalArgumentException("hello histories are 16 bits");
        }
        Metrics.check(rxcost, "rxcost");
        Metrics.check(txcost, "txcost");
        Metrics.check(cost, "cost");
    }

    /** A stable opaque id for a neighbour, for daemons that have no better one. */
    public static String idOf(IpAddress address, String ifname) {
        return Names.hashId("neighbour", address, ifname);
    }

    @Override
    public Key key() {
        return new Key(address, ifname);
    }
}
