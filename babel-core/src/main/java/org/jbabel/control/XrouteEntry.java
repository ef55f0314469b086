package org.jbabel.control;

import org.jbabel.wire.Prefix;

/**
 * A route this node originates (redistributed from the kernel or a local address).
 *
 * @param prefix the destination prefix
 * @param source the source prefix; the zero-length prefix of the family when not source-specific
 * @param metric the metric it is announced with
 */
public record XrouteEntry(Prefix prefix, Prefix source, int metric) implements Entry {

    /** The identity of an xroute: its destination and source prefixes. */
    public record Key(Prefix prefix, Prefix source) {}

    public XrouteEntry {
        Routes.checkPrefixes(prefix, source);
        Metrics.check(metric, "metric");
    }

    /** The id babeld prints: {@code <prefix>-<source>}. */
    public String id() {
        return prefix + "-" + source;
    }

    @Override
    public Key key() {
        return new Key(prefix, source);
    }
}
