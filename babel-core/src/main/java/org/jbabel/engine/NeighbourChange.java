package org.jbabel.engine;

/** A neighbour appeared, its costs changed, or it was forgotten ({@code REMOVED} carries its last state). */
public record NeighbourChange(ChangeKind kind, NeighbourView neighbour) {}
