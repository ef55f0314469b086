package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/**
 * The RFC 8966 protocol engine: a sans-IO state machine. It owns no thread, socket, clock or kernel handle; every
 * input carries the time ({@link Time}, nanoseconds of a monotonic clock), and what must happen is collected as
 * {@link Action}s that the driver takes with {@link #pollActions()}. Call {@link #tick(long)} no later than
 * {@link #nextWakeup()}.
 *
 * <p>The engine is a facade: each protocol table is its own class ({@link Interfaces}, {@link Neighbours},
 * {@link Sources}, {@link Routes}, {@link LocalRoutes}, {@link PendingRequests}, {@link UpdateResends},
 * {@link LostRoutes}, and {@link SendBuffers} for what is on its way out), and each concern its own part:
 * {@link Selection} (selection, the FIB, the route in use, filters), {@link Announcer} (Hellos, IHUs, updates and
 * their urgency), {@link SeqnoRequests}, {@link Welcomes} (what a new neighbour is sent), {@link Timestamps}
 * (RFC 9616) and {@link ChangeDispatch} (observers); this class takes the events, handles the received TLVs and
 * the neighbours' costs, and routes the consequences to the parts (docs/ENGINE.md, "Layout"). Jitter comes only
 * from the {@link RandomGenerator} given to the constructor ({@link EngineClock}), and every table iterates in
 * insertion order, so a run with the same seed and the same inputs produces the same actions.
 *
 * <p>Deliberate differences from babeld, all within RFC 8966: a route that expires is retracted (and its
 * neighbours told) before it is forgotten; a neighbour that becomes bidirectional gets our whole table at once
 * by unicast ("fast start", at most once per {@link BabelConstants#FULL_DUMP_HOLDOFF}); an unfeasible update for
 * the selected route from its own source is ignored and answered with a seqno request instead of being applied;
 * retracted routes are removed from the FIB rather than kept as unreachable routes; new and lost routes are
 * announced urgently. docs/ENGINE.md collects these and the semantics of filters and interface settings.
 */
public final class BabelEngine {

    /** How many actions' worth of room the action list keeps between events. */
    private static final int KEPT_CAPACITY = 256;

    private final EngineConfig config;
    private final EngineClock clock;
    private final Identity self;
    private final int halfLife;
    private final EngineCounters counters = new EngineCounters();
    private final ArrayList<Action> actions = new ArrayList<>();

    private final Interfaces interfaces;
    private final Neighbours neighbours = new Neighbours();
    private final Slots slots = new Slots();
    private final Sources sources;
    private final Routes routes = new Routes(slots);
    private final LocalRoutes localRoutes = new LocalRoutes();
    private final LostRoutes lostRoutes = new LostRoutes();
    private final SendBuffers buffers;

    private final ChangeDispatch dispatch = new ChangeDispatch(counters);
    private final Selection selection;
    private final Outbox outbox;
    private final SeqnoRequests seqnoRequests;
    private final Announcer announcer;
    private final Welcomes welcomes;
    private final Timestamps timestamps;

    private boolean stopped;
    private long nextHousekeeping;
    /** No earlier than this does a neighbour miss a Hello (may be early: then the check just finds nothing to do). */
    private long nextMissedHello = Long.MAX_VALUE;
    private long nextRouteCheck = Long.MAX_VALUE;
    private long nextSourceGc;

    public BabelEngine(RouterId routerId, int seqno, EngineConfig config, RandomGenerator random) {
        Objects.requireNonNull(routerId, "routerId");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = new EngineClock(Objects.requireNonNull(random, "random"));
        this.halfLife = (int) (config.smoothingHalfLife() / Time.seconds(1));
        this.interfaces = new Interfaces(random);
        EngineLimits limits = config.limits();
        this.sources = new Sources(slots, limits.sources());
        this.buffers = new SendBuffers(actions, this::compose, this::stamp);
        this.self = new Identity(routerId, seqno, actions);
        this.selection = new Selection(config, self, clock, slots, routes, localRoutes, actions, dispatch, halfLife);
        this.outbox = new Outbox(interfaces, neighbours, buffers);
        this.seqnoRequests = new SeqnoRequests(clock, self, new PendingRequests(limits.requests()), routes, sources,
                localRoutes, interfaces, outbox, selection, counters);
        this.announcer = new Announcer(clock, self, interfaces, neighbours, routes, sources, localRoutes,
                new UpdateResends(limits.updateResends()), outbox, selection, seqnoRequests, counters);
        this.welcomes = new Welcomes(config, clock, announcer, outbox, counters);
        this.timestamps = new Timestamps(clock, neighbours, counters);
    }

    public RouterId routerId() {
        return self.routerId();
    }

    public int seqno() {
        return self.seqno();
    }

    /** The time of the latest event the engine has seen (the time extension calls are stamped with). */
    public long now() {
        return clock.now();
    }

    public EngineCounters counters() {
        return counters;
    }

    // ------------------------------------------------------------------------------------------------------
    // Events

    /**
     * An interface came up, or its configuration changed while it is up (new addresses, MTU, intervals, costs):
     * then it is updated in place and keeps its neighbours and routes.
     */
    public void interfaceUp(long now, InterfaceConfig iface) {
        if (!enter(now)) {
            return;
        }
        Interfaces.Iface existing = interfaces.get(iface.name());
        boolean firstTime = existing == null;
        boolean wasUp = interfaces.up(iface.name()) != null;
        InterfaceConfig old = firstTime ? null : existing.config();
        Interfaces.Iface i = interfaces.bringUp(iface);
        if (!wasUp) {
            if (firstTime) {
                // Clears whatever a previous incarnation of this node left at the neighbours (not on a mere
                // interface flap, where it would only cause churn).
                outbox.toGroup(i, announcer.wildcardRetraction(), clock.urgent());
            }
            i.scheduleUpdate(clock.now() + clock.jitter(i.updateInterval()));
            announcer.startUp(i);
        } else if (!old.equals(iface)) {
            announcer.reconfigure(i, old);
        }
        for (Neighbour n : neighbours.on(i.name())) {
            refreshNeighbour(n);
        }
        if (wasUp && (iface.rxcost() != old.rxcost() || iface.linkQuality() != old.linkQuality())) {
            // Our rxcost for every neighbour changed: tell them now rather than with the next IHU round.
            for (Neighbour n : neighbours.on(i.name())) {
                announcer.sendIhu(n);
            }
        }
        leave();
    }

    /**
     * An interface brought up while its link-local address was still tentative (so that we hear neighbours from the
     * moment the link is up) can send now: what we sent there before was lost, so the start-up is repeated, and every
     * neighbour heard meanwhile gets an IHU at once.
     */
    public void interfaceReady(long now, String ifname) {
        if (!enter(now)) {
            return;
        }
        Interfaces.Iface i = interfaces.up(ifname);
        if (i != null) {
            announcer.startUp(i);
            for (Neighbour n : neighbours.on(ifname)) {
                announcer.sendIhu(n);
                askForLostRoutes(n);
            }
        }
        leave();
    }

    public void interfaceDown(long now, String ifname) {
        if (!enter(now)) {
            return;
        }
        Interfaces.Iface i = interfaces.up(ifname);
        if (i != null) {
            interfaces.bringDown(i);
            buffers.discardInterface(ifname);
            for (Neighbour n : neighbours.on(ifname)) {
                dropNeighbour(n);
            }
        }
        leave();
    }

    /** A packet arrived on {@code ifname} from {@code source}, sent to {@code destination} (group or us). */
    public void receive(long now, String ifname, IpAddress source, IpAddress destination, Packet packet) {
        if (!enter(now)) {
            return;
        }
        Interfaces.Iface i = interfaces.up(ifname);
        if (i == null) {
            counters.increment(Counter.UNKNOWN_INTERFACE);
        } else if (source.family() != Family.V6 || !source.isLinkLocal()) {
            counters.increment(Counter.NON_LINK_LOCAL_SOURCE);
        } else if (source.equals(i.config().linkLocal())) {
            counters.increment(Counter.OWN_PACKET);
        } else {
            boolean unicast = !destination.isMulticast();
            for (Tlv tlv : packet.body()) {
                try {
                    handle(i, source, unicast, tlv);
                } catch (RuntimeException e) {
                    counters.increment(Counter.TLV_ERROR);
                    dispatch.report(tlv + " from " + source + " on " + ifname, e);
                }
            }
            if (i.config().enableTimestamps()) {
                Neighbour sampled = timestamps.measure(i, source, packet);
                if (sampled != null) {
                    refreshNeighbour(sampled, true);
                }
            }
        }
        leave();
    }

    /**
     * Originate (or change the metric of) a local route: redistribution and extensions come in here. A martian prefix
     * or source prefix ({@link Prefix#isMartian()}) is refused and counted ({@code martian_origination}).
     */
    public void originate(long now, RouteKey key, int metric) {
        if (!enter(now)) {
            return;
        }
        if (key.prefix().isMartian() || (!key.source().isZeroLength() && key.source().isMartian())) {
            // No neighbour would accept it (babeld cannot even parse a v4-mapped IPv6 prefix).
            counters.increment(Counter.MARTIAN_ORIGINATION);
            leave();
            return;
        }
        int m = Math.max(0, Math.min(INFINITY - 1, metric));
        SelectedRoute before = selection.inUse(key);
        localRoutes.put(key, m);
        selection.reselect(key);
        announcer.announceLocalChange(key, before);
        leave();
    }

    /**
     * Replaces the in/out/install filters ({@link RouteFilters#ALLOW_ALL} until called). Meant to be called once,
     * before the interfaces come up; called later, it re-evaluates every learned route (input additions, install
     * decisions, selection) and re-sends our table, but announcements that the new output filter denies are not
     * retracted at the neighbours: they expire there.
     */
    public void setFilters(long now, RouteFilters newFilters) {
        if (!enter(now)) {
            return;
        }
        selection.setFilters(newFilters);
        RouteFilters filters = selection.filters();
        List<RouteKey> keys = new ArrayList<>();
        List<SelectedRoute> before = new ArrayList<>();
        for (Slot s : routes.slots()) {
            keys.add(s.key);
            before.add(selection.inUse(s.key));
        }
        for (RouteKey key : keys) {
            Slot s = slots.get(key);
            for (Route r : s == null ? List.<Route>of() : Routes.of(s)) {
                if (r.retracted() || r.routerId == null) {
                    continue;
                }
                int add = filters.input(key, r.routerId, r.neighbour.address, r.neighbour.ifname());
                r.refilter(add, selection.installOptions(key, r.routerId, r.neighbour), clock.now(), halfLife);
            }
        }
        for (int k = 0; k < keys.size(); k++) {
            selection.reselect(keys.get(k));
            announcer.announceChange(keys.get(k), before.get(k), false);
        }
        for (Interfaces.Iface i : interfaces.allUp()) {
            announcer.fullDumpToGroup(i, clock.normal());
        }
        leave();
    }

    public void withdraw(long now, RouteKey key) {
        if (!enter(now)) {
            return;
        }
        if (localRoutes.contains(key)) {
            SelectedRoute before = selection.inUse(key);
            localRoutes.remove(key);
            selection.reselect(key);
            announcer.announceLocalChange(key, before);
        }
        leave();
    }

    /**
     * The kernel refused the FIB entry {@code update} asked for (an ADD or REPLACE, EINVAL for a next hop it will not
     * use, say): the route it was made from is no longer selected, so it is shown not installed, not announced (a
     * retraction goes out if it was), and another route for the key takes its place if there is one. It stays out
     * of selection until its next hop, interface or install options change, or it comes back after a retraction. An
     * answer about an entry the key no longer has (a later update replaced it) is ignored; so are removals.
     */
    public void kernelRefused(long now, Action.FibUpdate update) {
        if (!enter(now)) {
            return;
        }
        RouteKey key = update.key();
        Slot s = slots.get(key);
        Route r = s == null ? null : s.selected;
        if (update.op() != Action.FibOp.REMOVE && r != null && s.installed()
                && Objects.equals(s.installedNextHop, update.nextHop()) && Objects.equals(r.nextHop, update.nextHop())
                && Objects.equals(s.installedIfname, update.ifname()) && r.neighbour.ifname().equals(update.ifname())
                && s.installedOptions.table() == update.table()
                && Objects.equals(s.installedOptions.preferredSource(), update.preferredSource())) {
            counters.increment(Counter.KERNEL_REFUSED);
            SelectedRoute before = selection.inUse(key);
            r.refusedByKernel();
            selection.reselect(key);
            // As for any lost route, a seqno request: a newer seqno makes the other routes for the key feasible.
            announcer.announceChange(key, before, false);
        }
        leave();
    }

    public void tick(long now) {
        if (!enter(now)) {
            return;
        }
        long t = clock.now();
        announcer.sendDue(t);
        seqnoRequests.resendDue(t);
        announcer.resendDue(t);
        if (t >= nextHousekeeping) {
            nextHousekeeping = t + BabelConstants.HOUSEKEEPING_INTERVAL;
            checkNeighbours();
            lostRoutes.expire(t);
            welcomes.sendDue();
        } else if (t >= nextMissedHello) {
            // A Hello is missed now, not at the next housekeeping second: a link that died without telling us (no
            // carrier loss seen) is found when its second Hello is missed, as babeld, whose neighbour check follows
            // the Hello intervals, finds it.
            checkNeighbours();
        }
        if (t >= nextRouteCheck) {
            checkRoutes();
        }
        if (t >= nextSourceGc) {
            nextSourceGc = t + BabelConstants.SOURCE_GC_INTERVAL;
            sources.collectGarbage(t, Routes::uses);
        }
        buffers.flushDue(t);
        leave();
    }

    /** The latest time at which {@link #tick(long)} must be called. */
    public long nextWakeup() {
        if (stopped) {
            return Long.MAX_VALUE;
        }
        long next = clock.started() ? Math.min(nextHousekeeping, nextMissedHello) : Long.MAX_VALUE;
        next = Math.min(next, announcer.nextDeadline());
        next = Math.min(next, buffers.nextDeadline());
        next = Math.min(next, seqnoRequests.nextDeadline());
        next = Math.min(next, nextRouteCheck);
        return Math.min(next, nextSourceGc);
    }

    /** The actions produced since the last call, in order. */
    public List<Action> pollActions() {
        List<Action> result = List.copyOf(actions);
        actions.clear();
        if (result.size() > KEPT_CAPACITY) {
            // A burst (a whole table installed at once) does not keep its room after it is gone.
            actions.trimToSize();
        }
        return result;
    }

    /** Retract everything and say goodbye on every interface (clean exit). */
    public void shutdown(long now) {
        if (!enter(now)) {
            return;
        }
        for (Interfaces.Iface i : interfaces.allUp()) {
            buffers.discardInterface(i.name());
        }
        actions.addAll(announcer.goodbyes());
        for (Slot s : slots.installed()) {
            actions.add(s.installedUpdate(Action.FibOp.REMOVE));
            s.uninstall();
        }
        stopped = true;
        leave();
    }

    // ------------------------------------------------------------------------------------------------------
    // Views

    /** The route in use for every key: the local route where we originate one, else the selected learned one. */
    public List<SelectedRoute> selectedRoutes() {
        List<SelectedRoute> result = new ArrayList<>();
        for (Slot s : slots.published()) {
            result.add(selection.inUse(s.key));
        }
        return List.copyOf(result);
    }

    /** The route in use for one key, if any: a route of ours or the selected learned one. */
    public Optional<SelectedRoute> selectedRoute(RouteKey key) {
        return Optional.ofNullable(selection.inUse(key));
    }

    public List<NeighbourView> neighbours() {
        List<NeighbourView> result = new ArrayList<>();
        for (Neighbour n : neighbours.all()) {
            result.add(n.view(clock.now()));
        }
        return result;
    }

    /** Every learned route, selected or not, retracted ones included. */
    public List<RouteView> routes() {
        List<RouteView> result = new ArrayList<>(routes.size());
        for (Slot s : routes.slots()) {
            for (Route r = s.routes; r != null; r = r.next) {
                result.add(new RouteView(r.key, r.neighbour.address, r.neighbour.ifname(), r.routerId, r.seqno,
                        r.metric, r.refmetric, r.smoothedMetric(clock.now(), halfLife), r.nextHop, s.selected == r,
                        Routes.feasible(s, r), r.refreshedAt, r.id));
            }
        }
        return result;
    }

    public List<LocalRouteView> localRoutes() {
        List<LocalRouteView> result = new ArrayList<>();
        for (Map.Entry<RouteKey, Integer> e : localRoutes.all().entrySet()) {
            result.add(new LocalRouteView(e.getKey(), e.getValue()));
        }
        return result;
    }

    public List<InterfaceView> interfaces() {
        List<InterfaceView> result = new ArrayList<>();
        for (Interfaces.Iface i : interfaces.all()) {
            result.add(i.view());
        }
        return result;
    }

    /**
     * Where the engine reports what it survived but should never happen: a TLV whose handling threw (counted as
     * {@code tlv_error}) and an observer that threw ({@code observer_error}). The driver logs them with their stack
     * traces; by default they are only counted.
     */
    public interface ErrorReporter {
        void report(String what, RuntimeException error);
    }

    public void setErrorReporter(ErrorReporter reporter) {
        dispatch.setErrorReporter(reporter);
    }

    public void addListener(EngineListener listener) {
        dispatch.addListener(listener);
    }

    public void removeListener(EngineListener listener) {
        dispatch.removeListener(listener);
    }

    // ------------------------------------------------------------------------------------------------------
    // Entry and exit of every event

    /** Every event starts here: the clock moves to its time; false when the engine has stopped. */
    private boolean enter(long t) {
        if (clock.advance(t)) {
            nextHousekeeping = t + BabelConstants.HOUSEKEEPING_INTERVAL;
            nextSourceGc = t + BabelConstants.SOURCE_GC_INTERVAL;
        }
        return !stopped;
    }

    /** Every event ends here: the observers are told what changed. */
    private void leave() {
        dispatch.deliver();
    }

    // ------------------------------------------------------------------------------------------------------
    // Receiving

    private void handle(Interfaces.Iface i, IpAddress source, boolean unicast, Tlv tlv) {
        switch (tlv) {
            case Tlv.Hello h -> onHello(i, source, h);
            case Tlv.Ihu ihu -> onIhu(i, source, ihu);
            case Tlv.Update u -> onUpdate(i, source, u);
            case Tlv.RouteRequest r -> onRouteRequest(i, source, unicast, r);
            case Tlv.SeqnoRequest s -> onSeqnoRequest(i, source, s);
            case Tlv.AckRequest a -> outbox.add(i, source, new Tlv.Ack(a.opaque()),
                    now() + Math.min(BabelConstants.URGENT_DELAY, Time.centis(a.interval()) / 2));
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

    /**
     * The neighbour entry for the sender of a TLV, made on its first packet whatever that carries (as babeld does): a
     * neighbour that answers our start-up request before its first Hello reaches us keeps the routes it sent, which
     * become usable once its link cost is finite. When the interface's or the engine's neighbour table is full, the
     * least recently heard neighbour that carries no selected route (and is not configured) makes room; null
     * (counted) when there is none.
     */
    private Neighbour neighbourFor(Interfaces.Iface i, IpAddress source) {
        Neighbour n = neighbours.get(i.name(), source);
        if (n == null) {
            if (!i.config().neighbours().contains(source) && !makeRoomForNeighbour(i)) {
                return null;
            }
            n = neighbours.create(i, source, now());
            HelloHistory before = lostRoutes.hellos(i.name(), source, now());
            if (before != null) {
                n.multicast.resume(before, now());
            }
            askForLostRoutes(n);
            announcer.hurryHellos(i);
            dispatch.emit(new NeighbourChange(ChangeKind.ADDED, n.view(now())));
        }
        n.packetReceived(now());
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
                    && (victim == null || n.lastPacket < victim.lastPacket)) {
                victim = n;
            }
        }
        if (victim == null) {
            counters.increment(interfaceFull ? Counter.NEIGHBOUR_LIMIT : Counter.NEIGHBOUR_TABLE_FULL);
            return false;
        }
        counters.increment(Counter.NEIGHBOUR_EVICTED);
        dropNeighbour(victim);
        return true;
    }

    private void onHello(Interfaces.Iface i, IpAddress source, Tlv.Hello h) {
        Neighbour n = neighbourFor(i, source);
        if (n == null) {
            return;
        }
        HelloHistory history = h.unicast() ? n.unicast : n.multicast;
        boolean restarted = history.receive(now(), h.seqno(), Time.centis(h.interval()));
        nextMissedHello = Math.min(nextMissedHello, history.nextMissed());
        if (restarted) {
            // The neighbour restarted: the routes it announced before describe state it no longer has (its source
            // table is gone, so it may now take a route back through us), and its start-up wildcard retraction
            // may have been lost. Its Hellos say it all the same: we retract what it announced, as that retraction
            // would have, before its link becomes usable again.
            for (Route r : Routes.via(n)) {
                retract(r);
            }
        }
        refreshNeighbour(n);
    }

    private void onIhu(Interfaces.Iface i, IpAddress source, Tlv.Ihu ihu) {
        Neighbour n = neighbourFor(i, source);
        if (n == null) {
            return;
        }
        if (ihu.address() != null && !ihu.address().equals(i.config().linkLocal())) {
            counters.increment(Counter.IHU_NOT_FOR_US);
            return;
        }
        n.ihuReceived(now(), ihu.rxcost(), Time.centis(ihu.interval()));
        refreshNeighbour(n);
    }

    private void onUpdate(Interfaces.Iface i, IpAddress source, Tlv.Update u) {
        Neighbour n = neighbourFor(i, source);
        if (n == null) {
            return;
        }
        if (u.wildcard()) {
            if (u.retraction()) {
                for (Route r : Routes.via(n)) {
                    retract(r);
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
            return;
        }
        if (u.retraction()) {
            Route r = routes.find(key, n);
            if (r == null) {
                counters.increment(Counter.UNKNOWN_RETRACTION);
            } else {
                retract(r);
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
                retract(old);
            }
            return;
        }
        acquire(key, n, u.routerId(), u.seqno(), u.metric(), Time.centis(u.interval()), nextHop);
    }

    /** RFC 8966 §3.5.3: a finite update (router-id, seqno, metric) for a key from a neighbour. */
    private void acquire(RouteKey key, Neighbour n, RouterId rid, int seqno, int refmetric, long interval,
            IpAddress nextHop) {
        Route r = routes.find(key, n);
        int inputMetric = selection.filters().input(key, rid, n.address, n.ifname());
        if (inputMetric >= RouteFilters.DENY) {
            counters.increment(Counter.FILTERED);
            if (r != null) {
                retract(r);
            }
            return;
        }
        if (r == null && Routes.count(n) >= config.limits().routesPerNeighbour()) {
            counters.increment(Counter.ROUTE_LIMIT);
            return;
        }
        if (r == null && routes.size() >= config.limits().routes()) {
            counters.increment(Counter.ROUTE_TABLE_FULL);
            return;
        }
        boolean feasible = sources.feasible(key, rid, seqno, refmetric);
        if (!feasible) {
            counters.increment(Counter.UNFEASIBLE);
            seqnoRequests.requestNewerSeqno(key, n, rid, seqno, refmetric);
            // A new unfeasible route is not worth keeping, and an unfeasible update from the source of the
            // selected route is ignored (so the selected route stays as it was until the request is answered).
            if (r == null || (r == routes.selected(key) && rid.equals(r.routerId))) {
                return;
            }
        }
        SelectedRoute before = selection.inUse(key);
        if (r == null) {
            r = routes.add(key, n);
        }
        r.update(rid, seqno, refmetric, inputMetric, selection.installOptions(key, rid, n), nextHop, now(),
                Routes.holdTime(interval), halfLife);
        nextRouteCheck = Math.min(nextRouteCheck, r.refreshRequestAt());
        boolean requested = seqnoRequests.answered(key, rid, seqno);
        selection.reselect(key);
        announcer.announceChange(key, before, requested);
    }

    /** A route was retracted by its neighbour (or expired): it stays, unusable, until it is forgotten. */
    private void retract(Route r) {
        if (r.retracted()) {
            return;
        }
        SelectedRoute before = selection.inUse(r.key);
        r.retract(now(), halfLife);
        selection.reselect(r.key);
        announcer.announceChange(r.key, before, false);
    }

    private void onSeqnoRequest(Interfaces.Iface i, IpAddress source, Tlv.SeqnoRequest req) {
        Neighbour requester = neighbourFor(i, source);
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
            Neighbour n = neighbourFor(i, source);
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

    // ------------------------------------------------------------------------------------------------------
    // Neighbours

    /** Recomputes a neighbour's costs and carries the consequences to its routes and to the wire. */
    private void refreshNeighbour(Neighbour n) {
        refreshNeighbour(n, false);
    }

    /** As {@link #refreshNeighbour(Neighbour)}; {@code rttChanged} says that the neighbour's RTT has a new sample. */
    private void refreshNeighbour(Neighbour n, boolean rttChanged) {
        int oldRx = n.rxcost;
        int oldTx = n.txcost;
        boolean wasBidirectional = n.bidirectional();
        boolean costChanged = n.recompute(now());
        if ((oldRx >= INFINITY) != (n.rxcost >= INFINITY)) {
            // Tell the neighbour at once that we hear it (or no longer do).
            announcer.sendIhu(n);
        }
        if (costChanged) {
            // The routes still carry their old metrics: capture what we announced before recomputing them.
            List<Route> affected = Routes.via(n);
            List<SelectedRoute> before = new ArrayList<>(affected.size());
            for (Route r : affected) {
                before.add(selection.inUse(r.key));
            }
            for (Route r : affected) {
                r.recomputeMetric(now(), halfLife);
            }
            for (int k = 0; k < affected.size(); k++) {
                RouteKey key = affected.get(k).key;
                selection.reselect(key);
                announcer.announceChange(key, before.get(k), false);
            }
        }
        if (costChanged || rttChanged || oldRx != n.rxcost || oldTx != n.txcost) {
            dispatch.emit(new NeighbourChange(ChangeKind.CHANGED, n.view(now())));
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
    private void askForLostRoutes(Neighbour n) {
        for (RouteKey key : lostRoutes.routes(n.ifname(), n.address, now())) {
            if (routes.find(key, n) == null) {
                outbox.add(n.iface, n.address, Outbox.routeRequest(key), clock.urgent());
            }
        }
    }

    private void checkNeighbours() {
        long nextMissed = Long.MAX_VALUE;
        for (Neighbour n : new ArrayList<>(neighbours.all())) {
            n.multicast.accountMissed(now());
            n.unicast.accountMissed(now());
            if (n.dead(now())) {
                dropNeighbour(n);
            } else {
                refreshNeighbour(n);
                nextMissed = Math.min(nextMissed, Math.min(n.multicast.nextMissed(), n.unicast.nextMissed()));
            }
        }
        nextMissedHello = nextMissed;
    }

    /** Forgets a neighbour and every route learned from it (remembered a while, to ask for them when it is back). */
    private void dropNeighbour(Neighbour n) {
        List<RouteKey> lost = new ArrayList<>();
        for (Route r : Routes.via(n)) {
            if (!r.retracted()) {
                lost.add(r.key);
            }
        }
        lostRoutes.remember(n.ifname(), n.address, lost, n.multicast, now());
        for (Route r : Routes.via(n)) {
            SelectedRoute before = selection.inUse(r.key);
            routes.remove(r);
            selection.reselect(r.key);
            announcer.announceChange(r.key, before, false);
        }
        neighbours.remove(n);
        welcomes.forget(n);
        buffers.discard(n.ifname(), n.address);
        n.forgotten();
        dispatch.emit(new NeighbourChange(ChangeKind.REMOVED, n.view(now())));
    }

    // ------------------------------------------------------------------------------------------------------
    // Routes

    /** Expires routes not refreshed in time (retracting them first), and asks for refreshes before that. */
    private void checkRoutes() {
        long next = Long.MAX_VALUE;
        for (Slot s : routes.slots()) {
            for (Route r : Routes.of(s)) {
                if (now() >= r.expiresAt) {
                    if (r.retracted()) {
                        SelectedRoute before = selection.inUse(r.key);
                        routes.remove(r);
                        selection.reselect(r.key);
                        announcer.announceChange(r.key, before, false);
                        continue;
                    }
                    retract(r);
                    r.forgetAt(now() + BabelConstants.ROUTE_HOLD_MIN);
                } else if (!r.retracted() && !r.refreshRequested && now() >= r.refreshRequestAt()) {
                    // Only the selected route is worth a refresh request; the others just expire.
                    r.markRefreshRequested();
                    if (s.selected == r) {
                        outbox.add(r.neighbour.iface, r.neighbour.address, Outbox.routeRequest(r.key), clock.urgent());
                    }
                }
                next = Math.min(next, r.expiresAt);
                if (!r.refreshRequested && !r.retracted()) {
                    next = Math.min(next, r.refreshRequestAt());
                }
            }
        }
        // Every check walks the whole table: at most one per housekeeping interval, however spread the deadlines
        // (a large table refreshed at many different times would otherwise be walked at each of them).
        nextRouteCheck = next == Long.MAX_VALUE ? next : Math.max(next, now() + BabelConstants.HOUSEKEEPING_INTERVAL);
    }

    // ------------------------------------------------------------------------------------------------------
    // Helpers

    /** The update for a key, composed as its packet leaves ({@link Announcer#compose}). */
    private Tlv.Update compose(Interfaces.Iface i, RouteKey key) {
        return announcer.compose(i, key);
    }

    /** A packet's TLVs as it leaves, with RFC 9616 timestamps where enabled ({@link Timestamps#stamp}). */
    private List<Tlv> stamp(Interfaces.Iface i, IpAddress destination, List<Tlv> tlvs) {
        return timestamps.stamp(i, destination, tlvs);
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
        return new RouteKey(prefix, source);
    }
}
