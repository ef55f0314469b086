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
 * @param enableTimestamps whether Hellos and IHUs carry RFC 9616 timestamps and round-trip times are measured
 *     (babeld {@code enable-timestamps}: on for tunnels only)
 * @param rttDecay the weight (out of 256) of a new RTT sample in the smoothed RTT (babeld {@code rtt-decay}: 42)
 * @param rttMin the RTT (engine time) up to which no penalty is added (babeld {@code rtt-min}: 10 ms)
 * @param rttMax the RTT (engine time) from which the full penalty is added (babeld {@code rtt-max}: 120 ms); above
 *     {@code rttMin}
 * @param maxRttPenalty the cost added at {@code rttMax} and above (babeld {@code max-rtt-penalty}: 96 on tunnels,
 *     0 otherwise)
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
        List<IpAddress> neighbours,
        boolean enableTimestamps,
        int rttDecay,
        long rttMin,
        long rttMax,
        int maxRttPenalty) {

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
        if (rttDecay < 1 || rttDecay > 256) {
            throw new IllegalArgumentException("rtt-decay " + rttDecay + " outside 1..256");
        }
        if (rttMin < 0 || rttMax <= rttMin) {
            throw new IllegalArgumentException("rtt-min and rtt-max must satisfy 0 <= rtt-min < rtt-max");
        }
        if (maxRttPenalty < 0 || maxRttPenalty > BabelConstants.INFINITY) {
            throw new IllegalArgumentException("max-rtt-penalty " + maxRttPenalty + " outside 0..65535");
        }
    }

    /** An interface with the RTT settings its type implies (timestamps and a penalty of 96 on tunnels only). */
    public InterfaceConfig(String name, int ifindex, IpAddress linkLocal, IpAddress ipv4, int mtu, InterfaceType type,
            long helloInterval, long updateInterval, int rxcost, boolean linkQuality, boolean splitHorizon,
            boolean unicast, List<IpAddress> neighbours) {
        this(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, rxcost, linkQuality,
                splitHorizon, unicast, neighbours, RoundTripTime.timestamps(type), BabelConstants.RTT_DECAY,
                BabelConstants.RTT_MIN, BabelConstants.RTT_MAX, RoundTripTime.maxPenalty(type));
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
                linkQuality, splitHorizon, unicast, neighbours, enableTimestamps, rttDecay, rttMin, rttMax,
                maxRttPenalty);
    }

    public InterfaceConfig withIntervals(long hello, long update) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, hello, update, rxcost, linkQuality,
                splitHorizon, unicast, neighbours, enableTimestamps, rttDecay, rttMin, rttMax, maxRttPenalty);
    }

    public InterfaceConfig withRxcost(int nominal) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, nominal,
                linkQuality, splitHorizon, unicast, neighbours, enableTimestamps, rttDecay, rttMin, rttMax,
                maxRttPenalty);
    }

    public InterfaceConfig withUnicast(boolean on) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, rxcost,
                linkQuality, splitHorizon, on, neighbours, enableTimestamps, rttDecay, rttMin, rttMax, maxRttPenalty);
    }

    public InterfaceConfig withNeighbours(List<IpAddress> addresses) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, rxcost,
                linkQuality, splitHorizon, unicast, addresses, enableTimestamps, rttDecay, rttMin, rttMax,
                maxRttPenalty);
    }

    /** The same interface shown as another type; every behaviour stays as configured. */
    public InterfaceConfig withType(InterfaceType newType) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, newType, helloInterval, updateInterval, rxcost,
                linkQuality, splitHorizon, unicast, neighbours, enableTimestamps, rttDecay, rttMin, rttMax,
                maxRttPenalty);
    }

    /**
     * The same interface with other RTT settings (RFC 9616).
     *
     * @param timestamps whether timestamps are sent and RTTs measured
     * @param decay weight of a new sample, 1..256
     * @param min RTT without penalty, engine time
     * @param max RTT with the full penalty, engine time, above {@code min}
     * @param penalty the full penalty
     */
    public InterfaceConfig withRtt(boolean timestamps, int decay, long min, long max, int penalty) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval, updateInterval, rxcost,
                linkQuality, splitHorizon, unicast, neighbours, timestamps, decay, min, max, penalty);
    }
}
