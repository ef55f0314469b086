package org.jbabel.engine;

import org.jbabel.wire.IpAddress;

/**
 * What the install filter decided for a route: whether it may be installed (a route that may not is never selected,
 * hence neither installed nor announced), and the kernel table and preferred source address to install it with.
 *
 * @param install whether the route may be installed
 * @param table the kernel table, 0 for the driver's export table
 * @param preferredSource the preferred source address ({@code pref-src}), or null
 */
public record InstallOptions(boolean install, int table, IpAddress preferredSource) {

    /** Install in the export table, no preferred source. */
    public static final InstallOptions DEFAULT = new InstallOptions(true, 0, null);

    /** Do not install (nor, therefore, announce). */
    public static final InstallOptions DENY = new InstallOptions(false, 0, null);

    public InstallOptions {
        if (table < 0) {
            throw new IllegalArgumentException("negative table " + table);
        }
    }
}
