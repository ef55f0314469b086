package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import java.util.ArrayList;
import java.util.List;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/**
 * Seqno requests (RFC 8966 §3.8): answering and forwarding those we receive, originating ours (for a lost route, an
 * unfeasible update that could help), resending them until answered ({@link PendingRequests}), and incrementing our
 * own seqno when a request for one of our routes asks for it.
 */
final class SeqnoRequests {
    private final EngineClock clock;
    private final Identity self;
    private final PendingRequests requests;
    private final Routes routes;
    private final Sources sources;
    private final LocalRoutes localRoutes;
    private final Interfaces interfaces;
    private final Outbox outbox;
    private final Selection selection;
    private final EngineCounters counters;

    SeqnoRequests(EngineClock clock, Identity self, PendingRequests requests, Routes routes, Sources sources,
            LocalRoutes localRoutes, Interfaces interfaces, Outbox outbox, Selection selection,
            EngineCounters counters) {
        this.clock = clock;
        this.self = self;
        this.requests = requests;
        this.routes = routes;
        this.sources = sources;
        this.localRoutes = localRoutes;
        this.interfaces = interfaces;
        this.outbox = outbox;
        this.selection = selection;
        this.counters = counters;
    }

    /**
     * A seqno request for {@code key} from {@code requester} on {@code i}: answered with our update (incrementing our
     * seqno when it asks for a newer one of a route of ours), or forwarded towards the source of our selected route.
     */
    void received(Interfaces.Iface i, Neighbour requester, RouteKey key, Tlv.SeqnoRequest req) {
        long now = clock.now();
        if (selection.localWins(key)) {
            if (req.routerId().equals(self.routerId())
                    && Seqno.greater(req.seqno(), self.seqno())
                    && Seqno.minus(req.seqno(), self.seqno()) <= BabelConstants.SEQNO_WINDOW) {
                incrementSeqno();
            }
            outbox.sendUpdateEverywhere(key, clock.urgent());
            return;
        }
        Route selected = routes.selected(key);
        if (selected == null) {
            counters.increment(Counter.SEQNO_REQUEST_DROPPED);
            return;
        }
        if (!selected.routerId().equals(req.routerId()) || Seqno.greaterOrEqual(selected.seqno(), req.seqno())) {
            outbox.updateToGroup(i, key, clock.urgent());
            return;
        }
        if (req.hopCount() <= 1
                || Seqno.minus(req.seqno(), selected.seqno()) > BabelConstants.SEQNO_WINDOW
                || requests.duplicate(key, req.routerId(), req.seqno(), now)) {
            counters.increment(Counter.SEQNO_REQUEST_DROPPED);
            return;
        }
        Route via = selected.neighbour == requester ? routes.bestOther(key, requester) : selected;
        if (via == null) {
            counters.increment(Counter.SEQNO_REQUEST_DROPPED);
            return;
        }
        if (!requests.room(key)) {
            counters.increment(Counter.REQUEST_TABLE_FULL);
            return;
        }
        PendingRequests.Pending p = new PendingRequests.Pending(key, req.routerId(), req.seqno(), req.hopCount() - 1,
                via.neighbour.ifname(), via.neighbour.address);
        requests.record(p, now, resendDelay(via.neighbour.iface), BabelConstants.REQUEST_RESENDS);
        transmit(p);
    }

    /** Increments our seqno; the observers see our routes with it. */
    private void incrementSeqno() {
        List<RouteKey> keys = List.copyOf(localRoutes.all().keySet());
        List<SelectedRoute> before = new ArrayList<>(keys.size());
        for (RouteKey key : keys) {
            before.add(selection.inUse(key));
        }
        self.increment();
        for (int k = 0; k < keys.size(); k++) {
            selection.publish(keys.get(k), before.get(k), selection.inUse(keys.get(k)));
        }
    }

    /**
     * An unfeasible update arrived: ask its source, through the neighbour that sent it, for a newer seqno, if that
     * could help (no route, the update is for our selected route, or it is much better than what we have).
     */
    void requestNewerSeqno(RouteKey key, Neighbour n, RouterId rid, int seqno, int refmetric) {
        Sources.Source src = sources.get(key, rid);
        if (src == null || refmetric >= INFINITY || Seqno.minus(src.seqno, seqno) > BabelConstants.SEQNO_WINDOW) {
            return;
        }
        Route selected = routes.selected(key);
        boolean worthIt = selected == null
                || (selected.neighbour == n && rid.equals(selected.routerId()))
                || selected.metric() >= LinkCost.add(LinkCost.add(refmetric, n.cost()),
                        BabelConstants.UNFEASIBLE_REQUEST_GAIN);
        if (worthIt) {
            int want = src.metric >= INFINITY ? src.seqno : Seqno.plus(src.seqno, 1);
            originate(key, rid, want, n);
        }
    }

    /** A learned route is gone: ask its source for a newer seqno via the best remaining neighbour, or everyone. */
    void requestLostRoute(RouteKey key, SelectedRoute lost) {
        Sources.Source src = sources.get(key, lost.origin());
        int want = src == null ? Seqno.plus(lost.seqno(), 1)
                : src.metric >= INFINITY ? src.seqno : Seqno.plus(src.seqno, 1);
        Route best = routes.bestOther(key, null);
        originate(key, lost.origin(), want, best == null ? null : best.neighbour);
    }

    /** Sends our own seqno request, unicast to {@code target} with resends, or multicast once when it is null. */
    private void originate(RouteKey key, RouterId rid, int want, Neighbour target) {
        long now = clock.now();
        if (requests.duplicate(key, rid, want, now)) {
            return;
        }
        if (!requests.room(key)) {
            counters.increment(Counter.REQUEST_TABLE_FULL);
            return;
        }
        PendingRequests.Pending p = target == null
                ? new PendingRequests.Pending(key, rid, want, BabelConstants.SEQNO_REQUEST_HOP_COUNT, null, null)
                : new PendingRequests.Pending(key, rid, want, BabelConstants.SEQNO_REQUEST_HOP_COUNT, target.ifname(),
                        target.address);
        long delay = target == null ? BabelConstants.RESEND_INITIAL : resendDelay(target.iface);
        requests.record(p, now, delay, target == null ? 0 : BabelConstants.REQUEST_RESENDS);
        transmit(p);
    }

    /** Resends the requests whose time has come. */
    void resendDue(long now) {
        for (PendingRequests.Pending p : requests.due(now)) {
            transmit(p);
        }
    }

    /** Whether an update with this source answers the request pending for its key (which is then forgotten). */
    boolean answered(RouteKey key, RouterId rid, int seqno) {
        return requests.satisfy(key, rid, seqno) != null;
    }

    long nextDeadline() {
        return requests.nextDeadline();
    }

    private void transmit(PendingRequests.Pending p) {
        Tlv.SeqnoRequest tlv = new Tlv.SeqnoRequest(Outbox.requestEncoding(p.key.prefix()), p.seqno, p.hopCount,
                p.routerId, p.key.prefix(), p.key.source(), List.of());
        if (p.ifname == null) {
            outbox.everywhere(tlv, clock.urgent());
        } else {
            Interfaces.Iface i = interfaces.up(p.ifname);
            if (i != null) {
                outbox.add(i, p.destination, tlv, clock.urgent());
            }
        }
    }

    private static long resendDelay(Interfaces.Iface i) {
        return Math.max(Time.millis(20), Math.min(BabelConstants.RESEND_INITIAL, i.helloInterval() / 2));
    }
}
