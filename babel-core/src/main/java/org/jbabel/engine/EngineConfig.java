package org.jbabel.engine;

import java.util.Objects;

/**
 * Node-wide engine settings, babeld's defaults unless said otherwise.
 *
 * @param smoothingHalfLife route metric smoothing half-life (babeld {@code -M}, 4 s); 0 turns smoothing off
 * @param kernelPriority when a learned route is installed next to a local route for the same key (see
 *     {@code allowDuplicates}), the local route is still the one announced if its metric is at most this (babeld
 *     {@code kernel-priority}, 0)
 * @param fastStart send the full table to a neighbour as soon as it becomes bidirectional
 * @param allowDuplicates a local route blocks the installation of learned routes for the same key unless this is
 *     non-negative and the local route's metric is below it (babeld {@code allow-duplicates}; -1, the default, means
 *     a local route always blocks)
 * @param limits the caps on every table received packets can grow ({@link EngineLimits})
 */
public record EngineConfig(
        long smoothingHalfLife,
        int kernelPriority,
        boolean fastStart,
        int allowDuplicates,
        EngineLimits limits) {

    public EngineConfig {
        Objects.requireNonNull(limits, "limits");
    }

    /** babeld's settings without allow-duplicates, and the default table limits. */
    public EngineConfig(long smoothingHalfLife, int kernelPriority, boolean fastStart) {
        this(smoothingHalfLife, kernelPriority, fastStart, -1, EngineLimits.defaults());
    }

    public static EngineConfig defaults() {
        return new EngineConfig(Time.seconds(4), 0, true);
    }

    public EngineConfig withKernelPriority(int priority) {
        return new EngineConfig(smoothingHalfLife, priority, fastStart, allowDuplicates, limits);
    }

    public EngineConfig withAllowDuplicates(int metric) {
        return new EngineConfig(smoothingHalfLife, kernelPriority, fastStart, metric, limits);
    }

    public EngineConfig withLimits(EngineLimits newLimits) {
        return new EngineConfig(smoothingHalfLife, kernelPriority, fastStart, allowDuplicates, newLimits);
    }
}
