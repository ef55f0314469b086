package org.jbabel.roaming.l3roamd;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.wire.MacAddress;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * What the l3roamd engine needs to know about its node.
 *
 * @param clientPrefixes the client prefixes (IPv6, and IPv4 as V4 prefixes); {@code fe80::/64} is always accepted
 *     besides, as in l3roamd, for the clients' link-local addresses (tracked and routed locally, never announced)
 * @param nodeClientPrefix the node-client prefix (its first 64 bits make the node-client addresses)
 * @param nodeAddress this node's routable IPv6 address: the {@code sender} of every intercom packet, where replies
 *     come to, and the source of ICMPv6 errors
 * @param icmpV4Source the source of ICMP errors for IPv4 packets that expire in the queue; {@code null}: none are
 *     sent (the node may have no IPv4 address)
 * @param ipv4Mapping how IPv4 addresses travel in the intercom
 * @param ownMac the client interface's MAC, put into Neighbour Solicitations and ARP requests
 * @param bounds the limits of every table
 */
public record L3roamdSettings(List<Prefix> clientPrefixes, Prefix nodeClientPrefix, IpAddress nodeAddress,
        IpAddress icmpV4Source, Ipv4Mapping ipv4Mapping, MacAddress ownMac, Bounds bounds) {

    public L3roamdSettings {
        clientPrefixes = List.copyOf(clientPrefixes);
        if (nodeClientPrefix.family() != Family.V6) {
            throw new IllegalArgumentException("the node-client prefix must be IPv6, not " + nodeClientPrefix);
        }
        if (nodeAddress.family() != Family.V6) {
            throw new IllegalArgumentException("the node address must be IPv6, not " + nodeAddress);
        }
        if (icmpV4Source != null && icmpV4Source.family() != Family.V4) {
            throw new IllegalArgumentException("the ICMP source for IPv4 must be IPv4, not " + icmpV4Source);
        }
    }

    /** Settings with l3roamd's defaults: node-client prefix fec0::/64, the ::ffff:0:0/96 mapping, default bounds. */
    public static L3roamdSettings of(List<Prefix> clientPrefixes, IpAddress nodeAddress, MacAddress ownMac) {
        return new L3roamdSettings(clientPrefixes, NodeClientAddress.DEFAULT_PREFIX, nodeAddress, null,
                Ipv4Mapping.DEFAULT, ownMac, Bounds.DEFAULT);
    }

    public L3roamdSettings withBounds(Bounds b) {
        return new L3roamdSettings(clientPrefixes, nodeClientPrefix, nodeAddress, icmpV4Source, ipv4Mapping, ownMac, b);
    }

    public L3roamdSettings withNodeClientPrefix(Prefix p) {
        return new L3roamdSettings(clientPrefixes, p, nodeAddress, icmpV4Source, ipv4Mapping, ownMac, bounds);
    }

    public L3roamdSettings withIcmpV4Source(IpAddress a) {
        return new L3roamdSettings(clientPrefixes, nodeClientPrefix, nodeAddress, a, ipv4Mapping, ownMac, bounds);
    }

    /**
     * The limits (docs/ROAMING.md "Bounds"). When one is reached the new state is refused and counted; nothing
     * already held is dropped for it.
     *
     * @param clients current clients
     * @param addressesPerClient addresses of one client
     * @param oldClients clients that left, kept to answer CLAIMs
     * @param oldClientRetention how long they are kept
     * @param claimCycles CLAIM cycles running at once
     * @param infoCycles INFO cycles running at once
     * @param recentHeaders flooded intercom packets (header and TLVs) kept for duplicate suppression, each for 2 s
     * @param queuedPerDestination packets queued for one unknown destination
     * @param queuedBytes bytes queued in all
     * @param queueLifetime how long a packet waits for a route
     * @param sought destinations being sought at once (unknown destinations), and, separately, addresses being probed
     */
    public record Bounds(int clients, int addressesPerClient, int oldClients, Duration oldClientRetention,
            int claimCycles, int infoCycles, int recentHeaders, int queuedPerDestination, int queuedBytes,
            Duration queueLifetime, int sought) {

        public static final Bounds DEFAULT = new Bounds(4096, 16, 4096, Duration.ofSeconds(300), 256, 256, 256, 32,
                1 << 20, Duration.ofSeconds(5), 1024);

        public Bounds {
            if (clients < 1 || addressesPerClient < 1 || oldClients < 0 || claimCycles < 0 || infoCycles < 0
                    || recentHeaders < 1 || queuedPerDestination < 0 || queuedBytes < 0 || sought < 0
                    || oldClientRetention.isNegative() || queueLifetime.isNegative()) {
                throw new IllegalArgumentException("l3roamd bounds must not be negative (and clients, addresses per client and "
                        + "recent headers at least 1)");
            }
        }

        /**
         * The counter of each bound's refusals, with what a refusal means and the bound, for the log
         * ({@code ExtensionContext.Counters.limit}).
         */
        public Map<String, String> refusals() {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("client_refused", "new roaming clients refused: the client table is full (limit " + clients + ")");
            r.put("address_refused", "client addresses refused: the client has the most addresses allowed (limit "
                    + addressesPerClient + ")");
            r.put("old_client_refused", "clients that left not remembered for CLAIMs: the table of old clients is "
                    + "full (limit " + oldClients + ")");
            r.put("claim_refused", "CLAIM cycles not started, the node-client address taken at once: " + claimCycles
                    + " cycles run");
            r.put("info_refused", "INFO cycles not started: " + infoCycles + " cycles run");
            r.put("recent_evicted", "flooded intercom packets forgotten within 2 s: the duplicate cache is full "
                    + "(limit " + recentHeaders + ")");
            r.put("queue_full", "packets for a client nobody announced dropped: its queue is full (limit "
                    + queuedPerDestination + " per destination)");
            r.put("queue_bytes_full", "packets for clients nobody announced dropped: the queues are full (limit "
                    + queuedBytes + " bytes)");
            r.put("seek_refused", "packets for a new unknown destination dropped: " + sought
                    + " destinations are sought");
            r.put("probe_refused", "neighbour probes not started: " + sought + " addresses are probed");
            return r;
        }
    }
}
