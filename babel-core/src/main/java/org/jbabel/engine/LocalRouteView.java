package org.jbabel.engine;

/** A read-only snapshot of a locally originated route (babeld's {@code xroute}). */
public record LocalRouteView(RouteKey key, int metric) {}
