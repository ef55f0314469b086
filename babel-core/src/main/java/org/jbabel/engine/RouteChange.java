package org.jbabel.engine;

/**
 * The route the node uses for a key changed: a route was selected ({@code ADDED}), the selected route changed
 * (origin, seqno, metric or next hop), or no route is left ({@code REMOVED}, carrying the last route). Local routes
 * count: while a key is originated here, its selected route is the local one.
 */
public record RouteChange(ChangeKind kind, SelectedRoute route) {}
