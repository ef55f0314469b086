package org.jbabel.kernel;

import java.util.Objects;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * One forwarding entry as the kernel holds it.
 *
 * @param destination the destination prefix
 * @param source the source prefix (RFC 9079); the zero-length prefix of the family means "not source-specific"
 * @param nextHop the gateway: IPv4 for an IPv4 destination, an IPv6 (normally link-local) address for an IPv6
 *     destination, or an IPv6 address for an IPv4 destination (IPv4 via IPv6, {@code RTA_VIA}); null for an
 *     unreachable route or a directly connected one
 * @param ifindex the output interface, 0 for none
 * @param priority the kernel metric, an unsigned 32-bit value (0 .. 0xFFFFFFFF); the kernel stores 0 for an
 *     IPv6 route as 1024
 * @param table the routing table (254 is main)
 * @param protocol the route's originator as the kernel records it (42 is Babel)
 * @param type unicast or unreachable when we write it; anything when we read it
 * @param preferredSource the preferred source address ({@code RTA_PREFSRC}), or null
 */
public record KernelRoute(
        Prefix destination,
        Prefix source,
        IpAddress nextHop,
        int ifindex,
        long priority,
        int table,
        int protocol,
        RouteType type,
        IpAddress preferredSource) {

    /** The protocol number babeld writes ({@code RTPROT_BABEL}), shown by iproute2 as {@code proto babel}. */
    public static final int PROTOCOL_BABEL = 42;
    /** The main routing table. */
    public static final int TABLE_MAIN = 254;
    /** The largest priority the kernel accepts. */
    public static final long MAX_PRIORITY = 0xFFFF_FFFFL;

    public KernelRoute {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(type, "type");
        if (source == null) {
            source = Prefix.zero(destination.family());
        }
        if (source.family() != destination.family()) {
            throw new IllegalArgumentException("source " + source + " and destination " + destination + " differ in family");
        }
        if (nextHop != null && destination.family() == Family.V6 && nextHop.family() == Family.V4) {
            throw new IllegalArgumentException("an IPv6 route cannot go through IPv4 next hop " + nextHop);
        }
        if (preferredSource != null && preferredSource.family() != destination.family()) {
            throw new IllegalArgumentException("preferred source " + preferredSource + " is not of the destination's family");
        }
        if (priority < 0 || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority " + priority + " out of 0..0xFFFFFFFF");
        }
        if (table < 0 || protocol < 0 || protocol > 255 || ifindex < 0) {
            throw new IllegalArgumentException("table, protocol and ifindex must be non-negative (protocol 0..255)");
        }
    }

    /** A Babel unicast route in the main table through {@code nextHop} on interface {@code ifindex}. */
    public static KernelRoute unicast(Prefix destination, Prefix source, IpAddress nextHop, int ifindex, long priority) {
        return new KernelRoute(destination, source, nextHop, ifindex, priority, TABLE_MAIN, PROTOCOL_BABEL,
                RouteType.UNICAST, null);
    }

    /** A Babel unreachable route in the main table: no next hop, no interface. */
    public static KernelRoute unreachable(Prefix destination, Prefix source, long priority) {
        return new KernelRoute(destination, source, null, 0, priority, TABLE_MAIN, PROTOCOL_BABEL,
                RouteType.UNREACHABLE, null);
    }

    public Family family() {
        return destination.family();
    }

    /** True when the route is IPv4 through an IPv6 next hop (written with {@code RTA_VIA}). */
    public boolean v4ViaV6() {
        return destination.family() == Family.V4 && nextHop != null && nextHop.family() == Family.V6;
    }

    public boolean sourceSpecific() {
        return !source.isZeroLength();
    }

    /** The same route in another table. */
    public KernelRoute withTable(int newTable) {
        return new KernelRoute(destination, source, nextHop, ifindex, priority, newTable, protocol, type, preferredSource);
    }

    /** The same route with another priority. */
    public KernelRoute withPriority(long newPriority) {
        return new KernelRoute(destination, source, nextHop, ifindex, newPriority, table, protocol, type, preferredSource);
    }

    /** The same route with a preferred source address. */
    public KernelRoute withPreferredSource(IpAddress address) {
        return new KernelRoute(destination, source, nextHop, ifindex, priority, table, protocol, type, address);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (type != RouteType.UNICAST) {
            sb.append(type.name().toLowerCase(java.util.Locale.ROOT)).append(' ');
        }
        sb.append(destination);
        if (sourceSpecific()) {
            sb.append(" from ").append(source);
        }
        if (nextHop != null) {
            sb.append(" via ").append(nextHop);
        }
        if (ifindex != 0) {
            sb.append(" dev #").append(ifindex);
        }
        sb.append(" metric ").append(priority).append(" table ").append(table).append(" proto ").append(protocol);
        if (preferredSource != null) {
            sb.append(" src ").append(preferredSource);
        }
        return sb.toString();
    }
}
