package org.jbabel.control;

import org.jbabel.wire.RouterId;

/**
 * What the banner of a control session tells about the node.
 *
 * @param version the daemon's version string as printed after {@code version}, e.g. {@code jbabel-0.1.0}
 * @param host the host name
 * @param routerId this node's router-id
 */
public record NodeInfo(String version, String host, RouterId routerId) {

    public NodeInfo {
        Names.check(version, "version");
        Names.check(host, "host name");
        if (routerId == null) {
            throw new IllegalArgumentException("router-id missing");
        }
    }
}
