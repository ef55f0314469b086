package org.jbabel.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jbabel.config.DaemonConfig;
import org.jbabel.config.KeyConfig;
import org.jbabel.config.ResolvedInterface;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.InterfaceType;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.LinkKind;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * Which interfaces Babel runs on right now, from the kernel's links and addresses and the configuration; sans-IO.
 * The daemon feeds it kernel events and asks {@link #update()} what changed.
 *
 * <p>An interface is up for Babel when it is configured (by exact name or pattern, e.g. {@code wg-*}), exists, is
 * administratively up (and running with {@code link-detect}) and has a link-local IPv6 address. While that address
 * is still tentative (duplicate address detection has not finished, 1–2 s after the link comes up) the interface is
 * up but {@linkplain Change.Up#tentative() tentative}: Babel listens there, so that a neighbour's Hello and table
 * sent as soon as it saw our link are heard, but cannot send yet; an {@code Up} without the flag follows when the
 * address is usable. One that is otherwise up but has no link-local address at all, or only a tentative one, is
 * {@linkplain #waitingForLinkLocal() waiting}: the daemon checks again every couple of seconds, as babeld does.
 */
public final class InterfaceTracker {

    /** What changed for the engine. */
    public sealed interface Change {
        /**
         * The interface comes up, or its parameters, addresses or keys changed while up, or its link-local address
         * left duplicate address detection ({@code tentative} true while it has not: nothing can be sent there yet).
         */
        record Up(InterfaceConfig config, Auth auth, boolean tentative) implements Change {
            /** An interface whose link-local address is usable. */
            public Up(InterfaceConfig config, Auth auth) {
                this(config, auth, false);
            }

            /** An interface without MAC authentication. */
            public Up(InterfaceConfig config) {
                this(config, Auth.NONE);
            }
        }

        /** The interface went away or stopped qualifying. */
        record Down(String name, int ifindex) implements Change {}
    }

    /**
     * The MAC authentication of an interface: its keys in configured order (none: packets are neither signed nor
     * checked, as babeld) and babeld's {@code accept-bad-signatures}.
     */
    public record Auth(List<KeyConfig> keys, boolean acceptBadSignatures) {
        /** No authentication. */
        public static final Auth NONE = new Auth(List.of(), false);

        public Auth {
            keys = List.copyOf(keys);
        }

        /** Whether packets on the interface are signed and checked. */
        public boolean enabled() {
            return !keys.isEmpty();
        }
    }

    private final Map<Integer, Link> links = new TreeMap<>();
    private final Map<Integer, List<InterfaceAddress>> addresses = new TreeMap<>();
    private final Map<String, InterfaceConfig> running = new LinkedHashMap<>();
    private final Map<String, Auth> runningAuth = new HashMap<>();
    /** The running interfaces whose link-local address is still tentative. */
    private final Set<String> tentative = new HashSet<>();
    private DaemonConfig config;
    private boolean linkDetect;

    public InterfaceTracker(DaemonConfig config) {
        this.config = Objects.requireNonNull(config);
        this.linkDetect = config.globals().linkDetect();
    }

    /** Replaces what is known of the kernel (at start and after lost notifications). */
    public void reset(List<Link> allLinks, List<InterfaceAddress> allAddresses) {
        links.clear();
        addresses.clear();
        allLinks.forEach(this::linkChanged);
        allAddresses.forEach(this::addressAdded);
    }

    public void linkChanged(Link link) {
        links.put(link.ifindex(), link);
    }

    public void linkRemoved(int ifindex) {
        links.remove(ifindex);
        addresses.remove(ifindex);
    }

    public void addressAdded(InterfaceAddress a) {
        List<InterfaceAddress> list = addresses.computeIfAbsent(a.ifindex(), k -> new ArrayList<>());
        list.removeIf(x -> x.address().equals(a.address()));
        list.add(a);
    }

    public void addressRemoved(InterfaceAddress a) {
        List<InterfaceAddress> list = addresses.get(a.ifindex());
        if (list != null) {
            list.removeIf(x -> x.address().equals(a.address()));
        }
    }

    /** A new configuration (an interface added or flushed on the control socket). */
    public void setConfig(DaemonConfig newConfig) {
        this.config = Objects.requireNonNull(newConfig);
    }

    public DaemonConfig config() {
        return config;
    }

    public void setLinkDetect(boolean on) {
        this.linkDetect = on;
    }

    /** Compares what should run with what runs and returns the differences; downs come first. */
    public List<Change> update() {
        Map<String, Change.Up> wanted = wanted();
        List<Change> changes = new ArrayList<>();
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                changes.add(new Change.Down(e.getKey(), e.getValue().ifindex()));
                runningAuth.remove(e.getKey());
                tentative.remove(e.getKey());
                it.remove();
            }
        }
        for (Change.Up up : wanted.values()) {
            InterfaceConfig c = up.config();
            InterfaceConfig old = running.get(c.name());
            if (old != null && old.ifindex() != c.ifindex()) {
                changes.add(new Change.Down(old.name(), old.ifindex()));
                old = null;
            }
            if (!c.equals(old) || !up.auth().equals(runningAuth.get(c.name()))
                    || up.tentative() != tentative.contains(c.name())) {
                running.put(c.name(), c);
                runningAuth.put(c.name(), up.auth());
                if (up.tentative()) {
                    tentative.add(c.name());
                } else {
                    tentative.remove(c.name());
                }
                changes.add(up);
            }
        }
        return changes;
    }

    /** Whether Babel runs on interface {@code name} only to listen: its link-local address is still tentative. */
    public boolean isTentative(String name) {
        return tentative.contains(name);
    }

    /** The interfaces Babel runs on, by name (a read-only view that follows {@link #update()}). */
    public Map<String, InterfaceConfig> running() {
        return Collections.unmodifiableMap(running);
    }

    /** Configured interfaces that are up but have no usable link-local address yet (none, or a tentative one). */
    public List<String> waitingForLinkLocal() {
        List<String> out = new ArrayList<>();
        for (Link l : links.values()) {
            InterfaceAddress ll = linkLocal(l.ifindex());
            if (config.isConfigured(l.name()) && qualifies(l) && (ll == null || ll.tentative())) {
                out.add(l.name());
            }
        }
        return out;
    }

    /**
     * Whether a configured interface is up without any link-local address, not even a tentative one: Linux adds one
     * when the link comes up but may announce it only once duplicate address detection is over, so the daemon looks
     * for it at once rather than missing the time it could listen.
     */
    public boolean anyWithoutLinkLocal() {
        for (Link l : links.values()) {
            if (config.isConfigured(l.name()) && qualifies(l) && linkLocal(l.ifindex()) == null) {
                return true;
            }
        }
        return false;
    }

    /** The names Babel is configured for that exist or are named exactly, for the dump's interface lines. */
    public List<String> configuredNames() {
        List<String> names = new ArrayList<>(config.exactInterfaceNames());
        for (Link l : links.values()) {
            if (!names.contains(l.name()) && config.isConfigured(l.name())) {
                names.add(l.name());
            }
        }
        return names;
    }

    public Link link(int ifindex) {
        return links.get(ifindex);
    }

    /** The interface called {@code name}, or null. */
    public Link link(String name) {
        for (Link l : links.values()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** Every address on every interface. */
    public List<InterfaceAddress> addresses() {
        List<InterfaceAddress> all = new ArrayList<>();
        addresses.values().forEach(all::addAll);
        return all;
    }

    private Map<String, Change.Up> wanted() {
        Map<String, Change.Up> out = new LinkedHashMap<>();
        List<Link> sorted = new ArrayList<>(links.values());
        sorted.sort(Comparator.comparingInt(Link::ifindex));
        for (Link l : sorted) {
            if (!config.isConfigured(l.name()) || !qualifies(l)) {
                continue;
            }
            InterfaceAddress ll = linkLocal(l.ifindex());
            if (ll == null) {
                continue;
            }
            ResolvedInterface r = config.resolve(l.name(), l.kind() == LinkKind.WIRELESS);
            Auth auth = new Auth(r.keys(), r.acceptBadSignatures());
            out.put(l.name(), new Change.Up(engineInterface(r, l, ll.address(), ipv4(l.ifindex())), auth,
                    ll.tentative()));
        }
        return out;
    }

    private boolean qualifies(Link l) {
        return l.kind() != LinkKind.LOOPBACK && (linkDetect ? l.operational() : l.up());
    }

    /**
     * The engine's view of a configured interface: every per-interface option of the configuration, the kernel's
     * facts (addresses, MTU) and the configured unicast neighbours. A type left open becomes a tunnel when the
     * kernel says so (WireGuard, tun, GRE ...); babeld only detects wireless. Only the shown type changes: the options
     * keep the values resolved for an open type, so timestamps and the RTT penalty stay off unless configured, as
     * with babeld on the same link.
     */
    InterfaceConfig engineInterface(ResolvedInterface r, Link link, IpAddress linkLocal, IpAddress ipv4) {
        InterfaceConfig c = r.toEngine(link.ifindex(), linkLocal, ipv4, link.mtu(), config.neighboursOn(r.name()));
        if (c.type() == InterfaceType.AUTO && link.kind() == LinkKind.TUNNEL) {
            c = c.withType(InterfaceType.TUNNEL);
        }
        return c;
    }

    /** The interface's IPv6 link-local address, a usable one rather than a tentative one; null when it has none. */
    private InterfaceAddress linkLocal(int ifindex) {
        InterfaceAddress tentativeOne = null;
        for (InterfaceAddress a : addresses.getOrDefault(ifindex, List.of())) {
            if (a.address().family() == Family.V6 && a.linkLocal()) {
                if (!a.tentative()) {
                    return a;
                }
                if (tentativeOne == null) {
                    tentativeOne = a;
                }
            }
        }
        return tentativeOne;
    }

    private IpAddress ipv4(int ifindex) {
        for (InterfaceAddress a : addresses.getOrDefault(ifindex, List.of())) {
            if (a.address().family() == Family.V4) {
                return a.address();
            }
        }
        return null;
    }
}
