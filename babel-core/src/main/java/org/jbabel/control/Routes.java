package org.jbabel.control;

import org.jbabel.wire.Prefix;

/** Checks shared by route-like entries. */
final class Routes {

    private Routes() {}

    static void checkPrefixes(Prefix prefix, Prefix source) {
        if (prefix == null || source == null) {
            throw new IllegalArgumentException("prefix and source prefix are required");
        }
        if (prefix.family() != source.family()) {
            throw new IllegalArgumentException("prefix " + prefix + " and source " + source + " differ in family");
        }
    }
}
