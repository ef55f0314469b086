package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

/**
 * babeld's metric smoothing: the smoothed metric moves towards the real metric by half the gap per half-life,
 * and by the factor 2^(-1/half-life) per remaining whole second, in 16.16 fixed point; within ±3 it snaps to the
 * real metric. Unlike babeld the steps are not randomised: route switches are already jittered by the update
 * timers, and a deterministic engine keeps seeded runs repeatable whatever the tick rate.
 */
public final class MetricSmoothing {
    private MetricSmoothing() {}

    /** 2^(1/halfLife) × 65536 for a half-life in whole seconds (babeld's table, then its approximation). */
    public static int factor(int halfLifeSeconds) {
        return switch (halfLifeSeconds) {
            case 1 -> 131072;
            case 2 -> 92682;
            case 3 -> 82570;
            case 4 -> 77935;
            default -> 65536 + 45426 / halfLifeSeconds;
        };
    }

    /**
     * The smoothed metric {@code seconds} whole seconds after it was {@code smoothed}, for a real metric that
     * stayed {@code metric} meanwhile.
     */
    public static int advance(int smoothed, int metric, long seconds, int halfLifeSeconds) {
        if (halfLifeSeconds <= 0 || metric >= INFINITY || smoothed >= INFINITY) {
            return metric;
        }
        long gap = smoothed - metric;
        long halvings = seconds / halfLifeSeconds;
        if (halvings >= 20) {
            return metric;
        }
        gap = gap / (1L << halvings);
        long rest = seconds % halfLifeSeconds;
        int f = factor(halfLifeSeconds);
        for (long i = 0; i < rest && Math.abs(gap) > BabelConstants.SMOOTHING_SNAP; i++) {
            gap = (gap * 65536) / f;
        }
        if (Math.abs(gap) <= BabelConstants.SMOOTHING_SNAP) {
            return metric;
        }
        return (int) (metric + gap);
    }
}
