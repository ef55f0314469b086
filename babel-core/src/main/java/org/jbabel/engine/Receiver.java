package org.jbabel.engine;

import java.util.function.UnaryOperator;

import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Tlv;

/**
 * The TLVs of a received packet, one by one (RFC 8966 §4.6), each to the part it concerns: Hellos and IHUs to the
 * neighbour's costs, updates to the route table, requests answered or forwarded. What cannot be used (martian or
 * mixed-family prefixes, our own router-id, a missing next hop) is counted and dropped.
 */
final class Receiver {
    private final EngineClock clock;
    private final Identity self;
    private final Routes routes;
    private final NeighbourCosts neighbourCosts;
    private final RouteUpdates routeUpdates;
    private final SeqnoRequests seqnoRequests;
    private final Announcer announcer;
    private final Welcomes welcomes;
    private final Outbox outbox;
    private final EngineCounters counters;
    /** Turns a received key into the instance to keep ({@link BabelEngine#setKeyInterner}); by default itself. */
    private UnaryOperator<RouteKey> keys = UnaryOperator.identity();

    Receiver(EngineClock clock, Identity self, Routes routes, NeighbourCosts neighbourCosts,
            RouteUpdates routeUpdates, SeqnoRequests seqnoRequests, Announcer announcer, Welcomes welcomes,
            Outbox outbox, EngineCounters counters) {
        this.clock = clock;
        this.self = self;
        this.routes = routes;
        this.neighbourCosts = neighbourCosts;
        this.routeUpdates = routeUpdates;
        this.seqnoRequests = seqnoRequests;
        this.announcer = announcer;
        this.welcomes = welcomes;
        this.outbox = outbox;
        this.counters = counters;
    }

    /** One TLV of a packet that arrived on {@code i} from {@code source} ({@code unicast}: sent to us alone). */
    void handle(Interfaces.Iface i, IpAddress source, boolean unicast, Tlv tlv) {
        switch (tlv) {
            case Tlv.Hello h -> onHello(i, source, h);
            case Tlv.Ihu ihu -> onIhu(i, source, ihu);
            case Tlv.Update u -> onUpdate(i, source, u);
            case Tlv.RouteRequest r -> onRouteRequest(i, source, unicast, r);
            case Tlv.SeqnoRequest s -> onSeqnoRequest(i, source, s);
            case Tlv.AckRequest a -> outbox.add(i, source, new Tlv.Ack(a.opaque()),
                    clock.now() + Math.min(BabelConstants.URGENT_DELAY, Time.centis(a.interval()) / 2));
            case Tlv.Pad1 p -> { }
            case Tlv.PadN p -> { }
            case Tlv.Ack a -> { }
            case Tlv.RouterIdTlv r -> { }
            case Tlv.NextHop n -> { }
            case Tlv.Mac m -> counters.increment(Counter.IGNORED_TLV);
            case Tlv.Pc p -> counters.increment(Counter.IGNORED_TLV);
            case Tlv.ChallengeRequest c -> counters.increment(Counter.IGNORED_TLV);
            case Tlv.ChallengeReply c -> counters.increment(Counter.IGNORED_TLV);
            case Tlv.Unknown u -> counters.increment(Counter.IGNORED_TLV);
        }
    }

    private void onHello(Interfaces.Iface i, IpAddress source, Tlv.Hello h) {
        Neighbour n = neighbourCosts.neighbourFor(i, source);
        if (n == null) {
            return;
        }
        neighbourCosts.helloReceived(n, h);
    }

    private void onIhu(Interfaces.Iface i, IpAddress source, Tlv.Ihu ihu) {
        Neighbour n = neighbourCosts.neighbourFor(i, source);
        if (n == null) {
            return;
        }
        if (ihu.address() != null && !ihu.address().equals(i.config().linkLocal())) {
            counters.increment(Counter.IHU_NOT_FOR_US);
            return;
        }
        n.ihuReceived(clock.now(), ihu.rxcost(), Time.centis(ihu.interval()));
        neighbourCosts.refresh(n);
    }

    private void onUpdate(Interfaces.Iface i, IpAddress source, Tlv.Update u) {
        Neighbour n = neighbourCosts.neighbourFor(i, source);
        if (n == null) {
            return;
        }
        if (u.wildcard()) {
            if (u.retraction()) {
                for (Route r : Routes.via(n)) {
                    routeUpdates.retract(r);
                }
            } else {
                counters.increment(Counter.IGNORED_TLV);
            }
            return;
        }
        RouteKey key = routeKey(u.prefix(), u.sourcePrefix());
        if (key == null) {
            return;
        }
        if (self.routerId().equals(u.routerId())) {
            counters.increment(Counter.OWN_ROUTER_ID);
            // The neighbour now routes by something we originated: what it announced before for this key (another
            // source) no longer holds, so it goes as a retraction would take it (else a route that moved away from
            // here, a roaming client's /128, loops between us and the neighbour until that entry expires).
            Route old = routes.find(key, n);
            if (old != null) {
                routeUpdates.retract(old);
            }
            return;
        }
        if (u.retraction()) {
            Route r = routes.find(key, n);
            if (r == null) {
                counters.increment(Counter.UNKNOWN_RETRACTION);
            } else {
                routeUpdates.retract(r);
            }
            return;
        }
        if (u.routerId() == null) {
            counters.increment(Counter.NO_ROUTER_ID);
            return;
        }
        IpAddress nextHop = u.nextHop();
        if (u.ae() == AddressEncoding.IPV4) {
            if (nextHop == null || nextHop.family() != Family.V4) {
                counters.increment(Counter.NO_NEXT_HOP);
                return;
            }
        } else if (nextHop == null || nextHop.family() != Family.V6) {
            nextHop = source;
        }
        if (!nextHop.canBeNextHop()) {
            // No kernel would forward through it (or should: 240/4 is installed by Linux but no neighbour has one).
            counters.increment(Counter.MARTIAN_NEXT_HOP);
            Route old = routes.find(key, n);
            if (old != null) {
                routeUpdates.retract(old);
            }
            return;
        }
        routeUpdates.acquire(key, n, u.routerId(), u.seqno(), u.metric(), Time.centis(u.interval()), nextHop);
    }

    private void onSeqnoRequest(Interfaces.Iface i, IpAddress source, Tlv.SeqnoRequest req) {
        Neighbour requester = neighbourCosts.neighbourFor(i, source);
        if (requester == null) {
            return;
        }
        RouteKey key = routeKey(req.prefix(), req.sourcePrefix());
        if (key == null || req.routerId() == null) {
            return;
        }
        seqnoRequests.received(i, requester, key, req);
    }

    private void onRouteRequest(Interfaces.Iface i, IpAddress source, boolean unicast, Tlv.RouteRequest req) {
        if (req.wildcard()) {
            Neighbour n = neighbourCosts.neighbourFor(i, source);
            if (n == null) {
                return;
            }
            announcer.sendIhu(n);
            // The requester has just (re)started on this link and needs two of our Hellos to count us as a
            // neighbour; it gets the table now if it is bidirectional, else when it becomes so (fast start).
            announcer.hurryHellos(i);
            welcomes.dumpOnRequest(n);
            return;
        }
        RouteKey key = routeKey(req.prefix(), req.sourcePrefix());
        if (key != null) {
            if (unicast || i.config().unicastOnly()) {
                outbox.addUpdate(i, source, key, clock.urgent());
            } else {
                outbox.addUpdate(i, IpAddress.BABEL_GROUP, key, clock.urgent());
            }
        }
    }

    /** The route key of an update or request, or null (counted) when its prefixes are unusable. */
    private RouteKey routeKey(Prefix prefix, Prefix source) {
        if (prefix.family() != source.family()) {
            counters.increment(Counter.FAMILY_MISMATCH);
            return null;
        }
        if (prefix.isMartian() || (!source.isZeroLength() && source.isMartian())) {
            counters.increment(Counter.MARTIAN_PREFIX);
            return null;
        }
        return keys.apply(new RouteKey(prefix, source));
    }

    void setKeyInterner(UnaryOperator<RouteKey> interner) {
        keys = interner;
    }
}
