package org.jbabel.engine;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;

/**
 * A route as the engine has selected it. For a locally originated route {@code nextHop} and {@code ifname} are
 * null and {@code local} is true.
 */
public record SelectedRoute(
        RouteKey key, RouterId origin, int seqno, int metric, IpAddress nextHop, String ifname, boolean local) {}
