package org.jbabel.sim;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.jbabel.engine.Action;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.RouteFilters;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.RouterId;

/**
 * What the simulator drives at each node: the sans-IO surface of {@link BabelEngine}. Production runs use
 * {@link #babel()}; the simulator's own tests plug in small stand-ins to check the driver in isolation.
 */
interface SimEngine {

    void interfaceUp(long now, InterfaceConfig iface);

    void interfaceDown(long now, String ifname);

    /**
     * The link-local address of an interface brought up tentative is usable now ({@link BabelEngine#interfaceReady});
     * engines that do not model tentative addresses ignore it.
     */
    default void interfaceReady(long now, String ifname) {}

    /**
     * Sends the whole table to the group on every interface that is up, as babeld and FRR do when an interface comes
     * up (see {@link Simulation#setTableOnCarrierReturn}); engines that have no such thing ignore it.
     */
    default void announceTable(long now) {}

    void receive(long now, String ifname, IpAddress source, IpAddress destination, Packet packet);

    void originate(long now, RouteKey key, int metric);

    void withdraw(long now, RouteKey key);

    void tick(long now);

    long nextWakeup();

    List<Action> pollActions();

    List<SelectedRoute> selectedRoutes();

    /** Makes the engine of one node (incarnation). */
    interface Factory {
        SimEngine create(RouterId routerId, int seqno, EngineConfig config, RandomGenerator random);
    }

    /**
     * The real engine. The engines one factory makes share one table of route keys
     * ({@link BabelEngine#setKeyInterner}): every engine of a simulation keeps the same key object for a prefix, with
     * a dense index ({@link RouteKey#index()}) by which their tables find it in arrays, and they hold one copy of
     * each key instead of one per node.
     */
    static Factory babel() {
        // Engines of different nodes may run at once (Simulation.setThreads): the table is safe for that. An index
        // only says where a key sits in the tables' arrays, so the order in which concurrent engines add keys does
        // not matter.
        Map<RouteKey, RouteKey> keys = new ConcurrentHashMap<>();
        UnaryOperator<RouteKey> interner = k -> {
            RouteKey kept = keys.get(k);
            if (kept != null) {
                return kept;
            }
            synchronized (keys) {
                return keys.computeIfAbsent(k, absent -> absent.withIndex(keys.size()));
            }
        };
        return (id, seqno, config, random) -> {
            BabelEngine engine = new BabelEngine(id, seqno, config, random);
            engine.setKeyInterner(interner);
            return new Babel(engine);
        };
    }

    /** {@link BabelEngine} seen as a {@link SimEngine}. */
    record Babel(BabelEngine engine) implements SimEngine {
        @Override
        public void interfaceUp(long now, InterfaceConfig iface) {
            engine.interfaceUp(now, iface);
        }

        @Override
        public void interfaceDown(long now, String ifname) {
            engine.interfaceDown(now, ifname);
        }

        @Override
        public void interfaceReady(long now, String ifname) {
            engine.interfaceReady(now, ifname);
        }

        /**
         * The engine has no call for this alone; setting the filters it already has (the simulator never sets any
         * others, so {@link RouteFilters#ALLOW_ALL}) queues the table for the group on every interface that is up,
         * due within the normal delay (0.75 to 1.25 s), and changes nothing else (same metrics, same selection). As
         * the engine flushes all that is queued on an interface at once, after carrier returns the table leaves with
         * the start-up Hello 10 ms later: babeld's burst of a Hello, the table and a request.
         */
        @Override
        public void announceTable(long now) {
            engine.setFilters(now, RouteFilters.ALLOW_ALL);
        }

        @Override
        public void receive(long now, String ifname, IpAddress source, IpAddress destination, Packet packet) {
            engine.receive(now, ifname, source, destination, packet);
        }

        @Override
        public void originate(long now, RouteKey key, int metric) {
            engine.originate(now, key, metric);
        }

        @Override
        public void withdraw(long now, RouteKey key) {
            engine.withdraw(now, key);
        }

        @Override
        public void tick(long now) {
            engine.tick(now);
        }

        @Override
        public long nextWakeup() {
            return engine.nextWakeup();
        }

        @Override
        public List<Action> pollActions() {
            return engine.pollActions();
        }

        @Override
        public List<SelectedRoute> selectedRoutes() {
            return engine.selectedRoutes();
        }
    }
}
