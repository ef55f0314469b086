package org.jbabel.engine;

/**
 * Node-wide engine settings, babeld's defaults unless said otherwise.
 *
 * @param smoothingHalfLife route metric smoothing half-life (babeld {@code -M}, 4 s); 0 turns smoothing off
 * @param kernelPriority a local route wins over a learned one when its metric is at most this (babeld
 *     {@code kernel-priority}, 0)
 * @param fastStart send the full table to a neighbour as soon as it becomes bidirectional
 */
public record EngineConfig(long smoothingHalfLife, int kernelPriority, boolean fastStart) {

    public static EngineConfig defaults() {
        return new EngineConfig(Time.seconds(4), 0, true);
    }
}
