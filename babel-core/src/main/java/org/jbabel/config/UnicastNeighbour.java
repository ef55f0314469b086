package org.jbabel.config;

import org.jbabel.wire.IpAddress;

/**
 * A jbabel addition: {@code neighbour ADDRESS interface IF} configures a neighbour that is reached by unicast,
 * for links without multicast such as WireGuard. The address is the neighbour's IPv6 link-local address.
 */
public record UnicastNeighbour(IpAddress address, String interfaceName, Position position) {}
