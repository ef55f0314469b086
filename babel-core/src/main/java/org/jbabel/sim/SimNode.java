package org.jbabel.sim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.jbabel.engine.Action;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.Time;
import org.jbabel.extension.NetInterface;
import org.jbabel.wire.Packet;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/**
 * One simulated node: drives its engine (and its extensions' host) as a daemon's event loop would. Starts and
 * restarts it (a new incarnation, a new seqno), tells it of its interfaces (its own going down or up, tentative
 * during DAD; carrier from the link), hands it what arrives, originates and withdraws its routes, wakes it when it
 * asks, and carries out its actions: sends go to the {@link LinkLayer} (none from a tentative address), FIB updates to
 * its {@link SimFib}, with the {@link DataPlane}, the {@link ConvergenceTracker} and the {@link LoopMonitor} told.
 * Holds the node's own configuration (engine, interfaces, receive filter, table dump on carrier return).
 */
final class SimNode {

    /** After a tick, the engine is woken no sooner than this (a real event loop's timer granularity). */
    static final long TIMER_GRANULARITY = Time.millis(1);
    private static final long NO_WAKEUP = Long.MAX_VALUE;

    /** What the nodes of one run share. {@code random} is the run's generator (restart seqnos). */
    record Mesh(Timeline timeline, LinkLayer links, DataPlane plane, ConvergenceTracker tracker, LoopMonitor loops,
            SimConfig config, SimEngine.Factory engines, SplittableRandom random, List<String> nodeIds,
            SimNodeHost.Wiring wiring) {}

    private final int index;
    private final RouterId routerId;
    private final Mesh mesh;
    private final SimFib fib;
    private final Map<RouteKey, Integer> originated = new HashMap<>();
    /** Links on which this node's own interface is down ({@link Simulation#scheduleInterfaceDown}). */
    private final Set<Integer> ownDown = new HashSet<>();
    /** Interfaces whose link-local address is tentative: the engine hears there but nothing it sends leaves. */
    private final Set<String> tentative = new HashSet<>();
    /** For each tentative interface (by link), the id of the flap whose {@link SimEvent.InterfaceReady} ends it. */
    private final Map<Integer, Long> readyDue = new HashMap<>();
    private EngineConfig engineConfig;
    private UnaryOperator<InterfaceConfig> interfaces = UnaryOperator.identity();
    private Simulation.ReceiveFilter receiveFilter;
    private boolean tableOnCarrierReturn;
    private long flaps;
    private SimEngine engine;
    private SimNodeHost host;
    private int seqno;
    private int incarnation;
    private long pendingWakeup = NO_WAKEUP;
    private long wakeupGeneration;
    private long sendsWhileTentative;
    private long fibUpdates;
    private int restarts;

    SimNode(int index, int seqno, Mesh mesh) {
        this.index = index;
        this.routerId = new RouterId(0x0200_0000_0000_0000L + index + 1);
        this.seqno = seqno;
        this.mesh = mesh;
        this.fib = mesh.plane().fib(index);
    }

    // ---------------------------------------------------------------- configuration (before the run)

    void setEngineConfig(EngineConfig engineConfig) {
        this.engineConfig = Objects.requireNonNull(engineConfig);
    }

    void setInterfaceConfig(UnaryOperator<InterfaceConfig> change) {
        this.interfaces = Objects.requireNonNull(change);
    }

    void setReceiveFilter(Simulation.ReceiveFilter filter) {
        this.receiveFilter = Objects.requireNonNull(filter);
    }

    void setTableOnCarrierReturn() {
        this.tableOnCarrierReturn = true;
    }

    // ---------------------------------------------------------------- lifecycle

    boolean started() {
        return engine != null;
    }

    /** Starts the engine, and a host for {@code extensions} when there are any (null: none). */
    void start(Simulation.NodeExtensions extensions) {
        long now = mesh.timeline().engineNow();
        engine = mesh.engines().create(routerId, seqno,
                engineConfig == null ? mesh.config().engineConfig() : engineConfig, engineRandom());
        if (engine instanceof SimEngine.Babel b) {
            // What the daemon logs and survives (a TLV or an observer that threw) fails a simulated run: it is a bug
            b.engine().setErrorReporter((what, error) -> {
                throw new IllegalStateException("node " + name() + ": " + what, error);
            });
        }
        for (LinkLayer.Port p : mesh.links().ports(index)) {
            if (up(p)) {
                engine.interfaceUp(now, interfaceConfig(p));
            }
        }
        if (originated.isEmpty()) {
            originated.put(RouteKey.of(Simulation.prefixOf(index)), 0);
        }
        originated.forEach((key, metric) -> engine.originate(now, key, metric));
        drain(false);
        if (extensions != null && engine instanceof SimEngine.Babel b) {
            host = new SimNodeHost(mesh.wiring(), index, incarnation, b.engine(), extensions.create(index));
            try {
                host.host().startAll();
            } catch (IOException e) {
                throw new IllegalStateException("node " + name() + ": " + e.getMessage(), e);
            }
            drain(false);
        }
    }

    /** Restarts the node: its engine and extensions vanish without goodbye, its FIB empties, a new engine starts. */
    void restart(Simulation.NodeExtensions extensions) {
        restarts++;
        fib.forEach((key, e) -> mesh.tracker().fibChanged(index, key, true, false));
        fib.clear();
        mesh.plane().restarted(index);
        if (engine != null) {
            seqno = mesh.config().randomSeqnoOnRestart() ? mesh.random().nextInt(0x10000) : (seqno + 1) & 0xFFFF;
        }
        incarnation++;
        wakeupGeneration++;
        host = null; // a crash: its extensions vanish with it, their pending work is dropped
        tentative.clear(); // the new incarnation starts on usable addresses (pending InterfaceReady do nothing)
        readyDue.clear();
        mesh.links().restarted(index);
        pendingWakeup = NO_WAKEUP;
        start(extensions);
    }

    /** Originates {@code key} (the node owns its prefix from now on for the path checks). */
    void originate(RouteKey key, int metric) {
        originated.put(key, metric);
        mesh.plane().originated(index, key.prefix());
        mesh.tracker().invalidateAll();
        if (engine != null) {
            engine.originate(mesh.timeline().engineNow(), key, metric);
            drain(false);
        }
    }

    /** Withdraws {@code key} (its own prefix included). */
    void withdraw(RouteKey key) {
        originated.remove(key);
        mesh.plane().withdrawn(index, key.prefix(),
                originated.keySet().stream().anyMatch(k -> k.prefix().equals(key.prefix())));
        mesh.tracker().invalidateAll();
        if (engine != null) {
            engine.withdraw(mesh.timeline().engineNow(), key);
            drain(false);
        }
    }

    void wakeup(long generation) {
        if (generation != wakeupGeneration || engine == null) {
            return;
        }
        pendingWakeup = NO_WAKEUP;
        engine.tick(mesh.timeline().engineNow());
        drain(true);
    }

    /** Runs {@code task} of the extensions of incarnation {@code incarnation} (-1: any) if the host is still there. */
    void task(int incarnation, Runnable task) {
        if ((incarnation < 0 || this.incarnation == incarnation) && host != null) {
            task.run();
        }
    }

    /** Carries out the engine's pending actions (the extensions' host asks after it called the engine). */
    void turn() {
        if (engine != null) {
            drain(false);
        }
    }

    /** Stops the extensions as a daemon's shutdown would. */
    void stopExtensions() {
        host.stopExtensions();
        drain(false);
    }

    // ---------------------------------------------------------------- interfaces

    /** Whether the interface of port {@code p} is up: the node's own side, and with carrier sense the link. */
    private boolean up(LinkLayer.Port p) {
        return !ownDown.contains(p.link()) && (!mesh.config().carrierSense() || mesh.links().up(p.link()));
    }

    /** The node's interfaces as its extensions see them. */
    List<NetInterface> netInterfaces() {
        List<NetInterface> out = new ArrayList<>();
        for (LinkLayer.Port p : mesh.links().ports(index)) {
            out.add(new NetInterface(p.ifname(), p.ifindex(), up(p), p.linkLocal(), List.of(p.linkLocal())));
        }
        return out;
    }

    /** Carrier changed on port {@code p} (carrier sense): the engine is told, as the daemon tells it. */
    void carrier(LinkLayer.Port p, boolean up) {
        if (engine == null) {
            return;
        }
        long now = mesh.timeline().engineNow();
        if (up) {
            engine.interfaceUp(now, interfaceConfig(p));
            if (tableOnCarrierReturn) {
                engine.announceTable(now);
            }
        } else {
            engine.interfaceDown(now, p.ifname());
        }
        hostInterfacesChanged();
        drain(false);
    }

    /**
     * The node's own interface on {@code link} goes down or up ({@link Simulation#scheduleInterfaceDown},
     * {@link Simulation#scheduleInterfaceUp}): its engine is told at once. False when it already was so; else the
     * caller takes the link along.
     */
    boolean ownInterface(int link, boolean up, long dad) {
        LinkLayer.Port own = mesh.links().end(link, index);
        if (up != ownDown.contains(link)) {
            return false; // already so
        }
        long now = mesh.timeline().engineNow();
        if (up) {
            ownDown.remove(link);
            if (engine != null) {
                if (dad > 0) {
                    tentative.add(own.ifname());
                    readyDue.put(link, ++flaps);
                    mesh.timeline().at(mesh.timeline().now() + dad, new SimEvent.InterfaceReady(index, link, flaps));
                }
                engine.interfaceUp(now, interfaceConfig(own));
                hostInterfacesChanged();
                drain(false);
            }
        } else {
            ownDown.add(link);
            tentative.remove(own.ifname());
            readyDue.remove(link);
            if (engine != null) {
                engine.interfaceDown(now, own.ifname());
                hostInterfacesChanged();
                drain(false);
            }
        }
        return true;
    }

    /** The tentative address on {@code link} became usable, unless the interface flapped or the node restarted. */
    void interfaceReady(int link, long flap) {
        LinkLayer.Port own = mesh.links().end(link, index);
        if (!Objects.equals(readyDue.get(link), flap) || engine == null) {
            return; // the interface went down again, or the node restarted, meanwhile
        }
        readyDue.remove(link);
        tentative.remove(own.ifname());
        engine.interfaceReady(mesh.timeline().engineNow(), own.ifname());
        drain(false);
    }

    private void hostInterfacesChanged() {
        if (host != null) {
            host.host().interfacesChanged();
        }
    }

    private InterfaceConfig interfaceConfig(LinkLayer.Port p) {
        return interfaces.apply(
                InterfaceConfig.of(p.ifname(), p.ifindex(), p.linkLocal(), Simulation.MTU, p.type()));
    }

    // ---------------------------------------------------------------- packets and actions

    /** A datagram arrives: what survives the link, the reader and the receive filter goes to the engine. */
    void receive(SimEvent.Deliver d) {
        receiveApply(d, receiveEngine(d));
    }

    /**
     * What the engine makes of datagram {@code d}, the first half of {@link #receive}: the datagram read, and when it
     * carries a packet the engine's actions and its next wakeup after it. Touches nothing but this node's engine (and
     * the run's table of keys), so that the receives of different nodes at one instant can run on several threads
     * ({@link Simulation#setThreads}); {@link #receiveApply} then carries the result out, in the order of the events.
     */
    Received receiveEngine(SimEvent.Deliver d) {
        ReadResult r = mesh.links().read(d, engine != null);
        if (r == null || r.dropped()) {
            return new Received(r, List.of(), NO_WAKEUP);
        }
        Packet packet = r.packet();
        LinkLayer.Port from = mesh.links().peer(d.port());
        if (receiveFilter != null) {
            List<Tlv> kept = new ArrayList<>(packet.body().size());
            for (Tlv tlv : packet.body()) {
                if (receiveFilter.accepts(d.port().ifname(), from.linkLocal(), d.destination(), tlv)) {
                    kept.add(tlv);
                }
            }
            packet = new Packet(kept, packet.trailer());
        }
        engine.receive(mesh.timeline().engineNow(), d.port().ifname(), from.linkLocal(), d.destination(), packet);
        return new Received(r, engine.pollActions(), engine.nextWakeup());
    }

    /** Counts datagram {@code d} and carries out what its engine did with it ({@link #receiveEngine}). */
    void receiveApply(SimEvent.Deliver d, Received received) {
        if (mesh.links().arrived(d, received.read()) != null) {
            apply(received.actions(), received.wakeup(), false);
        }
    }

    /** What an engine made of a datagram: what was read (null: lost), the actions, the next wakeup asked for. */
    record Received(ReadResult read, List<Action> actions, long wakeup) {}

    private void drain(boolean afterTick) {
        List<Action> actions = engine.pollActions();
        apply(actions, engine.nextWakeup(), afterTick);
    }

    /** Carries out an engine's actions, then schedules a wakeup for {@code w} (engine time) when it is earlier. */
    private void apply(List<Action> actions, long w, boolean afterTick) {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> send(s);
                case Action.FibUpdate f -> fibUpdate(f);
                case Action.StateChanged sc -> seqno = sc.seqno();
            }
        }
        if (w == NO_WAKEUP) {
            return;
        }
        long now = mesh.timeline().now();
        long at = Math.max(w - Simulation.ORIGIN, afterTick ? now + TIMER_GRANULARITY : now);
        if (at < pendingWakeup) {
            pendingWakeup = at;
            mesh.timeline().at(at, new SimEvent.Wakeup(index, ++wakeupGeneration));
        }
    }

    private void send(Action.Send s) {
        if (tentative.contains(s.ifname())) {
            sendsWhileTentative++; // the daemon's send_tentative: the kernel cannot send from a tentative address
            return;
        }
        mesh.links().send(index, s.ifname(), s.destination(), s.tlvs());
    }

    private void fibUpdate(Action.FibUpdate f) {
        fibUpdates++;
        SimFib.Entry old = fib.applyAndGetOld(f);
        int d = mesh.plane().destinationOf(f.key());
        mesh.plane().fibUpdated(index, f, d);
        // an unreachable entry counts as none: it leads nowhere
        boolean was = old != null && !old.unreachable();
        boolean is = f.op() != Action.FibOp.REMOVE && !f.unreachable();
        if (d >= 0) {
            mesh.tracker().fibChanged(index, d, was, is); // node d's own prefix is destination d
        } else {
            mesh.tracker().fibChanged(index, f.key(), was, is);
        }
        mesh.loops().fibUpdated(index, f, old);
    }

    private RandomGenerator engineRandom() {
        return new SplittableRandom(mix(mix(mesh.config().seed() ^ 0x6a09e667f3bcc909L, index), incarnation));
    }

    private static long mix(long a, long b) {
        long z = a + 0x9e3779b97f4a7c15L * (b + 1);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private String name() {
        return mesh.nodeIds().get(index);
    }

    // ---------------------------------------------------------------- views

    SimEngine engine() {
        return engine;
    }

    /** The extensions' host of the current incarnation, or null (no extensions, not started, or just restarted). */
    SimNodeHost host() {
        return host;
    }

    long sendsWhileTentative() {
        return sendsWhileTentative;
    }

    long fibUpdates() {
        return fibUpdates;
    }

    int restarts() {
        return restarts;
    }
}
