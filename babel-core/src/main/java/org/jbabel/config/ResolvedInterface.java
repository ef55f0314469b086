package org.jbabel.config;

import java.time.Duration;
import java.util.List;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.InterfaceType;
import org.jbabel.wire.IpAddress;

/**
 * The effective parameters of one interface after merging its statements with the defaults, computed as babeld
 * computes them when the interface comes up.
 *
 * @param type the configured type; otherwise wireless with {@code -w} or when the kernel says so, else
 *     {@link InterfaceType#AUTO} (behaves as wired without split horizon)
 * @param rxcost configured, else 256 on wireless and 96 otherwise
 * @param helloInterval configured, else {@code -h} on wireless and {@code -H} otherwise
 * @param updateInterval configured, else 4 × the hello interval
 * @param splitHorizon configured, else only on wired
 * @param linkQuality configured, else only on wireless
 * @param enableTimestamps configured, else only on tunnels
 * @param v4ViaV6 configured, else null: decided from the kernel's capabilities
 * @param rttMax configured, else 120 ms; raised to rttMin + 10 ms when not above rttMin (babeld does this too)
 * @param maxRttPenalty configured, else 96 on tunnels and 0 otherwise
 * @param keys the MAC keys in the order configured; empty when the interface is not authenticated
 */
public record ResolvedInterface(
        String name,
        InterfaceType type,
        int rxcost,
        Duration helloInterval,
        Duration updateInterval,
        boolean splitHorizon,
        boolean linkQuality,
        boolean unicast,
        boolean enableTimestamps,
        boolean rfc6126Compatible,
        boolean acceptBadSignatures,
        Boolean v4ViaV6,
        boolean probeMtu,
        int rttDecay,
        Duration rttMin,
        Duration rttMax,
        int maxRttPenalty,
        List<KeyConfig> keys) {

    public ResolvedInterface {
        keys = List.copyOf(keys);
    }

    static ResolvedInterface of(
            String name, InterfaceSettings s, GlobalSettings g, List<KeyConfig> keys, boolean kernelSaysWireless) {
        InterfaceType type = s.type() != null
                ? s.type()
                : g.allWireless() || kernelSaysWireless ? InterfaceType.WIRELESS : InterfaceType.AUTO;
        boolean wireless = type == InterfaceType.WIRELESS;
        boolean tunnel = type == InterfaceType.TUNNEL;
        Duration hello = s.helloInterval() != null
                ? s.helloInterval()
                : wireless ? g.wirelessHelloInterval() : g.wiredHelloInterval();
        Duration rttMin = or(s.rttMin(), Duration.ofMillis(10));
        Duration rttMax = or(s.rttMax(), Duration.ofMillis(120));
        if (rttMax.compareTo(rttMin) <= 0) {
            rttMax = rttMin.plusMillis(10);
        }
        return new ResolvedInterface(
                name,
                type,
                or(s.rxcost(), wireless ? 256 : 96),
                hello,
                or(s.updateInterval(), hello.multipliedBy(4)),
                or(s.splitHorizon(), type == InterfaceType.WIRED),
                or(s.linkQuality(), wireless),
                or(s.unicast(), false),
                or(s.enableTimestamps(), tunnel),
                or(s.rfc6126Compatible(), false),
                or(s.acceptBadSignatures(), false),
                s.v4ViaV6(),
                or(s.probeMtu(), false),
                or(s.rttDecay(), 42),
                rttMin,
                rttMax,
                or(s.maxRttPenalty(), tunnel ? 96 : 0),
                keys);
    }

    /**
     * The engine's view of this interface, given what the system says about it now: call again with new addresses or
     * MTU and pass the result to {@code BabelEngine.interfaceUp} to update a running interface in place.
     *
     * @param ipv4 the interface's IPv4 address, or null
     * @param neighbours the configured unicast neighbours on this interface ({@link DaemonConfig#neighboursOn})
     */
    public InterfaceConfig toEngine(int ifindex, IpAddress linkLocal, IpAddress ipv4, int mtu,
            List<IpAddress> neighbours) {
        return new InterfaceConfig(name, ifindex, linkLocal, ipv4, mtu, type, helloInterval.toNanos(),
                updateInterval.toNanos(), rxcost, linkQuality, splitHorizon, unicast, neighbours, enableTimestamps,
                rttDecay, rttMin.toNanos(), rttMax.toNanos(), maxRttPenalty);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
