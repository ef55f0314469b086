package org.jbabel.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jbabel.config.KeyConfig;
import org.jbabel.wire.Bytes;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;

/**
 * MAC authentication of one interface (RFC 8967 as babeld 1.12.1 does it, with RFC 9467's separate counters),
 * sans-IO: the daemon signs every datagram it sends on the interface with {@link #sign} and passes every datagram it
 * receives there through {@link #verify} before the engine sees it. Monotonic time (nanoseconds, as
 * {@link org.jbabel.engine.Time}) drives the challenge timers; the wall clock only decides which keys are in their
 * validity window; randomness (indices, nonces) comes from the generator given. Not thread-safe.
 *
 * <p>Sending: a PC TLV (32-bit counter, one per interface, incremented per packet; an 8-byte random index drawn
 * when the counter is 0, at start and after a wrap) becomes the last TLV of the body, then one MAC TLV per key
 * currently valid for sending goes in the trailer. Receiving: a packet is authentic when any MAC TLV verifies with
 * any key currently valid for accepting; then the neighbour's index and packet counter decide, see {@link #verify}.
 */
public final class Authenticator {

    private record Key(KeyConfig config, MacComputer mac) {}

    private final List<Key> keys;
    private final boolean acceptBadSignatures;
    private final int port;
    private final RandomGenerator random;
    private final Map<IpAddress, NeighbourAuth> neighbours = new HashMap<>();
    private final AuthCounters counters = new AuthCounters();

    private long pc;
    private Bytes index;
    private boolean swept;
    private long lastSweep;

    /**
     * @param keys the interface's keys (at least one), in configured order
     * @param acceptBadSignatures babeld's {@code accept-bad-signatures}: packets without a valid MAC are accepted
     *     (without packet-counter checks) instead of dropped
     * @param port the protocol port, used for both ports of the MAC pseudo-header (6696 unless
     *     {@code protocol-port} says otherwise; babeld does the same)
     * @param random source of indices and nonces
     */
    public Authenticator(List<KeyConfig> keys, boolean acceptBadSignatures, int port, RandomGenerator random) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("an authenticator needs at least one key");
        }
        this.keys = keys.stream().map(k -> new Key(k, MacComputer.of(k.algorithm(), k.value()))).toList();
        this.acceptBadSignatures = acceptBadSignatures;
        this.port = port;
        this.random = random;
    }

    /**
     * The most bytes {@link #sign} adds to a packet: the PC TLV and a MAC TLV for every key. Give
     * {@link PacketWriter} a maximum packet size this much smaller than the interface allows.
     */
    public int maxOverhead() {
        return AuthConstants.PC_TLV_LENGTH + keys.stream().mapToInt(k -> 2 + k.mac().length()).sum();
    }

    public AuthCounters counters() {
        return counters;
    }

    /**
     * Signs a packet as {@link PacketWriter#write} made it (header and body, no trailer): appends the PC TLV to the
     * body, fixes the body length, and appends a MAC TLV for every key valid for sending at {@code wallClock}. When
     * no key is valid then, the packet gets its PC but no MAC (counted as {@code no_send_key}; receivers will drop
     * it as unsigned).
     *
     * @param source the interface's link-local address the packet is sent from
     * @param destination ff02::1:6 or the neighbour's link-local address
     * @throws IllegalArgumentException when {@code packet} is not a Babel header followed by exactly its body, or
     *     when the PC TLV does not fit the 16-bit body length
     */
    public byte[] sign(byte[] packet, IpAddress source, IpAddress destination, Instant wallClock) {
        if (packet.length < Packet.HEADER_LENGTH || (packet[0] & 0xff) != Packet.MAGIC
                || (packet[1] & 0xff) != Packet.VERSION || bodyLength(packet) != packet.length - Packet.HEADER_LENGTH) {
            throw new IllegalArgumentException("not a Babel packet without trailer");
        }
        int body = bodyLength(packet) + AuthConstants.PC_TLV_LENGTH;
        if (body > 0xFFFF) {
            throw new IllegalArgumentException("no room for the PC TLV in a body of " + bodyLength(packet) + " bytes");
        }
        if (pc == 0) {
            byte[] fresh = new byte[AuthConstants.INDEX_LENGTH];
            random.nextBytes(fresh);
            index = Bytes.of(fresh);
        }
        byte[] out = Arrays.copyOf(packet, packet.length + AuthConstants.PC_TLV_LENGTH);
        int at = packet.length;
        out[at] = (byte) Tlv.PC;
        out[at + 1] = (byte) (4 + AuthConstants.INDEX_LENGTH);
        for (int i = 0; i < 4; i++) {
            out[at + 2 + i] = (byte) (pc >>> (24 - 8 * i));
        }
        index.copyTo(out, at + 6);
        out[2] = (byte) (body >>> 8);
        out[3] = (byte) body;
        pc = (pc + 1) & 0xFFFF_FFFFL;

        PseudoHeader ph = new PseudoHeader(source, port, destination, port);
        List<Tlv> trailer = new ArrayList<>();
        for (Key k : keys) {
            if (k.config().validity().sendsAt(wallClock)) {
                trailer.add(new Tlv.Mac(Bytes.of(k.mac().compute(ph, out, out.length))));
            }
        }
        counters.count(trailer.isEmpty() ? AuthCounter.NO_SEND_KEY : AuthCounter.SIGNED);
        return PacketWriter.withTrailer(out, trailer);
    }

    /**
     * Judges a received datagram, following babeld 1.12.1 (RFC 8967 §4.3, RFC 9467):
     * <ol>
     *   <li>Any MAC TLV in the trailer that verifies with a key valid for accepting makes the packet authentic.
     *       Otherwise it is dropped as {@code unsigned} (no MAC TLV) or {@code bad_mac}, unless
     *       {@code accept-bad-signatures} is on: then it is accepted without the checks below.</li>
     *   <li>The first PC TLV, the Challenge Requests (only on unicast packets) and the Challenge Replies are picked
     *       out of the body. An authentic packet without PC is dropped ({@code no_pc}).</li>
     *   <li>A Challenge Reply equal to our outstanding nonce, less than 30 s old: the packet is accepted, the
     *       sender's index is stored and both its last PCs are set to this PC.</li>
     *   <li>Otherwise, an unknown or changed index: a Challenge Request with a fresh 8-byte nonce is sent (at most
     *       one per 300 ms per neighbour) and the packet is dropped ({@code unknown_index}).</li>
     *   <li>Otherwise the PC must be greater than the last one accepted from this neighbour for the same kind of
     *       destination (multicast or unicast, kept apart as RFC 9467 says); if not, the packet is dropped
     *       ({@code replayed_pc}) and its challenges are not answered; if so, it is accepted and the PC stored.</li>
     *   <li>The Challenge Requests of a packet that got past step 2 and was not dropped in step 5 are answered with
     *       Challenge Replies echoing their nonces (at most once per 300 ms per neighbour), also when the packet is
     *       dropped for an unknown index: both sides learn each other's index in one round trip.</li>
     * </ol>
     * Never throws for bad input.
     *
     * @param datagram the UDP payload as received
     * @param parsed what {@link org.jbabel.wire.PacketReader} made of it
     * @param source the sender's address (its link-local address)
     * @param destination the address the datagram was sent to (ff02::1:6 or ours)
     * @param now monotonic time in nanoseconds
     * @param wallClock the wall-clock time, for the keys' validity windows
     */
    public Verdict verify(
            byte[] datagram, ReadResult parsed, IpAddress source, IpAddress destination, long now, Instant wallClock) {
        sweep(now);
        if (parsed.dropped() || datagram.length < Packet.HEADER_LENGTH) {
            return verdict(Verdict.Outcome.MALFORMED, List.of());
        }
        Packet packet = parsed.packet();
        int signedLength = Math.min(datagram.length, Packet.HEADER_LENGTH + bodyLength(datagram));
        PseudoHeader ph = new PseudoHeader(source, port, destination, port);
        boolean anyMac = false;
        boolean authentic = false;
        for (Tlv t : packet.trailer()) {
            if (t instanceof Tlv.Mac(Bytes mac)) {
                anyMac = true;
                authentic = authentic || keys.stream().anyMatch(k -> k.config().validity().acceptsAt(wallClock)
                        && k.mac().verifies(mac, ph, datagram, signedLength));
            }
        }
        if (!authentic) {
            if (acceptBadSignatures) {
                return verdict(Verdict.Outcome.ACCEPTED_BAD_SIGNATURE, List.of());
            }
            return verdict(anyMac ? Verdict.Outcome.BAD_MAC : Verdict.Outcome.UNSIGNED, List.of());
        }

        boolean multicast = destination.isMulticast();
        List<Tlv.Pc> pcs = new ArrayList<>();
        List<Bytes> challengeRequests = new ArrayList<>();
        List<Bytes> challengeReplies = new ArrayList<>();
        for (Tlv t : packet.body()) {
            switch (t) {
                case Tlv.Pc p -> pcs.add(p);
                case Tlv.ChallengeRequest r when !multicast -> challengeRequests.add(r.nonce());
                case Tlv.ChallengeReply r -> challengeReplies.add(r.nonce());
                default -> { }
            }
        }
        NeighbourAuth n = neighbours.computeIfAbsent(source, a -> new NeighbourAuth(now));
        n.lastHeard = now;
        if (pcs.isEmpty()) {
            return verdict(Verdict.Outcome.NO_PC, List.of());
        }
        Tlv.Pc pcTlv = pcs.getFirst();

        boolean answered = false;
        for (Bytes reply : challengeReplies) {
            if (n.nonce != null && reply.equals(n.nonce) && now - n.nonceSentAt < AuthConstants.CHALLENGE_TIMEOUT) {
                answered = true;
            } else {
                counters.count(AuthCounter.CHALLENGE_REPLY_IGNORED);
            }
        }
        if (answered) {
            counters.count(AuthCounter.CHALLENGE_ANSWERED);
            n.nonce = null;
            n.index = pcTlv.index();
            n.lastMulticastPc = pcTlv.pc();
            n.lastUnicastPc = pcTlv.pc();
            return verdict(Verdict.Outcome.AUTHENTIC, replies(n, challengeRequests, now));
        }
        if (!pcTlv.index().equals(n.index)) {
            List<Tlv> send = new ArrayList<>();
            if (n.challengeSent && now - n.lastChallengeAt < AuthConstants.CHALLENGE_INTERVAL) {
                counters.count(AuthCounter.CHALLENGE_RATE_LIMITED);
            } else {
                byte[] nonce = new byte[AuthConstants.NONCE_LENGTH];
                random.nextBytes(nonce);
                n.nonce = Bytes.of(nonce);
                n.nonceSentAt = now;
                n.challengeSent = true;
                n.lastChallengeAt = now;
                counters.count(AuthCounter.CHALLENGE_SENT);
                send.add(new Tlv.ChallengeRequest(n.nonce));
            }
            send.addAll(replies(n, challengeRequests, now));
            return verdict(Verdict.Outcome.UNKNOWN_INDEX, send);
        }
        if (multicast ? pcTlv.pc() <= n.lastMulticastPc : pcTlv.pc() <= n.lastUnicastPc) {
            return verdict(Verdict.Outcome.REPLAYED_PC, List.of());
        }
        if (multicast) {
            n.lastMulticastPc = pcTlv.pc();
        } else {
            n.lastUnicastPc = pcTlv.pc();
        }
        return verdict(Verdict.Outcome.AUTHENTIC, replies(n, challengeRequests, now));
    }

    /**
     * Whether {@code source} proved a key here: a packet of its with a valid MAC whose index we accepted (after a
     * challenge, or as the index already known), and its state not yet forgotten.
     */
    public boolean authentic(IpAddress source) {
        NeighbourAuth n = neighbours.get(source);
        return n != null && n.index != null;
    }

    /** Forgets what we know of a neighbour (the daemon calls this when the neighbour is flushed). */
    public void forget(IpAddress neighbour) {
        neighbours.remove(neighbour);
    }

    /** Challenge Replies echoing {@code nonces}, unless this neighbour was answered less than 300 ms ago. */
    private List<Tlv> replies(NeighbourAuth n, List<Bytes> nonces, long now) {
        if (nonces.isEmpty()) {
            return List.of();
        }
        if (n.replied && now - n.lastReplyAt < AuthConstants.CHALLENGE_INTERVAL) {
            counters.count(AuthCounter.CHALLENGE_REPLY_RATE_LIMITED);
            return List.of();
        }
        n.replied = true;
        n.lastReplyAt = now;
        List<Tlv> out = new ArrayList<>();
        for (Bytes nonce : nonces) {
            counters.count(AuthCounter.CHALLENGE_REPLY_SENT);
            out.add(new Tlv.ChallengeReply(nonce));
        }
        return out;
    }

    private Verdict verdict(Verdict.Outcome outcome, List<Tlv> reply) {
        counters.count(outcome.counter());
        return new Verdict(outcome, reply);
    }

    /** Drops the state of neighbours silent for {@link AuthConstants#NEIGHBOUR_STATE_LIFETIME}, every 10 s at most. */
    private void sweep(long now) {
        if (swept && now - lastSweep < AuthConstants.NEIGHBOUR_STATE_LIFETIME / 30) {
            return;
        }
        swept = true;
        lastSweep = now;
        neighbours.values().removeIf(n -> now - n.lastHeard >= AuthConstants.NEIGHBOUR_STATE_LIFETIME);
    }

    private static int bodyLength(byte[] packet) {
        return ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
    }
}
