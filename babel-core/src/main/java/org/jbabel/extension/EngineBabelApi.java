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
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;

/** The reading half of {@link BabelApi} over a {@link BabelEngine}; {@link BabelOrigins} adds owners and checks. */
final class EngineBabelApi {
    private final BabelEngine engine;

    EngineBabelApi(BabelEngine engine) {
        this.engine = engine;
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
        SelectedRoute best = null;
        for (SelectedRoute r : engine.selectedRoutes()) {
            Prefix dst = r.key().prefix();
            Prefix src = r.key().source();
            if (!dst.contains(destination) || !(src.isZeroLength() || src.contains(source))) {
                continue;
            }
            if (best == null
                    || dst.length() > best.key().prefix().length()
                    || (dst.length() == best.key().prefix().length() && src.length() > best.key().source().length())) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    public List<NeighbourView> neighbours() {
        return engine.neighbours();
    }

    public BabelApi.Subscription onRouteChange(Consumer<RouteChange> observer) {
        EngineListener l = new EngineListener() {
                    public void routeChanged(RouteChange change) {
                observer.accept(change);
            }
        };
        engine.addListener(l);
        return () -> engine.removeListener(l);
    }

    public BabelApi.Subscription onNeighbourChange(Consumer<NeighbourChange> observer) {
        EngineListener l = new EngineListener() {
                    public void neighbourChanged(NeighbourChange change) {
                observer.accept(change);
            }
        };
        engine.addListener(l);
        return () -> engine.removeListener(l);
    }
}
