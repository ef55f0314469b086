package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.IpAddress;

/** The neighbour table, keyed by (interface, link-local address), in order of discovery. */
final class Neighbours {
    private record Key(String ifname, IpAddress address) {}

    private final Map<Key, Neighbour> table = new LinkedHashMap<>();

    Neighbour get(String ifname, IpAddress address) {
        return table.get(new Key(ifname, address));
    }

    Neighbour create(Interfaces.Iface iface, IpAddress address) {
        Neighbour n = new Neighbour(iface, address);
        table.put(new Key(iface.name(), address), n);
        return n;
    }

    void remove(Neighbour n) {
        table.remove(new Key(n.ifname(), n.address));
    }

    Collection<Neighbour> all() {
        return table.values();
    }

    List<Neighbour> on(String ifname) {
        List<Neighbour> result = new ArrayList<>();
        for (Neighbour n : table.values()) {
            if (n.ifname().equals(ifname)) {
                result.add(n);
            }
        }
        return result;
    }
}
