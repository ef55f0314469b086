package org.jbabel.engine;

import org.jbabel.wire.IpAddress;

/**
 * An interface as the engine sees it when it comes up. {@code ipv4} is null when the interface has no IPv4
 * address. Intervals are engine time (nanoseconds).
 */
public record InterfaceConfig(
        String name,
        int ifindex,
        IpAddress linkLocal,
        IpAddress ipv4,
        int mtu,
        InterfaceType type,
        long helloInterval,
        long updateInterval) {

    public static final long DEFAULT_HELLO_INTERVAL = Time.seconds(4);

    /** babeld's defaults: hello every 4 s, update interval 4 × hello. */
    public static InterfaceConfig of(String name, int ifindex, IpAddress linkLocal, int mtu, InterfaceType type) {
        return new InterfaceConfig(
                name, ifindex, linkLocal, null, mtu, type, DEFAULT_HELLO_INTERVAL, 4 * DEFAULT_HELLO_INTERVAL);
    }
}
