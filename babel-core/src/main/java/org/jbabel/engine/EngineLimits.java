package org.jbabel.engine;

/**
 * The caps on every table that received packets can grow (docs/ENGINE.md, "Table limits"). When a cap is reached
 * the engine refuses the new state and counts it (the counter named with each cap); what it already holds is never
 * evicted for it, with one exception: a full neighbour table makes room for a newcomer by forgetting a neighbour that
 * carries no selected route.
 *
 * @param neighboursPerInterface neighbours on one interface (configured neighbours are admitted beyond it)
 * @param neighbours neighbours on all interfaces together
 * @param routesPerNeighbour routes learned from one neighbour (counted {@code route_limit})
 * @param routes routes learned from all neighbours together (counted {@code route_table_full})
 * @param sources feasibility distances (counted {@code source_table_full}: the route is retracted instead of announced)
 * @param requests seqno requests in flight, ours and forwarded ones (counted {@code request_table_full})
 * @param updateResends urgent updates waiting to be repeated (counted {@code resend_table_full})
 * @param welcomeBurst unsolicited unicast packets (the wildcard retraction and fast-start dump a neighbour gets when
 *     it becomes bidirectional, a dump asked for by a wildcard request) sent at once before the budget is spent
 * @param welcomeInterval the budget refills one such packet per this many nanoseconds
 */
public record EngineLimits(
        int neighboursPerInterface,
        int neighbours,
        int routesPerNeighbour,
        int routes,
        int sources,
        int requests,
        int updateResends,
        int welcomeBurst,
        long welcomeInterval) {

    /**
     * Live heap one learned route costs the daemon at most, measured: the engine's route, slot, key and prefix, its
     * feasibility distance, the kernel route the daemon keeps for it, and the tables' share
     * ({@code RouteFootprintTest}, docs/DAEMON.md "Memory").
     */
    public static final int BYTES_PER_ROUTE = 400;
    /** The share of the heap given to learned routes, in percent. */
    public static final int ROUTE_HEAP_PERCENT = 40;
    /** One neighbour may fill at most this fraction (1/n) of the route table. */
    public static final int NEIGHBOUR_SHARE_DIVISOR = 4;
    /** The heap the defaults are computed for: -Xmx in bin/jbabeld.options. */
    public static final long DEFAULT_HEAP = 64L << 20;

    public EngineLimits {
        if (neighboursPerInterface < 1 || neighbours < 1 || routesPerNeighbour < 1 || routes < 1 || sources < 1
                || requests < 1 || updateResends < 1 || welcomeBurst < 1 || welcomeInterval < 0) {
            throw new IllegalArgumentException("table limits must be positive");
        }
    }

    /** The limits for the default heap ({@link #DEFAULT_HEAP}). */
    public static EngineLimits defaults() {
        return forHeap(DEFAULT_HEAP);
    }

    /**
     * The limits for a heap of this many bytes ({@code Runtime.maxMemory()}): {@link #ROUTE_HEAP_PERCENT} of it for
     * routes at {@link #BYTES_PER_ROUTE} each, a quarter of that per neighbour, as many feasibility distances as
     * routes; the other caps do not depend on the heap.
     */
    public static EngineLimits forHeap(long heapBytes) {
        long routes = Math.max(1_000, heapBytes / 100 * ROUTE_HEAP_PERCENT / BYTES_PER_ROUTE);
        int r = (int) Math.min(Integer.MAX_VALUE / 2, routes);
        return new EngineLimits(256, 1_024, r / NEIGHBOUR_SHARE_DIVISOR, r, r, 1_024, 8_192, 16, Time.millis(500));
    }

    public EngineLimits withNeighbours(int perInterface, int total) {
        return new EngineLimits(perInterface, total, routesPerNeighbour, routes, sources, requests, updateResends,
                welcomeBurst, welcomeInterval);
    }

    public EngineLimits withRoutes(int perNeighbour, int total) {
        return new EngineLimits(neighboursPerInterface, neighbours, perNeighbour, total, sources, requests,
                updateResends, welcomeBurst, welcomeInterval);
    }

    public EngineLimits withSources(int max) {
        return new EngineLimits(neighboursPerInterface, neighbours, routesPerNeighbour, routes, max, requests,
                updateResends, welcomeBurst, welcomeInterval);
    }

    public EngineLimits withRequests(int maxRequests, int maxResends) {
        return new EngineLimits(neighboursPerInterface, neighbours, routesPerNeighbour, routes, sources, maxRequests,
                maxResends, welcomeBurst, welcomeInterval);
    }

    public EngineLimits withWelcome(int burst, long interval) {
        return new EngineLimits(neighboursPerInterface, neighbours, routesPerNeighbour, routes, sources, requests,
                updateResends, burst, interval);
    }
}
