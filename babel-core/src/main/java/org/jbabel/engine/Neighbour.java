package org.jbabel.engine;

import static org.jbabel.engine.BabelConstants.INFINITY;

import org.jbabel.wire.IpAddress;

/**
 * A neighbour on one interface: its Hello histories, the txcost it reported in its last IHU, and the rxcost and
 * cost we derive. Owned by {@link Neighbours}.
 */
final class Neighbour {
    /** Stable identity for dumps (babeld's opaque neighbour id). */
    final long id;
    final Interfaces.Iface iface;
    final IpAddress address;
    final HelloHistory multicast = new HelloHistory();
    final HelloHistory unicast = new HelloHistory();

    private int txcost = INFINITY;
    private long ihuTime;
    private long ihuInterval;
    private int rxcost = INFINITY;
    /**
     * Whether we ever heard the neighbour well enough for a finite rxcost. Until then we send it no IHU: an IHU
     * with an infinite rxcost would only make a neighbour that knew us from before drop our routes while we are
     * still counting its Hellos (after our restart or an interface flap).
     */
    private boolean heard;
    private int cost = INFINITY;
    /** When we last sent this neighbour our whole table by unicast (fast start, wildcard request). */
    private long lastFullDump = Long.MIN_VALUE;

    /** The timestamp of the neighbour's last timestamped Hello (its clock, wire units), or -1: echoed in our IHUs. */
    private long helloTimestamp = -1;
    /** When that Hello arrived (engine time). */
    private long helloTimestampAt;
    /** The smoothed round-trip time in microseconds, meaningful while {@link #rttValid} holds. */
    private long rtt;
    /** When the last RTT sample was taken (engine time), or {@code Long.MIN_VALUE} before the first. */
    private long rttTime = Long.MIN_VALUE;

    /** When the entry was made (the neighbour's first packet, Hello or not). */
    final long createdAt;
    /** When the neighbour's last packet arrived. */
    private long lastPacket;
    /** The routes learned from this neighbour, newest first ({@link Routes}), how many, and how many are selected. */
    Route routes;
    int routeCount;
    int selectedCount;
    /**
     * Its routes for the keys whose slot owns an index in a shared key table ({@link Slots#owner}), by the slot's
     * own number ({@link Slots#local});
     * null until the first (never, for a daemon's keys). {@link Routes#find} needs no walk along a key's routes then.
     */
    Route[] routesByIndex;

    Neighbour(long id, Interfaces.Iface iface, IpAddress address, long createdAt) {
        this.id = id;
        this.iface = iface;
        this.address = address;
        this.createdAt = createdAt;
        this.lastPacket = createdAt;
    }

    /** The txcost from its last IHU (at least 1), infinite when none holds. */
    int txcost() {
        return txcost;
    }

    /** Our rxcost for it, from its Hellos. */
    int rxcost() {
        return rxcost;
    }

    /** The link cost (infinite while the link is not bidirectional). */
    int cost() {
        return cost;
    }

    /** Whether we ever heard it well enough for a finite rxcost (see {@link #heard}). */
    boolean heard() {
        return heard;
    }

    /** When its last packet arrived. */
    long lastPacket() {
        return lastPacket;
    }

    /** Its last Hello timestamp (its clock, wire units), or -1 when none came. */
    long helloTimestamp() {
        return helloTimestamp;
    }

    /** When that timestamped Hello arrived (engine time). */
    long helloTimestampAt() {
        return helloTimestampAt;
    }

    /** A packet from the neighbour arrived at {@code now}. */
    void packetReceived(long now) {
        lastPacket = now;
    }

    /**
     * An IHU for us arrived at {@code now}: the txcost it reports (at least 1: a cost of 0 would make a route
     * unfeasible against its own feasibility distance), and its interval, which says how long the txcost holds.
     */
    void ihuReceived(long now, int reportedRxcost, long interval) {
        txcost = Math.max(1, reportedRxcost);
        ihuTime = now;
        ihuInterval = interval;
    }

    /** A Hello with an RFC 9616 timestamp ({@code transmit}, the neighbour's clock) arrived at {@code now}. */
    void helloTimestampReceived(long transmit, long now) {
        helloTimestamp = transmit;
        helloTimestampAt = now;
    }

    /** Whether our whole table went to it by unicast less than {@link BabelConstants#FULL_DUMP_HOLDOFF} ago. */
    boolean dumpHeldOff(long now) {
        return lastFullDump != Long.MIN_VALUE && now - lastFullDump < BabelConstants.FULL_DUMP_HOLDOFF;
    }

    /** Our whole table went to it by unicast at {@code now}. */
    void fullDumpSent(long now) {
        lastFullDump = now;
    }

    /** The neighbour is forgotten: its link is unusable from now on (for whoever still holds the object). */
    void forgotten() {
        cost = INFINITY;
    }

    String ifname() {
        return iface.name();
    }

    boolean bidirectional() {
        return cost < INFINITY;
    }

    long lastHello() {
        return Math.max(multicast.known() ? multicast.lastHello() : Long.MIN_VALUE,
                unicast.known() ? unicast.lastHello() : Long.MIN_VALUE);
    }

    /** Whether this neighbour gets an IHU with every Hello, not only every third. */
    boolean marginal() {
        return txcost >= BabelConstants.MARGINAL_TXCOST || (multicast.reach() & 0xF000) != 0xF000;
    }

    /**
     * Recomputes rxcost, txcost expiry and cost at {@code now}. Returns true when the cost changed.
     */
    boolean recompute(long now) {
        InterfaceConfig c = iface.config();
        int rx = INFINITY;
        if (multicast.known()) {
            rx = Math.min(rx, LinkCost.rxcost(c.linkQuality(), c.rxcost(), multicast.reach(),
                    now - multicast.lastHello()));
        }
        if (unicast.known()) {
            rx = Math.min(rx, LinkCost.rxcost(c.linkQuality(), c.rxcost(), unicast.reach(),
                    now - unicast.lastHello()));
        }
        rxcost = rx;
        heard |= rx < INFINITY;
        if (txcost < INFINITY && ihuExpired(now)) {
            txcost = INFINITY;
        }
        int old = cost;
        int base = iface.up() ? LinkCost.cost(c.linkQuality(), rxcost, txcost) : INFINITY;
        cost = base >= INFINITY ? INFINITY : LinkCost.add(base, rttCost(now));
        return cost != old;
    }

    /** Whether the RTT is recent enough to count: a sample less than {@link BabelConstants#RTT_VALIDITY} old. */
    boolean rttValid(long now) {
        return rttTime != Long.MIN_VALUE && now - rttTime < BabelConstants.RTT_VALIDITY;
    }

    /** The cost the RTT adds to the link now (0 without a valid RTT). */
    int rttCost(long now) {
        if (!rttValid(now)) {
            return 0;
        }
        InterfaceConfig c = iface.config();
        return RoundTripTime.penalty(rtt, c.rttMin() / 1000, c.rttMax() / 1000, c.maxRttPenalty());
    }

    /** Takes an RTT sample (microseconds) taken at {@code now} into the smoothed RTT. */
    void rttSample(long now, long sample) {
        rtt = RoundTripTime.smooth(rtt, rttValid(now), sample, iface.config().rttDecay());
        rttTime = now;
    }

    private boolean ihuExpired(long now) {
        long age = now - ihuTime;
        long interval = ihuInterval > 0 ? ihuInterval : iface.ihuInterval();
        if (age < BabelConstants.IHU_HOLD_MIN_INTERVALS * interval) {
            return false;
        }
        return age >= BabelConstants.IHU_HOLD_MAX_INTERVALS * interval
                || age >= BabelConstants.IHU_HOLD_MAX
                || rxcost >= INFINITY;
    }

    /**
     * Whether the neighbour should be forgotten: no Hello left in its histories, or silent for 300 s; one that never
     * sent a Hello is kept for {@link BabelConstants#UNHEARD_NEIGHBOUR_HOLD} after its first packet.
     */
    boolean dead(long now) {
        if (!multicast.known() && !unicast.known()) {
            return now - createdAt >= BabelConstants.UNHEARD_NEIGHBOUR_HOLD;
        }
        boolean heard = (multicast.known() && multicast.reach() != 0) || (unicast.known() && unicast.reach() != 0);
        return !heard || now - lastHello() >= BabelConstants.NEIGHBOUR_TIMEOUT;
    }

    NeighbourView view(long now) {
        boolean valid = rttValid(now);
        return new NeighbourView(iface.name(), address, multicast.reach(), unicast.reach(), rxcost, txcost, cost,
                valid ? rtt : -1, valid ? rttCost(now) : 0, id);
    }

    @Override
    public String toString() {
        return address + "%" + iface.name();
    }
}
