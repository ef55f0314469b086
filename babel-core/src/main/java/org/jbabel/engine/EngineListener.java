package org.jbabel.engine;

/**
 * Receives the engine's route and neighbour changes. Calls are synchronous, made by the engine at the end of the
 * event that caused them (never in the middle of updating its tables), in the order the changes happened. A
 * listener may call back into the engine (originate, withdraw, read views); the changes that causes are delivered
 * after the current ones. A listener that throws is counted ({@code observer_error}) and does not disturb the
 * engine or the other listeners.
 */
public interface EngineListener {

    default void routeChanged(RouteChange change) {}

    default void neighbourChanged(NeighbourChange change) {}
}
