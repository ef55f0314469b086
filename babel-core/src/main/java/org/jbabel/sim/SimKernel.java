package org.jbabel.sim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jbabel.extension.BabelApi;
import org.jbabel.extension.KernelAccess;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * The kernel state of one simulated node (one incarnation: a restart starts with a fresh one, as a reboot would):
 * its addresses, the neighbour table of its client interface, and the routes and rules extensions write with their
 * own protocol numbers. Events (RTM_NEWNEIGH/DELNEIGH, address changes) reach observers asynchronously, as netlink
 * messages would: in a task of the node at the same simulated time, never inside the call that caused them.
 *
 * <p>Routes of the main table (254) take part in forwarding ({@link #lookup}); routes of other tables and rules are
 * kept and listed but not used (the simulator has no policy routing).
 */
final class SimKernel {

    static final int NUD_REACHABLE = 0x02;
    static final int NUD_STALE = 0x04;
    static final int NUD_PERMANENT = 0x80;

    private record NeighbourKey(int ifindex, IpAddress address) {}

    private record RouteId(Prefix destination, Prefix source, int table) {
        static RouteId of(KernelRoute r) {
            return new RouteId(r.destination(), r.source(), r.table());
        }
    }

    private final String nodeName;
    private final Consumer<Runnable> later;

    private final java.util.function.ToIntFunction<String> ifindexOf;
    private final MacvlanMaker macvlans;
    private final List<InterfaceAddress> addresses = new ArrayList<>();
    private final Map<NeighbourKey, KernelAccess.Neighbour> neighbours = new LinkedHashMap<>();
    private final List<Consumer<KernelAccess.Neighbour>> neighbourObservers = new CopyOnWriteArrayList<>();
    private final List<Consumer<KernelAccess.Station>> stationObservers = new CopyOnWriteArrayList<>();
    /** The stations the client interface knows now, by interface and MAC. */
    private final java.util.Map<String, KernelAccess.Station> stations = new java.util.LinkedHashMap<>();
    private final List<KernelAccess.AddressObserver> addressObservers = new CopyOnWriteArrayList<>();
    private final Map<Integer, Map<RouteId, KernelRoute>> routes = new TreeMap<>();
    private final Map<Integer, List<KernelRule>> rules = new TreeMap<>();

    /** How the node makes a macvlan: returns the index its name stands for. */
    interface MacvlanMaker {
        int make(String name, String parent) throws IOException;
    }

    /**
     * @param ifindexOf an interface's index by name, 0 for none
     * @param macvlans makes the macvlans extensions ask for
     * @param later runs a task in the node at the current simulated time, after the current one
     */
    SimKernel(String nodeName, List<InterfaceAddress> initial, java.util.function.ToIntFunction<String> ifindexOf,
            MacvlanMaker macvlans, Consumer<Runnable> later) {
        this.nodeName = nodeName;
        this.ifindexOf = ifindexOf;
        this.macvlans = macvlans;
        this.later = later;
        addresses.addAll(initial);
    }

    // ---------------------------------------------------------------- what the node's data plane asks

    /** Whether {@code a} is an address of this node (on any interface, as Linux's weak host model has it). */
    boolean isLocal(IpAddress a) {
        for (InterfaceAddress ia : addresses) {
            if (ia.address().equals(a)) {
                return true;
            }
        }
        return false;
    }

    /** The address of interface {@code ifindex} of the given family (a link-local one for IPv6), or null. */
    IpAddress addressOn(int ifindex, org.jbabel.wire.Family family) {
        for (InterfaceAddress ia : addresses) {
            if (ia.ifindex() == ifindex && ia.address().family() == family) {
                return ia.address();
            }
        }
        return null;
    }

    /**
     * The most specific own route of the main table for a packet from {@code source} to {@code destination} (then
     * the most specific source, then the lowest priority), or null.
     */
    KernelRoute lookup(IpAddress destination, IpAddress source) {
        KernelRoute best = null;
        for (Map<RouteId, KernelRoute> byId : routes.values()) {
            for (KernelRoute r : byId.values()) {
                if (r.table() != KernelRoute.TABLE_MAIN || !r.destination().contains(destination)
                        || (source != null && !r.source().contains(source))) {
                    continue;
                }
                if (best == null || better(r, best)) {
                    best = r;
                }
            }
        }
        return best;
    }

    private static boolean better(KernelRoute r, KernelRoute than) {
        if (r.destination().length() != than.destination().length()) {
            return r.destination().length() > than.destination().length();
        }
        if (r.source().length() != than.source().length()) {
            return r.source().length() > than.source().length();
        }
        return r.priority() < than.priority();
    }

    /** The client sent from {@code address}: its entry becomes REACHABLE (an event when it was not). */
    void neighbourSeen(int ifindex, IpAddress address, byte[] mac) {
        KernelAccess.Neighbour old = neighbours.get(new NeighbourKey(ifindex, address));
        if (old != null && old.state() == NUD_REACHABLE && Arrays.equals(old.hardwareAddress(), mac)) {
            return;
        }
        if (old != null && (old.state() & NUD_PERMANENT) != 0) {
            return;
        }
        put(new KernelAccess.Neighbour(ifindex, address, mac.clone(), NUD_REACHABLE, false));
    }

    /** The entry of {@code address} is garbage-collected when it still has hardware address {@code mac}. */
    void neighbourExpired(int ifindex, IpAddress address, byte[] mac) {
        KernelAccess.Neighbour old = neighbours.get(new NeighbourKey(ifindex, address));
        if (old != null && (old.state() & NUD_PERMANENT) == 0 && Arrays.equals(old.hardwareAddress(), mac)) {
            remove(ifindex, address);
        }
    }

    private void put(KernelAccess.Neighbour n) {
        neighbours.put(new NeighbourKey(n.ifindex(), n.address()), n);
        fireNeighbour(n);
    }

    private boolean remove(int ifindex, IpAddress address) {
        KernelAccess.Neighbour old = neighbours.remove(new NeighbourKey(ifindex, address));
        if (old == null) {
            return false;
        }
        fireNeighbour(new KernelAccess.Neighbour(ifindex, address, old.hardwareAddress(), old.state(), true));
        return true;
    }

    private void fireNeighbour(KernelAccess.Neighbour n) {
        later.accept(() -> {
            for (Consumer<KernelAccess.Neighbour> o : neighbourObservers) {
                guard(() -> o.accept(n));
            }
        });
    }

    /** An observer that throws fails the simulated run (the daemon logs and survives it: a bug either way). */
    private void guard(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            throw new IllegalStateException("node " + nodeName + ": a kernel observer threw", e);
        }
    }

    /** The own routes of every protocol. */
    List<KernelRoute> allOwnRoutes() {
        List<KernelRoute> all = new ArrayList<>();
        routes.values().forEach(m -> all.addAll(m.values()));
        return all;
    }

    /** Adds an address (an event when it is new). */
    void addAddress(InterfaceAddress address) {
        if (addresses.stream().anyMatch(a -> a.ifindex() == address.ifindex()
                && a.address().equals(address.address()))) {
            return;
        }
        addresses.add(address);
        fireAddress(address, true);
    }

    /** Removes an address (an event when it was there). */
    void removeAddress(InterfaceAddress address) {
        if (addresses.removeIf(a -> a.ifindex() == address.ifindex() && a.address().equals(address.address()))) {
            fireAddress(address, false);
        }
    }

    private void fireAddress(InterfaceAddress address, boolean added) {
        later.accept(() -> {
            for (KernelAccess.AddressObserver o : addressObservers) {
                guard(() -> o.changed(address, added));
            }
        });
    }

    /** Removes the own routes and rules of every protocol (after the extensions stopped). */
    void flushOwnRoutes() {
        routes.clear();
        rules.clear();
    }

    /** The client interface learned ({@code removed} false) or forgot a station; observers hear it in a task. */
    void station(int ifindex, byte[] mac, boolean removed) {
        KernelAccess.Station st = new KernelAccess.Station(ifindex, ifindex, mac.clone(), removed);
        String key = ifindex + " " + java.util.HexFormat.of().formatHex(mac);
        if (removed) {
            stations.remove(key);
        } else {
            stations.put(key, st);
        }
        later.accept(() -> {
            for (Consumer<KernelAccess.Station> o : stationObservers) {
                guard(() -> o.accept(st));
            }
        });
    }

    /** Forgets the observers (after the extensions stopped: their subscriptions die with them). */
    void forgetObservers() {
        neighbourObservers.clear();
        stationObservers.clear();
        addressObservers.clear();
    }

    // ---------------------------------------------------------------- what extensions see

    /** The {@link KernelAccess} of one extension. */
    KernelAccess access() {
        return new Access();
    }

    /** The neighbour table of one interface (0: all). */
    List<KernelAccess.Neighbour> neighbours(int ifindex) {
        return neighbours.values().stream().filter(n -> ifindex == 0 || n.ifindex() == ifindex).toList();
    }

    private final class Access implements KernelAccess {
        @Override
        public int ifindex(String name) throws IOException {
            int index = ifindexOf.applyAsInt(name);
            if (index == 0) {
                throw new IOException("no interface " + name + " on node " + nodeName);
            }
            return index;
        }

        @Override
        public int addMacvlan(String name, String parent, byte[] mac) throws IOException {
            if (mac == null || mac.length != 6) {
                throw new IllegalArgumentException("a macvlan needs a hardware address of 6 bytes");
            }
            return macvlans.make(name, parent);
        }

        @Override
        public List<Station> stations(int bridge) {
            return stations.values().stream().filter(st -> st.bridge() == bridge).toList();
        }

        @Override
        public BabelApi.Subscription onStation(Consumer<Station> observer) {
            stationObservers.add(observer);
            return () -> stationObservers.remove(observer);
        }

        @Override
        public List<Neighbour> neighbours(int ifindex) {
            return SimKernel.this.neighbours(ifindex);
        }

        @Override
        public BabelApi.Subscription onNeighbour(Consumer<Neighbour> observer) {
            neighbourObservers.add(Objects.requireNonNull(observer));
            return () -> neighbourObservers.remove(observer);
        }

        @Override
        public void putNeighbour(Neighbour neighbour) throws IOException {
            if (neighbour.address() == null) {
                throw new IOException("a neighbour entry needs an address (node " + nodeName + ")");
            }
            put(new Neighbour(neighbour.ifindex(), neighbour.address(),
                    neighbour.hardwareAddress() == null ? null : neighbour.hardwareAddress().clone(),
                    neighbour.state(), false));
        }

        @Override
        public void removeNeighbour(int ifindex, IpAddress address) {
            remove(ifindex, address); // nothing happens when it is not there, as in the daemon
        }

        @Override
        public void joinBridge(int ifindex, String bridge) throws IOException {
            throw new IOException("the simulator has no bridges (node " + nodeName + ")");
        }

        /** Simulated links resolve no addresses (packets are routed by address): a proxy entry changes nothing. */
        @Override
        public void putProxyNeighbour(int ifindex, IpAddress address) {}

        @Override
        public void removeProxyNeighbour(int ifindex, IpAddress address) {}

        @Override
        public List<InterfaceAddress> addresses() {
            return List.copyOf(addresses);
        }

        @Override
        public BabelApi.Subscription onAddress(AddressObserver observer) {
            addressObservers.add(Objects.requireNonNull(observer));
            return () -> addressObservers.remove(observer);
        }

        @Override
        public void addAddress(InterfaceAddress address) {
            SimKernel.this.addAddress(address);
        }

        @Override
        public void removeAddress(InterfaceAddress address) {
            SimKernel.this.removeAddress(address);
        }

        @Override
        public OwnRoutes ownRoutes(int protocol) {
            if (protocol < 0 || protocol > 255 || protocol <= 4 || protocol == KernelRoute.PROTOCOL_BABEL) {
                throw new IllegalArgumentException("protocol " + protocol
                        + " is not for an extension (0-4 are the kernel's, 42 is Babel's; take one of 5-255)");
            }
            Map<RouteId, KernelRoute> left = routes.remove(protocol);
            rules.remove(protocol);
            return new Own(protocol, left == null ? List.of() : List.copyOf(left.values()));
        }
    }

    private final class Own implements KernelAccess.OwnRoutes {
        private final int protocol;
        private final List<KernelRoute> leftBehind;

        Own(int protocol, List<KernelRoute> leftBehind) {
            this.protocol = protocol;
            this.leftBehind = leftBehind;
        }

        @Override
        public List<KernelRoute> leftBehind() {
            return leftBehind;
        }

        @Override
        public void add(KernelRoute route) {
            KernelRoute r = new KernelRoute(route.destination(), route.source(), route.nextHop(), route.ifindex(),
                    route.priority(), route.table(), protocol, route.type(), route.preferredSource());
            if (r.type() != RouteType.UNICAST && r.type() != RouteType.UNREACHABLE
                    && r.type() != RouteType.BLACKHOLE && r.type() != RouteType.PROHIBIT) {
                throw new IllegalArgumentException("route type " + r.type() + " cannot be written");
            }
            routes.computeIfAbsent(protocol, p -> new LinkedHashMap<>()).put(RouteId.of(r), r);
        }

        @Override
        public void remove(KernelRoute route) throws IOException {
            Map<RouteId, KernelRoute> mine = routes.get(protocol);
            if (mine == null || mine.remove(RouteId.of(route)) == null) {
                throw new IOException("no route " + route.destination() + " from " + route.source() + " in table "
                        + route.table() + " of protocol " + protocol + " on node " + nodeName);
            }
        }

        @Override
        public void add(KernelRule rule) {
            List<KernelRule> mine = rules.computeIfAbsent(protocol, p -> new ArrayList<>());
            KernelRule r = new KernelRule(rule.family(), rule.priority(), rule.source(), rule.table(), protocol);
            if (!mine.contains(r)) {
                mine.add(r);
            }
        }

        @Override
        public void remove(KernelRule rule) throws IOException {
            List<KernelRule> mine = rules.get(protocol);
            KernelRule r = new KernelRule(rule.family(), rule.priority(), rule.source(), rule.table(), protocol);
            if (mine == null || !mine.remove(r)) {
                throw new IOException("no rule " + rule + " of protocol " + protocol + " on node " + nodeName);
            }
        }

        @Override
        public List<KernelRoute> routes() {
            Map<RouteId, KernelRoute> mine = routes.get(protocol);
            return mine == null ? List.of() : List.copyOf(mine.values());
        }
    }
}
