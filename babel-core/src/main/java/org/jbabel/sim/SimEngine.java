package org.jbabel.sim;

import java.util.List;
import java.util.random.RandomGenerator;
import org.jbabel.engine.Action;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.RouteKey;
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

    /** The real engine. */
    static Factory babel() {
        return (id, seqno, config, random) -> new Babel(new BabelEngine(id, seqno, config, random));
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
