package org.jbabel.extension;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.NeighbourChange;
import org.jbabel.engine.NeighbourView;
import org.jbabel.engine.RouteChange;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.SelectedRoute;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;

/**
 * The one door through which extensions (l3roamd, prefixd, NAT64/NAT426 exits, DDHCP ...) talk to Babel: originate
 * and withdraw routes, read the routes in use, and observe route and neighbour changes. See docs/EXTENSION-API.md.
 *
 * <p>Originating is how anything enters Babel: the route is announced with this node's router-id and seqno, at
 * once (an urgent update), and a withdrawal sends an urgent retraction. A route moved from node A to node B (a
 * roaming client's /128) converges as soon as B's announcement and A's retraction have travelled: B's route has
 * another source, so feasibility lets it in at once.
 *
 * <p>Observers are called synchronously by the engine, at the end of the event that caused the change, in order;
 * they may call back into this API (an originate inside a callback is safe: its own changes are delivered after
 * the current ones). An observer that throws is counted and skipped. All calls must come from the thread that
 * drives the engine. Calls made outside an engine event are stamped with the engine's latest time; the driver
 * then takes the resulting actions as usual ({@code pollActions}, {@code nextWakeup}).
 */
public interface BabelApi {

    /**
     * The API over an engine, for code that drives the engine itself (tests, tools): one owner, calls stamped with
     * the engine's latest time, no turn run after a call. Extensions get theirs from {@link ExtensionContext#babel()}.
     * Each call registers its own route index with the engine (kept for the engine's life): call it once per engine
     * and keep the result.
     */
    static BabelApi of(BabelEngine engine) {
        return new BabelOrigins(engine, engine::now, () -> true, () -> {}).handle("api");
    }

    RouterId routerId();

    /**
     * Originates (or changes the metric of) a route for this key, source-specific when the key's source prefix is
     * not zero-length. {@code metric} is clamped to 0..65534. Each handle (owner) has its own origination of a key;
     * when several owners originate one key, the smallest of their metrics is announced.
     */
    void originate(RouteKey key, int metric);

    /** Originates a route that is not source-specific. */
    default void originate(Prefix prefix, int metric) {
        originate(RouteKey.of(prefix), metric);
    }

    /**
     * Withdraws this handle's origination of the key (nothing happens if it has none). The route stays announced
     * while another owner (another extension, the redistributor) still originates it.
     */
    void withdraw(RouteKey key);

    default void withdraw(Prefix prefix) {
        withdraw(RouteKey.of(prefix));
    }

    /** The route in use for every key, local ones included. */
    List<SelectedRoute> selectedRoutes();

    /** The route in use for exactly this key. */
    Optional<SelectedRoute> route(RouteKey key);

    /**
     * The route packets from {@code source} to {@code destination} follow, by Babel's destination-first rule
     * ({@link org.jbabel.wire.PrefixTrie}): the most specific destination prefix with a route whose source prefix
     * contains {@code source} wins, then the most specific such source prefix; when no route of the most specific
     * destination matches the source, a less specific destination does. Both addresses of one family.
     */
    Optional<SelectedRoute> lookup(IpAddress destination, IpAddress source);

    /**
     * The route of traffic that no source-specific route claims: the most specific destination among the routes
     * that are not source-specific.
     */
    Optional<SelectedRoute> lookup(IpAddress destination);

    List<NeighbourView> neighbours();

    /** Calls {@code observer} for every change of a route in use, until the subscription is closed. */
    Subscription onRouteChange(Consumer<RouteChange> observer);

    /** Calls {@code observer} whenever a neighbour appears, changes cost or is forgotten. */
    Subscription onNeighbourChange(Consumer<NeighbourChange> observer);

    /**
     * Calls {@code observer} for every neighbour change, with the neighbour's interface index and whether it became
     * bidirectional or was lost with this change.
     */
    Subscription onNeighbour(Consumer<NeighbourEvent> observer);

    /** An observer registration; closing it stops the calls. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
