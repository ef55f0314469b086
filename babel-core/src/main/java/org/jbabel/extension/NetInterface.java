package org.jbabel.extension;

import java.util.List;
import org.jbabel.wire.IpAddress;

/**
 * An interface Babel runs on, as an extension sees it.
 *
 * @param name the interface name
 * @param ifindex the kernel's interface index (in the simulator: the node's own numbering)
 * @param up whether Babel runs on it now with a usable link-local address (not while that address is still
 *     tentative: Babel listens there then, but nothing can be sent from it)
 * @param linkLocal its usable IPv6 link-local address, or null while it has none (or only a tentative one)
 * @param addresses every address on it, the link-local one included
 */
public record NetInterface(String name, int ifindex, boolean up, IpAddress linkLocal, List<IpAddress> addresses) {
    public NetInterface {
        addresses = List.copyOf(addresses);
    }
}
