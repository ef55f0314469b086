package org.jbabel.wire;

import java.util.Objects;

/**
 * What a route is for: a destination prefix and a source prefix (RFC 9079). A route that is not
 * source-specific has the zero-length source prefix of its family; there is no second code path for it.
 *
 * <p>A value: equality, hash and order are those of the two prefixes. A key may also have an {@link #index()}, which
 * is not part of the value: its place in a table of keys that several route tables share ({@link #NO_INDEX} for a key
 * outside such a table). The simulator gives each key of a run one instance with a dense index ({@link #withIndex}),
 * and the tables that see such a key find their entry for it in an array by that index instead of hashing it:
 * thousands of engines then do an array access where each did a hash-table lookup with its cache misses. Only such
 * keys carry the index field (a subclass), so a key of the daemon's tables costs what it did (16 bytes with compact
 * object headers).
 */
public sealed class RouteKey implements Comparable<RouteKey> permits RouteKey.Indexed {

    /** The index of a key that belongs to no shared table. */
    public static final int NO_INDEX = -1;

    private final Prefix prefix;
    private final Prefix source;

    public RouteKey(Prefix prefix, Prefix source) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(source, "source");
        if (prefix.family() != source.family()) {
            throw new IllegalArgumentException("destination " + prefix + " and source " + source + " differ in family");
        }
        this.prefix = prefix;
        this.source = source;
    }

    public static RouteKey of(Prefix prefix) {
        return new RouteKey(prefix, Prefix.zero(prefix.family()));
    }

    public Prefix prefix() {
        return prefix;
    }

    public Prefix source() {
        return source;
    }

    /** The key's place in a shared table of keys, or {@link #NO_INDEX}. */
    public int index() {
        return NO_INDEX;
    }

    /** The same key with an index in a shared table. */
    public RouteKey withIndex(int index) {
        return new Indexed(prefix, source, index);
    }

    public boolean sourceSpecific() {
        return !source.isZeroLength();
    }

    @Override
    public final boolean equals(Object o) {
        return this == o || (o instanceof RouteKey k && prefix.equals(k.prefix) && source.equals(k.source));
    }

    /** Route keys are looked up for every update received: the prefixes' hashes are well mixed and cheap. */
    @Override
    public final int hashCode() {
        return prefix.hashCode() * 31 + source.hashCode();
    }

    @Override
    public final int compareTo(RouteKey o) {
        int c = prefix.compareTo(o.prefix);
        return c != 0 ? c : source.compareTo(o.source);
    }

    @Override
    public final String toString() {
        return sourceSpecific() ? prefix + " from " + source : prefix.toString();
    }

    /** A key with its index in a shared table ({@link RouteKey#withIndex}). */
    static final class Indexed extends RouteKey {
        private final int index;

        Indexed(Prefix prefix, Prefix source, int index) {
            super(prefix, source);
            if (index < 0) {
                throw new IllegalArgumentException("key index " + index + " is negative");
            }
            this.index = index;
        }

        @Override
        public int index() {
            return index;
        }
    }
}
