package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.jbabel.engine.EngineCounters.Counter;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.SubTlv;
import org.jbabel.wire.Tlv;

/**
 * The RFC 8966 protocol engine: a sans-IO state machine. It owns no thread, socket, clock or kernel handle; every
 * input carries the time ({@link Time}, nanoseconds of a monotonic clock), and what must happen is collected as
 * {@link Action}s that the driver takes with {@link #pollActions()}. Call {@link #tick(long)} no later than
 * {@link #nextWakeup()}.
 *
 * <p>The engine is a facade: each protocol table is its own class ({@link Interfaces}, {@link Neighbours},
 * {@link Sources}, {@link Routes}, {@link LocalRoutes}, {@link PendingRequests}, and {@link SendBuffers} for
 * what is on its way out); this class routes events to them and keeps them consistent. Jitter comes only from
 * the {@link RandomGenerator} given to the constructor, and every table iterates in insertion order, so a run
 * with the same seed and the same inputs produces the same actions.
 *
 * <p>Deliberate differences from babeld, all within RFC 8966: a route that expires is retracted (and its
 * neighbours told) before it is forgotten; a neighbour that becomes bidirectional gets our whole table at once
 * by unicast ("fast start", at most once per {@link BabelConstants#FULL_DUMP_HOLDOFF}); an unfeasible update for
 * the selected route from its own source is ignored and answered with a seqno request instead of being applied;
 * retracted routes are removed from the FIB rather than kept as unreachable routes; new and lost routes are
 * announced urgently. docs/ENGINE.md collects these and the semantics of filters and interface settings.
 */
public final class BabelEngine {

    private static final List<IpAddress> GROUP = List.of(IpAddress.BABEL_GROUP);
    /** How many actions' worth of room the action list keeps between events. */
    private static final int KEPT_CAPACITY = 256;

    private final RouterId routerId;
    private int seqno;
    private final EngineConfig config;
    private RouteFilters filters = RouteFilters.ALLOW_ALL;
    private final RandomGenerator random;
    private final int halfLife;

    private final ArrayList<Action> actions = new ArrayList<>();
    private final Interfaces interfaces;
    private final Neighbours neighbours = new Neighbours();
    private final Slots slots = new Slots();
    private final Sources sources;
    private final Routes routes = new Routes(slots);
    private final LocalRoutes localRoutes = new LocalRoutes();
    private final PendingRequests requests;
    private final UpdateResends resends;
    private final LostRoutes lostRoutes = new LostRoutes();
    private final SendBuffers buffers;
    /** Neighbours (interface%address) this engine has told to forget the routes they had through us. */
    private final LinkedHashSet<String> toldToForget = new LinkedHashSet<>();
    /** Neighbours still owed that retraction, waiting for the unicast budget. */
    private final LinkedHashSet<Neighbour> welcomesDue = new LinkedHashSet<>();
    /** The unicast budget for new neighbours: the time it is spent up to (a virtual clock, see takeWelcome). */
    private long welcomeClock = Long.MIN_VALUE;
    private final EngineCounters counters = new EngineCounters();

    private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
    private ErrorReporter errorReporter = (what, error) -> {};
    private final Deque<Object> events = new ArrayDeque<>();
    private boolean dispatching;

    private boolean started;
    private boolean stopped;
    private long now;
    private long nextHousekeeping;
    /** No earlier than this does a neighbour miss a Hello (may be early: then the check just finds nothing to do). */
    private long nextMissedHello = Long.MAX_VALUE;
    private long nextRouteCheck = Long.MAX_VALUE;
    private long nextSourceGc;

    public BabelEngine(RouterId routerId, int seqno, EngineConfig config, RandomGenerator random) {
        this.routerId = Objects.requireNonNull(routerId, "routerId");
        this.seqno = seqno & 0xFFFF;
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
        this.halfLife = (int) (config.smoothingHalfLife() / Time.seconds(1));
        this.interfaces = new Interfaces(random);
        EngineLimits limits = config.limits();
        this.sources = new Sources(slots, limits.sources());
        this.requests = new PendingRequests(limits.requests());
        this.resends = new UpdateResends(limits.updateResends());
        this.buffers = new SendBuffers(actions, this::compose, this::stamp);
        actions.add(new Action.StateChanged(routerId, this.seqno));
    }

    public RouterId routerId() {
        return routerId;
    }

    public int seqno() {
        return seqno;
    }

    /** The time of the latest event the engine has seen (the time extension calls are stamped with). */
    public long now() {
        return now;
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
                toGroup(i, wildcardRetraction(), urgent());
            }
            i.scheduleUpdate(this.now + jitter(i.updateInterval()));
            startUp(i);
        } else if (!old.equals(iface)) {
            reconfigure(i, old);
        }
        for (Neighbour n : neighbours.on(i.name())) {
            refreshNeighbour(n);
        }
        if (wasUp && (iface.rxcost() != old.rxcost() || iface.linkQuality() != old.linkQuality())) {
            // Our rxcost for every neighbour changed: tell them now rather than with the next IHU round.
            for (Neighbour n : neighbours.on(i.name())) {
                if (n.heard) {
                    buffers.add(i, ihuDestination(n), ihu(n), urgent());
                }
            }
        }
        leave();
    }

    /**
     * babeld's start-up on an interface: a Hello; a second Hello follows at once so that 2-out-of-3 neighbours see
     * us without waiting for the next interval, and after it, in the same packet, a wildcard request (as babeld's
     * second round): the neighbours answer it with the table and with an IHU, which then already counts both Hellos.
     */
    private void startUp(Interfaces.Iface i) {
        sendHello(i);
        i.startingUp(now);
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
            needed |= n.txcost >= BabelConstants.INFINITY;
        }
        if (needed) {
            toGroup(i, new Tlv.RouteRequest(AddressEncoding.WILDCARD, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT,
                    List.of()), urgent());
        }
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
            startUp(i);
            for (Neighbour n : neighbours.on(ifname)) {
                if (n.heard) {
                    buffers.add(i, ihuDestination(n), ihu(n), urgent());
                }
                askForLostRoutes(n);
            }
        }
        leave();
    }

    /**
     * An interface that is up got a new configuration: carry the differences to the timers and to what we announce
     * there. (The caller then recomputes the neighbours' costs and tells them a changed rxcost.)
     */
    private void reconfigure(Interfaces.Iface i, InterfaceConfig old) {
        InterfaceConfig c = i.config();
        if (c.helloInterval() < old.helloInterval()) {
            i.helloNoLaterThan(now + jitter(c.helloInterval()));
        }
        if (c.updateInterval() < old.updateInterval()) {
            i.updateNoLaterThan(now + jitter(c.updateInterval()));
        }
        if (!old.neighbours().containsAll(c.neighbours())) {
            // New configured neighbours should hear us at once.
            hurryHellos(i);
        }
        if (!Objects.equals(c.ipv4(), old.ipv4()) || c.splitHorizon() != old.splitHorizon()
                || c.unicastOnly() != old.unicastOnly() || !c.neighbours().equals(old.neighbours())) {
            // What we announce there (IPv4 next hop, split horizon) or to whom changed.
            fullDumpToGroup(i, normal());
        }
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
                    errorReporter.report(tlv + " from " + source + " on " + ifname, e);
                }
            }
            if (i.config().enableTimestamps()) {
                measureRtt(i, source, packet);
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
        SelectedRoute before = inUse(key);
        localRoutes.put(key, m);
        reselect(key);
        announceLocalChange(key, before);
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
        filters = Objects.requireNonNull(newFilters, "filters");
        List<RouteKey> keys = new ArrayList<>();
        List<SelectedRoute> before = new ArrayList<>();
        for (Slot s : routes.slots()) {
            keys.add(s.key);
            before.add(inUse(s.key));
        }
        for (RouteKey key : keys) {
            Slot s = slots.get(key);
            for (Route r : s == null ? List.<Route>of() : Routes.of(s)) {
                if (r.retracted() || r.routerId == null) {
                    continue;
                }
                int add = filters.input(key, r.routerId, r.neighbour.address, r.neighbour.ifname());
                r.refilter(add, installOptions(key, r.routerId, r.neighbour), this.now, halfLife);
            }
        }
        for (int k = 0; k < keys.size(); k++) {
            reselect(keys.get(k));
            announceChange(keys.get(k), before.get(k), false);
        }
        for (Interfaces.Iface i : interfaces.allUp()) {
            fullDumpToGroup(i, normal());
        }
        leave();
    }

    public void withdraw(long now, RouteKey key) {
        if (!enter(now)) {
            return;
        }
        if (localRoutes.contains(key)) {
            SelectedRoute before = inUse(key);
            localRoutes.remove(key);
            reselect(key);
            announceLocalChange(key, before);
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
            SelectedRoute before = inUse(key);
            r.refusedByKernel();
            reselect(key);
            // As for any lost route, a seqno request: a newer seqno makes the other routes for the key feasible.
            announceChange(key, before, false);
        }
        leave();
    }

    public void tick(long now) {
        if (!enter(now)) {
            return;
        }
        long t = this.now;
        for (Interfaces.Iface i : interfaces.allUp()) {
            if (t >= i.nextHello()) {
                sendHello(i);
                if (i.helloBeforeRequestSent()) {
                    requestAfterSecondHello(i);
                }
                i.scheduleHello(i.takeQuickHello() ? t + BabelConstants.STARTUP_HELLO_DELAY
                        : t + jitter(i.helloInterval()));
            }
            if (t >= i.nextUpdate()) {
                i.scheduleUpdate(t + jitter(i.updateInterval()));
                fullDumpToGroup(i, normal());
            }
        }
        for (PendingRequests.Pending p : requests.due(t)) {
            transmitSeqnoRequest(p);
        }
        for (RouteKey key : resends.due(t)) {
            sendUpdateEverywhere(key, urgent());
        }
        if (t >= nextHousekeeping) {
            nextHousekeeping = t + BabelConstants.HOUSEKEEPING_INTERVAL;
            checkNeighbours();
            lostRoutes.expire(t);
            sendDueWelcomes();
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
        long next = started ? Math.min(nextHousekeeping, nextMissedHello) : Long.MAX_VALUE;
        for (Interfaces.Iface i : interfaces.all()) {
            if (i.up()) {
                next = Math.min(next, Math.min(i.nextHello(), i.nextUpdate()));
            }
        }
        next = Math.min(next, buffers.nextDeadline());
        next = Math.min(next, requests.nextDeadline());
        next = Math.min(next, resends.nextDeadline());
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
            Tlv.Hello bye = new Tlv.Hello(0, i.nextHelloSeqno(), BabelConstants.SHUTDOWN_HELLO_INTERVAL_CS, List.of());
            InterfaceConfig c = i.config();
            if (!c.unicastOnly()) {
                actions.add(new Action.Send(i.name(), IpAddress.BABEL_GROUP, List.of(wildcardRetraction(), bye)));
                continue;
            }
            if (c.neighbours().isEmpty()) {
                actions.add(new Action.Send(i.name(), IpAddress.BABEL_GROUP, List.of(bye)));
            }
            for (IpAddress d : groupDestinations(i)) {
                List<Tlv> tlvs = new ArrayList<>(2);
                tlvs.add(wildcardRetraction());
                if (c.neighbours().contains(d)) {
                    tlvs.add(new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, i.nextUnicastHelloSeqno(d),
                            BabelConstants.SHUTDOWN_HELLO_INTERVAL_CS, List.of()));
                }
                actions.add(new Action.Send(i.name(), d, tlvs));
            }
        }
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
            result.add(inUse(s.key));
        }
        return List.copyOf(result);
    }

    /** The route in use for one key, if any: a route of ours or the selected learned one. */
    public Optional<SelectedRoute> selectedRoute(RouteKey key) {
        return Optional.ofNullable(inUse(key));
    }

    public List<NeighbourView> neighbours() {
        List<NeighbourView> result = new ArrayList<>();
        for (Neighbour n : neighbours.all()) {
            result.add(n.view(now));
        }
        return result;
    }

    /** Every learned route, selected or not, retracted ones included. */
    public List<RouteView> routes() {
        List<RouteView> result = new ArrayList<>(routes.size());
        for (Slot s : routes.slots()) {
            for (Route r = s.routes; r != null; r = r.next) {
                result.add(new RouteView(r.key, r.neighbour.address, r.neighbour.ifname(), r.routerId, r.seqno,
                        r.metric, r.refmetric, r.smoothedMetric(now, halfLife), r.nextHop, s.selected == r,
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
        this.errorReporter = Objects.requireNonNull(reporter);
    }

    public void addListener(EngineListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(EngineListener listener) {
        listeners.remove(listener);
    }

    // ------------------------------------------------------------------------------------------------------
    // Entry and exit of every event

    private boolean enter(long t) {
        if (!started) {
            started = true;
            now = t;
            nextHousekeeping = t + BabelConstants.HOUSEKEEPING_INTERVAL;
            nextSourceGc = t + BabelConstants.SOURCE_GC_INTERVAL;
        } else {
            now = Math.max(now, t);
        }
        return !stopped;
    }

    /** Queues a change for the listeners, if there are any (nothing is kept for nobody). */
    private void emit(Object event) {
        if (!listeners.isEmpty()) {
            events.add(event);
        }
    }

    /** Delivers the changes of this event to the listeners; re-entrant calls queue theirs behind. */
    private void leave() {
        if (dispatching) {
            return;
        }
        if (listeners.isEmpty()) {
            events.clear();
            return;
        }
        dispatching = true;
        try {
            while (!events.isEmpty()) {
                Object event = events.poll();
                for (EngineListener l : listeners) {
                    try {
                        switch (event) {
                            case RouteChange c -> l.routeChanged(c);
                            case NeighbourChange c -> l.neighbourChanged(c);
                            default -> throw new IllegalStateException("unknown event " + event);
                        }
                    } catch (RuntimeException e) {
                        counters.increment(Counter.OBSERVER_ERROR);
                        errorReporter.report("observer " + l + " on " + event, e);
                    }
                }
            }
        } finally {
            dispatching = false;
        }
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
            case Tlv.AckRequest a -> buffers.add(i, source, new Tlv.Ack(a.opaque()),
                    now + Math.min(BabelConstants.URGENT_DELAY, Time.centis(a.interval()) / 2));
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
            n = neighbours.create(i, source, now);
            HelloHistory before = lostRoutes.hellos(i.name(), source, now);
            if (before != null) {
                n.multicast.resume(before, now);
            }
            askForLostRoutes(n);
            hurryHellos(i);
            emit(new NeighbourChange(ChangeKind.ADDED, n.view(now)));
        }
        n.packetReceived(now);
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
        boolean restarted = history.receive(now, h.seqno(), Time.centis(h.interval()));
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
        n.ihuReceived(now, ihu.rxcost(), Time.centis(ihu.interval()));
        refreshNeighbour(n);
    }

    /**
     * RFC 9616 on a received packet, once all its TLVs are handled (the order of Hello and IHU in the packet does not
     * matter): a timestamped Hello is remembered, to be echoed in our IHUs, and when the packet also carries an IHU
     * for us echoing one of our Hellos, the four timestamps give an RTT sample. The packet's arrival is {@link #now}.
     */
    private void measureRtt(Interfaces.Iface i, IpAddress source, Packet packet) {
        Neighbour n = neighbours.get(i.name(), source);
        if (n == null) {
            return;
        }
        SubTlv.HelloTimestamp hello = null;
        SubTlv.IhuTimestamp echo = null;
        for (Tlv tlv : packet.body()) {
            switch (tlv) {
                case Tlv.Hello h -> hello = first(h.subTlvs(), SubTlv.HelloTimestamp.class, hello);
                case Tlv.Ihu ihu when ihu.address() == null || ihu.address().equals(i.config().linkLocal()) ->
                        echo = first(ihu.subTlvs(), SubTlv.IhuTimestamp.class, echo);
                default -> { }
            }
        }
        if (hello == null) {
            return;
        }
        n.helloTimestampReceived(hello.transmit(), now);
        if (echo == null) {
            return;
        }
        long sample = RoundTripTime.sample(echo.origin(), echo.receive(), hello.transmit(),
                RoundTripTime.wireMicros(now));
        if (sample < 0) {
            counters.increment(Counter.RTT_SAMPLE_DISCARDED);
            return;
        }
        n.rttSample(now, sample);
        refreshNeighbour(n, true);
    }

    /** The first sub-TLV of a kind in a list, or {@code otherwise} when there is none. */
    private static <T extends SubTlv> T first(List<SubTlv> subTlvs, Class<T> kind, T otherwise) {
        for (SubTlv s : subTlvs) {
            if (kind.isInstance(s)) {
                return kind.cast(s);
            }
        }
        return otherwise;
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
        if (routerId.equals(u.routerId())) {
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
        int inputMetric = filters.input(key, rid, n.address, n.ifname());
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
            requestNewerSeqno(key, n, rid, seqno, refmetric);
            // A new unfeasible route is not worth keeping, and an unfeasible update from the source of the
            // selected route is ignored (so the selected route stays as it was until the request is answered).
            if (r == null || (r == routes.selected(key) && rid.equals(r.routerId))) {
                return;
            }
        }
        SelectedRoute before = inUse(key);
        if (r == null) {
            r = routes.add(key, n);
        }
        r.update(rid, seqno, refmetric, inputMetric, installOptions(key, rid, n), nextHop, now,
                Routes.holdTime(interval), halfLife);
        nextRouteCheck = Math.min(nextRouteCheck, r.refreshRequestAt());
        boolean requested = requests.satisfy(key, rid, seqno) != null;
        reselect(key);
        announceChange(key, before, requested);
    }

    /** A route was retracted by its neighbour (or expired): it stays, unusable, until it is forgotten. */
    private void retract(Route r) {
        if (r.retracted()) {
            return;
        }
        SelectedRoute before = inUse(r.key);
        r.retract(now, halfLife);
        reselect(r.key);
        announceChange(r.key, before, false);
    }

    private void onRouteRequest(Interfaces.Iface i, IpAddress source, boolean unicast, Tlv.RouteRequest req) {
        if (req.wildcard()) {
            Neighbour n = neighbourFor(i, source);
            if (n == null) {
                return;
            }
            if (n.heard) {
                buffers.add(i, ihuDestination(n), ihu(n), urgent());
            }
            // The requester has just (re)started on this link and needs two of our Hellos to count us as a
            // neighbour; it gets the table now if it is bidirectional, else when it becomes so (fast start).
            hurryHellos(i);
            if (n.bidirectional() && !dumpHeldOff(n)) {
                if (takeWelcome(n)) {
                    dumpTo(n);
                } else {
                    counters.increment(Counter.UNICAST_WELCOME_DEFERRED);
                    dumpToGroupInstead(n.iface);
                }
            }
            return;
        }
        RouteKey key = routeKey(req.prefix(), req.sourcePrefix());
        if (key != null) {
            if (unicast || i.config().unicastOnly()) {
                buffers.addUpdate(i, source, key, urgent());
            } else {
                buffers.addUpdate(i, IpAddress.BABEL_GROUP, key, urgent());
            }
        }
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
        if (localWins(key)) {
            if (req.routerId().equals(routerId)
                    && Seqno.greater(req.seqno(), seqno)
                    && Seqno.minus(req.seqno(), seqno) <= BabelConstants.SEQNO_WINDOW) {
                bumpSeqno();
            }
            sendUpdateEverywhere(key, urgent());
            return;
        }
        Route selected = routes.selected(key);
        if (selected == null) {
            counters.increment(Counter.SEQNO_REQUEST_DROPPED);
            return;
        }
        if (!selected.routerId.equals(req.routerId()) || Seqno.greaterOrEqual(selected.seqno, req.seqno())) {
            updateToGroup(i, key, urgent());
            return;
        }
        if (req.hopCount() <= 1
                || Seqno.minus(req.seqno(), selected.seqno) > BabelConstants.SEQNO_WINDOW
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
        transmitSeqnoRequest(p);
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
        boolean costChanged = n.recompute(now);
        if ((oldRx >= INFINITY) != (n.rxcost >= INFINITY) && n.heard) {
            // Tell the neighbour at once that we hear it (or no longer do).
            buffers.add(n.iface, ihuDestination(n), ihu(n), urgent());
        }
        if (costChanged) {
            // The routes still carry their old metrics: capture what we announced before recomputing them.
            List<Route> affected = Routes.via(n);
            List<SelectedRoute> before = new ArrayList<>(affected.size());
            for (Route r : affected) {
                before.add(inUse(r.key));
            }
            for (Route r : affected) {
                r.recomputeMetric(now, halfLife);
            }
            for (int k = 0; k < affected.size(); k++) {
                RouteKey key = affected.get(k).key;
                reselect(key);
                announceChange(key, before.get(k), false);
            }
        }
        if (costChanged || rttChanged || oldRx != n.rxcost || oldTx != n.txcost) {
            emit(new NeighbourChange(ChangeKind.CHANGED, n.view(now)));
        }
        if (!wasBidirectional && n.bidirectional()) {
            welcome(n);
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
        for (RouteKey key : lostRoutes.routes(n.ifname(), n.address, now)) {
            if (routes.find(key, n) == null) {
                buffers.add(n.iface, n.address, new Tlv.RouteRequest(requestEncoding(key.prefix()), key.prefix(),
                        key.source(), List.of()), urgent());
            }
        }
    }

    /**
     * A neighbour became bidirectional. The first time this engine reaches it, the neighbour may still hold routes
     * through us from before we (re)started: our start-up retraction can have been lost (the link was down then).
     * Those routes describe state we no longer have and can form a loop through us, so we retract them all, unicast,
     * before anything else we tell it; our table follows in the same packet (fast start). Once per neighbour and
     * engine: after a mere interface flap our routes there are still ours. Each unicast to a new address makes the
     * kernel resolve it, so these packets are budgeted ({@link #takeWelcome}): past the budget, the table goes to the
     * group instead and the retraction waits for the budget ({@link #sendDueWelcomes}).
     */
    private void welcome(Neighbour n) {
        boolean owesRetraction = !toldToForget.contains(forgetKey(n));
        if (!owesRetraction && !config.fastStart()) {
            return;
        }
        if (!takeWelcome(n)) {
            counters.increment(Counter.UNICAST_WELCOME_DEFERRED);
            if (owesRetraction) {
                welcomesDue.add(n);
            }
            if (config.fastStart()) {
                dumpToGroupInstead(n.iface);
            }
            return;
        }
        if (owesRetraction) {
            tellToForget(n);
        }
        if (config.fastStart()) {
            dumpTo(n);
        }
    }

    private static String forgetKey(Neighbour n) {
        return n.ifname() + "%" + n.address;
    }

    /** Sends a neighbour the unicast wildcard retraction it is owed, and remembers that it was told. */
    private void tellToForget(Neighbour n) {
        toldToForget.add(forgetKey(n));
        if (toldToForget.size() > BabelConstants.MAX_REMEMBERED_NEIGHBOURS) {
            toldToForget.remove(toldToForget.getFirst());
        }
        buffers.add(n.iface, n.address, wildcardRetraction(), urgent());
    }

    /** Sends the retractions that waited for the unicast budget, in the order they were owed, as far as it allows. */
    private void sendDueWelcomes() {
        Iterator<Neighbour> it = welcomesDue.iterator();
        while (it.hasNext()) {
            Neighbour n = it.next();
            if (!takeWelcome(n)) {
                return;
            }
            it.remove();
            if (!toldToForget.contains(forgetKey(n))) {
                tellToForget(n);
            }
        }
    }

    /**
     * Whether one more unsolicited unicast packet may go to a neighbour now: configured neighbours always, others
     * within {@link EngineLimits#welcomeBurst} at once, refilled one per {@link EngineLimits#welcomeInterval}.
     */
    private boolean takeWelcome(Neighbour n) {
        if (n.iface.config().neighbours().contains(n.address)) {
            return true;
        }
        EngineLimits limits = config.limits();
        long spentUpTo = Math.max(welcomeClock, now);
        if (spentUpTo - now > (limits.welcomeBurst() - 1) * limits.welcomeInterval()) {
            return false;
        }
        welcomeClock = spentUpTo + limits.welcomeInterval();
        return true;
    }

    /**
     * In place of a unicast dump the budget did not allow: our table to the group on that interface (babeld's answer
     * to a wildcard request), at most once per {@link BabelConstants#FULL_DUMP_HOLDOFF}; nothing on an interface
     * without multicast, where the periodic updates reach every neighbour.
     */
    private void dumpToGroupInstead(Interfaces.Iface i) {
        if (i.config().unicastOnly() || i.groupDumpHeldOff(now, BabelConstants.FULL_DUMP_HOLDOFF)) {
            return;
        }
        i.groupDumpSent(now);
        fullDump(i, IpAddress.BABEL_GROUP, urgent());
    }

    private void checkNeighbours() {
        long nextMissed = Long.MAX_VALUE;
        for (Neighbour n : new ArrayList<>(neighbours.all())) {
            n.multicast.accountMissed(now);
            n.unicast.accountMissed(now);
            if (n.dead(now)) {
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
        lostRoutes.remember(n.ifname(), n.address, lost, n.multicast, now);
        for (Route r : Routes.via(n)) {
            SelectedRoute before = inUse(r.key);
            routes.remove(r);
            reselect(r.key);
            announceChange(r.key, before, false);
        }
        neighbours.remove(n);
        welcomesDue.remove(n);
        buffers.discard(n.ifname(), n.address);
        n.forgotten();
        emit(new NeighbourChange(ChangeKind.REMOVED, n.view(now)));
    }

    // ------------------------------------------------------------------------------------------------------
    // Routes

    /** Re-runs route selection for a key and brings the FIB up to date (the caller then calls announceChange). */
    private void reselect(RouteKey key) {
        Route chosen = routes.choose(key, now, halfLife, localBlocks(key));
        routes.select(key, chosen);
        Slot s = slots.get(key);
        if (chosen == null) {
            if (s != null && s.installed()) {
                actions.add(s.installedUpdate(Action.FibOp.REMOVE));
                s.uninstall();
            }
        } else if (!s.installedAs(chosen)) {
            Action.FibOp op = Action.FibOp.REPLACE;
            if (!s.installed()) {
                op = Action.FibOp.ADD;
            } else if (s.installedOptions.table() != chosen.install.table()) {
                // Another table is another kernel route: the old one goes first.
                op = Action.FibOp.ADD;
                actions.add(s.installedUpdate(Action.FibOp.REMOVE));
            }
            slots.install(s, chosen);
            actions.add(s.installedUpdate(op));
        }
    }

    /** Whether a local route for this key keeps learned routes for it out of the FIB (babeld's allow-duplicates). */
    private boolean localBlocks(RouteKey key) {
        int local = localRoutes.metric(key);
        return local >= 0 && (config.allowDuplicates() < 0 || local >= config.allowDuplicates());
    }

    /**
     * Whether the local route for this key, if there is one, is what we announce: when no learned route is installed,
     * or when its metric is at most kernel-priority.
     */
    private boolean localWins(RouteKey key) {
        int local = localRoutes.metric(key);
        if (local < 0) {
            return false;
        }
        Route r = routes.selected(key);
        return r == null || !r.usable() || local <= config.kernelPriority();
    }

    private InstallOptions installOptions(RouteKey key, RouterId rid, Neighbour n) {
        InstallOptions o = filters.install(key, rid, n.ifname());
        return o == null ? InstallOptions.DEFAULT : o;
    }

    /** Expires routes not refreshed in time (retracting them first), and asks for refreshes before that. */
    private void checkRoutes() {
        long next = Long.MAX_VALUE;
        for (Slot s : routes.slots()) {
            for (Route r : Routes.of(s)) {
                if (now >= r.expiresAt) {
                    if (r.retracted()) {
                        SelectedRoute before = inUse(r.key);
                        routes.remove(r);
                        reselect(r.key);
                        announceChange(r.key, before, false);
                        continue;
                    }
                    retract(r);
                    r.forgetAt(now + BabelConstants.ROUTE_HOLD_MIN);
                } else if (!r.retracted() && !r.refreshRequested && now >= r.refreshRequestAt()) {
                    // Only the selected route is worth a refresh request; the others just expire.
                    r.markRefreshRequested();
                    if (s.selected == r) {
                        Tlv.RouteRequest req = new Tlv.RouteRequest(requestEncoding(r.key.prefix()), r.key.prefix(),
                                r.key.source(), List.of());
                        buffers.add(r.neighbour.iface, r.neighbour.address, req, urgent());
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
        nextRouteCheck = next == Long.MAX_VALUE ? next : Math.max(next, now + BabelConstants.HOUSEKEEPING_INTERVAL);
    }

    /**
     * An unfeasible update arrived: ask its source, through the neighbour that sent it, for a newer seqno, if that
     * could help (no route, the update is for our selected route, or it is much better than what we have).
     */
    private void requestNewerSeqno(RouteKey key, Neighbour n, RouterId rid, int seqno, int refmetric) {
        Sources.Source src = sources.get(key, rid);
        if (src == null || refmetric >= INFINITY || Seqno.minus(src.seqno, seqno) > BabelConstants.SEQNO_WINDOW) {
            return;
        }
        Route selected = routes.selected(key);
        boolean worthIt = selected == null
                || (selected.neighbour == n && rid.equals(selected.routerId))
                || selected.metric >= LinkCost.add(LinkCost.add(refmetric, n.cost),
                        BabelConstants.UNFEASIBLE_REQUEST_GAIN);
        if (worthIt) {
            int want = src.metric >= INFINITY ? src.seqno : Seqno.plus(src.seqno, 1);
            originateSeqnoRequest(key, rid, want, n);
        }
    }

    /** Sends our own seqno request, unicast to {@code target} with resends, or multicast once when it is null. */
    private void originateSeqnoRequest(RouteKey key, RouterId rid, int want, Neighbour target) {
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
        transmitSeqnoRequest(p);
    }

    private void transmitSeqnoRequest(PendingRequests.Pending p) {
        Tlv.SeqnoRequest tlv = new Tlv.SeqnoRequest(requestEncoding(p.key.prefix()), p.seqno, p.hopCount, p.routerId,
                p.key.prefix(), p.key.source(), List.of());
        if (p.ifname == null) {
            for (Interfaces.Iface i : interfaces.allUp()) {
                toGroup(i, tlv, urgent());
            }
        } else {
            Interfaces.Iface i = interfaces.up(p.ifname);
            if (i != null) {
                buffers.add(i, p.destination, tlv, urgent());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Announcing

    /**
     * The route in use for a key, which we announce (and, when learned, install): the local route where it wins, else
     * the selected learned route, else null. Between events the selected route is always usable.
     */
    private SelectedRoute inUse(RouteKey key) {
        Slot s = slots.get(key);
        if (localWins(key)) {
            RouteKey k = s == null ? key : s.key;
            return new SelectedRoute(k, routerId, seqno, localRoutes.metric(key), null, null, true);
        }
        Route r = s == null ? null : s.selected;
        return r == null ? null
                : new SelectedRoute(s.key, r.routerId, r.seqno, r.metric, r.nextHop, r.neighbour.ifname(), false);
    }

    /** Whether two routes in use are announced alike: the same router-id, seqno and metric (or both none). */
    private static boolean announcedAlike(SelectedRoute a, SelectedRoute b) {
        return a == null ? b == null
                : b != null && a.origin().equals(b.origin()) && a.seqno() == b.seqno() && a.metric() == b.metric();
    }

    /**
     * The route in use for a key changed from {@code before} (after reselection): tell the observers, send triggered
     * updates by babeld's rules (urgent for a new source, a lost route or an answered request; nothing for small
     * changes, which wait for the periodic update), and start a seqno request when a learned route is lost.
     */
    /**
     * A route we originate or withdraw ourselves (redistribution, an extension) is announced at once, not after the
     * urgent delay: nothing is gained by waiting, since the caller's turn of the event loop already gathers every
     * change of one event into one flush, and an extension's origination is on the wire within the turn.
     */
    private void announceLocalChange(RouteKey key, SelectedRoute before) {
        announceChange(key, before, true, now);
    }

    private void announceChange(RouteKey key, SelectedRoute before, boolean urgentAnyway) {
        announceChange(key, before, urgentAnyway, urgent());
    }

    /** As {@link #announceChange(RouteKey, SelectedRoute, boolean)}, urgent updates due at {@code urgentAt}. */
    private void announceChange(RouteKey key, SelectedRoute before, boolean urgentAnyway, long urgentAt) {
        SelectedRoute after = inUse(key);
        publish(key, before, after);
        if (announcedAlike(before, after)) {
            if (urgentAnyway && after != null) {
                sendUpdateEverywhere(key, urgentAt);
            }
            return;
        }
        if (after == null) {
            if (before != null) {
                sendUpdateEverywhere(key, urgentAt);
                scheduleResends(key);
                if (!before.origin().equals(routerId) && before.metric() <= INFINITY / 2) {
                    requestLostRoute(key, before);
                }
            }
            return;
        }
        if (before == null) {
            sendUpdateEverywhere(key, urgentAt);
            return;
        }
        if (!before.origin().equals(after.origin())) {
            sendUpdateEverywhere(key, urgentAt);
            scheduleResends(key);
            return;
        }
        int oldMetric = before.metric();
        int newMetric = after.metric();
        if (urgentAnyway) {
            sendUpdateEverywhere(key, urgentAt);
        } else if (newMetric >= oldMetric + BabelConstants.URGENT_WORSENING
                && oldMetric < BabelConstants.URGENT_WORSENING_CEILING) {
            sendUpdateEverywhere(key, urgentAt);
        } else if (newMetric < oldMetric && oldMetric - newMetric < BabelConstants.MINOR_IMPROVEMENT) {
            // A modest improvement waits for the periodic update.
        } else if (Math.abs(newMetric - oldMetric) >= BabelConstants.MINOR_CHANGE) {
            sendUpdateEverywhere(key, normal());
        }
        if (newMetric >= oldMetric + BabelConstants.WORSENING_REQUEST) {
            Tlv.RouteRequest req = new Tlv.RouteRequest(requestEncoding(key.prefix()), key.prefix(), key.source(),
                    List.of());
            for (Interfaces.Iface i : interfaces.allUp()) {
                toGroup(i, req, normal());
            }
        }
    }

    private void scheduleResends(RouteKey key) {
        if (!resends.schedule(key, now)) {
            counters.increment(Counter.RESEND_TABLE_FULL);
        }
    }

    /** A learned route is gone: ask its source for a newer seqno via the best remaining neighbour, or everyone. */
    private void requestLostRoute(RouteKey key, SelectedRoute lost) {
        Sources.Source src = sources.get(key, lost.origin());
        int want = src == null ? Seqno.plus(lost.seqno(), 1)
                : src.metric >= INFINITY ? src.seqno : Seqno.plus(src.seqno, 1);
        Route best = routes.bestOther(key, null);
        originateSeqnoRequest(key, lost.origin(), want, best == null ? null : best.neighbour);
    }

    private void bumpSeqno() {
        List<RouteKey> keys = List.copyOf(localRoutes.all().keySet());
        List<SelectedRoute> before = new ArrayList<>(keys.size());
        for (RouteKey key : keys) {
            before.add(inUse(key));
        }
        seqno = Seqno.plus(seqno, 1);
        actions.add(new Action.StateChanged(routerId, seqno));
        for (int k = 0; k < keys.size(); k++) {
            publish(keys.get(k), before.get(k), inUse(keys.get(k)));
        }
    }

    private void sendUpdateEverywhere(RouteKey key, long deadline) {
        for (Interfaces.Iface i : interfaces.allUp()) {
            updateToGroup(i, key, deadline);
        }
    }

    /**
     * Where TLVs meant for every neighbour on an interface go: the multicast group, or, on an interface in unicast
     * mode, each configured and each known neighbour.
     */
    private List<IpAddress> groupDestinations(Interfaces.Iface i) {
        InterfaceConfig c = i.config();
        if (!c.unicastOnly()) {
            return GROUP;
        }
        LinkedHashSet<IpAddress> result = new LinkedHashSet<>(c.neighbours());
        for (Neighbour n : neighbours.on(i.name())) {
            result.add(n.address);
        }
        return List.copyOf(result);
    }

    private void toGroup(Interfaces.Iface i, Tlv tlv, long deadline) {
        for (IpAddress d : groupDestinations(i)) {
            buffers.add(i, d, tlv, deadline);
        }
    }

    private void updateToGroup(Interfaces.Iface i, RouteKey key, long deadline) {
        for (IpAddress d : groupDestinations(i)) {
            buffers.addUpdate(i, d, key, deadline);
        }
    }

    private void fullDumpToGroup(Interfaces.Iface i, long deadline) {
        for (IpAddress d : groupDestinations(i)) {
            fullDump(i, d, deadline);
        }
    }

    /** IHUs go with the multicast Hellos, or to the neighbour itself on an interface in unicast mode. */
    private IpAddress ihuDestination(Neighbour n) {
        return n.iface.config().unicastOnly() ? n.address : IpAddress.BABEL_GROUP;
    }

    /** Queues our whole table for one destination on one interface. */
    private void fullDump(Interfaces.Iface i, IpAddress destination, long deadline) {
        for (RouteKey key : localRoutes.all().keySet()) {
            buffers.addUpdate(i, destination, key, deadline);
        }
        for (Slot s : routes.slots()) {
            if (s.selected != null && !localRoutes.contains(s.key)) {
                buffers.addUpdate(i, destination, s.key, deadline);
            }
        }
    }

    /** Our whole table by unicast to one neighbour, at most once per {@link BabelConstants#FULL_DUMP_HOLDOFF}. */
    private void dumpTo(Neighbour n) {
        if (dumpHeldOff(n)) {
            return;
        }
        n.fullDumpSent(now);
        fullDump(n.iface, n.address, urgent());
    }

    private boolean dumpHeldOff(Neighbour n) {
        return n.dumpHeldOff(now);
    }

    /**
     * Composes the update for a key on an interface when its buffer is flushed: the local route, the selected
     * route (unless split horizon forbids it), or a retraction. Announcing a finite metric sets the feasibility
     * distance.
     */
    private Tlv.Update compose(Interfaces.Iface i, RouteKey key) {
        RouterId rid;
        int sq;
        int metric;
        Route r = routes.selected(key);
        boolean learned = false;
        if (localWins(key)) {
            rid = routerId;
            sq = seqno;
            metric = localRoutes.metric(key);
        } else if (r != null && r.usable()) {
            if (i.config().splitHorizon() && r.neighbour.iface == i) {
                return null;
            }
            rid = r.routerId;
            sq = r.seqno;
            metric = r.metric;
            learned = true;
        } else {
            rid = routerId;
            sq = seqno;
            metric = INFINITY;
        }
        int add = filters.output(key, rid, i.name());
        if (add >= RouteFilters.DENY) {
            return null;
        }
        if (learned) {
            // The distance before the output filter's addition: at most what we announce, so always safe. A route
            // whose distance cannot be recorded (the table is full) is retracted instead: neighbours must not keep
            // an older announcement of ours for the key while we route it otherwise.
            if (!sources.announced(key, rid, sq, metric, now)) {
                counters.increment(Counter.SOURCE_TABLE_FULL);
                rid = routerId;
                sq = seqno;
                metric = INFINITY;
            }
        }
        metric = LinkCost.add(metric, Math.max(0, add));
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

    private Tlv.Update wildcardRetraction() {
        return new Tlv.Update(AddressEncoding.WILDCARD, 0, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, 0xFFFF, seqno,
                INFINITY, routerId, null, List.of());
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
            buffers.add(i, IpAddress.BABEL_GROUP, new Tlv.Hello(0, helloSeqno, interval, List.of()), urgent());
        }
        for (IpAddress a : configured) {
            buffers.add(i, a, new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, i.nextUnicastHelloSeqno(a), interval,
                    List.of()), urgent());
        }
        boolean everyone = i.helloSeqno() % BabelConstants.IHU_EVERY_NTH_HELLO == 0;
        for (Neighbour n : neighbours.on(i.name())) {
            if (n.heard && (everyone || n.marginal())) {
                buffers.add(i, ihuDestination(n), ihu(n), urgent());
            }
        }
    }

    /** Brings the next two Hellos on an interface forward ({@link Interfaces.Iface#hurryHellos}). */
    private void hurryHellos(Interfaces.Iface i) {
        i.hurryHellos(now);
    }

    private Tlv.Ihu ihu(Neighbour n) {
        AddressEncoding ae = n.address.isLinkLocal() ? AddressEncoding.IPV6_LINK_LOCAL : AddressEncoding.IPV6;
        return new Tlv.Ihu(ae, n.rxcost, Time.toCentis(n.iface.ihuInterval()), n.address, List.of());
    }

    /**
     * The last step before a packet leaves, at {@link #now} (the flush): on an interface with timestamps, every Hello
     * gets a Timestamp sub-TLV with the time of the flush, and every IHU the neighbour's last Hello timestamp with
     * the time we received it, if that Hello is recent. RTT data in an IHU is only of use next to a Hello of ours in
     * the same packet, so a packet with such an IHU and no Hello gets an unscheduled one (interval 0), as babeld's.
     */
    private List<Tlv> stamp(Interfaces.Iface i, IpAddress destination, List<Tlv> tlvs) {
        if (!i.config().enableTimestamps()) {
            return tlvs;
        }
        long transmit = RoundTripTime.wireMicros(now);
        boolean hello = false;
        boolean echoes = false;
        List<Tlv> result = new ArrayList<>(tlvs.size() + 1);
        for (Tlv tlv : tlvs) {
            switch (tlv) {
                case Tlv.Hello h -> {
                    hello = true;
                    result.add(timestamped(h, transmit));
                }
                case Tlv.Ihu ihu -> {
                    Tlv.Ihu echoed = echo(i, ihu);
                    echoes |= echoed != ihu;
                    result.add(echoed);
                }
                default -> result.add(tlv);
            }
        }
        if (echoes && !hello) {
            result.addFirst(timestamped(unscheduledHello(i, destination), transmit));
        }
        return result;
    }

    /** A Hello with interval 0 that takes the next seqno of its sequence (multicast, or the destination's own). */
    private Tlv.Hello unscheduledHello(Interfaces.Iface i, IpAddress destination) {
        if (destination.isMulticast()) {
            return new Tlv.Hello(0, i.nextHelloSeqno(), 0, List.of());
        }
        return new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, i.nextUnicastHelloSeqno(destination), 0, List.of());
    }

    private static Tlv.Hello timestamped(Tlv.Hello h, long transmit) {
        List<SubTlv> subs = new ArrayList<>(h.subTlvs());
        subs.add(new SubTlv.HelloTimestamp(transmit));
        return new Tlv.Hello(h.flags(), h.seqno(), h.interval(), subs);
    }

    /** The IHU with the addressed neighbour's last Hello timestamp echoed, or unchanged when there is none recent. */
    private Tlv.Ihu echo(Interfaces.Iface i, Tlv.Ihu ihu) {
        Neighbour n = ihu.address() == null ? null : neighbours.get(i.name(), ihu.address());
        if (n == null || n.helloTimestamp < 0 || now - n.helloTimestampAt >= BabelConstants.RTT_ECHO_MAX_AGE) {
            return ihu;
        }
        List<SubTlv> subs = new ArrayList<>(ihu.subTlvs());
        subs.add(new SubTlv.IhuTimestamp(n.helloTimestamp, RoundTripTime.wireMicros(n.helloTimestampAt)));
        return new Tlv.Ihu(ihu.ae(), ihu.rxcost(), ihu.interval(), ihu.address(), subs);
    }

    // ------------------------------------------------------------------------------------------------------
    // Helpers

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

    /** Requests for IPv4 prefixes always use AE 1, as babeld's do. */
    private static AddressEncoding requestEncoding(Prefix prefix) {
        return prefix.family() == Family.V4 ? AddressEncoding.IPV4 : AddressEncoding.IPV6;
    }

    /** Tells the observers that the route in use for a key changed from {@code before} to {@code after}. */
    private void publish(RouteKey key, SelectedRoute before, SelectedRoute after) {
        if (Objects.equals(before, after)) {
            return;
        }
        Slot s = after == null ? slots.get(key) : slots.obtain(key);
        if (s != null) {
            slots.published(s, after != null);
            slots.release(s);
        }
        if (after == null) {
            emit(new RouteChange(ChangeKind.REMOVED, before));
        } else {
            emit(new RouteChange(before == null ? ChangeKind.ADDED : ChangeKind.CHANGED, after));
        }
    }

    private long resendDelay(Interfaces.Iface i) {
        return Math.max(Time.millis(20), Math.min(BabelConstants.RESEND_INITIAL, i.helloInterval() / 2));
    }

    private long urgent() {
        return now + BabelConstants.URGENT_DELAY;
    }

    private long normal() {
        return now + jitter(BabelConstants.NORMAL_DELAY);
    }

    /** A duration randomised to 0.75–1.25 of itself. */
    private long jitter(long d) {
        return d * 3 / 4 + random.nextLong(d / 2 + 1);
    }
}
