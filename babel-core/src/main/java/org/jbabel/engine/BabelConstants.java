package org.jbabel.engine;

/**
 * The protocol constants of RFC 8966 and the defaults of babeld, in one place. Durations are engine time
 * (nanoseconds); metrics and costs are in Babel's 16-bit units.
 */
public final class BabelConstants {
    private BabelConstants() {}

    /** Metric, cost and rxcost value meaning "unreachable". */
    public static final int INFINITY = 0xFFFF;

    // Interfaces and Hellos.
    /** The IHU interval is this many Hello intervals. */
    public static final int IHU_INTERVAL_HELLOS = 3;
    /** A full IHU set goes with every Hello whose seqno is a multiple of this; marginal neighbours get one always. */
    public static final int IHU_EVERY_NTH_HELLO = 3;
    /** A neighbour whose txcost is at least this is "marginal" and gets an IHU with every Hello. */
    public static final int MARGINAL_TXCOST = 384;
    /** Nominal rxcost of link-quality (wireless) interfaces. */
    public static final int NOMINAL_RXCOST_WIRELESS = 256;
    /** Nominal rxcost of 2-out-of-3 (wired, tunnel) interfaces. */
    public static final int NOMINAL_RXCOST_WIRED = 96;
    /** Delay of the second start-up Hello, so that 2-out-of-3 neighbours see us at once. */
    public static final long STARTUP_HELLO_DELAY = Time.millis(20);
    /** Hello interval advertised in the goodbye Hellos of a shutdown (10 cs, as babeld). */
    public static final int SHUTDOWN_HELLO_INTERVAL_CS = 10;

    // Neighbours.
    /** The first missed Hello is counted this many tenths of an interval after the last one received. */
    public static final int FIRST_MISSED_HELLO_TENTHS = 17;
    /** rxcost becomes infinite when no Hello has been heard for this long. */
    public static final long RXCOST_HELLO_TIMEOUT = Time.seconds(180);
    /** A link-quality rxcost starts to grow when the last Hello is older than this. */
    public static final long LQ_AGE_PENALTY_START = Time.seconds(40);
    /** ... by the factor (age - this) / this. */
    public static final long LQ_AGE_PENALTY_UNIT = Time.seconds(20);
    /** A neighbour not heard for this long is forgotten. */
    public static final long NEIGHBOUR_TIMEOUT = Time.seconds(300);
    /**
     * A neighbour known only from packets other than Hellos (its routes, IHU or requests came before its first
     * Hello) is forgotten when no Hello of it has arrived this long after its first packet.
     */
    public static final long UNHEARD_NEIGHBOUR_HOLD = Time.seconds(60);
    /** txcost is kept at least this many IHU intervals after the last IHU ... */
    public static final int IHU_HOLD_MIN_INTERVALS = 3;
    /** ... and dropped after this many IHU intervals, or {@link #IHU_HOLD_MAX} ... */
    public static final int IHU_HOLD_MAX_INTERVALS = 10;
    /** ... whichever comes first (or as soon as the neighbour's Hellos are gone too). */
    public static final long IHU_HOLD_MAX = Time.seconds(180);
    /** Minimum spacing of the unicast full dumps sent to one neighbour (fast start, wildcard requests). */
    public static final long FULL_DUMP_HOLDOFF = Time.seconds(8);

    // Routes.
    /** Route hold time: this many update intervals of the update that refreshed the route ... */
    public static final int ROUTE_HOLD_INTERVALS = 6;
    /** ... but never less than this. */
    public static final long ROUTE_HOLD_MIN = Time.seconds(15);
    /** At this fraction (in eighths) of the hold time a unicast Route Request asks the neighbour for a refresh. */
    public static final int ROUTE_REFRESH_REQUEST_EIGHTHS = 7;
    /** How often route expiry and neighbour timers are checked. */
    public static final long HOUSEKEEPING_INTERVAL = Time.seconds(1);
    /** A new or re-acquired route starts with at least this smoothed metric, so it does not win at once. */
    public static final int NEW_ROUTE_SMOOTHED_METRIC = 0x7FFF;
    /** Smoothed metrics within this distance of the real metric snap to it. */
    public static final int SMOOTHING_SNAP = 3;

    // Sources.
    /** A feasibility distance unused for this long may be forgotten. */
    public static final long SOURCE_GC_TIME = Time.seconds(200);
    /** How often the source table is swept. */
    public static final long SOURCE_GC_INTERVAL = Time.seconds(60);

    // Triggered updates (babeld's thresholds).
    /** A metric increase of at least this (while the old metric is below {@link #URGENT_WORSENING_CEILING}) is urgent. */
    public static final int URGENT_WORSENING = 512;
    public static final int URGENT_WORSENING_CEILING = 1536;
    /** Improvements smaller than this wait for the periodic update. */
    public static final int MINOR_IMPROVEMENT = 1024;
    /** Changes smaller than this wait for the periodic update. */
    public static final int MINOR_CHANGE = 384;
    /** A metric increase of at least this also asks the neighbours for better routes (multicast Route Request). */
    public static final int WORSENING_REQUEST = 288;
    /** Urgent updates (source changes, retractions) are sent this many extra times. */
    public static final int UPDATE_RESENDS = 3;
    /** An unfeasible update is worth a seqno request when it is this much better than the selected route. */
    public static final int UNFEASIBLE_REQUEST_GAIN = 512;

    // Requests.
    /** Hop count of the seqno requests we originate. */
    public static final int SEQNO_REQUEST_HOP_COUNT = 127;
    /** Seqnos further apart than this are "hopelessly out of date". */
    public static final int SEQNO_WINDOW = 100;
    /** First resend of a request (doubling afterwards), and of an urgent update. */
    public static final long RESEND_INITIAL = Time.seconds(2);
    /** Number of resends of a request. */
    public static final int REQUEST_RESENDS = 3;
    /** A request equal to one sent less than this long ago is a duplicate. */
    public static final long REQUEST_DUPLICATE_WINDOW = Time.seconds(1);

    // Round-trip time (RFC 9616, babeld's defaults).
    /** Weight, out of 256, of a new RTT sample in the smoothed RTT. */
    public static final int RTT_DECAY = 42;
    /** RTTs up to this add no cost. */
    public static final long RTT_MIN = Time.millis(10);
    /** RTTs from this on add the full penalty. */
    public static final long RTT_MAX = Time.millis(120);
    /** The full RTT penalty on tunnels (0 on other interfaces). */
    public static final int TUNNEL_MAX_RTT_PENALTY = 96;
    /** An RTT counts (for the cost and the dump) this long after its last sample. */
    public static final long RTT_VALIDITY = Time.seconds(180);
    /** A sample whose local or remote waiting time reaches this (in microseconds, 600 s) is discarded. */
    public static final long RTT_SAMPLE_LIMIT_MICROS = 600_000_000L;
    /** A neighbour's Hello timestamp is echoed in our IHUs while it is younger than this. */
    public static final long RTT_ECHO_MAX_AGE = Time.seconds(1000);

    // Send buffers.
    /** Urgent TLVs (Hellos, acks, requests, urgent updates) leave within this delay. */
    public static final long URGENT_DELAY = Time.millis(10);
    /** Other TLVs leave within about this delay (jittered 0.75-1.25). */
    public static final long NORMAL_DELAY = Time.seconds(1);

    /** How many neighbours the engine remembers having told to forget old routes through it (a memory bound). */
    static final int MAX_REMEMBERED_NEIGHBOURS = 10_000;
}
