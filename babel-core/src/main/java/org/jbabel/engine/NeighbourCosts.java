package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Tlv;

/**
 * Our neighbours' lives and link costs: a neighbour is made on its first packet (within the table limits, evicting
 * one that carries no selected route when full), its costs are recomputed from its Hellos and IHUs (RFC 8966 §3.4,
 * Appendix A) and what changes follows (IHUs, route metrics, the welcome when it becomes bidirectional, the routes we
 * lost with it asked for again), and it is forgotten, with its routes, when it falls silent or its interface goes.
 */
final class NeighbourCosts {
    private final EngineConfig config;
    private final EngineClock clock;
    private final Neighbours neighbours;
    private final Routes routes;
    private final LostRoutes lostRoutes;
    private final SendBuffers buffers;
    private final Outbox outbox;
    private final Announcer announcer;
    private final Welcomes welcomes;
    private final RouteUpdates routeUpdates;
    private final ChangeDispatch dispatch;
    private final EngineCounters counters;
    /** No earlier than this does a neighbour miss a Hello (may be early: then the check just finds nothing to do). */
    private long nextMissedHello = Long.MAX_VALUE;

    NeighbourCosts(EngineConfig config, EngineClock clock, Neighbours neighbours, Routes routes, LostRoutes lostRoutes,
            SendBuffers buffers, Outbox outbox, Announcer announcer, Welcomes welcomes, RouteUpdates routeUpdates,
            ChangeDispatch dispatch, EngineCounters counters) {
        this.config = config;
        this.clock = clock;
        this.neighbours = neighbours;
        this.routes = routes;
        this.lostRoutes = lostRoutes;
        this.buffers = buffers;
        this.outbox = outbox;
        this.announcer = announcer;
        this.welcomes = welcomes;
        this.routeUpdates = routeUpdates;
        this.dispatch = dispatch;
        this.counters = counters;
    }

    /**
     * The neighbour entry for the sender of a TLV, made on its first packet whatever that carries (as babeld does): a
     * neighbour that answers our start-up request before its first Hello reaches us keeps the routes it sent, which
     * become usable once its link cost is finite. When the interface's or the engine's neighbour table is full, the
     * least recently heard neighbour that carries no selected route (and is not configured) makes room; null
     * (counted) when there is none.
     */
    Neighbour neighbourFor(Interfaces.Iface i, IpAddress source) {
        Neighbour n = neighbours.get(i.name(), source);
        if (n == null) {
            if (!i.config().neighbours().contains(source) && !makeRoomForNeighbour(i)) {
                return null;
            }
            n = neighbours.create(i, source, clock.now());
            HelloHistory before = lostRoutes.hellos(i.name(), source, clock.now());
            if (before != null) {
                n.multicast.resume(before, clock.now());
            }
            askForLostRoutes(n);
            announcer.hurryHellos(i);
            dispatch.emit(new NeighbourChange(ChangeKind.ADDED, n.view(clock.now())));
        }
        n.packetReceived(clock.now());
        return n;
    }

    /**
     * Whether a new neighbour may be made on an interface: both tables have room, or a neighbour without a selected
     * route is forgotten to make it (on the interface when its table is full, else anywhere). Counts a refusal.
     */
    private boolean makeRoomForNeighbour(Interfaces.Iface i) {
        EngineLimits limits = config.limits();
        boolean interfaceFull = neighbours.count(i.name()) >= limits.neighboursPerInterface();
        boolean tableFull = neighbours.size() >= limits.neighbours();
        if (!interfaceFull && !tableFull) {
            return true;
        }
        Neighbour victim = null;
        for (Neighbour n : interfaceFull ? neighbours.on(i.name()) : neighbours.all()) {
            if (n.selectedCount == 0 && !n.iface.config().neighbours().contains(n.address)
                    && (victim == null || n.lastPacket() < victim.lastPacket())) {
                victim = n;
            }
        }
        if (victim == null) {
            counters.increment(interfaceFull ? Counter.NEIGHBOUR_LIMIT : Counter.NEIGHBOUR_TABLE_FULL);
            return false;
        }
        counters.increment(Counter.NEIGHBOUR_EVICTED);
        drop(victim);
        return true;
    }

    /** Recomputes a neighbour's costs and carries the consequences to its routes and to the wire. */
    void refresh(Neighbour n) {
        refresh(n, false);
    }

    /** As {@link #refresh(Neighbour)}; {@code rttChanged} says that the neighbour's RTT has a new sample. */
    void refresh(Neighbour n, boolean rttChanged) {
        int oldRx = n.rxcost();
        int oldTx = n.txcost();
        boolean wasBidirectional = n.bidirectional();
        boolean costChanged = n.recompute(clock.now());
        if ((oldRx >= INFINITY) != (n.rxcost() >= INFINITY)) {
            // Tell the neighbour at once that we hear it (or no longer do).
            announcer.sendIhu(n);
        }
        if (costChanged) {
            routeUpdates.costChanged(n);
        }
        if (costChanged || rttChanged || oldRx != n.rxcost() || oldTx != n.txcost()) {
            dispatch.emit(new NeighbourChange(ChangeKind.CHANGED, n.view(clock.now())));
        }
        if (!wasBidirectional && n.bidirectional()) {
            welcomes.welcome(n);
            askForLostRoutes(n);
            lostRoutes.forget(n.ifname(), n.address);
        }
    }

    /**
     * A neighbour we lost is heard again: it is asked, by unicast route requests, for the routes we lost with it that
     * it has not sent again yet ({@link LostRoutes}). Asked when it is first heard (the routes arrive while the link is
     * still one-way and are usable as soon as its IHU says it hears us), again when our interface can send (what was
     * sent before was lost), and a last time when it is bidirectional; then it is forgotten.
     */
    void askForLostRoutes(Neighbour n) {
        for (RouteKey key : lostRoutes.routes(n.ifname(), n.address, clock.now())) {
            if (routes.find(key, n) == null) {
                outbox.add(n.iface, n.address, Outbox.routeRequest(key), clock.urgent());
            }
        }
    }

    void check() {
        long nextMissed = Long.MAX_VALUE;
        for (Neighbour n : new ArrayList<>(neighbours.all())) {
            n.multicast.accountMissed(clock.now());
            n.unicast.accountMissed(clock.now());
            if (n.dead(clock.now())) {
                drop(n);
            } else {
                refresh(n);
                nextMissed = Math.min(nextMissed, Math.min(n.multicast.nextMissed(), n.unicast.nextMissed()));
            }
        }
        nextMissedHello = nextMissed;
    }

    /** Forgets a neighbour and every route learned from it (remembered a while, to ask for them when it is back). */
    void drop(Neighbour n) {
        List<RouteKey> lost = new ArrayList<>();
        for (Route r : Routes.via(n)) {
            if (!r.retracted()) {
                lost.add(r.key);
            }
        }
        lostRoutes.remember(n.ifname(), n.address, lost, n.multicast, clock.now());
        for (Route r : Routes.via(n)) {
            routeUpdates.forget(r);
        }
        neighbours.remove(n);
        welcomes.forget(n);
        buffers.discard(n.ifname(), n.address);
        n.forgotten();
        dispatch.emit(new NeighbourChange(ChangeKind.REMOVED, n.view(clock.now())));
    }

    /** A Hello from the neighbour: its history counts it, and its costs are recomputed. */
    void helloReceived(Neighbour n, Tlv.Hello h) {
        HelloHistory history = h.unicast() ? n.unicast : n.multicast;
        boolean restarted = history.receive(clock.now(), h.seqno(), Time.centis(h.interval()));
        nextMissedHello = Math.min(nextMissedHello, history.nextMissed());
        if (restarted) {
            // The neighbour restarted: the routes it announced before describe state it no longer has (its source
            // table is gone, so it may now take a route back through us), and its start-up wildcard retraction
            // may have been lost. Its Hellos say it all the same: we retract what it announced, as that retraction
            // would have, before its link becomes usable again.
            for (Route r : Routes.via(n)) {
                routeUpdates.retract(r);
            }
        }
        refresh(n);
    }

    /** No earlier than this does a neighbour miss a Hello. */
    long nextMissedHello() {
        return nextMissedHello;
    }
}
