package org.jbabel.extension;

import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.ChangeKind;
import org.jbabel.engine.EngineListener;
import org.jbabel.engine.RouteChange;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.PrefixTrie;

/**
 * The engine's selected routes in a {@link PrefixTrie}, for {@link BabelApi#lookup}: filled once from the engine's
 * table, then kept up to date by its route changes (an engine listener), so a lookup never scans the table and
 * allocates nothing. Registered before any observer of the API it serves, so an observer that looks up from its
 * callback sees the change it is told about.
 */
final class RouteIndex implements EngineListener {
    private final PrefixTrie<SelectedRoute> routes = new PrefixTrie<>();

    RouteIndex(BabelEngine engine) {
        for (SelectedRoute r : engine.selectedRoutes()) {
            routes.put(r.key().prefix(), r.key().source(), r);
        }
        engine.addListener(this);
    }

    @Override
    public void routeChanged(RouteChange change) {
        SelectedRoute r = change.route();
        if (change.kind() == ChangeKind.REMOVED) {
            routes.remove(r.key().prefix(), r.key().source());
        } else {
            routes.put(r.key().prefix(), r.key().source(), r);
        }
    }

    /** Destination first, then source; null when no route matches. */
    SelectedRoute lookup(IpAddress destination, IpAddress source) {
        return routes.lookup(destination, source);
    }

    /** The most specific route to {@code destination} that is not source-specific, or null. */
    SelectedRoute lookup(IpAddress destination) {
        return routes.lookup(destination);
    }

    int size() {
        return routes.size();
    }
}
