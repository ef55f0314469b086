package org.jbabel.engine;

import java.util.List;
import java.util.random.RandomGenerator;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.RouterId;

/**
 * The RFC 8966 protocol engine: a sans-IO state machine. It owns no thread, socket, clock or kernel handle; every
 * input carries the time ({@link Time}, nanoseconds of a monotonic clock), and what must happen is collected as
 * {@link Action}s that the driver takes with {@link #pollActions()}. Call {@link #tick(long)} no later than
 * {@link #nextWakeup()}.
 */
public final class BabelEngine {

    public BabelEngine(RouterId routerId, int seqno, EngineConfig config, RandomGenerator random) {
        throw new UnsupportedOperationException("engine under construction");
    }

    public RouterId routerId() {
        throw new UnsupportedOperationException();
    }

    public int seqno() {
        throw new UnsupportedOperationException();
    }

    public void interfaceUp(long now, InterfaceConfig iface) {
        throw new UnsupportedOperationException();
    }

    public void interfaceDown(long now, String ifname) {
        throw new UnsupportedOperationException();
    }

    /** A packet arrived on {@code ifname} from {@code source}, sent to {@code destination} (group or us). */
    public void receive(long now, String ifname, IpAddress source, IpAddress destination, Packet packet) {
        throw new UnsupportedOperationException();
    }

    /** Originate (or change the metric of) a local route: redistribution and extensions come in here. */
    public void originate(long now, RouteKey key, int metric) {
        throw new UnsupportedOperationException();
    }

    public void withdraw(long now, RouteKey key) {
        throw new UnsupportedOperationException();
    }

    public void tick(long now) {
        throw new UnsupportedOperationException();
    }

    /** The latest time at which {@link #tick(long)} must be called. */
    public long nextWakeup() {
        throw new UnsupportedOperationException();
    }

    /** The actions produced since the last call, in order. */
    public List<Action> pollActions() {
        throw new UnsupportedOperationException();
    }

    /** Retract everything and say goodbye on every interface (clean exit). */
    public void shutdown(long now) {
        throw new UnsupportedOperationException();
    }

    public List<SelectedRoute> selectedRoutes() {
        throw new UnsupportedOperationException();
    }
}
