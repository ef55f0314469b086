package org.jbabel.control;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;

/**
 * A route learned from a neighbour, as babeld's dump shows it (seqno, next hop and feasibility are not part of
 * babeld's line; the JSON form does not add them either).
 *
 * @param id an opaque token of lowercase hex digits, unique while the route lives (see {@link #idOf})
 * @param prefix the destination prefix
 * @param source the source prefix; the zero-length prefix of the family when not source-specific
 * @param installed whether this route is the one in the kernel's table
 * @param routerId the originator's router-id
 * @param metric the route's metric: refmetric + link cost + input filter addition, 65535 when retracted
 * @param refmetric the metric the neighbour announced
 * @param via the neighbour's address
 * @param ifname the interface the neighbour is on
 */
public record RouteEntry(String id, Prefix prefix, Prefix source, boolean installed, RouterId routerId, int metric,
        int refmetric, IpAddress via, String ifname) implements Entry {

    /** The identity of a route: its destination and source prefixes and the neighbour it was learned from. */
    public record Key(Prefix prefix, Prefix source, IpAddress via, String ifname) {}

    public RouteEntry {
        Names.check(id, "route id");
        Routes.checkPrefixes(prefix, source);
        if (routerId == null || via == null) {
            throw new IllegalArgumentException("router-id and neighbour address are required");
        }
        Metrics.check(metric, "metric");
        Metrics.check(refmetric, "refmetric");
        Names.check(ifname, "interface name");
    }

    /** A stable opaque id for a route, for daemons that have no better one. */
    public static String idOf(Prefix prefix, Prefix source, IpAddress via, String ifname) {
        return Names.hashId("route", prefix, source, via, ifname);
    }

    @Override
    public Key key() {
        return new Key(prefix, source, via, ifname);
    }
}
