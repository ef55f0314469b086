package org.jbabel.engine;

/**
 * The arithmetic of the RTT extension (RFC 9616) as babeld does it: the wire clock, a sample from the four
 * timestamps of a Hello/IHU exchange, the smoothed RTT and the cost it adds to a link. Times on the wire are
 * microseconds modulo 2^32 of the engine's clock; RTTs are microseconds.
 */
public final class RoundTripTime {
    private RoundTripTime() {}

    private static final long WIRE_MASK = 0xFFFF_FFFFL;

    /** The wire timestamp of an engine time: microseconds of the same clock, modulo 2^32. */
    public static long wireMicros(long engineTime) {
        return Math.floorDiv(engineTime, 1000L) & WIRE_MASK;
    }

    /**
     * One RTT sample at the node that sent a Hello stamped {@code t1}: the neighbour received it at {@code t2} (its
     * clock), sent a packet with its own Hello stamped {@code t3} and an IHU echoing (t1, t2), which arrived at
     * {@code t4} (our clock). The sample is (t4 − t1) − (t3 − t2), at least 0, all modulo 2^32. Returns -1 when
     * either waiting time is "negative" or 600 s or more (a stale or garbled echo).
     */
    public static long sample(long t1, long t2, long t3, long t4) {
        long local = (t4 - t1) & WIRE_MASK;
        long remote = (t3 - t2) & WIRE_MASK;
        if (local >= BabelConstants.RTT_SAMPLE_LIMIT_MICROS || remote >= BabelConstants.RTT_SAMPLE_LIMIT_MICROS) {
            return -1;
        }
        return Math.max(0, local - remote);
    }

    /**
     * The smoothed RTT after a sample: twice the sample when there is no valid RTT yet (new neighbours are taken to
     * be far), else the exponential average {@code (decay·sample + (256 − decay)·old) / 256}, rounded towards the
     * sample.
     */
    public static long smooth(long old, boolean oldValid, long sample, int decay) {
        if (!oldValid) {
            return 2 * sample;
        }
        long sum = decay * sample + (256L - decay) * old;
        return old >= sample ? sum / 256 : (sum + 255) / 256;
    }

    /**
     * The cost added for an RTT (all in microseconds): 0 up to {@code min}, {@code maxPenalty} from {@code max} on,
     * linear (rounded down) in between.
     */
    public static int penalty(long rtt, long min, long max, int maxPenalty) {
        if (maxPenalty == 0 || rtt <= min) {
            return 0;
        }
        if (rtt >= max) {
            return maxPenalty;
        }
        return (int) (maxPenalty * (rtt - min) / (max - min));
    }

    /** Whether an interface type sends timestamps by default (tunnels only, as babeld). */
    public static boolean timestamps(InterfaceType type) {
        return type == InterfaceType.TUNNEL;
    }

    /** The default full RTT penalty of an interface type: 96 on tunnels, none elsewhere. */
    public static int maxPenalty(InterfaceType type) {
        return type == InterfaceType.TUNNEL ? BabelConstants.TUNNEL_MAX_RTT_PENALTY : 0;
    }
}
