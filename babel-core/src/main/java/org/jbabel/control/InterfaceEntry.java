package org.jbabel.control;

import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * An interface Babel runs on. When it is up, babeld prints its first IPv6 link-local address and its IPv4
 * address if it has them; a down interface shows neither.
 *
 * @param name the interface name
 * @param up whether the interface is up (operational for Babel)
 * @param ipv6 the link-local IPv6 address Babel uses on it, or null
 * @param ipv4 its IPv4 address, or null
 */
public record InterfaceEntry(String name, boolean up, IpAddress ipv6, IpAddress ipv4) implements Entry {

    public InterfaceEntry {
        Names.check(name, "interface name");
        if (!up && (ipv6 != null || ipv4 != null)) {
            throw new IllegalArgumentException("a down interface shows no addresses");
        }
        if (ipv6 != null && ipv6.family() != Family.V6) {
            throw new IllegalArgumentException("ipv6 must be an IPv6 address: " + ipv6);
        }
        if (ipv4 != null && ipv4.family() != Family.V4) {
            throw new IllegalArgumentException("ipv4 must be an IPv4 address: " + ipv4);
        }
    }

    /** A down interface. */
    public static InterfaceEntry down(String name) {
        return new InterfaceEntry(name, false, null, null);
    }

    @Override
    public String key() {
        return name;
    }
}
