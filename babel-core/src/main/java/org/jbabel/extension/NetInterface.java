package org.jbabel.extension;

import java.util.List;
import org.jbabel.wire.IpAddress;

/**
 * An interface Babel runs on, as an extension sees it.
 *
 * @param name the interface name
 * @param ifindex the kernel's interface index (in the simulator: the node's own numbering)
 * @param up whether Babel runs on it now
 * @param linkLocal its IPv6 link-local address, or null while it has none
 * @param addresses every address on it, the link-local one included
 */
public record NetInterface(String name, int ifindex, boolean up, IpAddress linkLocal, List<IpAddress> addresses) {
    public NetInterface {
        addresses = List.copyOf(addresses);
    }
}
