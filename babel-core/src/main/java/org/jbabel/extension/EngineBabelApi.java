package org.jbabel.extension;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineListener;
import org.jbabel.engine.NeighbourChange;
import org.jbabel.engine.NeighbourView;
import org.jbabel.engine.RouteChange;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouterId;

/** The reading half of {@link BabelApi} over a {@link BabelEngine}; {@link BabelOrigins} adds owners and checks. */
final class EngineBabelApi {
    private final BabelEngine engine;
    private final RouteIndex index;

    EngineBabelApi(BabelEngine engine) {
        this.engine = engine;
        this.index = new RouteIndex(engine);
    }

    public RouterId routerId() {
        return engine.routerId();
    }

    public List<SelectedRoute> selectedRoutes() {
        return engine.selectedRoutes();
    }

    public Optional<SelectedRoute> route(RouteKey key) {
        return engine.selectedRoute(key);
    }

    public Optional<SelectedRoute> lookup(IpAddress destination, IpAddress source) {
        return Optional.ofNullable(index.lookup(destination, source));
    }

    public Optional<SelectedRoute> lookup(IpAddress destination) {
        return Optional.ofNullable(index.lookup(destination));
    }

    public List<NeighbourView> neighbours() {
        return engine.neighbours();
    }

    public BabelApi.Subscription onRouteChange(Consumer<RouteChange> observer) {
        EngineListener l = new EngineListener() {
            @Override
            public void routeChanged(RouteChange change) {
                observer.accept(change);
            }
        };
        engine.addListener(l);
        return () -> engine.removeListener(l);
    }

    public BabelApi.Subscription onNeighbourChange(Consumer<NeighbourChange> observer) {
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
