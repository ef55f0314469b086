package org.jbabel.config;

import java.util.List;

/**
 * The extensions jbabel knows by name, built into this program or not: a statement (or control command) that starts
 * with one of these names and has no provider gets "not built into this jbabel" instead of "unknown statement".
 * The one place that lists them.
 */
public final class KnownExtensions {

    /** mmfd, l3roamd ({@code roaming}), prefixd, DDHCP and the two translators. */
    public static final List<String> NAMES = List.of("mmfd", "roaming", "prefixd", "ddhcp", "nat64", "nat426");

    private KnownExtensions() {}

    public static boolean isKnown(String word) {
        return NAMES.contains(word);
    }

    /** The reason given for a statement of a known extension that has no provider here. */
    static String notBuiltIn(String name) {
        return "'" + name + "' is an extension not built into this jbabel";
    }
}
