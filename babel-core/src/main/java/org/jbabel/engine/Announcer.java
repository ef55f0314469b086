package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/**
 * What we say on each interface and when: Hellos and IHUs (start-up, hurried pairs, the Hello rounds), our table
 * (periodic updates and full dumps), triggered updates by babeld's urgency rules with their resends
 * ({@link UpdateResends}), and the updates themselves, composed when their packet leaves (split horizon, output
 * filter, feasibility distances recorded).
 */
final class Announcer {
    private final EngineClock clock;
    private final Identity self;
    private final Interfaces interfaces;
    private final Neighbours neighbours;
    private final Routes routes;
    private final Sources sources;
    private final LocalRoutes localRoutes;
    private final UpdateResends resends;
    private final Outbox outbox;
    private final Selection selection;
    private final SeqnoRequests seqnoRequests;
    private final EngineCounters counters;

    Announcer(EngineClock clock, Identity self, Interfaces interfaces, Neighbours neighbours, Routes routes,
            Sources sources, LocalRoutes localRoutes, UpdateResends resends, Outbox outbox, Selection selection,
            SeqnoRequests seqnoRequests, EngineCounters counters) {
        this.clock = clock;
        this.self = self;
        this.interfaces = interfaces;
        this.neighbours = neighbours;
        this.routes = routes;
        this.sources = sources;
        this.localRoutes = localRoutes;
        this.resends = resends;
        this.outbox = outbox;
        this.selection = selection;
        this.seqnoRequests = seqnoRequests;
        this.counters = counters;
    }

    // ------------------------------------------------------------------------------------------------------
    // Hellos and IHUs

    /**
     * babeld's start-up on an interface: a Hello; a second Hello follows at once so that 2-out-of-3 neighbours see
     * us without waiting for the next interval, and after it, in the same packet, a wildcard request (as babeld's
     * second round): the neighbours answer it with the table and with an IHU, which then already counts both Hellos.
     */
    void startUp(Interfaces.Iface i) {
        sendHello(i);
        i.startingUp(clock.now());
    }

    /**
     * The wildcard request that follows the second Hello of a start-up, or of a hurried pair when a neighbour there
     * has not told us yet that it hears us: babeld and FRR answer a wildcard request with an IHU at once, but
     * otherwise send one only with their own Hellos, up to a Hello interval (4 s) later. Put after the Hello, in
     * its packet, so that the IHU counts it.
     */
    private void requestAfterSecondHello(Interfaces.Iface i) {
        boolean needed = i.takeRequestAnyway();
        for (Neighbour n : neighbours.on(i.name())) {
            needed |= n.txcost() >= BabelConstants.INFINITY;
        }
        if (needed) {
            outbox.toGroup(i, new Tlv.RouteRequest(AddressEncoding.WILDCARD, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT,
                    List.of()), clock.urgent());
        }
    }

    /**
     * An interface that is up got a new configuration: carry the differences to the timers and to what we announce
     * there. (The caller then recomputes the neighbours' costs and tells them a changed rxcost.)
     */
    void reconfigure(Interfaces.Iface i, InterfaceConfig old) {
        long now = clock.now();
        InterfaceConfig c = i.config();
        if (c.helloInterval() < old.helloInterval()) {
            i.helloNoLaterThan(now + clock.jitter(c.helloInterval()));
        }
        if (c.updateInterval() < old.updateInterval()) {
            i.updateNoLaterThan(now + clock.jitter(c.updateInterval()));
        }
        if (!old.neighbours().containsAll(c.neighbours())) {
            // New configured neighbours should hear us at once.
            hurryHellos(i);
        }
        if (!Objects.equals(c.ipv4(), old.ipv4()) || c.splitHorizon() != old.splitHorizon()
                || c.unicastOnly() != old.unicastOnly() || !c.neighbours().equals(old.neighbours())) {
            // What we announce there (IPv4 next hop, split horizon) or to whom changed.
            fullDumpToGroup(i, clock.normal());
        }
    }

    /** The Hellos (and the requests after them) and periodic updates due at {@code t} on every interface that is up. */
    void sendDue(long t) {
        for (Interfaces.Iface i : interfaces.allUp()) {
            if (t >= i.nextHello()) {
                sendHello(i);
                if (i.helloBeforeRequestSent()) {
                    requestAfterSecondHello(i);
                }
                i.scheduleHello(i.takeQuickHello() ? t + BabelConstants.STARTUP_HELLO_DELAY
                        : t + clock.jitter(i.helloInterval()));
            }
            if (t >= i.nextUpdate()) {
                i.scheduleUpdate(t + clock.jitter(i.updateInterval()));
                fullDumpToGroup(i, clock.normal());
            }
        }
    }

    /** Repeats the urgent updates due at {@code t} ({@link UpdateResends}). */
    void resendDue(long t) {
        for (RouteKey key : resends.due(t)) {
            outbox.sendUpdateEverywhere(key, clock.urgent());
        }
    }

    /** The earliest Hello, periodic update or update resend due. */
    long nextDeadline() {
        long next = resends.nextDeadline();
        for (Interfaces.Iface i : interfaces.all()) {
            if (i.up()) {
                next = Math.min(next, Math.min(i.nextHello(), i.nextUpdate()));
            }
        }
        return next;
    }

    /**
     * One Hello round: a multicast Hello, or, on an interface with configured neighbours (a link without multicast),
     * a unicast Hello to each of them; and the IHUs due.
     */
    private void sendHello(Interfaces.Iface i) {
        int helloSeqno = i.nextHelloSeqno();
        int interval = Time.toCentis(i.helloInterval());
        List<IpAddress> configured = i.config().neighbours();
        if (configured.isEmpty()) {
            outbox.add(i, IpAddress.BABEL_GROUP, new Tlv.Hello(0, helloSeqno, interval, List.of()), clock.urgent());
        }
        for (IpAddress a : configured) {
            outbox.add(i, a, new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, i.nextUnicastHelloSeqno(a), interval,
                    List.of()), clock.urgent());
        }
        boolean everyone = i.helloSeqno() % BabelConstants.IHU_EVERY_NTH_HELLO == 0;
        for (Neighbour n : neighbours.on(i.name())) {
            if (n.heard() && (everyone || n.marginal())) {
                outbox.add(i, Outbox.ihuDestination(n), ihu(n), clock.urgent());
            }
        }
    }

    /** Brings the next two Hellos on an interface forward ({@link Interfaces.Iface#hurryHellos}). */
    void hurryHellos(Interfaces.Iface i) {
        i.hurryHellos(clock.now());
    }

    /** Tells a neighbour at once what we hear of it (our rxcost), if we ever heard it. */
    void sendIhu(Neighbour n) {
        if (n.heard()) {
            outbox.add(n.iface, Outbox.ihuDestination(n), ihu(n), clock.urgent());
        }
    }

    private static Tlv.Ihu ihu(Neighbour n) {
        AddressEncoding ae = n.address.isLinkLocal() ? AddressEncoding.IPV6_LINK_LOCAL : AddressEncoding.IPV6;
        return new Tlv.Ihu(ae, n.rxcost(), Time.toCentis(n.iface.ihuInterval()), n.address, List.of());
    }

    /** Goodbye on every interface (clean exit): the wildcard retraction and a Hello with the shutdown interval. */
    List<Action> goodbyes() {
        List<Action> result = new ArrayList<>();
        for (Interfaces.Iface i : interfaces.allUp()) {
            Tlv.Hello bye = new Tlv.Hello(0, i.nextHelloSeqno(), BabelConstants.SHUTDOWN_HELLO_INTERVAL_CS, List.of());
            InterfaceConfig c = i.config();
            if (!c.unicastOnly()) {
                result.add(new Action.Send(i.name(), IpAddress.BABEL_GROUP, List.of(wildcardRetraction(), bye)));
                continue;
            }
            if (c.neighbours().isEmpty()) {
                result.add(new Action.Send(i.name(), IpAddress.BABEL_GROUP, List.of(bye)));
            }
            for (IpAddress d : outbox.groupDestinations(i)) {
                List<Tlv> tlvs = new ArrayList<>(2);
                tlvs.add(wildcardRetraction());
                if (c.neighbours().contains(d)) {
                    tlvs.add(new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, i.nextUnicastHelloSeqno(d),
                            BabelConstants.SHUTDOWN_HELLO_INTERVAL_CS, List.of()));
                }
                result.add(new Action.Send(i.name(), d, tlvs));
            }
        }
        return result;
    }

    // ------------------------------------------------------------------------------------------------------
    // Triggered updates

    /** Whether two routes in use are announced alike: the same router-id, seqno and metric (or both none). */
    private static boolean announcedAlike(SelectedRoute a, SelectedRoute b) {
        return a == null ? b == null
                : b != null && a.origin().equals(b.origin()) && a.seqno() == b.seqno() && a.metric() == b.metric();
    }

    /**
     * A route we originate or withdraw ourselves (redistribution, an extension) is announced at once, not after the
     * urgent delay: nothing is gained by waiting, since the caller's turn of the event loop already gathers every
     * change of one event into one flush, and an extension's origination is on the wire within the turn.
     */
    void announceLocalChange(RouteKey key, SelectedRoute before) {
        announceChange(key, before, true, clock.now());
    }

    /**
     * The route in use for a key changed from {@code before} (after reselection): tell the observers, send triggered
     * updates by babeld's rules (urgent for a new source, a lost route or an answered request; nothing for small
     * changes, which wait for the periodic update), and start a seqno request when a learned route is lost.
     */
    void announceChange(RouteKey key, SelectedRoute before, boolean urgentAnyway) {
        announceChange(key, before, urgentAnyway, clock.urgent());
    }

    /** As {@link #announceChange(RouteKey, SelectedRoute, boolean)}, urgent updates due at {@code urgentAt}. */
    private void announceChange(RouteKey key, SelectedRoute before, boolean urgentAnyway, long urgentAt) {
        SelectedRoute after = selection.inUse(key);
        selection.publish(key, before, after);
        if (announcedAlike(before, after)) {
            if (urgentAnyway && after != null) {
                outbox.sendUpdateEverywhere(key, urgentAt);
            }
            return;
        }
        if (after == null) {
            if (before != null) {
                outbox.sendUpdateEverywhere(key, urgentAt);
                scheduleResends(key);
                if (!before.origin().equals(self.routerId()) && before.metric() <= INFINITY / 2) {
                    seqnoRequests.requestLostRoute(key, before);
                }
            }
            return;
        }
        if (before == null) {
            outbox.sendUpdateEverywhere(key, urgentAt);
            return;
        }
        if (!before.origin().equals(after.origin())) {
            outbox.sendUpdateEverywhere(key, urgentAt);
            scheduleResends(key);
            return;
        }
        int oldMetric = before.metric();
        int newMetric = after.metric();
        if (urgentAnyway) {
            outbox.sendUpdateEverywhere(key, urgentAt);
        } else if (newMetric >= oldMetric + BabelConstants.URGENT_WORSENING
                && oldMetric < BabelConstants.URGENT_WORSENING_CEILING) {
            outbox.sendUpdateEverywhere(key, urgentAt);
        } else if (newMetric < oldMetric && oldMetric - newMetric < BabelConstants.MINOR_IMPROVEMENT) {
            // A modest improvement waits for the periodic update.
        } else if (Math.abs(newMetric - oldMetric) >= BabelConstants.MINOR_CHANGE) {
            outbox.sendUpdateEverywhere(key, clock.normal());
        }
        if (newMetric >= oldMetric + BabelConstants.WORSENING_REQUEST) {
            Tlv.RouteRequest req = Outbox.routeRequest(key);
            for (Interfaces.Iface i : interfaces.allUp()) {
                outbox.toGroup(i, req, clock.normal());
            }
        }
    }

    private void scheduleResends(RouteKey key) {
        if (!resends.schedule(key, clock.now())) {
            counters.increment(Counter.RESEND_TABLE_FULL);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Our table

    void fullDumpToGroup(Interfaces.Iface i, long deadline) {
        for (IpAddress d : outbox.groupDestinations(i)) {
            fullDump(i, d, deadline);
        }
    }

    /** Queues our whole table for one destination on one interface (composed when it is sent). */
    private void fullDump(Interfaces.Iface i, IpAddress destination, long deadline) {
        outbox.addWholeTable(i, destination, deadline);
    }

    /** Every key of our table, as a whole-table update sends it: those we originate, then those we route. */
    void forEachTableKey(Consumer<RouteKey> action) {
        for (RouteKey key : localRoutes.all().keySet()) {
            action.accept(key);
        }
        for (Slot s : routes.slots()) {
            if (s.selected != null && !localRoutes.contains(s.key)) {
                action.accept(s.key);
            }
        }
    }

    /** At least as many keys as {@link #forEachTableKey} visits, in O(1). */
    int tableSizeBound() {
        return localRoutes.all().size() + routes.keys();
    }

    /** Whether {@link #forEachTableKey} visits {@code key}. */
    boolean inTable(RouteKey key) {
        if (localRoutes.contains(key)) {
            return true;
        }
        Slot s = routes.slot(key);
        return s != null && s.selected != null;
    }

    /**
     * Our whole table to one neighbour, to {@code destination} (its address, or the group when it is alone on its
     * interface), at most once per {@link BabelConstants#FULL_DUMP_HOLDOFF}.
     */
    void dumpTo(Neighbour n, IpAddress destination) {
        if (dumpHeldOff(n)) {
            return;
        }
        n.fullDumpSent(clock.now());
        fullDump(n.iface, destination, clock.urgent());
    }

    boolean dumpHeldOff(Neighbour n) {
        return n.dumpHeldOff(clock.now());
    }

    /**
     * In place of a unicast dump the budget did not allow: our table to the group on that interface (babeld's answer
     * to a wildcard request), at most once per {@link BabelConstants#FULL_DUMP_HOLDOFF}; nothing on an interface
     * without multicast, where the periodic updates reach every neighbour.
     */
    void dumpToGroupInstead(Interfaces.Iface i) {
        long now = clock.now();
        if (i.config().unicastOnly() || i.groupDumpHeldOff(now, BabelConstants.FULL_DUMP_HOLDOFF)) {
            return;
        }
        i.groupDumpSent(now);
        fullDump(i, IpAddress.BABEL_GROUP, clock.urgent());
    }

    /**
     * Composes the update for a key on an interface when its buffer is flushed: the local route, the selected
     * route (unless split horizon forbids it), or a retraction. Announcing a finite metric sets the feasibility
     * distance.
     */
    Tlv.Update compose(Interfaces.Iface i, RouteKey key) {
        RouterId rid;
        int sq;
        int metric;
        Route r = routes.selected(key);
        Slot slot = routes.slot(key);
        boolean learned = false;
        if (selection.localWins(key)) {
            rid = self.routerId();
            sq = self.seqno();
            metric = localRoutes.metric(key);
        } else if (r != null && r.usable() && !(i.config().splitHorizon() && r.neighbour.iface == i)) {
            rid = r.routerId();
            sq = r.seqno();
            metric = r.metric();
            learned = true;
        } else if (r != null && r.usable() && !i.announcedHere(slot)) {
            return null; // split horizon, and nothing of ours to take back there
        } else {
            // Nothing to announce, or split horizon after we announced something else here: a retraction, once, so
            // that the neighbours there do not keep our older announcement while we route through one of them
            // (a route that moved on, a roaming client's /128, would loop between us until it expired).
            rid = self.routerId();
            sq = self.seqno();
            metric = INFINITY;
        }
        int add = selection.filters().output(key, rid, i.name());
        if (add >= RouteFilters.DENY) {
            return null;
        }
        if (learned) {
            // The distance before the output filter's addition: at most what we announce, so always safe. A route
            // whose distance cannot be recorded (the table is full) is retracted instead: neighbours must not keep
            // an older announcement of ours for the key while we route it otherwise.
            if (!sources.announced(key, rid, sq, metric, clock.now())) {
                counters.increment(Counter.SOURCE_TABLE_FULL);
                rid = self.routerId();
                sq = self.seqno();
                metric = INFINITY;
            }
        }
        metric = LinkCost.add(metric, Math.max(0, add));
        if (slot == null && metric < INFINITY && i.config().splitHorizon() && i.bit >= 0) {
            slot = routes.obtainSlot(key); // a key we only originate has no slot: the bit needs one
        }
        i.announced(slot, metric < INFINITY);
        if (slot != null && metric >= INFINITY) {
            routes.releaseIfUnused(slot);
        }
        AddressEncoding ae;
        IpAddress nextHop = null;
        if (key.prefix().family() == Family.V6) {
            ae = AddressEncoding.IPV6;
        } else if (i.config().ipv4() != null) {
            ae = AddressEncoding.IPV4;
            nextHop = i.config().ipv4();
        } else {
            ae = AddressEncoding.IPV4_VIA_IPV6;
        }
        return new Tlv.Update(ae, 0, key.prefix(), key.source(), Time.toCentis(i.updateInterval()), sq, metric, rid,
                nextHop, List.of());
    }

    /** Our wildcard retraction: neighbours forget every route they have through us. */
    Tlv.Update wildcardRetraction() {
        return new Tlv.Update(AddressEncoding.WILDCARD, 0, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, 0xFFFF, self.seqno(),
                INFINITY, self.routerId(), null, List.of());
    }
}
