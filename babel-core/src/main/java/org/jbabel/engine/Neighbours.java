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
    private final Map<String, Map<IpAddress, Neighbour>> byInterface = new LinkedHashMap<>();
    private long nextId = 1;

    Neighbour get(String ifname, IpAddress address) {
        return table.get(new Key(ifname, address));
    }

    Neighbour create(Interfaces.Iface iface, IpAddress address, long now) {
        Neighbour n = new Neighbour(nextId++, iface, address, now);
        table.put(new Key(iface.name(), address), n);
        byInterface.computeIfAbsent(iface.name(), k -> new LinkedHashMap<>()).put(address, n);
        return n;
    }

    void remove(Neighbour n) {
        table.remove(new Key(n.ifname(), n.address));
        Map<IpAddress, Neighbour> on = byInterface.get(n.ifname());
        if (on != null) {
            on.remove(n.address);
            if (on.isEmpty()) {
                byInterface.remove(n.ifname());
            }
        }
    }

    /** How many neighbours an interface has. */
    int count(String ifname) {
        Map<IpAddress, Neighbour> on = byInterface.get(ifname);
        return on == null ? 0 : on.size();
    }

    /** How many neighbours there are on all interfaces. */
    int size() {
        return table.size();
    }

    Collection<Neighbour> all() {
        return table.values();
    }

    /** The neighbours on one interface, in order of discovery (a copy). */
    List<Neighbour> on(String ifname) {
        Map<IpAddress, Neighbour> on = byInterface.get(ifname);
        return on == null ? List.of() : new ArrayList<>(on.values());
    }
}
