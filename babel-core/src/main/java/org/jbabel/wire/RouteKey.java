package org.jbabel.wire;

/**
 * What a route is for: a destination prefix and a source prefix (RFC 9079). A route that is not
 * source-specific has the zero-length source prefix of its family; there is no second code path for it.
 *
 * <p>{@code index} is not part of the value (equality, hash and order ignore it): it is the key's place in a table
 * of keys that several route tables share, {@link #NO_INDEX} for a key outside such a table. The simulator gives
 * each key of a run one instance with a dense index ({@link #withIndex}), and the tables that see such a key find
 * their entry for it in an array by that index instead of hashing it: thousands of engines then do an array access
 * where each did a hash-table lookup with its cache misses.
 */
public record RouteKey(Prefix prefix, Prefix source, int index) implements Comparable<RouteKey> {

    /** The index of a key that belongs to no shared table. */
    public static final int NO_INDEX = -1;

    public RouteKey {
        if (prefix.family() != source.family()) {
            throw new IllegalArgumentException("destination " + prefix + " and source " + source + " differ in family");
        }
        if (index < NO_INDEX) {
            throw new IllegalArgumentException("key index " + index + " is negative");
        }
    }

    public RouteKey(Prefix prefix, Prefix source) {
        this(prefix, source, NO_INDEX);
    }

    /** The same key with an index in a shared table. */
    public RouteKey withIndex(int index) {
        return new RouteKey(prefix, source, index);
    }

    public static RouteKey of(Prefix prefix) {
        return new RouteKey(prefix, Prefix.zero(prefix.family()));
    }

    public boolean sourceSpecific() {
        return !source.isZeroLength();
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof RouteKey k && prefix.equals(k.prefix) && source.equals(k.source));
    }

    /** Route keys are looked up for every update received: the prefixes' hashes are well mixed and cheap. */
    @Override
    public int hashCode() {
        return prefix.hashCode() * 31 + source.hashCode();
    }

    @Override
    public int compareTo(RouteKey o) {
        int c = prefix.compareTo(o.prefix);
        return c != 0 ? c : source.compareTo(o.source);
    }

    @Override
    public String toString() {
        return sourceSpecific() ? prefix + " from " + source : prefix.toString();
    }
}
