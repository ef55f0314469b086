package org.jbabel.kernel;

import java.util.Objects;
import org.jbabel.wire.Family;
import org.jbabel.wire.Prefix;

/**
 * One policy-routing rule of the shape jbabel writes: packets of {@code family} whose source address is inside
 * {@code source} are looked up in {@code table} ({@code ip rule add from SOURCE lookup TABLE pref PRIORITY
 * proto PROTOCOL}). Rules are tried in increasing priority; a table without a matching route passes the packet
 * on to the next rule.
 *
 * @param family the address family the rule applies to
 * @param priority the rule's preference, an unsigned 32-bit value; lower numbers are tried first
 * @param source the source prefix; the zero-length prefix matches every source ({@code from all})
 * @param table the routing table to look the destination up in
 * @param protocol the rule's originator as the kernel records it (42 is Babel, 2 the kernel itself)
 */
public record KernelRule(Family family, long priority, Prefix source, int table, int protocol) {

    /** The protocol of the rules the kernel makes itself ({@code RTPROT_KERNEL}). */
    public static final int PROTOCOL_KERNEL = 2;
    /** The priority of the kernel's rule for the local table. */
    public static final long PRIORITY_LOCAL = 0;
    /** The priority of the kernel's rule for the main table. */
    public static final long PRIORITY_MAIN = 32766;
    /** The priority of the kernel's rule for the default table (IPv4 only). */
    public static final long PRIORITY_DEFAULT = 32767;
    /** The local table. */
    public static final int TABLE_LOCAL = 255;
    /** The default table. */
    public static final int TABLE_DEFAULT = 253;

    public KernelRule {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(source, "source");
        if (source.family() != family) {
            throw new IllegalArgumentException("source " + source + " is not " + family);
        }
        if (priority < 0 || priority > KernelRoute.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority " + priority + " out of 0..0xFFFFFFFF");
        }
        if (table < 0 || protocol < 0 || protocol > 255) {
            throw new IllegalArgumentException("table must be non-negative and protocol 0..255");
        }
    }

    /** A Babel rule (protocol 42): packets from {@code source} look up {@code table}. */
    public static KernelRule babel(Prefix source, long priority, int table) {
        return new KernelRule(source.family(), priority, source, table, KernelRoute.PROTOCOL_BABEL);
    }

    /** The same rule with another priority. */
    public KernelRule withPriority(long newPriority) {
        return new KernelRule(family, newPriority, source, table, protocol);
    }

    @Override
    public String toString() {
        return priority + ": from " + (source.isZeroLength() ? "all" : source.toString()) + " lookup " + table
                + " proto " + protocol;
    }
}
