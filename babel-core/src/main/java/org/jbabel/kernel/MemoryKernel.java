package org.jbabel.kernel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.PrefixTrie;

/**
 * A kernel in memory: a forwarding table and a set of links and addresses that tests and the simulator change
 * directly, with the notifications a Linux kernel would send. It follows the Linux rules that matter to a
 * routing daemon: a route is identified by table, destination, source and priority (an IPv6 priority of 0 is
 * stored as 1024); ADD of an existing route fails with EEXIST, REMOVE of a missing one with ESRCH, and a
 * REMOVE with priority or protocol 0 matches any; a route through an unknown interface fails with ENODEV; a
 * route through a gateway Linux will not use (::, ::1, multicast, 0.0.0.0, 127/8, broadcast, or one of the
 * kernel's own addresses) fails with EINVAL; a link going down or away takes the unicast routes through it along.
 * Like Linux, it ignores the source prefix of an IPv4 route (IPv4 has no source-specific routes) and, when built
 * {@link #withoutIpv6Subtrees() without IPv6 subtrees}, refuses an IPv6 route with a source prefix with EINVAL.
 *
 * <p>It also holds policy-routing rules ({@link Rules}): a fresh kernel has the kernel's own rules (local
 * table at priority 0, main at 32766, and for IPv4 default at 32767); {@link #lookup} walks them as Linux
 * does, so tests without root can check where a packet goes. Thread-safe.
 */
public final class MemoryKernel implements Fib, Rules, LinkMonitor {

    /** The priority the kernel gives an IPv6 route written with priority 0. */
    public static final long IPV6_DEFAULT_PRIORITY = 1024;

    private record Key(int table, Prefix destination, Prefix source, long priority) {}

    private final Map<Key, KernelRoute> routes = new LinkedHashMap<>();
    /** The same routes per table for {@link #lookup}: per (destination, source), by priority. */
    private final Map<Integer, PrefixTrie<TreeMap<Long, KernelRoute>>> tables = new HashMap<>();
    private final Map<Integer, Link> links = new TreeMap<>();
    private final List<InterfaceAddress> addresses = new ArrayList<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    /** Rules in the kernel's order: by priority, equal priorities in the order they were added. */
    private final List<KernelRule> rules = new ArrayList<>();
    private final boolean ipv6Subtrees;
    private int nextIfindex = 1;

    /** A kernel with the loopback interface {@code lo} (ifindex 1) up, like a fresh network namespace's. */
    public MemoryKernel() {
        this(true);
    }

    private MemoryKernel(boolean ipv6Subtrees) {
        this.ipv6Subtrees = ipv6Subtrees;
        addLink("lo", LinkKind.LOOPBACK, 65536);
        setLinkState(1, true, true);
        for (Family f : Family.values()) {
            insertRule(new KernelRule(f, KernelRule.PRIORITY_LOCAL, Prefix.zero(f), KernelRule.TABLE_LOCAL,
                    KernelRule.PROTOCOL_KERNEL));
            insertRule(new KernelRule(f, KernelRule.PRIORITY_MAIN, Prefix.zero(f), KernelRoute.TABLE_MAIN,
                    KernelRule.PROTOCOL_KERNEL));
        }
        insertRule(new KernelRule(Family.V4, KernelRule.PRIORITY_DEFAULT, Prefix.zero(Family.V4),
                KernelRule.TABLE_DEFAULT, KernelRule.PROTOCOL_KERNEL));
    }

    /** A kernel built without {@code CONFIG_IPV6_SUBTREES}: IPv6 routes with a source prefix fail with EINVAL. */
    public static MemoryKernel withoutIpv6Subtrees() {
        return new MemoryKernel(false);
    }

    // ---- Fib ----

    /** Faults to inject: the next {@code faultsLeft} route changes answer {@code faultErrno}. */
    private int faultsLeft;
    private int faultErrno;
    private boolean faultApplies;
    private boolean channelFails;

    /**
     * Fault injection: the next {@code changes} route changes answer {@code errno} instead of the real answer, made
     * ({@code applied}: a lost answer, as ENOBUFS on a netlink overrun) or not (a request that never arrived).
     */
    public synchronized void failNext(int changes, int errno, boolean applied) {
        faultsLeft = changes;
        faultErrno = errno;
        faultApplies = applied;
    }

    /** Fault injection: the next {@link #applyAll} fails as a whole, nothing applied (the channel broke). */
    public synchronized void failChannelOnce() {
        channelFails = true;
    }

    @Override
    public synchronized List<FibResult> applyAll(List<FibChange> changes) {
        if (channelFails) {
            channelFails = false;
            throw new KernelException("injected: the netlink channel failed", Errno.ENOBUFS);
        }
        List<FibResult> results = new ArrayList<>(changes.size());
        for (FibChange c : changes) {
            if (faultsLeft > 0) {
                faultsLeft--;
                if (faultApplies) {
                    apply1(c);
                }
                results.add(new FibResult(c, faultErrno));
                continue;
            }
            results.add(new FibResult(c, apply1(c)));
        }
        return results;
    }

    private int apply1(FibChange change) {
        KernelRoute r = normalise(change.route());
        if (r.type() == RouteType.OTHER || (r.family() == Family.V6 && r.sourceSpecific() && !ipv6Subtrees)) {
            return Errno.EINVAL;
        }
        Key key = new Key(r.table(), r.destination(), r.source(), r.priority());
        return switch (change.op()) {
            case ADD -> {
                if (routes.containsKey(key)) {
                    yield Errno.EEXIST;
                }
                yield install(key, r);
            }
            case REPLACE -> install(key, r);
            case REMOVE -> remove(r);
        };
    }

    private int install(Key key, KernelRoute r) {
        if (r.type() == RouteType.UNICAST && r.ifindex() != 0) {
            Link l = links.get(r.ifindex());
            if (l == null) {
                return Errno.ENODEV;
            }
            if (!l.up()) {
                return Errno.ENETDOWN;
            }
        }
        if (r.type() == RouteType.UNICAST && r.nextHop() != null && !usableGateway(r.nextHop())) {
            return Errno.EINVAL;
        }
        KernelRoute stored = r.type() == RouteType.UNICAST ? r
                : new KernelRoute(r.destination(), r.source(), null, 0, r.priority(), r.table(), r.protocol(),
                        r.type(), r.preferredSource());
        routes.put(key, stored);
        index(stored);
        publish(new KernelEvent.RouteAdded(stored));
        return 0;
    }

    /**
     * Whether Linux (6.1, checked with {@code ip route add … via GW dev D onlink}) takes this address as the gateway
     * of an on-link route. It answers EINVAL for IPv6 ::, multicast and local addresses (::1 with {@code lo} up),
     * and for IPv4 0.0.0.0, 127.0.0.0/8 (local with {@code lo} up), multicast, 255.255.255.255 and local addresses;
     * this kernel's local addresses are those added with {@link #addAddress}, ::1 and 127/8. Linux does take
     * 0.1.2.3, 240.0.0.0/4 (240.0.0.1, 255.255.0.3) and v4-mapped IPv6 gateways, which no neighbour can have: the
     * engine drops them on input.
     */
    private boolean usableGateway(IpAddress gw) {
        if (gw.family() == Family.V6) {
            if ((gw.hi() == 0 && (gw.lo() == 0 || gw.lo() == 1)) || gw.isMulticast()) {
                return false;
            }
        } else {
            int a = gw.v4Bits();
            if (a == 0 || (a >>> 24) == 127 || gw.isMulticast() || a == -1) {
                return false;
            }
        }
        for (InterfaceAddress own : addresses) {
            if (own.address().equals(gw)) {
                return false;
            }
        }
        return true;
    }

    private int remove(KernelRoute r) {
        for (Iterator<KernelRoute> it = routes.values().iterator(); it.hasNext(); ) {
            KernelRoute e = it.next();
            if (e.table() == r.table() && e.destination().equals(r.destination()) && e.source().equals(r.source())
                    && (r.priority() == 0 || e.priority() == r.priority())
                    && (r.protocol() == 0 || e.protocol() == r.protocol())) {
                it.remove();
                unindex(e);
                publish(new KernelEvent.RouteRemoved(e));
                return 0;
            }
        }
        return Errno.ESRCH;
    }

    private static KernelRoute normalise(KernelRoute r) {
        if (r.family() == Family.V4 && r.sourceSpecific()) {
            r = new KernelRoute(r.destination(), null, r.nextHop(), r.ifindex(), r.priority(), r.table(),
                    r.protocol(), r.type(), r.preferredSource());
        }
        return r.family() == Family.V6 && r.priority() == 0 ? r.withPriority(IPV6_DEFAULT_PRIORITY) : r;
    }

    @Override
    public synchronized List<KernelRoute> routes() {
        return List.copyOf(routes.values());
    }

    @Override
    public void close() {
        subscriptions.forEach(Subscription::close);
    }

    // ---- Rules ----

    @Override
    public synchronized List<RuleResult> applyRules(List<RuleChange> changes) {
        List<RuleResult> results = new ArrayList<>(changes.size());
        for (RuleChange c : changes) {
            int errno = switch (c.op()) {
                case ADD -> rules.contains(c.rule()) ? Errno.EEXIST : insertRule(c.rule());
                case REMOVE -> rules.remove(c.rule()) ? 0 : Errno.ENOENT;
            };
            results.add(new RuleResult(c, errno));
        }
        return results;
    }

    private int insertRule(KernelRule rule) {
        int at = 0;
        while (at < rules.size() && rules.get(at).priority() <= rule.priority()) {
            at++;
        }
        rules.add(at, rule);
        return 0;
    }

    @Override
    public synchronized List<KernelRule> rules() {
        return List.copyOf(rules);
    }

    /**
     * Where the kernel sends a packet from {@code source} to {@code destination}: the rules of the family in
     * order, each whose source prefix holds {@code source} looking up its table; the first table with a
     * matching route decides (an unreachable route decides too: the packet is dropped). Within a table the
     * lookup is destination first ({@link PrefixTrie}, as Linux's IPv6 subtrees do): the longest destination
     * with a route whose source holds {@code source}, then the longest such source, then the lowest priority.
     * Empty when no table has a route.
     */
    public synchronized Optional<KernelRoute> lookup(IpAddress destination, IpAddress source) {
        if (source.family() != destination.family()) {
            throw new IllegalArgumentException("destination " + destination + " and source " + source + " differ in family");
        }
        for (KernelRule rule : rules) {
            if (rule.family() == destination.family() && rule.source().contains(source)) {
                PrefixTrie<TreeMap<Long, KernelRoute>> table = tables.get(rule.table());
                TreeMap<Long, KernelRoute> found = table == null ? null : table.lookup(destination, source);
                if (found != null) {
                    return Optional.of(found.firstEntry().getValue());
                }
            }
        }
        return Optional.empty();
    }

    private void index(KernelRoute r) {
        PrefixTrie<TreeMap<Long, KernelRoute>> table = tables.computeIfAbsent(r.table(), t -> new PrefixTrie<>());
        TreeMap<Long, KernelRoute> byPriority = table.get(r.destination(), r.source());
        if (byPriority == null) {
            byPriority = new TreeMap<>();
            table.put(r.destination(), r.source(), byPriority);
        }
        byPriority.put(r.priority(), r);
    }

    private void unindex(KernelRoute r) {
        PrefixTrie<TreeMap<Long, KernelRoute>> table = tables.get(r.table());
        TreeMap<Long, KernelRoute> byPriority = table == null ? null : table.get(r.destination(), r.source());
        if (byPriority != null && byPriority.remove(r.priority()) != null && byPriority.isEmpty()) {
            table.remove(r.destination(), r.source());
        }
    }

    // ---- LinkMonitor ----

    @Override
    public synchronized List<Link> links() {
        return List.copyOf(links.values());
    }

    @Override
    public synchronized List<InterfaceAddress> addresses() {
        return List.copyOf(addresses);
    }

    @Override
    public KernelEvents subscribe() {
        Subscription s = new Subscription();
        subscriptions.add(s);
        return s;
    }

    // ---- changes a test or the simulator makes ----

    /** Creates a link, down, and returns its ifindex. */
    public synchronized int addLink(String name, LinkKind kind, int mtu) {
        int ifindex = nextIfindex++;
        int hardwareType = switch (kind) {
            case LOOPBACK -> 772;
            case TUNNEL -> 0xFFFE;
            case WIRED, WIRELESS -> 1;
        };
        Link l = new Link(ifindex, name, false, false, mtu, hardwareType, "", kind);
        links.put(ifindex, l);
        publish(new KernelEvent.LinkChanged(l));
        return ifindex;
    }

    /** Sets a link administratively up or down and with or without carrier. */
    public synchronized void setLinkState(int ifindex, boolean up, boolean running) {
        Link l = existing(ifindex);
        Link changed = new Link(ifindex, l.name(), up, up && running, l.mtu(), l.hardwareType(), l.driverKind(), l.kind());
        links.put(ifindex, changed);
        publish(new KernelEvent.LinkChanged(changed));
        if (!up) {
            dropRoutesThrough(ifindex);
        }
    }

    /** Deletes a link with its addresses and the routes through it. */
    public synchronized void removeLink(int ifindex) {
        Link l = existing(ifindex);
        dropRoutesThrough(ifindex);
        for (InterfaceAddress a : List.copyOf(addresses)) {
            if (a.ifindex() == ifindex) {
                removeAddress(a);
            }
        }
        links.remove(ifindex);
        publish(new KernelEvent.LinkRemoved(ifindex, l.name()));
    }

    /** Adds an address to a link, past duplicate address detection. */
    public synchronized InterfaceAddress addAddress(int ifindex, IpAddress address, int prefixLength) {
        return addAddress(ifindex, address, prefixLength, false);
    }

    /**
     * Adds an address to a link; a {@code tentative} one is in duplicate address detection until
     * {@link #finishDad} (the kernel then announces it again, as Linux does with RTM_NEWADDR).
     */
    public synchronized InterfaceAddress addAddress(int ifindex, IpAddress address, int prefixLength,
            boolean tentative) {
        existing(ifindex);
        InterfaceAddress a = new InterfaceAddress(ifindex, address, prefixLength,
                address.isLinkLocal() ? InterfaceAddress.SCOPE_LINK : 0, tentative);
        addresses.add(a);
        publish(new KernelEvent.AddressAdded(a));
        return a;
    }

    /** Duplicate address detection finished for a tentative address: it is usable now. */
    public synchronized InterfaceAddress finishDad(InterfaceAddress tentative) {
        if (!addresses.remove(tentative)) {
            throw new IllegalArgumentException("no address " + tentative);
        }
        InterfaceAddress a = new InterfaceAddress(tentative.ifindex(), tentative.address(), tentative.prefixLength(),
                tentative.scope(), false);
        addresses.add(a);
        publish(new KernelEvent.AddressAdded(a));
        return a;
    }

    /** Removes an address; false when it was not there. */
    public synchronized boolean removeAddress(InterfaceAddress address) {
        boolean removed = addresses.remove(address);
        if (removed) {
            publish(new KernelEvent.AddressRemoved(address));
        }
        return removed;
    }

    private Link existing(int ifindex) {
        Link l = links.get(ifindex);
        if (l == null) {
            throw new IllegalArgumentException("no link with ifindex " + ifindex);
        }
        return l;
    }

    private void dropRoutesThrough(int ifindex) {
        for (Iterator<KernelRoute> it = routes.values().iterator(); it.hasNext(); ) {
            KernelRoute r = it.next();
            if (r.type() == RouteType.UNICAST && r.ifindex() == ifindex) {
                it.remove();
                unindex(r);
                publish(new KernelEvent.RouteRemoved(r));
            }
        }
    }

    /** Fault injection: while set, changes are made but no notification of them is published. */
    private volatile boolean losingNotifications;

    /**
     * Fault injection: from now on ({@code lose}) or no longer, the kernel's changes are made without notifications,
     * as when a subscriber's socket buffer overran; {@link #overrun} then tells the subscribers so.
     */
    public void loseNotifications(boolean lose) {
        losingNotifications = lose;
    }

    /** Fault injection: what a subscription reports after an overrun (ENOBUFS): {@link KernelEvent.Resync}. */
    public synchronized void overrun() {
        for (Subscription s : subscriptions) {
            s.queue.add(new KernelEvent.Resync());
        }
    }

    private void publish(KernelEvent event) {
        if (losingNotifications) {
            return;
        }
        for (Subscription s : subscriptions) {
            s.queue.add(event);
        }
    }

    private final class Subscription implements KernelEvents {
        private final LinkedBlockingQueue<KernelEvent> queue = new LinkedBlockingQueue<>();

        @Override
        public List<KernelEvent> poll(Duration timeout) {
            List<KernelEvent> out = new ArrayList<>();
            try {
                KernelEvent first = queue.poll(Math.max(timeout.toNanos(), 0), TimeUnit.NANOSECONDS);
                if (first == null) {
                    return out;
                }
                out.add(first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return out;
            }
            queue.drainTo(out);
            return out;
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }
}
