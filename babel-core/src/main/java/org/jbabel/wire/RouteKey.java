package org.jbabel.wire;

/**
 * What a route is for: a destination prefix and a source prefix (RFC 9079). A route that is not
 * source-specific has the zero-length source prefix of its family; there is no second code path for it.
 */
public record RouteKey(Prefix prefix, Prefix source) implements Comparable<RouteKey> {

    public RouteKey {
        if (prefix.family() != source.family()) {
            throw new IllegalArgumentException("destination " + prefix + " and source " + source + " differ in family");
        }
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
