package org.jbabel.ddhcp.dhcp;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the server answers.
 *
 * @param serverIdentifier option 54 (ddhcpd gives every node the same one, so a renewal reaches whichever node the
 *     client is on; Gluon uses its next-node anycast address)
 * @param leaseSeconds option 51
 * @param renewalSeconds option 58 (T1)
 * @param rebindingSeconds option 59 (T2)
 * @param options the configured options (router, DNS, MTU, domain, classless routes, netmask, ...), sent in the
 *     client's Parameter Request List order first, then in this order; never 50–55, 58, 59 or 61, which the server
 *     itself owns
 * @param forwardCacheSize how many forwarded REQUESTs wait for their owner's answer at most
 * @param offersMax how many addresses may be offered to clients new to the node within {@link #OFFER_HOLD_NANOS}
 *     (a DISCOVER storm from random MACs would otherwise hold every address and make the node claim block after
 *     block of the mesh's range); a client that had an address here gets it back whatever the count
 */
public record DhcpSettings(int serverIdentifier, int leaseSeconds, int renewalSeconds, int rebindingSeconds,
        List<DhcpOption> options, int forwardCacheSize, int offersMax) {

    /** Grace after the lease time before an address is handed out again (ddhcpd's 10 s). */
    public static final long LEASE_GRACE_NANOS = 10_000_000_000L;
    /** How long an OFFER holds its address (ddhcpd's 12 s). */
    public static final long OFFER_HOLD_NANOS = 12_000_000_000L;
    /** How long a declined address is not handed out (dnsmasq's 10 minutes). */
    public static final long DECLINE_HOLD_NANOS = 600_000_000_000L;
    /** How long a forwarded REQUEST waits for its answer (ddhcpd's 120 s). */
    public static final long FORWARD_HOLD_NANOS = 120_000_000_000L;
    /** The default bound of the forwarding cache. */
    public static final int DEFAULT_FORWARD_CACHE = 256;
    /**
     * The default bound of new offers per offer hold: 64 clients new to the node within 12 s, more than a busy node's
     * clients coming back after its restart ask for in that time (the others retry within seconds).
     */
    public static final int DEFAULT_OFFERS_MAX = 64;

    private static final Set<Integer> RESERVED = Set.of(0, 50, 51, 52, 53, 54, 55, 58, 59, 61, 255);

    public DhcpSettings {
        options = List.copyOf(options);
        if (leaseSeconds < 1) {
            throw new IllegalArgumentException("lease time must be at least 1 s, not " + leaseSeconds);
        }
        if (renewalSeconds < 1 || renewalSeconds >= rebindingSeconds || rebindingSeconds >= leaseSeconds) {
            throw new IllegalArgumentException("need 0 < renewal (" + renewalSeconds + ") < rebinding ("
                    + rebindingSeconds + ") < lease time (" + leaseSeconds + ")");
        }
        if (forwardCacheSize < 1) {
            throw new IllegalArgumentException("forward cache size must be positive");
        }
        if (offersMax < 1) {
            throw new IllegalArgumentException("offers max must be positive");
        }
        Set<Integer> seen = new HashSet<>();
        for (DhcpOption o : options) {
            if (RESERVED.contains(o.code())) {
                throw new IllegalArgumentException("option " + o.code() + " is set by the server itself");
            }
            if (!seen.add(o.code())) {
                throw new IllegalArgumentException("option " + o.code() + " is configured twice");
            }
        }
    }

    /** Renewal at half the lease time and rebinding at 7/8 of it (RFC 2131 §4.4.5). */
    public static DhcpSettings of(int serverIdentifier, int leaseSeconds, List<DhcpOption> options) {
        int t1 = Math.max(1, leaseSeconds / 2);
        int t2 = (int) Math.max(t1 + 1, leaseSeconds * 7L / 8);
        return new DhcpSettings(serverIdentifier, Math.max(leaseSeconds, t2 + 1), t1, t2, options,
                DEFAULT_FORWARD_CACHE, DEFAULT_OFFERS_MAX);
    }

    public DhcpSettings withForwardCacheSize(int size) {
        return new DhcpSettings(serverIdentifier, leaseSeconds, renewalSeconds, rebindingSeconds, options, size,
                offersMax);
    }

    public DhcpSettings withOffersMax(int max) {
        return new DhcpSettings(serverIdentifier, leaseSeconds, renewalSeconds, rebindingSeconds, options,
                forwardCacheSize, max);
    }

    /** How long an acknowledged address stays held: the lease time and the grace. */
    public long leaseHoldNanos() {
        return leaseSeconds * 1_000_000_000L + LEASE_GRACE_NANOS;
    }
}
