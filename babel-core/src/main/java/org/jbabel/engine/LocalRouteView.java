package org.jbabel.engine;

import org.jbabel.wire.RouteKey;

/** A read-only snapshot of a locally originated route (babeld's {@code xroute}). */
public record LocalRouteView(RouteKey key, int metric) {}
