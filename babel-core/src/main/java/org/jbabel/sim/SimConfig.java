package org.jbabel.sim;

import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.EngineLimits;
import org.jbabel.engine.InterfaceType;
import org.jbabel.engine.Time;

/**
 * How a simulation runs. Times are nanoseconds of simulated time, counted from the start of the run.
 *
 * @param seed the one seed every random choice derives from
 * @param loss loss probability of every link direction (0..1), on top of any tq-derived loss
 * @param tqLoss derive a per-direction loss from the topology's tq values: {@code min(1 - tq, tqLossCap)}
 * @param tqLossCap the largest loss a tq value may give (the Freifunk maps have tq 0.01 links)
 * @param delay one-way delay of every link direction
 * @param forcedType the interface type of every link, or null to take it from the link's {@code type}
 *     ({@code wifi} → WIRELESS, {@code vpn} → TUNNEL, anything else → WIRED)
 * @param carrierSense a link going down or up also takes its two interfaces down or up (like a cable); without it
 *     a down link silently drops everything (like a radio link that faded) and the engines must notice
 * @param randomSeqnoOnRestart a restarted node starts from a random seqno instead of its last seqno + 1
 * @param startSpread nodes start at random times in [0, startSpread)
 * @param duration the run ends at this time at the latest
 * @param settle once converged (and no scripted event is pending), the run goes on this long, then ends
 * @param checkInterval the convergence check runs at most this often
 * @param failLinks after the first convergence, this many random links go down at random times within
 *     {@code disruptWindow} and come back {@code downTime} later
 * @param restartNodes after the first convergence, this many random nodes restart within {@code disruptWindow}
 * @param disruptWindow see {@code failLinks}
 * @param downTime see {@code failLinks}
 * @param engineConfig what every engine runs with; by default {@link #ENGINE_LIMITS}
 */
public record SimConfig(
        long seed,
        double loss,
        boolean tqLoss,
        double tqLossCap,
        long delay,
        InterfaceType forcedType,
        boolean carrierSense,
        boolean randomSeqnoOnRestart,
        long startSpread,
        long duration,
        long settle,
        long checkInterval,
        int failLinks,
        int restartNodes,
        long disruptWindow,
        long downTime,
        EngineConfig engineConfig) {

    public SimConfig {
        if (!(loss >= 0 && loss <= 1) || !(tqLossCap >= 0 && tqLossCap <= 1)) {
            throw new IllegalArgumentException("loss probabilities must be in 0..1");
        }
        if (delay < 0 || startSpread < 0 || duration < 0 || settle < 0 || checkInterval <= 0 || disruptWindow < 0
                || downTime < 0 || failLinks < 0 || restartNodes < 0) {
            throw new IllegalArgumentException("times and counts must not be negative");
        }
    }

    /**
     * The engines' table limits in a simulation unless a run asks for a daemon's ({@link #withDaemonHeap}): those of
     * an unbounded heap, so that no route or feasibility distance is refused and a run studies the protocol, not the
     * daemon's memory (the daemon's 64 MiB default caps routes at 67,108, which a gateway of degree 40 in a mesh of
     * 1,700 nodes exceeds: docs/SIMULATOR.md, "Table limits"). The caps that do not depend on the heap (neighbours,
     * requests, resends, the welcome budget) are the daemon's.
     */
    public static final EngineLimits ENGINE_LIMITS = EngineLimits.forHeap(Long.MAX_VALUE);

    /**
     * Seed 1, lossless links with 5 ms delay, tq ignored, starts spread over 1 s, at most 600 s, settle 10 s, the
     * engines' defaults with {@link #ENGINE_LIMITS}.
     */
    public static SimConfig defaults() {
        return new SimConfig(1, 0, false, 0.5, Time.millis(5), null, false, false, Time.seconds(1), Time.seconds(600),
                Time.seconds(10), Time.millis(100), 0, 0, Time.seconds(30), Time.seconds(20),
                EngineConfig.defaults().withLimits(ENGINE_LIMITS));
    }

    /**
     * Every engine with the table limits jbabeld computes for a heap of this many bytes ({@code -Xmx}; the daemon's
     * default is {@link EngineLimits#DEFAULT_HEAP}): {@link EngineLimits#forHeap}.
     */
    public SimConfig withDaemonHeap(long heapBytes) {
        return withEngineConfig(engineConfig.withLimits(EngineLimits.forHeap(heapBytes)));
    }

    public SimConfig withSeed(long s) {
        return new SimConfig(s, loss, tqLoss, tqLossCap, delay, forcedType, carrierSense, randomSeqnoOnRestart,
                startSpread, duration, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime,
                engineConfig);
    }

    public SimConfig withLoss(double p) {
        return new SimConfig(seed, p, tqLoss, tqLossCap, delay, forcedType, carrierSense, randomSeqnoOnRestart,
                startSpread, duration, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime,
                engineConfig);
    }

    public SimConfig withTqLoss(boolean on, double cap) {
        return new SimConfig(seed, loss, on, cap, delay, forcedType, carrierSense, randomSeqnoOnRestart,
                startSpread, duration, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime,
                engineConfig);
    }

    public SimConfig withDelay(long d) {
        return new SimConfig(seed, loss, tqLoss, tqLossCap, d, forcedType, carrierSense, randomSeqnoOnRestart,
                startSpread, duration, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime,
                engineConfig);
    }

    public SimConfig withForcedType(InterfaceType t) {
        return new SimConfig(seed, loss, tqLoss, tqLossCap, delay, t, carrierSense, randomSeqnoOnRestart,
                startSpread, duration, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime,
                engineConfig);
    }

    public SimConfig withCarrierSense(boolean on) {
        return new SimConfig(seed, loss, tqLoss, tqLossCap, delay, forcedType, on, randomSeqnoOnRestart,
                startSpread, duration, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime,
                engineConfig);
    }

    public SimConfig withRandomSeqnoOnRestart(boolean on) {
        return new SimConfig(seed, loss, tqLoss, tqLossCap, delay, forcedType, carrierSense, on,
                startSpread, duration, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime,
                engineConfig);
    }

    public SimConfig withStartSpread(long s) {
        return new SimConfig(seed, loss, tqLoss, tqLossCap, delay, forcedType, carrierSense, randomSeqnoOnRestart,
                s, duration, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime, engineConfig);
    }

    public SimConfig withDuration(long d) {
        return new SimConfig(seed, loss, tqLoss, tqLossCap, delay, forcedType, carrierSense, randomSeqnoOnRestart,
                startSpread, d, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime,
                engineConfig);
    }

    public SimConfig withSettle(long s) {
        return new SimConfig(seed, loss, tqLoss, tqLossCap, delay, forcedType, carrierSense, randomSeqnoOnRestart,
                startSpread, duration, s, checkInterval, failLinks, restartNodes, disruptWindow, downTime,
                engineConfig);
    }

    public SimConfig withDisruptions(int links, int nodes, long window, long down) {
        return new SimConfig(seed, loss, tqLoss, tqLossCap, delay, forcedType, carrierSense, randomSeqnoOnRestart,
                startSpread, duration, settle, checkInterval, links, nodes, window, down, engineConfig);
    }

    public SimConfig withEngineConfig(EngineConfig e) {
        return new SimConfig(seed, loss, tqLoss, tqLossCap, delay, forcedType, carrierSense, randomSeqnoOnRestart,
                startSpread, duration, settle, checkInterval, failLinks, restartNodes, disruptWindow, downTime, e);
    }

    /** The loss of one link direction whose tq is {@code tq}, as this configuration defines it. */
    public double lossFor(double tq) {
        double fromTq = tqLoss ? Math.min(1 - tq, tqLossCap) : 0;
        return 1 - (1 - loss) * (1 - fromTq);
    }

    /** The interface type of a link whose file {@code type} is {@code linkType} (may be null). */
    public InterfaceType typeFor(String linkType) {
        if (forcedType != null) {
            return forcedType;
        }
        if (linkType == null) {
            return InterfaceType.WIRED;
        }
        return switch (linkType) {
            case "wifi" -> InterfaceType.WIRELESS;
            case "vpn" -> InterfaceType.TUNNEL;
            default -> InterfaceType.WIRED;
        };
    }
}
