package org.jbabel.kernel;

import java.util.Objects;

/**
 * A network interface as the kernel reports it.
 *
 * @param ifindex the interface index
 * @param name the interface name
 * @param up administratively up ({@code IFF_UP})
 * @param running operationally up, carrier present ({@code IFF_RUNNING})
 * @param mtu the MTU in bytes
 * @param hardwareType the ARPHRD type (1 Ethernet, 772 loopback, 65534 none ...)
 * @param driverKind the link kind from {@code IFLA_INFO_KIND} ({@code veth}, {@code wireguard} ...), or empty
 * @param kind wired, wireless, tunnel or loopback, as detected
 */
public record Link(int ifindex, String name, boolean up, boolean running, int mtu, int hardwareType,
        String driverKind, LinkKind kind) {

    public Link {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        driverKind = driverKind == null ? "" : driverKind;
    }

    /** Up and running: what babeld with {@code link-detect} requires before it uses an interface. */
    public boolean operational() {
        return up && running;
    }
}
