package org.jbabel.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import org.jbabel.config.FilterAction;
import org.jbabel.config.FilterKind;
import org.jbabel.config.Filters;
import org.jbabel.config.RouteDescription;
import org.jbabel.wire.RouteKey;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.Prefix;

/**
 * What the node originates from the kernel (babeld's xroutes); sans-IO. Candidates are the local addresses of
 * every interface (link-local ones excepted, each as a host route) and the kernel routes of the import tables
 * that are not ours (protocol 42 is ignored). Each candidate goes through the {@code redistribute} filters; an
 * allowed one becomes a route key (made source-specific by {@code src-prefix}) with the filter's metric. When
 * several candidates give the same key, the smallest metric is announced, and the key is withdrawn only when
 * the last of them is gone.
 */
public final class Redistributor {

    /** A change to announce: originate {@code key} with {@code metric}, or withdraw it ({@code metric} < 0). */
    public record Change(RouteKey key, int metric) {
        public boolean withdrawn() {
            return metric < 0;
        }
    }

    /** A kernel route's identity: what the kernel itself tells routes apart by. */
    private record RouteId(int table, Prefix destination, Prefix source, long priority) {}

    /** A local address's identity. */
    private record AddressId(int ifindex, Prefix host) {}

    private final Filters filters;
    private final Set<Integer> importTables;
    private final IntFunction<String> interfaceName;
    private final Map<Object, Change> candidates = new HashMap<>();
    private final Map<RouteKey, Integer> announced = new LinkedHashMap<>();

    /**
     * @param filters the configuration's filters (only {@code redistribute} rules are used)
     * @param importTables the kernel tables routes are taken from
     * @param interfaceName the name of an interface by ifindex (null when unknown)
     */
    public Redistributor(Filters filters, Set<Integer> importTables, IntFunction<String> interfaceName) {
        this.filters = Objects.requireNonNull(filters);
        this.importTables = Set.copyOf(importTables);
        this.interfaceName = Objects.requireNonNull(interfaceName);
    }

    /** Replaces every candidate (at start and on a full re-scan). */
    public void reset(List<KernelRoute> routes, List<InterfaceAddress> addresses) {
        candidates.clear();
        routes.forEach(this::routeAdded);
        addresses.forEach(this::addressAdded);
    }

    public void routeAdded(KernelRoute r) {
        Object id = new RouteId(r.table(), r.destination(), r.source(), r.priority());
        Change c = candidate(r);
        if (c == null) {
            candidates.remove(id);
        } else {
            candidates.put(id, c);
        }
    }

    public void routeRemoved(KernelRoute r) {
        candidates.remove(new RouteId(r.table(), r.destination(), r.source(), r.priority()));
    }

    public void addressAdded(InterfaceAddress a) {
        Prefix host = Prefix.host(a.address());
        // an address of link (or host) scope is for its link only: an anycast gateway such as roaming's next-node
        if (a.linkLocal() || a.scope() >= InterfaceAddress.SCOPE_LINK || host.isMartian()) {
            return;
        }
        RouteKey key = RouteKey.of(host);
        FilterAction action = filters.evaluate(FilterKind.REDISTRIBUTE,
                RouteDescription.localAddress(key, interfaceName.apply(a.ifindex())));
        AddressId id = new AddressId(a.ifindex(), host);
        if (action.denies()) {
            candidates.remove(id);
        } else {
            candidates.put(id, new Change(withSource(key, action), action.metric()));
        }
    }

    public void addressRemoved(InterfaceAddress a) {
        candidates.remove(new AddressId(a.ifindex(), Prefix.host(a.address())));
    }

    /** What to originate and withdraw since the last call. */
    public List<Change> update() {
        Map<RouteKey, Integer> wanted = new LinkedHashMap<>();
        for (Change c : candidates.values()) {
            wanted.merge(c.key(), c.metric(), Math::min);
        }
        List<Change> changes = new ArrayList<>();
        for (var it = announced.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                changes.add(new Change(e.getKey(), -1));
                it.remove();
            }
        }
        for (var e : wanted.entrySet()) {
            Integer old = announced.put(e.getKey(), e.getValue());
            if (!e.getValue().equals(old)) {
                changes.add(new Change(e.getKey(), e.getValue()));
            }
        }
        return changes;
    }

    /** The keys originated now, with their metrics. */
    public Map<RouteKey, Integer> announced() {
        return Map.copyOf(announced);
    }

    private Change candidate(KernelRoute r) {
        if (r.protocol() == KernelRoute.PROTOCOL_BABEL || !importTables.contains(r.table())) {
            return null;
        }
        boolean blackhole = r.type() == RouteType.UNREACHABLE || r.type() == RouteType.BLACKHOLE
                || r.type() == RouteType.PROHIBIT;
        if (!(r.type() == RouteType.UNICAST || (blackhole && !r.destination().isZeroLength()))) {
            return null;
        }
        if (r.destination().isMartian()) {
            return null;
        }
        RouteKey key = new RouteKey(r.destination(), r.source());
        String ifname = r.ifindex() == 0 ? null : interfaceName.apply(r.ifindex());
        FilterAction action = filters.evaluate(FilterKind.REDISTRIBUTE,
                RouteDescription.kernel(key, r.protocol(), ifname));
        return action.denies() ? null : new Change(withSource(key, action), action.metric());
    }

    private static RouteKey withSource(RouteKey key, FilterAction action) {
        Prefix src = action.sourcePrefix();
        if (src == null || src.family() != key.prefix().family()) {
            return key;
        }
        return new RouteKey(key.prefix(), src);
    }
}
