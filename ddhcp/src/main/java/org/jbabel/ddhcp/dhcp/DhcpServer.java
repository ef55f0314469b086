package org.jbabel.ddhcp.dhcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jbabel.ddhcp.block.BlockState;
import org.jbabel.ddhcp.block.Standing;
import org.jbabel.extension.ExtensionContext;

/**
 * The DHCPv4 server of DDHCP, sans-IO (spec ddhcp.md §6): it takes client messages, RENEWLEASE requests and
 * LEASEACK/LEASENAK answers with the time, and returns {@link DhcpAction}s. Addresses come from the own blocks the
 * block side reports through {@link AddressBlocks}; a REQUEST for an address in another node's block is forwarded to
 * that node. Where it departs from ddhcpd on purpose is listed in docs/DDHCP.md ("DHCP server").
 *
 * <p>Counters (through the given {@link ExtensionContext.Counters}): {@code dhcp.rx.<type>} per message type,
 * {@code dhcp.malformed.*} ({@link DhcpReader.Problem}), {@code dhcp.tx.offer|ack|nak}, {@code dhcp.no_free_address},
 * {@code dhcp.not_a_request}, {@code dhcp.relayed_dropped}, {@code dhcp.other_server}, {@code dhcp.forwarded},
 * {@code dhcp.forward_evicted}, {@code dhcp.answer_unmatched}, {@code dhcp.renewlease_ack|nak|ignored},
 * {@code dhcp.release_ignored}, {@code dhcp.release_forwarded}, {@code dhcp.decline_ignored}, {@code dhcp.silent},
 * {@code dhcp.forward_resent} (a RENEWLEASE sent again, its answer not come), {@code dhcp.owner_asked} (an INQUIRE for
 * the block of a renewed address with no known owner), {@code dhcp.owner_awaited} (a REQUEST unanswered while one is
 * under way), {@code dhcp.offer_limit} (a DISCOVER of a client new to the node left unanswered: {@link DhcpSettings#offersMax}
 * offers were made to new clients within the offer hold).
 */
public final class DhcpServer {

    private final DhcpSettings settings;
    private final AddressBlocks blocks;
    private final Leases leases;
    private final ForwardedRequests forwarded;
    /** Questions for the owner of a block (see {@link #unowned}), by block index, the oldest first. */
    private final LinkedHashMap<Integer, Question> ownerQuestions = new LinkedHashMap<>();
    private final ExtensionContext.Counters counters;
    /** When each offer to a new client made within the offer hold ends, oldest first: a ring. */
    private final long[] newOffers;
    private int newOffersHead;
    private int newOffersCount;

    /** How many times the swarm is asked for a block's owner before a client is NAKed. */
    static final int OWNER_QUESTIONS = 2;
    /** How long an answer to an INQUIRE is waited for before the next question (or the NAK). */
    static final long OWNER_ANSWER_NANOS = 2_000_000_000L;
    /** How long questions for one block are remembered: after that a client's REQUEST starts again with a question. */
    static final long OWNER_QUESTION_NANOS = 30_000_000_000L;
    /** At most this many blocks' questions are remembered (the oldest forgotten first). */
    static final int OWNER_QUESTIONS_KEPT = 256;

    /** Questions for a block's owner: when the first and the last were asked, how many. */
    private record Question(long first, long last, int asked) {}

    public DhcpServer(DhcpSettings settings, AddressBlocks blocks, Leases leases, ExtensionContext.Counters counters) {
        this.settings = settings;
        this.blocks = blocks;
        this.leases = leases;
        this.forwarded = new ForwardedRequests(settings.forwardCacheSize());
        this.counters = counters;
        this.newOffers = new long[settings.offersMax()];
        counters.limit("dhcp.offer_limit", "DISCOVERs of clients new to the node left unanswered: "
                + settings.offersMax() + " new clients were offered an address in the last 12 s");
        counters.limit("dhcp.forward_evicted", "forwarded REQUESTs forgotten before their owner answered: the "
                + "forward cache is full (limit " + settings.forwardCacheSize() + ")");
    }

    public Leases leases() {
        return leases;
    }

    /** How many forwarded REQUESTs wait for an answer. */
    public int forwardedWaiting() {
        return forwarded.size();
    }

    /** A datagram that came to port 67 on the client interface. */
    public List<DhcpAction> onDatagram(byte[] data, long now) {
        return switch (DhcpReader.read(data)) {
            case DhcpReader.Result.Malformed m -> {
                counters.increment(m.problem().counter());
                yield List.of();
            }
            case DhcpReader.Result.Parsed p -> onMessage(p.message(), now);
        };
    }

    /** A client message. */
    public List<DhcpAction> onMessage(DhcpMessage m, long now) {
        if (m.op() != DhcpMessage.BOOTREQUEST) {
            counters.increment("dhcp.not_a_request");
            return List.of();
        }
        MessageType type = m.messageType();
        counters.increment("dhcp.rx." + type.name().toLowerCase(java.util.Locale.ROOT));
        if (m.giaddr() != 0) {
            counters.increment("dhcp.relayed_dropped");
            return List.of();
        }
        return switch (type) {
            case DISCOVER -> discover(m, now);
            case REQUEST -> request(m, now);
            case RELEASE -> release(m, now);
            case DECLINE -> decline(m, now);
            case INFORM -> List.of(reply(m, MessageType.ACK, 0, false));
            case OFFER, ACK, NAK -> {
                counters.increment("dhcp.not_a_request");
                yield List.of();
            }
        };
    }

    private List<DhcpAction> discover(DhcpMessage m, long now) {
        if (blocks.ownBlocks().isEmpty()) {
            counters.increment("dhcp.silent");
            return List.of(new DhcpAction.NeedAddresses());
        }
        ClientId client = ClientId.of(m);
        byte[] hw = m.hardwareAddress();
        int address = stickyAddress(client);
        boolean newClient = address == 0;
        if (newClient && !roomForANewOffer(now)) {
            counters.increment("dhcp.offer_limit");
            return List.of();
        }
        if (address == 0) {
            int wanted = m.addressOption(DhcpOptions.REQUESTED_ADDRESS);
            Lease l = wanted == 0 ? null : leases.get(wanted);
            if (wanted != 0 && isOurs(wanted)
                    && (l == null || !l.held(now) && (l.client() == null || l.isClient(client, hw)))) {
                address = wanted;
            }
        }
        if (address == 0 && (address = leases.firstFree(now)) == 0) {
            counters.increment("dhcp.no_free_address");
            return List.of(new DhcpAction.NeedAddresses());
        }
        leases.offer(address, client, hw, m.xid(), now + DhcpSettings.OFFER_HOLD_NANOS, now);
        if (newClient) {
            newOffers[(newOffersHead + newOffersCount++) % newOffers.length] = now + DhcpSettings.OFFER_HOLD_NANOS;
        }
        return List.of(reply(m, MessageType.OFFER, address, true));
    }

    /** Whether fewer than {@link DhcpSettings#offersMax} offers to new clients were made within the offer hold. */
    private boolean roomForANewOffer(long now) {
        while (newOffersCount > 0 && newOffers[newOffersHead] - now <= 0) {
            newOffersHead = (newOffersHead + 1) % newOffers.length;
            newOffersCount--;
        }
        return newOffersCount < newOffers.length;
    }

    /** The address a known client had, when it is still ours and nobody else holds it; else 0. */
    private int stickyAddress(ClientId client) {
        Lease l = leases.ofClient(client);
        return l != null && isOurs(l.address()) ? l.address() : 0;
    }

    private List<DhcpAction> request(DhcpMessage m, long now) {
        ClientId client = ClientId.of(m);
        byte[] hw = m.hardwareAddress();
        int server = m.addressOption(DhcpOptions.SERVER_IDENTIFIER);
        if (server != 0 && server != settings.serverIdentifier()) {
            counters.increment("dhcp.other_server");
            leases.withdrawOffer(client);
            return List.of();
        }
        int requested = m.addressOption(DhcpOptions.REQUESTED_ADDRESS);
        int address = requested != 0 ? requested : m.ciaddr();
        if (address == 0) {
            Lease l = leases.ofClient(client);
            if (l != null && l.held(now) && l.xid() == m.xid() && l.state() != Lease.State.DECLINED) {
                return acknowledge(m, l.address(), client, hw, now);
            }
            return nak(m);
        }
        return switch (blocks.standing(address)) {
            case Standing.Ours o -> {
                Lease l = leases.get(address);
                if (blocks.reserved(address)) {
                    counters.increment("dhcp.reserved_refused");
                    yield nak(m);
                }
                if (l != null && l.held(now) && (l.state() == Lease.State.DECLINED || !l.isClient(client, hw))) {
                    yield nak(m);
                }
                yield acknowledge(m, address, client, hw, now);
            }
            case Standing.Remote r -> {
                if (forwarded.put(m, address, now)) {
                    counters.increment("dhcp.forward_evicted");
                }
                counters.increment("dhcp.forwarded");
                yield List.of(forward(m, address, r));
            }
            case Standing.Unowned n -> unowned(m, n, now);
            case Standing.Outside x -> nakIfServing(m);
        };
    }

    private static DhcpAction.ForwardRenewal forward(DhcpMessage m, int address, Standing.Remote owner) {
        return new DhcpAction.ForwardRenewal(address, m.xid(), m.chaddr(), owner.owner().value(),
                owner.peer().address());
    }

    /**
     * A REQUEST for an address in a block nobody is known to own. When the block is FREE or TENTATIVE here, its
     * owner's UPDATECLAIM may just have been lost (a lossy mesh, a node that started a moment ago), and a NAK would
     * cost a roaming client its lease: the swarm is asked first ({@link DhcpAction.AskOwner}, an INQUIRE the owner
     * answers at once) and the client left unanswered; its retransmission finds the owner known and is forwarded.
     * Only when {@link #OWNER_QUESTIONS} questions, each given {@link #OWNER_ANSWER_NANOS} for an answer, found no
     * owner is the client NAKed (once this node serves at all). A question is remembered for
     * {@link #OWNER_QUESTION_NANOS}; at most {@link #OWNER_QUESTIONS_KEPT} blocks are.
     */
    private List<DhcpAction> unowned(DhcpMessage m, Standing.Unowned n, long now) {
        if (n.state() != BlockState.FREE
                && n.state() != BlockState.TENTATIVE) {
            return nakIfServing(m);
        }
        Question q = ownerQuestions.get(n.block());
        if (q == null || now - q.first() > OWNER_QUESTION_NANOS) {
            ownerQuestions.remove(n.block());
            ownerQuestions.put(n.block(), new Question(now, now, 1));
            if (ownerQuestions.size() > OWNER_QUESTIONS_KEPT) {
                ownerQuestions.pollFirstEntry();
            }
            counters.increment("dhcp.owner_asked");
            return List.of(new DhcpAction.AskOwner(n.block()));
        }
        if (now - q.last() < OWNER_ANSWER_NANOS) {
            counters.increment("dhcp.owner_awaited");
            return List.of();
        }
        if (q.asked() < OWNER_QUESTIONS) {
            ownerQuestions.put(n.block(), new Question(q.first(), now, q.asked() + 1));
            counters.increment("dhcp.owner_asked");
            return List.of(new DhcpAction.AskOwner(n.block()));
        }
        return nakIfServing(m);
    }

    /** A NAK once this node serves addresses at all (owns a block); before that (still learning) silence. */
    private List<DhcpAction> nakIfServing(DhcpMessage m) {
        if (blocks.ownBlocks().isEmpty()) {
            counters.increment("dhcp.silent");
            return List.of();
        }
        return nak(m);
    }

    private List<DhcpAction> acknowledge(DhcpMessage m, int address, ClientId client, byte[] hw, long now) {
        boolean fresh = leases.bind(address, client, hw, now + settings.leaseHoldNanos(), settings.leaseSeconds(),
                now);
        DhcpAction ack = reply(m, MessageType.ACK, address, true);
        return fresh ? List.of(new DhcpAction.LeasesChanged(), ack) : List.of(ack);
    }

    private List<DhcpAction> nak(DhcpMessage m) {
        return List.of(reply(m, MessageType.NAK, 0, false));
    }

    private List<DhcpAction> release(DhcpMessage m, long now) {
        int address = m.ciaddr();
        Standing s = blocks.standing(address);
        Lease l = leases.get(address);
        if (s instanceof Standing.Ours && l != null && l.state() == Lease.State.LEASED
                && l.held(now) && l.isClient(ClientId.of(m), m.hardwareAddress())) {
            leases.release(address, now);
            return List.of(new DhcpAction.LeasesChanged());
        }
        if (s instanceof Standing.Remote r) {
            counters.increment("dhcp.release_forwarded");
            return List.of(new DhcpAction.ForwardRelease(address, m.xid(), m.chaddr(), r.owner().value(),
                    r.peer().address()));
        }
        counters.increment("dhcp.release_ignored");
        return List.of();
    }

    /**
     * At the block owner: a client of another node released {@code address} (ddhcpd never sends this; jbabel sends
     * RELEASE with the lease entry's layout). Freed when the lease is held by that hardware address.
     */
    public List<DhcpAction> onForwardedRelease(int address, byte[] chaddr, long now) {
        Lease l = leases.get(address);
        if (isOurs(address) && l != null && l.state() == Lease.State.LEASED && l.held(now)
                && Arrays.equals(l.hardware(), hardware(chaddr))) {
            leases.release(address, now);
            return List.of(new DhcpAction.LeasesChanged());
        }
        counters.increment("dhcp.release_ignored");
        return List.of();
    }

    private List<DhcpAction> decline(DhcpMessage m, long now) {
        int address = m.addressOption(DhcpOptions.REQUESTED_ADDRESS);
        Lease l = address == 0 ? null : leases.get(address);
        if (l != null && isOurs(address) && l.held(now) && l.state() != Lease.State.DECLINED
                && l.isClient(ClientId.of(m), m.hardwareAddress())) {
            boolean wasLeased = l.state() == Lease.State.LEASED;
            leases.decline(address, now + DhcpSettings.DECLINE_HOLD_NANOS);
            return wasLeased ? List.of(new DhcpAction.LeasesChanged()) : List.of();
        }
        counters.increment("dhcp.decline_ignored");
        return List.of();
    }

    /**
     * At the block owner: RENEWLEASE(address, xid, chaddr) from the node a client is on. Outside the range: ignored;
     * not in an own block: LEASENAK; held by a client of another hardware address, or declined: LEASENAK; else the
     * lease is recorded (ddhcpd only extends it) and LEASEACK.
     */
    public List<DhcpAction> onRenewLease(int address, int xid, byte[] chaddr, long now) {
        Standing s = blocks.standing(address);
        if (s instanceof Standing.Outside) {
            counters.increment("dhcp.renewlease_ignored");
            return List.of();
        }
        byte[] hw = hardware(chaddr);
        Lease l = leases.get(address);
        boolean ack = s instanceof Standing.Ours && !blocks.reserved(address) && !(l != null && l.held(now)
                && (l.state() == Lease.State.DECLINED || !Arrays.equals(l.hardware(), hw)));
        counters.increment(ack ? "dhcp.renewlease_ack" : "dhcp.renewlease_nak");
        DhcpAction answer = new DhcpAction.RenewalAnswer(address, xid, chaddr, ack);
        if (!ack) {
            return List.of(answer);
        }
        ClientId client = l != null && l.client() != null && Arrays.equals(l.hardware(), hw) ? l.client()
                : ClientId.ofHardware(1, hw);
        boolean fresh = leases.bind(address, client, hw, now + settings.leaseHoldNanos(), settings.leaseSeconds(),
                now);
        return fresh ? List.of(new DhcpAction.LeasesChanged(), answer) : List.of(answer);
    }

    /** The hardware address in a 16-byte chaddr: the Ethernet 6 bytes when the rest is zero, else all 16. */
    private static byte[] hardware(byte[] chaddr) {
        for (int i = 6; i < chaddr.length; i++) {
            if (chaddr[i] != 0) {
                return chaddr.clone();
            }
        }
        return Arrays.copyOf(chaddr, 6);
    }

    /** At the forwarding node: the owner's LEASEACK ({@code ack}) or LEASENAK for a forwarded REQUEST. */
    public List<DhcpAction> onLeaseAnswer(int address, int xid, byte[] chaddr, boolean ack, long now) {
        ForwardedRequests.Waiting w = forwarded.take(xid, chaddr, now);
        if (w == null || w.address() != address) {
            counters.increment("dhcp.answer_unmatched");
            return List.of();
        }
        return List.of(ack ? reply(w.request(), MessageType.ACK, address, true) : reply(w.request(),
                MessageType.NAK, 0, false));
    }

    /**
     * The RENEWLEASEs due again for forwarded requests still unanswered (see {@link ForwardedRequests}), to the
     * block's owner as known now; counted {@code dhcp.forward_resent}. Called about once a second.
     */
    public List<DhcpAction> resend(long now) {
        List<DhcpAction> out = new ArrayList<>();
        for (ForwardedRequests.Waiting w : forwarded.resend(now)) {
            if (blocks.standing(w.address()) instanceof Standing.Remote r) {
                counters.increment("dhcp.forward_resent");
                out.add(forward(w.request(), w.address(), r));
            }
        }
        return out;
    }

    /** Housekeeping: expired leases, offers, forwarded requests and questions for owners. */
    public void expire(long now) {
        leases.expire(now);
        forwarded.expire(now);
        ownerQuestions.values().removeIf(q -> now - q.first() > OWNER_QUESTION_NANOS);
    }

    /** In an own block and not reserved: an address this node may hand out. */
    private boolean isOurs(int address) {
        return blocks.standing(address) instanceof Standing.Ours && !blocks.reserved(address);
    }

    /**
     * A reply to {@code m}: OFFER and ACK carry {@code yiaddr}, and with {@code lease} options 51, 58 and 59; NAK
     * carries 53 and 54 only; an INFORM's ACK no lease. Destination as spec §6.5 says: to {@code ciaddr} when the
     * client has one and did not ask for broadcast, else broadcast; a NAK always broadcast (RFC 2131 §4.3.2).
     */
    private DhcpAction reply(DhcpMessage m, MessageType type, int yiaddr, boolean lease) {
        counters.increment("dhcp.tx." + type.name().toLowerCase(java.util.Locale.ROOT));
        List<DhcpOption> options = new ArrayList<>();
        options.add(new DhcpOption(DhcpOptions.MESSAGE_TYPE, new byte[] {(byte) type.code()}));
        options.add(DhcpOptions.int32(DhcpOptions.SERVER_IDENTIFIER, settings.serverIdentifier()));
        boolean nak = type == MessageType.NAK;
        if (!nak) {
            if (lease) {
                options.add(DhcpOptions.int32(DhcpOptions.LEASE_TIME, settings.leaseSeconds()));
                options.add(DhcpOptions.int32(DhcpOptions.RENEWAL_TIME, settings.renewalSeconds()));
                options.add(DhcpOptions.int32(DhcpOptions.REBINDING_TIME, settings.rebindingSeconds()));
            }
            options.addAll(configured(m));
        }
        int ciaddr = type == MessageType.ACK ? m.ciaddr() : 0;
        DhcpMessage r = new DhcpMessage(DhcpMessage.BOOTREPLY, m.htype(), m.hlen(), 0, m.xid(), 0, m.flags(), ciaddr,
                yiaddr, 0, m.giaddr(), m.chaddr(), options);
        int limit = largestReply(m);
        int fixed = options.size() - (nak ? 0 : configured(m).size());
        while (DhcpWriter.size(r) > limit && options.size() > fixed) {
            options.removeLast();
            r = new DhcpMessage(r.op(), r.htype(), r.hlen(), 0, r.xid(), 0, r.flags(), r.ciaddr(), r.yiaddr(), 0,
                    r.giaddr(), r.chaddr(), options);
            counters.increment("dhcp.option_left_out");
        }
        int destination = !nak && !m.broadcast() && m.ciaddr() != 0 ? m.ciaddr() : DhcpAction.BROADCAST;
        return new DhcpAction.Reply(r, destination);
    }

    /**
     * The largest reply a client takes: 576 bytes of IP datagram (RFC 2131 §2), or what its option 57 says; less the
     * IP and UDP headers.
     */
    static int largestReply(DhcpMessage m) {
        byte[] v = m.option(DhcpOptions.MAX_MESSAGE_SIZE);
        int max = v != null && v.length == 2 ? ((v[0] & 0xff) << 8) | (v[1] & 0xff) : 0;
        return Math.max(576, max) - 28;
    }

    /** The configured options: those in the client's Parameter Request List in its order, then the others. */
    private List<DhcpOption> configured(DhcpMessage m) {
        byte[] prl = m.option(DhcpOptions.PARAMETER_REQUEST_LIST);
        Set<DhcpOption> out = new LinkedHashSet<>();
        if (prl != null) {
            for (byte code : prl) {
                for (DhcpOption o : settings.options()) {
                    if (o.code() == (code & 0xff)) {
                        out.add(o);
                    }
                }
            }
        }
        out.addAll(settings.options());
        return List.copyOf(out);
    }
}
