package org.jbabel.extension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.ChangeKind;
import org.jbabel.engine.EngineListener;
import org.jbabel.engine.InterfaceView;
import org.jbabel.engine.NeighbourChange;
import org.jbabel.engine.NeighbourView;
import org.jbabel.engine.RouteChange;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouterId;

/**
 * The routes a node originates through {@link BabelApi} handles, one handle per owner (an extension, the
 * redistributor): it keeps who originates what ({@link Origins}), tells the engine the smallest metric of each key,
 * stamps every call with the host's clock, refuses calls from other threads, and asks the host for an engine turn
 * after every change, so what a call caused goes out at once instead of at the next timer.
 */
public final class BabelOrigins {

    private final BabelEngine engine;
    private final EngineBabelApi reads;
    private final LongSupplier clock;
    private final BooleanSupplier onHostThread;
    private final Runnable turn;
    private final Origins origins = new Origins();

    /**
     * @param clock the host's clock, in the engine's time
     * @param onHostThread whether the caller is on the thread that drives the engine
     * @param turn asks the host to run an engine turn (carry out its actions) as soon as the current task ends
     */
    public BabelOrigins(BabelEngine engine, LongSupplier clock, BooleanSupplier onHostThread, Runnable turn) {
        this.engine = engine;
        this.reads = new EngineBabelApi(engine);
        this.clock = clock;
        this.onHostThread = onHostThread;
        this.turn = turn;
    }

    /** The handle of one owner; handles of the same owner share its originations. */
    public BabelApi handle(String owner) {
        return new Handle(owner);
    }

    /** Withdraws everything {@code owner} originates (an extension that stopped). */
    public void withdrawAll(String owner) {
        checkThread(owner);
        List<RouteKey> keys = origins.keysOf(owner);
        for (RouteKey key : keys) {
            apply(key, origins.remove(owner, key));
        }
        if (!keys.isEmpty()) {
            turn.run();
        }
    }

    private void apply(RouteKey key, int metric) {
        if (metric == Origins.NONE) {
            engine.withdraw(clock.getAsLong(), key);
        } else {
            engine.originate(clock.getAsLong(), key, metric);
        }
    }

    private void checkThread(String owner) {
        if (!onHostThread.getAsBoolean()) {
            throw new IllegalStateException("'" + owner + "' called Babel from thread '"
                    + Thread.currentThread().getName() + "': only the host's thread may (use ExtensionContext.execute)");
        }
    }

    private final class Handle implements BabelApi {
        private final String owner;

        Handle(String owner) {
            this.owner = owner;
        }

        @Override
        public RouterId routerId() {
            checkThread(owner);
            return reads.routerId();
        }

        @Override
        public void originate(RouteKey key, int metric) {
            checkThread(owner);
            apply(key, origins.put(owner, key, Math.max(0, Math.min(0xFFFE, metric))));
            turn.run();
        }

        @Override
        public void withdraw(RouteKey key) {
            checkThread(owner);
            if (origins.owns(owner, key)) {
                apply(key, origins.remove(owner, key));
                turn.run();
            }
        }

        @Override
        public List<SelectedRoute> selectedRoutes() {
            checkThread(owner);
            return reads.selectedRoutes();
        }

        @Override
        public Optional<SelectedRoute> route(RouteKey key) {
            checkThread(owner);
            return reads.route(key);
        }

        @Override
        public Optional<SelectedRoute> lookup(IpAddress destination, IpAddress source) {
            checkThread(owner);
            return reads.lookup(destination, source);
        }

        @Override
        public Optional<SelectedRoute> lookup(IpAddress destination) {
            checkThread(owner);
            return reads.lookup(destination);
        }

        @Override
        public List<NeighbourView> neighbours() {
            checkThread(owner);
            return reads.neighbours();
        }

        @Override
        public Subscription onRouteChange(Consumer<RouteChange> observer) {
            checkThread(owner);
            return reads.onRouteChange(observer);
        }

        @Override
        public Subscription onNeighbourChange(Consumer<NeighbourChange> observer) {
            checkThread(owner);
            return reads.onNeighbourChange(observer);
        }

        @Override
        public Subscription onNeighbour(Consumer<NeighbourEvent> observer) {
            checkThread(owner);
            Map<Long, Boolean> usable = new HashMap<>();
            EngineListener l = new EngineListener() {
                @Override
                public void neighbourChanged(NeighbourChange change) {
                    NeighbourView n = change.neighbour();
                    boolean now = change.kind() != ChangeKind.REMOVED && n.cost() < 0xFFFF;
                    Boolean before = change.kind() == ChangeKind.REMOVED ? usable.remove(n.id())
                            : usable.put(n.id(), now);
                    boolean was = before != null && before;
                    observer.accept(new NeighbourEvent(change.kind(), n, ifindex(n.ifname()), now, was != now));
                }
            };
            engine.addListener(l);
            return () -> engine.removeListener(l);
        }

        private int ifindex(String ifname) {
            for (InterfaceView i : engine.interfaces()) {
                if (i.name().equals(ifname)) {
                    return i.ifindex();
                }
            }
            return 0;
        }
    }
}
