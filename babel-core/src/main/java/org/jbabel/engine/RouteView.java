package org.jbabel.engine;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;

/**
 * A read-only snapshot of a learned route, with what babeld's dumps show.
 *
 * @param neighbour the link-local address of the neighbour that announced it
 * @param metric refmetric plus link cost (65535 when retracted or unreachable)
 * @param smoothedMetric the smoothed metric used for selection
 * @param installed whether this is the selected route, installed in the FIB
 * @param feasible whether the route satisfies the feasibility condition now
 * @param refreshedAt engine time of the last finite update
 * @param id an identity unique among the routes of this engine and stable while the route lives (babeld's opaque
 *     route id; print it in hex); a route lives from its first update from a neighbour until it is forgotten
 */
public record RouteView(
        RouteKey key,
        IpAddress neighbour,
        String ifname,
        RouterId routerId,
        int seqno,
        int metric,
        int refmetric,
        int smoothedMetric,
        IpAddress nextHop,
        boolean installed,
        boolean feasible,
        long refreshedAt,
        long id) {}
