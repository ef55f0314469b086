package org.jbabel.config;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * What a matching filter rule does. {@code metric} is 0 for {@code allow}, {@link #INFINITY} for {@code deny},
 * otherwise the {@code metric N} value: added to the route's metric by {@code in}/{@code out} rules, the announced
 * metric of a {@code redistribute} rule. {@code sourcePrefix} ({@code src-prefix}, redistribute), {@code table}
 * and {@code preferredSource} ({@code pref-src}, install) are null when not given; babeld accepts them in every
 * kind of rule, and they only have an effect in the kinds named.
 */
public record FilterAction(int metric, Prefix sourcePrefix, Integer table, IpAddress preferredSource) {

    /** The infinite metric: {@code deny}. */
    public static final int INFINITY = 0xFFFF;

    public static final FilterAction ALLOW = new FilterAction(0, null, null, null);
    public static final FilterAction DENY = new FilterAction(INFINITY, null, null, null);

    public boolean denies() {
        return metric >= INFINITY;
    }
}
