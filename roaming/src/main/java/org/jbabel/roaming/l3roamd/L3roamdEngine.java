package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.jbabel.roaming.l3roamd.Intercom.Packet;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * The sans-IO core of l3roamd (spec roaming.md §1.4-1.8): the clients of this node and their addresses, the CLAIM
 * and INFO cycles of the intercom, duplicate suppression, and the queue of packets for unknown destinations. It does
 * no I/O and reads no clock: every input carries the time ({@code now}, nanoseconds of a monotonic clock), every
 * effect is a call on the {@link L3roamdOutput} given to the constructor, and the caller runs {@link #tick} at
 * {@link #nextDeadline}. Single-threaded.
 *
 * <p>A client is a MAC. The first time it is seen (station event, sniffed NS, NA, ARP, neighbour table, control) it
 * gets its node-client address N ({@link NodeClientAddress}); if another node announces N it is CLAIMed from there
 * (unicast to N, every 300 ms, 16 sends); if nobody does but this node handed the client to a claimer in the last
 * 300 s, it is CLAIMed from that claimer's node address (the client came back before the claimer's N reached us);
 * otherwise this node takes N at once (address on lo, N/128 originated).
 * Every address learned for it is ACTIVE: host route and neighbour entry on the client interface, host prefix
 * originated in Babel (link-local addresses only locally). The node that receives a CLAIM for a client it serves (or
 * served in the last 300 s) answers with INFO cycles (every 500 ms, 16 sends) carrying the addresses, and lets the
 * client go. The claimer applies the INFO's addresses as TENTATIVE (routed and announced at once, probed, ACTIVE when
 * the client answers, removed after 120 s if it never does), takes N and ACKs.
 *
 * <p>Differences from the C l3roamd, on purpose (§1.12): nonces come from the {@link RandomGenerator} given to the
 * constructor; the INFO address list is applied (unknown addresses added, not skipped); unicast packets (ttl 1:
 * CLAIM, INFO, ACK) skip duplicate suppression and are handled idempotently, so an INFO that repeats one already
 * applied is applied again (nothing changes) and acknowledged again, a lost ACK costs one INFO retry, not the whole
 * 7.5 s cycle, and a C peer's repeated nonce never hides a new packet; flooded packets are duplicates only with the
 * same sender, nonce, type and TLVs within 2 s ({@link RecentHeaders}); every packet whose sender is our own node
 * address is ignored; the received PLAT prefix is not applied to the node. The CLAIM cycle ends one interval after
 * its 16th send (4.8 s after the first: the last CLAIM gets its 300 ms to be answered) — the spec's "exhaustion at
 * 4.5 s" is the time of that last send. There is no "send failed" end of a CLAIM cycle: the sends report nothing
 * (the route check at the start stands for it).
 *
 * <p>Bounds ({@link L3roamdSettings.Bounds}): a client, address, old client, queued packet or sought destination
 * beyond its bound is refused and counted. A client whose CLAIM cycle is refused ({@code claim_refused}) takes its
 * node-client address at once, as if the cycle had run out; a CLAIM whose INFO cycle is refused
 * ({@code info_refused}) still lets the client go (the claimer takes N after its own cycle). Probe cycles share the
 * {@code sought} bound with the unknown destinations (each table has its own).
 *
 * <p>Counters ({@link L3roamdOutput#count}): {@code client_added}, {@code client_deleted}, {@code client_refused},
 * {@code address_added}, {@code address_outside}, {@code address_moved}, {@code address_removed},
 * {@code address_refused}, {@code node_client_taken}, {@code claim_sent}, {@code claim_from_holder},
 * {@code claim_answered}, {@code claim_cancelled}, {@code claim_exhausted}, {@code claim_refused},
 * {@code claim_received}, {@code claim_unknown}, {@code info_sent}, {@code info_received}, {@code info_unknown},
 * {@code info_truncated}, {@code info_address_outside}, {@code info_unacknowledged}, {@code info_refused},
 * {@code ack_sent}, {@code ack_received}, {@code seek_sent}, {@code seek_to_claimer}, {@code seek_received},
 * {@code seek_refused}, {@code forwarded}, {@code duplicate}, {@code recent_evicted}, {@code own_packet}, {@code malformed} and
 * {@code malformed_<reason>} ({@link Intercom.Reason}), {@code probe_sent}, {@code probe_refused},
 * {@code old_client_refused}, {@code restart_probe}, {@code queued}, {@code queue_full}, {@code queue_bytes_full}, {@code queue_expired},
 * {@code reinjected}, {@code icmp_sent}, {@code tun_malformed}, {@code tun_multicast}, {@code tun_outside}.
 */
public final class L3roamdEngine {

    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;
    /** Between two CLAIMs of one cycle. */
    public static final long CLAIM_INTERVAL = 300 * MS;
    /** CLAIMs per cycle (the first and 15 retries). */
    public static final int CLAIM_SENDS = 16;
    /** Between two INFOs of one cycle. */
    public static final long INFO_INTERVAL = 500 * MS;
    /** INFOs per cycle. */
    public static final int INFO_SENDS = 16;
    /** From the first packet for an unknown destination to the first SEEK. */
    public static final long FIRST_SEEK_DELAY = 300 * MS;
    /** Local probe and SEEK repetition while packets wait. */
    public static final long SEEK_INTERVAL = 3 * SECOND;
    /** Between two probes of a probe cycle (after DAD, after a failed neighbour, for INFO addresses). */
    public static final long PROBE_INTERVAL = 300 * MS;
    /** Probes after a client's DAD, until the address is known. */
    public static final int DAD_PROBES = 16;
    /** Probes after a neighbour failed or left the kernel's table, and for an address from INFO (1 + 4 retries). */
    public static final int REPROBES = 5;
    /** An address whose neighbour failed or went, or that came by INFO, is removed this long after unless seen. */
    public static final long REMOVAL_DELAY = 120 * SECOND;

    /** The state of a client address, with the numbers l3roamd's {@code get_clients} shows. */
    public enum AddressState {
        /** Seen on the client interface: routed and announced. */
        ACTIVE(1),
        /** Came by INFO (or has not been seen since): routed and announced, being probed. */
        TENTATIVE(2);

        private final int code;

        AddressState(int code) {
            this.code = code;
        }

        /** The number {@code get_clients} shows. (l3roamd's INACTIVE, 0, is never kept here: such an address is gone.) */
        public int code() {
            return code;
        }
    }

    /**
     * A client as {@code get_clients} shows it.
     *
     * @param claiming a CLAIM cycle for it is running
     * @param ownsNodeClientAddress this node holds and announces its node-client address
     * @param addresses its addresses in the order they were learned
     */
    public record ClientView(MacAddress mac, IpAddress nodeClientAddress, boolean claiming,
            boolean ownsNodeClientAddress, Map<IpAddress, AddressState> addresses) {}

    private static final class Client {
        final MacAddress mac;
        final IpAddress nodeClient;
        boolean ownsNodeClient;
        final Map<IpAddress, Address> addresses = new LinkedHashMap<>();

        Client(MacAddress mac, IpAddress nodeClient) {
            this.mac = mac;
            this.nodeClient = nodeClient;
        }
    }

    private static final class Address {
        final IpAddress ip;
        AddressState state;

        Address(IpAddress ip, AddressState state) {
            this.ip = ip;
            this.state = state;
        }
    }

    /**
     * A client that left, kept to answer CLAIMs: its addresses in wire form, and the node address of the claimer it
     * was handed to (null when it left otherwise).
     */
    private record OldClient(List<IpAddress> wireAddresses, IpAddress holder, long expires) {}

    /** A CLAIM or INFO cycle. */
    private static final class Cycle {
        final IpAddress destination;
        final int nonce;
        final List<IpAddress> wireAddresses;
        int sent;
        long next;

        Cycle(IpAddress destination, int nonce, List<IpAddress> wireAddresses) {
            this.destination = destination;
            this.nonce = nonce;
            this.wireAddresses = wireAddresses;
        }
    }

    private static final class Probe {
        int left;
        long next;
        /** When to SEEK the address while it is not known ({@link #servedBeforeRestart}); never by default. */
        long seekAt = Long.MAX_VALUE;
    }

    private record Queued(byte[] packet, long expires) {}

    private static final class Sought {
        final ArrayDeque<Queued> packets = new ArrayDeque<>();
        long nextProbe;
        long nextSeek;
    }

    private final L3roamdSettings settings;
    private final L3roamdSettings.Bounds bounds;
    private final RandomGenerator random;
    private final L3roamdOutput out;
    private final Set<Prefix> prefixes = new LinkedHashSet<>();
    private final Map<MacAddress, Client> clients = new LinkedHashMap<>();
    /** Every address of a current client, to its client. */
    private final Map<IpAddress, Client> owners = new HashMap<>();
    /** In the order they left, which is the order they expire in. */
    private final LinkedHashMap<MacAddress, OldClient> oldClients = new LinkedHashMap<>();
    private final Map<MacAddress, Cycle> claims = new LinkedHashMap<>();
    private final Map<MacAddress, Cycle> infos = new LinkedHashMap<>();
    private final Map<IpAddress, Probe> probes = new LinkedHashMap<>();
    /** Client addresses to remove at the given time unless seen before. */
    private final Map<IpAddress, Long> removals = new LinkedHashMap<>();
    private final Map<IpAddress, Sought> sought = new LinkedHashMap<>();
    private final RecentHeaders recent;
    /** Host prefixes of clients claimed away, announced until the claimer ACKs (make before break). */
    private final Map<MacAddress, List<Prefix>> handingOver = new LinkedHashMap<>();
    private long queuedBytes;

    public L3roamdEngine(L3roamdSettings settings, RandomGenerator random, L3roamdOutput out) {
        this.settings = settings;
        this.bounds = settings.bounds();
        this.random = random;
        this.out = out;
        this.recent = new RecentHeaders(bounds.recentHeaders(), () -> out.count("recent_evicted"));
        prefixes.addAll(settings.clientPrefixes());
    }

    // ---- client detection -------------------------------------------------------------------------------------

    /** A station associated, or a frame from {@code mac} was seen: makes it a client (CLAIM or take N). */
    public void macSeen(long now, MacAddress mac) {
        client(now, mac);
    }

    /**
     * {@code address} belongs to {@code mac} (NS source, NA, ARP reply, REACHABLE neighbour, {@code add_address}):
     * makes it an ACTIVE address of that client. An address outside the client prefixes is ignored
     * ({@code address_outside}); one held by another client moves ({@code address_moved}).
     *
     * @return whether the address is the client's now (l3roamd's {@code add_address} answers OK or NOT OK by it)
     */
    public boolean addressSeen(long now, MacAddress mac, IpAddress address) {
        if (!isClientAddress(address)) {
            out.count("address_outside");
            return false;
        }
        Client c = client(now, mac);
        if (c == null) {
            return false;
        }
        Client holder = owners.get(address);
        if (holder != null && holder != c) {
            out.count("address_moved");
            removeAddress(now, holder, address);
        }
        Address a = c.addresses.get(address);
        if (a == null) {
            if (c.addresses.size() >= bounds.addressesPerClient()) {
                out.count("address_refused");
                return false;
            }
            add(c, address, AddressState.ACTIVE);
        } else {
            a.state = AddressState.ACTIVE;
            flush(address); // packets that reached the TUN device while the route was being put in place
        }
        removals.remove(address);
        probes.remove(address);
        return true;
    }

    /**
     * The control socket's {@code del_address}: removes {@code address} if {@code mac} is the client holding it.
     *
     * @return whether it was removed
     */
    public boolean deleteAddress(long now, MacAddress mac, IpAddress address) {
        Client c = owners.get(address);
        if (c == null || !c.mac.equals(mac)) {
            return false;
        }
        removeAddress(now, c, address);
        return true;
    }

    /**
     * The kernel's neighbour entry for a client address went (RTM_DELNEIGH): the address is removed in
     * {@link #REMOVAL_DELAY} unless seen again, and every address of the client is probed again.
     */
    public void neighbourGone(long now, IpAddress address) {
        Client c = owners.get(address);
        if (c == null) {
            return;
        }
        scheduleRemoval(now, address);
        for (IpAddress a : List.copyOf(c.addresses.keySet())) {
            startProbe(now, a, REPROBES);
        }
    }

    /**
     * The kernel's neighbour entry for a client address is in PROBE or FAILED: the address is removed in
     * {@link #REMOVAL_DELAY} unless seen again, and it is probed {@link #REPROBES} times, 300 ms apart.
     */
    public void neighbourProbeFailed(long now, IpAddress address) {
        Client c = owners.get(address);
        if (c == null) {
            return;
        }
        scheduleRemoval(now, address);
        startProbe(now, address, REPROBES);
    }

    /** A client's duplicate address detection for {@code target} was sniffed: probe it until it is known. */
    public void dadSeen(long now, IpAddress target) {
        if (isClientAddress(target) && !owners.containsKey(target)) {
            startProbe(now, target, DAD_PROBES);
        }
    }

    /**
     * {@code address} was a client's when this node's previous run ended without cleaning up (kill -9 leaves its
     * neighbour entries in the kernel). The client may still be here or may have moved meanwhile, and then nothing
     * told its new node the address (its INFO died with that run): it is probed here as after a DAD, and routed and
     * announced only once its client answers; while it does not, it is sought in the mesh 300 ms after the first probe
     * and every 3 s while the probes go on (not a link-local address), so that the node the client went to learns it.
     */
    public void servedBeforeRestart(long now, IpAddress address) {
        if (!isClientAddress(address) || owners.containsKey(address)) {
            return;
        }
        out.count("restart_probe");
        Probe p = startProbe(now, address, DAD_PROBES);
        if (p != null && !address.isLinkLocal()) {
            p.seekAt = now + FIRST_SEEK_DELAY;
        }
    }

    /** A station left the client interface (nl80211 DEL_STATION): the client is deleted at once. */
    public void stationGone(long now, MacAddress mac) {
        Client c = clients.get(mac);
        if (c != null) {
            deleteClient(now, c, true);
        }
    }

    // ---- intercom ---------------------------------------------------------------------------------------------

    /** An intercom datagram arrived on port 5523 (on the group, our node address or a node-client address). */
    public void datagram(long now, byte[] bytes) {
        Packet received;
        switch (Intercom.decode(bytes)) {
            case Intercom.Decoded.Rejected r -> {
                out.count("malformed");
                out.count(r.reason().counter());
                return;
            }
            case Intercom.Decoded.Ok ok -> received = ok.packet();
        }
        Intercom.Header h = received.header();
        if (h.sender().equals(settings.nodeAddress())) {
            out.count("own_packet");
            return;
        }
        // Only a packet that may be forwarded (ttl above 1: a flooded SEEK) goes through the duplicate check, which
        // stops floods from looping. Unicast CLAIM, INFO and ACK carry ttl 1 and are handled idempotently: a C peer
        // gives every packet the same stack nonce (roaming.md §1.12-A), so its INFO for a second hand-over within
        // seconds would otherwise look like a retransmission of the first and never be applied.
        if (h.ttl() > 1 && !recent.add(now, h.sender(), h.nonce(), received.type(), bytes)) {
            out.count("duplicate");
            return;
        }
        boolean forward = switch (received) {
            case Intercom.Seek seek -> seek(seek);
            case Intercom.Claim claim -> claimed(now, claim);
            case Intercom.Info info -> info(now, info);
            case Intercom.Ack ack -> {
                out.count("ack_received");
                infos.remove(ack.mac());
                handedOver(ack.mac());
                yield false;
            }
        };
        if (forward && h.ttl() > 1) {
            out.count("forwarded");
            out.sendMulticast(Intercom.encode(withTtl(received, h.ttl() - 1)));
        }
    }

    private static Packet withTtl(Packet p, int ttl) {
        Intercom.Header h = p.header().withTtl(ttl);
        return switch (p) {
            case Intercom.Seek s -> new Intercom.Seek(h, s.addresses());
            case Intercom.Claim c -> new Intercom.Claim(h, c.mac());
            case Intercom.Info i -> new Intercom.Info(h, i.platLease(), i.plat(), i.mac(), i.addresses());
            case Intercom.Ack a -> new Intercom.Ack(h, a.mac());
        };
    }

    private boolean seek(Intercom.Seek seek) {
        out.count("seek_received");
        for (IpAddress wire : seek.addresses()) {
            IpAddress a = settings.ipv4Mapping().fromWire(wire);
            if (isClientAddress(a)) {
                probe(a);
            }
        }
        return true;
    }

    private boolean claimed(long now, Intercom.Claim claim) {
        out.count("claim_received");
        IpAddress claimer = claim.header().sender();
        Client c = clients.get(claim.mac());
        if (c != null) {
            startInfo(now, claimer, c.mac, wireAddresses(c));
            // Make before break: the client's host routes stay announced until the claimer ACKs, so the mesh keeps
            // a route to it while the claimer puts its own in place; packets that still come here meanwhile wait in
            // the TUN queue and follow the claimer's route once it is known here.
            List<Prefix> announced = new ArrayList<>();
            for (Address a : c.addresses.values()) {
                if (!a.ip.isLinkLocal()) {
                    announced.add(Prefix.host(a.ip));
                }
            }
            if (c.ownsNodeClient) {
                announced.add(Prefix.host(c.nodeClient));
            }
            handingOver.merge(c.mac, announced, (was, more) -> {
                List<Prefix> both = new ArrayList<>(was);
                more.stream().filter(p -> !both.contains(p)).forEach(both::add);
                return both;
            });
            deleteClient(now, c, true, claimer);
            return false;
        }
        OldClient old = oldClients.get(claim.mac());
        if (old != null) {
            Cycle running = infos.get(claim.mac());
            if (running == null || !running.destination.equals(claimer)) { // a retransmitted CLAIM changes nothing
                startInfo(now, claimer, claim.mac(), old.wireAddresses());
            }
            return false;
        }
        out.count("claim_unknown");
        return true;
    }

    /**
     * Applies an INFO and then acknowledges it: the ACK says "applied", so the sender may forget the client. An INFO
     * for a MAC that is not our client has nothing to apply and is acknowledged too (as the C l3roamd does), or its
     * sender would repeat it for 7.5 s in vain.
     */
    private boolean info(long now, Intercom.Info info) {
        out.count("info_received");
        if (claims.remove(info.mac()) != null) {
            out.count("claim_answered");
        }
        Client c = clients.get(info.mac());
        if (c != null) {
            for (IpAddress wire : info.addresses()) {
                IpAddress a = settings.ipv4Mapping().fromWire(wire);
                if (!isClientAddress(a)) {
                    out.count("info_address_outside");
                } else if (!owners.containsKey(a)) {
                    if (c.addresses.size() >= bounds.addressesPerClient()) {
                        out.count("address_refused");
                    } else {
                        add(c, a, AddressState.TENTATIVE);
                        scheduleRemoval(now, a);
                        startProbe(now, a, REPROBES);
                    }
                }
            }
            takeNodeClient(c);
        } else {
            out.count("info_unknown");
        }
        sendAck(info.header().sender(), info.mac());
        return c == null;
    }

    private void sendAck(IpAddress to, MacAddress mac) {
        out.count("ack_sent");
        out.sendUnicast(to, Intercom.encode(new Intercom.Ack(unicastHeader(random.nextInt()), mac)));
    }

    private Intercom.Header unicastHeader(int nonce) {
        return new Intercom.Header(1, nonce, settings.nodeAddress());
    }

    // ---- unknown destinations ---------------------------------------------------------------------------------

    /**
     * A packet arrived in the TUN device: its destination is in a client prefix and has no route. It is queued (for
     * {@code queueLifetime}); a new destination is probed on the client interface at once and sought in the mesh
     * 300 ms later, both repeated every 3 s while packets wait.
     */
    public void tunPacket(long now, byte[] packet) {
        IpAddress destination = destination(packet);
        if (destination == null) {
            out.count("tun_malformed");
            return;
        }
        if (destination.isMulticast()) {
            out.count("tun_multicast");
            return;
        }
        if (destination.isLinkLocal() || !isClientAddress(destination)) {
            out.count("tun_outside");
            return;
        }
        if (queuedBytes + packet.length > bounds.queuedBytes()) {
            out.count("queue_bytes_full");
            return;
        }
        Sought s = sought.get(destination);
        if (s == null) {
            if (sought.size() >= bounds.sought()) {
                out.count("seek_refused");
                return;
            }
            s = new Sought();
            sought.put(destination, s);
            probe(destination);
            s.nextProbe = now + SEEK_INTERVAL;
            s.nextSeek = now + FIRST_SEEK_DELAY;
        }
        if (s.packets.size() >= bounds.queuedPerDestination()) {
            out.count("queue_full");
            return;
        }
        out.count("queued");
        s.packets.add(new Queued(packet.clone(), now + bounds.queueLifetime().toNanos()));
        queuedBytes += packet.length;
    }

    /** A host route for {@code address} appeared (ours, or Babel's from another node): the queue for it drains. */
    public void hostRouteAppeared(long now, IpAddress address) {
        flush(address);
    }

    /** How many packets wait for a route, in all. */
    public int queuedPackets() {
        int n = 0;
        for (Sought s : sought.values()) {
            n += s.packets.size();
        }
        return n;
    }

    private void flush(IpAddress address) {
        Sought s = sought.remove(address);
        if (s == null) {
            return;
        }
        for (Queued q : s.packets) {
            queuedBytes -= q.packet().length;
            out.count("reinjected");
            out.reinject(q.packet());
        }
    }

    /** The destination of an IPv6 or IPv4 packet (IPv4 as a V4 address), or null when it is not one. */
    private static IpAddress destination(byte[] p) {
        if (p.length >= NdpPackets.IPV6_HEADER && (p[0] & 0xf0) == 0x60) {
            byte[] d = new byte[16];
            System.arraycopy(p, 24, d, 0, 16);
            return IpAddress.of(d);
        }
        if (p.length >= NdpPackets.IPV4_HEADER && (p[0] & 0xf0) == 0x40) {
            return IpAddress.v4(((p[16] & 0xff) << 24) | ((p[17] & 0xff) << 16) | ((p[18] & 0xff) << 8)
                    | (p[19] & 0xff));
        }
        return null;
    }

    private void sendSeek(IpAddress destination) {
        int nonce = random.nextInt();
        Intercom.Header h = new Intercom.Header(Intercom.FLOOD_TTL, nonce, settings.nodeAddress());
        out.count("seek_sent");
        out.sendMulticast(Intercom.encode(
                new Intercom.Seek(h, List.of(settings.ipv4Mapping().toWire(destination)))));
    }

    private void expired(byte[] packet) {
        out.count("queue_expired");
        var error = (packet[0] & 0xf0) == 0x60
                ? NdpPackets.unreachable6(packet, settings.nodeAddress())
                : settings.icmpV4Source() == null ? Optional.<byte[]>empty()
                        : NdpPackets.unreachable4(packet, settings.icmpV4Source());
        error.ifPresent(e -> {
            out.count("icmp_sent");
            out.sendToTun(e);
        });
    }

    // ---- timers -----------------------------------------------------------------------------------------------

    /** When {@link #tick} has something to do next; {@link Long#MAX_VALUE} when nothing is pending. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Cycle c : claims.values()) {
            next = Math.min(next, c.next);
        }
        for (Cycle c : infos.values()) {
            next = Math.min(next, c.next);
        }
        for (Probe p : probes.values()) {
            next = Math.min(next, Math.min(p.next, p.seekAt));
        }
        for (long at : removals.values()) {
            next = Math.min(next, at);
        }
        for (Sought s : sought.values()) {
            next = Math.min(next, Math.min(s.nextProbe, Math.min(s.nextSeek, s.packets.peekFirst().expires())));
        }
        if (!oldClients.isEmpty()) {
            next = Math.min(next, oldClients.firstEntry().getValue().expires());
        }
        return next;
    }

    /** Does everything due at {@code now}: retransmissions, probes, removals, expiry. */
    public void tick(long now) {
        for (Iterator<Map.Entry<MacAddress, Cycle>> it = claims.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<MacAddress, Cycle> e = it.next();
            Cycle cycle = e.getValue();
            if (cycle.next > now) {
                continue;
            }
            if (cycle.sent < CLAIM_SENDS) {
                sendClaim(e.getKey(), cycle, now);
            } else {
                it.remove();
                out.count("claim_exhausted");
                takeNodeClient(clients.get(e.getKey()));
            }
        }
        for (Iterator<Map.Entry<MacAddress, Cycle>> it = infos.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<MacAddress, Cycle> e = it.next();
            Cycle cycle = e.getValue();
            if (cycle.next > now) {
                continue;
            }
            if (cycle.sent < INFO_SENDS) {
                sendInfo(e.getKey(), cycle, now);
            } else {
                it.remove();
                handedOver(e.getKey());
                out.count("info_unacknowledged");
            }
        }
        for (Iterator<Map.Entry<IpAddress, Probe>> it = probes.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<IpAddress, Probe> e = it.next();
            Probe p = e.getValue();
            if (p.seekAt <= now) {
                sendSeek(e.getKey());
                p.seekAt = now + SEEK_INTERVAL;
            }
            if (p.next <= now) {
                probe(e.getKey());
                p.next = now + PROBE_INTERVAL;
                if (--p.left == 0) {
                    it.remove();
                }
            }
        }
        List<IpAddress> due = new ArrayList<>();
        removals.forEach((a, at) -> {
            if (at <= now) {
                due.add(a);
            }
        });
        for (IpAddress a : due) {
            removals.remove(a);
            Client c = owners.get(a);
            if (c != null) {
                removeAddress(now, c, a);
            }
        }
        for (Iterator<Map.Entry<IpAddress, Sought>> it = sought.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<IpAddress, Sought> e = it.next();
            Sought s = e.getValue();
            while (!s.packets.isEmpty() && s.packets.peekFirst().expires() <= now) {
                Queued q = s.packets.removeFirst();
                queuedBytes -= q.packet().length;
                expired(q.packet());
            }
            if (s.packets.isEmpty()) {
                it.remove();
                continue;
            }
            if (s.nextProbe <= now) {
                probe(e.getKey());
                s.nextProbe = now + SEEK_INTERVAL;
            }
            if (s.nextSeek <= now) {
                sendSeek(e.getKey());
                s.nextSeek = now + SEEK_INTERVAL;
            }
        }
        for (Iterator<OldClient> it = oldClients.values().iterator(); it.hasNext(); ) {
            if (it.next().expires() > now) {
                break;
            }
            it.remove();
        }
    }

    // ---- control ----------------------------------------------------------------------------------------------

    /** The current clients, for {@code get_clients}. */
    public List<ClientView> clients() {
        List<ClientView> list = new ArrayList<>(clients.size());
        for (Client c : clients.values()) {
            Map<IpAddress, AddressState> addresses = new LinkedHashMap<>();
            for (Address a : c.addresses.values()) {
                addresses.put(a.ip, a.state);
            }
            list.add(new ClientView(c.mac, c.nodeClient, claims.containsKey(c.mac), c.ownsNodeClient,
                    Collections.unmodifiableMap(addresses)));
        }
        return list;
    }

    /** The client holding {@code address}, if any (an NA without a link-layer option names only the address). */
    public Optional<MacAddress> owner(IpAddress address) {
        Client c = owners.get(address);
        return c == null ? Optional.empty() : Optional.of(c.mac);
    }

    /** Host prefixes still announced for clients claimed away, until their claimers ACK (make before break). */
    public Set<Prefix> handingOver() {
        Set<Prefix> all = new LinkedHashSet<>();
        handingOver.values().forEach(all::addAll);
        return all;
    }

    /** How many clients left in the last {@code oldClientRetention} and are kept to answer CLAIMs. */
    public int oldClients() {
        return oldClients.size();
    }

    /** The client prefixes now (without the implicit fe80::/64). */
    public List<Prefix> prefixes() {
        return List.copyOf(prefixes);
    }

    /** {@code add_prefix}: addresses in {@code prefix} are client addresses from now on. */
    public boolean addPrefix(Prefix prefix) {
        return prefixes.add(prefix);
    }

    /**
     * {@code del_prefix}: addresses in {@code prefix} are no longer learned. As in l3roamd, clients' addresses
     * already learned in it stay until they go.
     */
    public boolean removePrefix(Prefix prefix) {
        return prefixes.remove(prefix);
    }

    /**
     * Shutting down: every client is deleted (routes removed and withdrawn, node-client addresses released), cycles
     * and probes end, queued packets are dropped without errors. The engine is empty afterwards and may be used again.
     */
    public void stop(long now) {
        for (Client c : List.copyOf(clients.values())) {
            deleteClient(now, c, false);
        }
        for (MacAddress mac : List.copyOf(handingOver.keySet())) {
            handedOver(mac);
        }
        claims.clear();
        infos.clear();
        probes.clear();
        removals.clear();
        sought.clear();
        queuedBytes = 0;
        oldClients.clear();
    }

    // ---- clients ----------------------------------------------------------------------------------------------

    /** The client of {@code mac}, made if new (CLAIM or take N); null when refused by the bound. */
    private Client client(long now, MacAddress mac) {
        Client c = clients.get(mac);
        if (c != null) {
            return c;
        }
        if (clients.size() >= bounds.clients()) {
            out.count("client_refused");
            return null;
        }
        c = new Client(mac, NodeClientAddress.of(mac, settings.nodeClientPrefix()));
        clients.put(mac, c);
        OldClient old = oldClients.remove(mac);
        out.count("client_added");
        // Whom to CLAIM from: the node announcing N; else the node we handed the client to, when it comes back
        // before that node's announcement of N has reached us (a C l3roamd takes a CLAIM on its node address as on
        // N, and otherwise keeps the client and its routes); else nobody, the client is new to the mesh.
        IpAddress from = null;
        if (out.servedElsewhere(c.nodeClient)) {
            from = c.nodeClient;
        } else if (old != null && old.holder() != null) {
            from = old.holder();
            out.count("claim_from_holder");
        }
        if (from == null) {
            takeNodeClient(c);
        } else if (claims.size() >= bounds.claimCycles()) {
            out.count("claim_refused");
            takeNodeClient(c);
        } else {
            Cycle cycle = new Cycle(from, random.nextInt(), List.of());
            claims.put(mac, cycle);
            sendClaim(mac, cycle, now);
        }
        return c;
    }

    private void sendClaim(MacAddress mac, Cycle cycle, long now) {
        cycle.sent++;
        cycle.next = now + CLAIM_INTERVAL;
        out.count("claim_sent");
        out.sendUnicast(cycle.destination, Intercom.encode(new Intercom.Claim(unicastHeader(cycle.nonce), mac)));
    }

    private void startInfo(long now, IpAddress claimer, MacAddress mac, List<IpAddress> wireAddresses) {
        if (!infos.containsKey(mac) && infos.size() >= bounds.infoCycles()) {
            out.count("info_refused");
            return;
        }
        List<IpAddress> carried = wireAddresses;
        if (carried.size() > Intercom.INFO_MAX) {
            out.count("info_truncated");
            carried = carried.subList(0, Intercom.INFO_MAX);
        }
        Cycle cycle = new Cycle(claimer, random.nextInt(), List.copyOf(carried));
        infos.put(mac, cycle);
        sendInfo(mac, cycle, now);
        // The C l3roamd does not take the INFO's addresses (roaming.md §1.12-B): it learns them only by probing, and
        // after our ACKed withdrawal nobody would announce them (babeld then keeps an unreachable route for them).
        // One SEEK for them, unicast to the claimer, makes it probe them now; a jbabel claimer just probes once more.
        List<IpAddress> routed = carried.stream().filter(a -> !a.isLinkLocal()).toList();
        if (!routed.isEmpty()) {
            out.count("seek_to_claimer");
            out.sendUnicast(claimer, Intercom.encode(new Intercom.Seek(unicastHeader(random.nextInt()), routed)));
        }
    }

    private void sendInfo(MacAddress mac, Cycle cycle, long now) {
        cycle.sent++;
        cycle.next = now + INFO_INTERVAL;
        out.count("info_sent");
        out.sendUnicast(cycle.destination, Intercom.encode(new Intercom.Info(unicastHeader(cycle.nonce), 0,
                IpAddress.V6_UNSPECIFIED, mac, cycle.wireAddresses)));
    }

    private List<IpAddress> wireAddresses(Client c) {
        List<IpAddress> list = new ArrayList<>(c.addresses.size());
        for (IpAddress a : c.addresses.keySet()) {
            list.add(settings.ipv4Mapping().toWire(a));
        }
        return list;
    }

    private void takeNodeClient(Client c) {
        if (c == null || c.ownsNodeClient) {
            return;
        }
        c.ownsNodeClient = true;
        out.count("node_client_taken");
        out.addNodeClientAddress(c.nodeClient);
        out.originate(Prefix.host(c.nodeClient));
    }

    /**
     * Deletes a client: its CLAIM cycle ends, its routes and announcements go, its node-client address is released;
     * with {@code keep} it is remembered for {@code oldClientRetention} to answer CLAIMs.
     */
    private void deleteClient(long now, Client c, boolean keep) {
        deleteClient(now, c, keep, null);
    }

    /** As {@link #deleteClient(long, Client, boolean)}; {@code holder}: the claimer it was handed to, or null. */
    private void deleteClient(long now, Client c, boolean keep, IpAddress holder) {
        clients.remove(c.mac);
        if (claims.remove(c.mac) != null) {
            out.count("claim_cancelled");
        }
        if (keep) {
            if (oldClients.size() >= bounds.oldClients()) {
                out.count("old_client_refused");
            } else {
                oldClients.put(c.mac, new OldClient(wireAddresses(c), holder,
                        now + bounds.oldClientRetention().toNanos()));
            }
        }
        for (Address a : c.addresses.values()) {
            owners.remove(a.ip);
            probes.remove(a.ip);
            removals.remove(a.ip);
            uninstall(a.ip);
        }
        c.addresses.clear();
        if (c.ownsNodeClient) {
            c.ownsNodeClient = false;
            out.removeNodeClientAddress(c.nodeClient);
            if (!handingOverPrefix(Prefix.host(c.nodeClient))) {
                out.withdraw(Prefix.host(c.nodeClient));
            }
        }
        out.count("client_deleted");
    }

    private void add(Client c, IpAddress ip, AddressState state) {
        Address a = new Address(ip, state);
        c.addresses.put(ip, a);
        owners.put(ip, c);
        out.count("address_added");
        out.installClientRoute(ip, c.mac.toBytes());
        if (!ip.isLinkLocal()) {
            out.originate(Prefix.host(ip));
        }
        flush(ip);
    }

    /** Removes an address; a client left without addresses is deleted (and kept as an old client). */
    private void removeAddress(long now, Client c, IpAddress ip) {
        if (c.addresses.remove(ip) == null) {
            return;
        }
        owners.remove(ip);
        probes.remove(ip);
        removals.remove(ip);
        out.count("address_removed");
        uninstall(ip);
        if (c.addresses.isEmpty()) {
            deleteClient(now, c, true);
        }
    }

    private void uninstall(IpAddress ip) {
        out.removeClientRoute(ip);
        if (!ip.isLinkLocal() && !handingOverPrefix(Prefix.host(ip))) {
            out.withdraw(Prefix.host(ip));
        }
    }

    private boolean handingOverPrefix(Prefix p) {
        for (List<Prefix> l : handingOver.values()) {
            if (l.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The claimer of a client has its routes (ACK), or never said so (the INFO cycle ended): what this node still
     * announced for the client is withdrawn, except what a current client of this node needs again.
     */
    private void handedOver(MacAddress mac) {
        List<Prefix> announced = handingOver.remove(mac);
        if (announced == null) {
            return;
        }
        for (Prefix p : announced) {
            Client owner = owners.get(p.address());
            boolean nodeClient = clients.values().stream()
                    .anyMatch(c -> c.ownsNodeClient && Prefix.host(c.nodeClient).equals(p));
            if (owner == null && !nodeClient && !handingOverPrefix(p)) {
                out.withdraw(p);
            }
        }
        out.count("handed_over");
    }

    private void scheduleRemoval(long now, IpAddress a) {
        removals.putIfAbsent(a, now + REMOVAL_DELAY);
    }

    // ---- probing ----------------------------------------------------------------------------------------------

    /** Probes {@code target} now and {@code sends - 1} times more; the running probe, or null when none runs. */
    private Probe startProbe(long now, IpAddress target, int sends) {
        Probe p = probes.get(target);
        if (p == null) {
            if (probes.size() >= bounds.sought()) {
                out.count("probe_refused");
                return null;
            }
            p = new Probe();
            probes.put(target, p);
        }
        probe(target);
        p.left = sends - 1;
        p.next = now + PROBE_INTERVAL;
        if (p.left == 0) {
            probes.remove(target);
            return null;
        }
        return p;
    }

    /** One NS (unicast to the client's link-local address when we know it, else solicited-node) or ARP request. */
    private void probe(IpAddress target) {
        out.count("probe_sent");
        if (target.family() == Family.V4) {
            out.sendArpRequest(target);
            return;
        }
        IpAddress destination = NdpPackets.solicitedNode(target);
        Client c = owners.get(target);
        if (c != null) {
            IpAddress linkLocal = NodeClientAddress.linkLocal(c.mac);
            if (c.addresses.containsKey(linkLocal)) {
                destination = linkLocal;
            }
        }
        out.sendNeighbourSolicitation(target, destination);
    }

    /** Whether {@code a} is in a client prefix or in fe80::/64. */
    private boolean isClientAddress(IpAddress a) {
        if (a.family() == Family.V6 && (a.hi() == 0xfe80_0000_0000_0000L)) {
            return true;
        }
        for (Prefix p : prefixes) {
            if (p.contains(a)) {
                return true;
            }
        }
        return false;
    }
}
