package org.jbabel.sim;

import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;

/** What waits in a {@link Simulation}'s {@link Timeline}: one record per kind of event, dispatched by the facade. */
sealed interface SimEvent {

    /** Node {@code node} starts (its start time is drawn from the seed). */
    record NodeStart(int node) implements SimEvent {}

    /** Node {@code node}'s engine asked to be woken now (ignored unless {@code generation} is still its latest). */
    record Wakeup(int node, long generation) implements SimEvent {}

    /** A datagram reaches {@code port} (of node {@code node}), sent to {@code destination}. */
    record Deliver(int node, LinkLayer.Port port, IpAddress destination, byte[] datagram) implements SimEvent {}

    /** Scripted: link {@code link} goes down or up. */
    record LinkState(int link, boolean up) implements SimEvent {}

    /** Scripted: link {@code link}'s loss per direction changes. */
    record LinkLoss(int link, double lossAtoB, double lossBtoA) implements SimEvent {}

    /** Scripted: node {@code node}'s own interface on link {@code link} goes down or up (tentative for {@code dad}). */
    record InterfaceState(int node, int link, boolean up, long dad) implements SimEvent {}

    /** The tentative address of node {@code node} on link {@code link} became usable (if it is still that flap's). */
    record InterfaceReady(int node, int link, long flap) implements SimEvent {}

    /** Scripted: node {@code node} restarts. */
    record Restart(int node) implements SimEvent {}

    /** Scripted: node {@code node} originates {@code key}. */
    record Originate(int node, RouteKey key, int metric) implements SimEvent {}

    /** Scripted: node {@code node} withdraws {@code key}. */
    record Withdraw(int node, RouteKey key) implements SimEvent {}

    /** Work of the client model ({@link SimClients}); {@code scripted} for what a scenario scheduled. */
    record ClientTask(Runnable run, boolean scripted) implements SimEvent {}

    /** Work of a node's extensions (a timer, a datagram's arrival), dropped when the node restarted meanwhile. */
    record Task(int node, int incarnation, Runnable run) implements SimEvent {}
}
