package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
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

    private final EngineClock clock;
    private final Identity self;
    private final int halfLife;
    private final EngineCounters counters = new EngineCounters();
    private final ArrayList<Action> actions = new ArrayList<>();

    private final Interfaces interfaces;
    private final Neighbours neighbours = new Neighbours();
    private final Slots slots = new Slots();
    /** Turns a key from outside into the instance to keep ({@link #setKeyInterner}); by default itself. */
    private UnaryOperator<RouteKey> keys = UnaryOperator.identity();
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
    private final RouteUpdates routeUpdates;
    private final NeighbourCosts neighbourCosts;
    private final Receiver receiver;

    private boolean stopped;
    private long nextHousekeeping;
    private long nextSourceGc;

    public BabelEngine(RouterId routerId, int seqno, EngineConfig config, RandomGenerator random) {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(config, "config");
        this.clock = new EngineClock(Objects.requireNonNull(random, "random"));
        this.halfLife = (int) (config.smoothingHalfLife() / Time.seconds(1));
        this.interfaces = new Interfaces(random);
        EngineLimits limits = config.limits();
        this.sources = new Sources(slots, limits.sources());
        this.buffers = new SendBuffers(actions, this::compose, this::stamp, new SendBuffers.Table() {
            @Override
            public void forEachKey(Consumer<RouteKey> action) {
                announcer.forEachTableKey(action);
            }

            @Override
            public boolean contains(RouteKey key) {
                return announcer.inTable(key);
            }

            @Override
            public int sizeBound() {
                return announcer.tableSizeBound();
            }
        });
        this.self = new Identity(routerId, seqno, actions);
        this.selection = new Selection(config, self, clock, slots, routes, localRoutes, actions, dispatch, halfLife);
        this.outbox = new Outbox(interfaces, neighbours, buffers);
        this.seqnoRequests = new SeqnoRequests(clock, self, new PendingRequests(limits.requests()), routes, sources,
                localRoutes, interfaces, outbox, selection, counters);
        this.announcer = new Announcer(clock, self, interfaces, neighbours, routes, sources, localRoutes,
                new UpdateResends(limits.updateResends()), outbox, selection, seqnoRequests, counters);
        this.welcomes = new Welcomes(config, clock, announcer, outbox, neighbours, counters);
        this.timestamps = new Timestamps(clock, neighbours, counters);
        this.routeUpdates = new RouteUpdates(config, clock, routes, sources, selection, announcer, seqnoRequests,
                outbox, counters, halfLife);
        this.neighbourCosts = new NeighbourCosts(config, clock, neighbours, routes, lostRoutes, buffers, outbox,
                announcer, welcomes, routeUpdates, dispatch, counters);
        this.receiver = new Receiver(clock, self, routes, neighbourCosts, routeUpdates, seqnoRequests, announcer,
                welcomes, outbox, counters);
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
            neighbourCosts.refresh(n);
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
                neighbourCosts.askForLostRoutes(n);
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
                neighbourCosts.drop(n);
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
                    receiver.handle(i, source, unicast, tlv);
                } catch (RuntimeException e) {
                    counters.increment(Counter.TLV_ERROR);
                    dispatch.report(tlv + " from " + source + " on " + ifname, e);
                }
            }
            if (i.config().enableTimestamps()) {
                Neighbour sampled = timestamps.measure(i, source, packet);
                if (sampled != null) {
                    neighbourCosts.refresh(sampled, true);
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
        key = keys.apply(key);
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
                if (r.retracted() || r.routerId() == null) {
                    continue;
                }
                int add = filters.input(key, r.routerId(), r.neighbour.address, r.neighbour.ifname());
                r.refilter(add, selection.installOptions(key, r.routerId(), r.neighbour), clock.now(), halfLife);
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
        key = keys.apply(key);
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
                && Objects.equals(s.installedNextHop, update.nextHop()) && Objects.equals(r.nextHop(), update.nextHop())
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
            neighbourCosts.check();
            lostRoutes.expire(t);
            welcomes.sendDue();
        } else if (t >= neighbourCosts.nextMissedHello()) {
            // A Hello is missed now, not at the next housekeeping second: a link that died without telling us (no
            // carrier loss seen) is found when its second Hello is missed, as babeld, whose neighbour check follows
            // the Hello intervals, finds it.
            neighbourCosts.check();
        }
        routeUpdates.checkDue(t);
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
        long next = clock.started() ? Math.min(nextHousekeeping, neighbourCosts.nextMissedHello()) : Long.MAX_VALUE;
        next = Math.min(next, announcer.nextDeadline());
        next = Math.min(next, buffers.nextDeadline());
        next = Math.min(next, seqnoRequests.nextDeadline());
        next = Math.min(next, routeUpdates.nextDeadline());
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

    /** How many actions wait for {@link #pollActions()}. */
    public int pendingActions() {
        return actions.size();
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
                result.add(new RouteView(r.key, r.neighbour.address, r.neighbour.ifname(), r.routerId(), r.seqno(),
                        r.metric(), r.refmetric(), r.smoothedMetric(clock.now(), halfLife), r.nextHop(),
                        s.selected == r, Routes.feasible(s, r), r.refreshedAt(), r.id));
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

    /**
     * The key of every update and request received, and of every route originated or withdrawn, goes through
     * {@code interner}, which may return an equal key instance to keep instead (its equals and hashCode are the key's,
     * so nothing the engine does changes). The simulator gives all its engines one table of keys, each with its own
     * index in that table ({@link RouteKey#index()}): thousands of engines then hold the same few thousand key
     * objects and find their entries for a key in arrays by its index ({@link Slots}) instead of hashing it. An
     * interner must give different keys different indices. The daemon keeps the default, each key itself.
     */
    public void setKeyInterner(UnaryOperator<RouteKey> interner) {
        keys = Objects.requireNonNull(interner);
        receiver.setKeyInterner(interner);
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
    // Helpers

    /** The update for a key, composed as its packet leaves ({@link Announcer#compose}). */
    private Tlv.Update compose(Interfaces.Iface i, RouteKey key) {
        return announcer.compose(i, key);
    }

    /** A packet's TLVs as it leaves, with RFC 9616 timestamps where enabled ({@link Timestamps#stamp}). */
    private List<Tlv> stamp(Interfaces.Iface i, IpAddress destination, List<Tlv> tlvs) {
        return timestamps.stamp(i, destination, tlvs);
    }

}
