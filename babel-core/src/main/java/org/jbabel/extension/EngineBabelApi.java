package org.jbabel.extension;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineListener;
import org.jbabel.engine.NeighbourChange;
import org.jbabel.engine.NeighbourView;
import org.jbabel.engine.RouteChange;
import org.jbabel.engine.RouteKey;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouterId;

/** {@link BabelApi} over a {@link BabelEngine}. */
final class EngineBabelApi implements BabelApi {
    private final BabelEngine engine;
    private final RouteIndex index;

    EngineBabelApi(BabelEngine engine) {
        this.engine = engine;
        this.index = new RouteIndex(engine);
    }

    @Override
    public RouterId routerId() {
        return engine.routerId();
    }

    @Override
    public void originate(RouteKey key, int metric) {
        engine.originate(engine.now(), key, metric);
    }

    @Override
    public void withdraw(RouteKey key) {
        engine.withdraw(engine.now(), key);
    }

    @Override
    public List<SelectedRoute> selectedRoutes() {
        return engine.selectedRoutes();
    }

    @Override
    public Optional<SelectedRoute> route(RouteKey key) {
        return engine.selectedRoute(key);
    }

    @Override
    public Optional<SelectedRoute> lookup(IpAddress destination, IpAddress source) {
        return Optional.ofNullable(index.lookup(destination, source));
    }

    @Override
    public Optional<SelectedRoute> lookup(IpAddress destination) {
        return Optional.ofNullable(index.lookup(destination));
    }

    @Override
    public List<NeighbourView> neighbours() {
        return engine.neighbours();
    }

    @Override
    public Subscription onRouteChange(Consumer<RouteChange> observer) {
        EngineListener l = new EngineListener() {
            @Override
            public void routeChanged(RouteChange change) {
                observer.accept(change);
            }
        };
        engine.addListener(l);
        return () -> engine.removeListener(l);
    }

    @Override
    public Subscription onNeighbourChange(Consumer<NeighbourChange> observer) {
        EngineListener l = new EngineListener() {
            @Override
            public void neighbourChanged(NeighbourChange change) {
                observer.accept(change);
            }
        };
        engine.addListener(l);
        return () -> engine.removeListener(l);
    }
}
