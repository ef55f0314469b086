package org.jbabel.engine;

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
 * @param maxNeighboursPerInterface Hellos from further addresses on a full interface are refused (counted as
 *     {@code neighbour_limit}), so that spoofed Hellos cannot grow the neighbour table without bound
 * @param maxRoutesPerNeighbour updates for further keys from a neighbour that already has this many routes are
 *     refused (counted as {@code route_limit})
 */
public record EngineConfig(
        long smoothingHalfLife,
        int kernelPriority,
        boolean fastStart,
        int allowDuplicates,
        int maxNeighboursPerInterface,
        int maxRoutesPerNeighbour) {

    /** Default of {@link #maxNeighboursPerInterface()}: far above any real link. */
    public static final int DEFAULT_MAX_NEIGHBOURS_PER_INTERFACE = 1_000;
    /** Default of {@link #maxRoutesPerNeighbour()}: ten times the largest community meshes' tables. */
    public static final int DEFAULT_MAX_ROUTES_PER_NEIGHBOUR = 100_000;

    public EngineConfig {
        if (maxNeighboursPerInterface < 1 || maxRoutesPerNeighbour < 1) {
            throw new IllegalArgumentException("table limits must be positive");
        }
    }

    /** babeld's settings without allow-duplicates, and the default table limits. */
    public EngineConfig(long smoothingHalfLife, int kernelPriority, boolean fastStart) {
        this(smoothingHalfLife, kernelPriority, fastStart, -1, DEFAULT_MAX_NEIGHBOURS_PER_INTERFACE,
                DEFAULT_MAX_ROUTES_PER_NEIGHBOUR);
    }

    public static EngineConfig defaults() {
        return new EngineConfig(Time.seconds(4), 0, true);
    }

    public EngineConfig withKernelPriority(int priority) {
        return new EngineConfig(smoothingHalfLife, priority, fastStart, allowDuplicates, maxNeighboursPerInterface,
                maxRoutesPerNeighbour);
    }

    public EngineConfig withAllowDuplicates(int metric) {
        return new EngineConfig(smoothingHalfLife, kernelPriority, fastStart, metric, maxNeighboursPerInterface,
                maxRoutesPerNeighbour);
    }

    public EngineConfig withLimits(int neighboursPerInterface, int routesPerNeighbour) {
        return new EngineConfig(smoothingHalfLife, kernelPriority, fastStart, allowDuplicates, neighboursPerInterface,
                routesPerNeighbour);
    }
}
