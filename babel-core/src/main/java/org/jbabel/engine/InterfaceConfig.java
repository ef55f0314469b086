package org.jbabel.engine;

import java.util.List;
import java.util.Objects;
import org.jbabel.wire.IpAddress;

/**
 * An interface as the engine sees it when it comes up (or is reconfigured while up). {@code ipv4} is null when the
 * interface has no IPv4 address. Intervals are engine time (nanoseconds).
 *
 * @param type the link type, shown in dumps; the behaviour it implies by default is in the following components
 * @param rxcost the nominal rxcost (babeld {@code rxcost}: 256 on wireless, 96 otherwise)
 * @param linkQuality whether link costs come from the link-quality (ETX) estimator rather than 2-out-of-3
 * @param splitHorizon whether routes are not announced back on the interface they were learned from
 * @param unicast whether TLVs other than Hellos are sent as one unicast copy to each neighbour instead of one
 *     multicast packet (babeld {@code unicast})
 * @param neighbours configured unicast neighbours (jbabel's {@code neighbour ADDRESS interface IF}, for links
 *     without multicast): each gets unicast Hellos of its own, and, as with {@code unicast}, every other TLV is sent
 *     unicast
 */
public record InterfaceConfig(
        String name,
        int ifindex,
        IpAddress linkLocal,
        IpAddress ipv4,
        int mtu,
        InterfaceType type,
        long helloInterval,
        long updateInterval,
        int rxcost,
        boolean linkQuality,
        boolean splitHorizon,
        boolean unicast,
        List<IpAddress> neighbours) {

    public static final long DEFAULT_HELLO_INTERVAL = Time.seconds(4);

    public InterfaceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        neighbours = List.copyOf(neighbours);
        if (helloInterval <= 0 || updateInterval <= 0) {
            throw new IllegalArgumentException("intervals must be positive");
        }
        if (rxcost < 1 || rxcost > BabelConstants.INFINITY) {
            throw new IllegalArgumentException("rxcost " + rxcost + " outside 1..65535");
        }
    }

    /** An interface with the behaviour its type implies (rxcost, link quality, split horizon), multicast only. */
    public InterfaceConfig(String name, int ifindex, IpAddress linkLocal, IpAddress ipv4, int mtu, InterfaceType type,
            long helloInterval, long updateInterval) {
        this(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, LinkCost.nominalRxcost(type),
                LinkCost.linkQuality(type), LinkCost.splitHorizon(type), false, List.of());
    }

    /** babeld's defaults: hello every 4 s, update interval 4 × hello. */
    public static InterfaceConfig of(String name, int ifindex, IpAddress linkLocal, int mtu, InterfaceType type) {
        return new InterfaceConfig(
                name, ifindex, linkLocal, null, mtu, type, DEFAULT_HELLO_INTERVAL, 4 * DEFAULT_HELLO_INTERVAL);
    }

    /** Whether TLVs other than Hellos go unicast to each neighbour rather than to the multicast group. */
    public boolean unicastOnly() {
        return unicast || !neighbours.isEmpty();
    }

    public InterfaceConfig withAddresses(IpAddress linkLocal, IpAddress ipv4, int mtu) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, rxcost,
                linkQuality, splitHorizon, unicast, neighbours);
    }

    public InterfaceConfig withIntervals(long hello, long update) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, hello, update, rxcost, linkQuality,
                splitHorizon, unicast, neighbours);
    }

    public InterfaceConfig withRxcost(int nominal) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, nominal,
                linkQuality, splitHorizon, unicast, neighbours);
    }

    public InterfaceConfig withUnicast(boolean on) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, rxcost,
                linkQuality, splitHorizon, on, neighbours);
    }

    public InterfaceConfig withNeighbours(List<IpAddress> addresses) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, rxcost,
                linkQuality, splitHorizon, unicast, addresses);
    }
}
