package org.jbabel.xlat.nat426;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jbabel.wire.IpAddress;

/**
 * The sans-IO NAT426 resolver (docs/XLAT.md decision 4): asks the mesh for the pair (MAC, IPv4) of a client this
 * node does not know, holds the packets that wait for it, and answers other nodes' queries from the {@link
 * ClientTable}. It reads no clock and opens no socket: every input carries the time (nanoseconds of a monotonic
 * clock), every effect is a call on the {@link ResolverOutput}, and the caller runs {@link #tick} at {@link
 * #nextDeadline}.
 *
 * <ul>
 *   <li>One pending query per key (an IPv4 address or a MAC): sent {@value #SENDS} times, {@link #RETRY} apart, and
 *       kept {@link #HOLD} from the first send; answers are accepted only with the pending query's nonce and pair
 *       (an unsolicited answer would let any node rewrite the table), then learned as {@link
 *       ClientTable.Source#RESOLVER} and the key's held packets released in order.
 *   <li>Held packets: at most {@value #MAX_WAITING} in all, each until its key's query is answered or given up
 *       ({@link #HOLD} after the first send, so at most that long); a packet beyond the bound is dropped
 *       ({@code resolver_queue_full}), one whose query went unanswered too ({@code resolver_queue_expired}).
 *   <li>New queries and answers each pass a token bucket ({@value #RATE} per second, burst {@value #BURST}), so
 *       neither a client sending to many unknown addresses nor a node flooding queries makes this node send unbounded
 *       traffic ({@code resolver_query_limited}, {@code resolver_answer_limited}); the bucket also bounds the pending
 *       queries (at most {@value #BURST} + {@value #RATE} × 2 s of them live at once).
 *   <li>Queries are answered only from pairs learned on this node (lease, frame, roaming) — the client's current
 *       node, the node it left and the node that leased it know it; a resolver answer is never passed on.
 * </ul>
 *
 * <p>Counters: {@code resolver_query_sent}, {@code resolver_query_retry}, {@code resolver_query_limited},
 * {@code resolver_unanswered}, {@code resolver_query_received},
 * {@code resolver_query_unknown}, {@code resolver_answer_sent}, {@code resolver_answer_limited},
 * {@code resolver_answer_received}, {@code resolver_answer_unsolicited}, {@code resolver_answer_refused},
 * {@code resolver_queued}, {@code resolver_queue_full}, {@code resolver_queue_expired}, {@code resolver_released},
 * {@code resolver_malformed_<reason>} ({@link ResolverMessage.Reason}).
 */
public final class ResolverEngine {

    static final long MS = 1_000_000L;
    /** Between two sends of a query. */
    public static final long RETRY = 300 * MS;
    /** Sends per query. */
    public static final int SENDS = 3;
    /** How long a packet is held, and a query waits for its answer. */
    public static final long HOLD = 2_000 * MS;
    /** Packets held at most. */
    public static final int MAX_WAITING = 64;
    /** Query sends and answers per second (each its own bucket). */
    public static final int RATE = 50;
    /** The buckets' depth. */
    public static final int BURST = 100;

    /** A pending query's key: by IPv4 ({@code byMac} false, value the unsigned address) or by MAC. */
    private record Key(boolean byMac, long value) {}

    private static final class Pending {
        final int nonce;
        final long first;
        int sent;
        long nextSend;

        Pending(int nonce, long first) {
            this.nonce = nonce;
            this.first = first;
        }
    }

    /** A packet waiting for its key's answer; it goes when the answer comes or the query is given up. */
    private record Held(Key key, byte[] packet) {}

    private final ClientTable table;
    private final ResolverOutput out;
    private final RandomGenerator random;
    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final TokenBucket queries = new TokenBucket(RATE, BURST);
    private final TokenBucket answers = new TokenBucket(RATE, BURST);

    public ResolverEngine(ClientTable table, ResolverOutput out, RandomGenerator random) {
        this.table = table;
        this.out = out;
        this.random = random;
    }

    // ---- asking ----

    /**
     * The MAC of {@code ipv4} is needed: asks the mesh unless a query for it is pending, and holds {@code packet}
     * (null: nothing to hold, an ARP request will come again) until the answer or {@link #HOLD}.
     */
    public void resolveIpv4(long now, int ipv4, byte[] packet) {
        resolve(now, new Key(false, ipv4 & 0xffff_ffffL), packet);
    }

    /** The IPv4 address of {@code mac} is needed: as {@link #resolveIpv4}. */
    public void resolveMac(long now, long mac, byte[] packet) {
        resolve(now, new Key(true, mac), packet);
    }

    private void resolve(long now, Key key, byte[] packet) {
        Pending p = pending.get(key);
        if (p == null) {
            if (!queries.take(now)) {
                out.count("resolver_query_limited"); // the packet, if any, is dropped with it
                return;
            }
            p = new Pending(random.nextInt(), now);
            pending.put(key, p);
            send(key, p, now);
        }
        if (packet == null) {
            return;
        }
        if (held.size() >= MAX_WAITING) {
            out.count("resolver_queue_full");
            return;
        }
        held.addLast(new Held(key, packet));
        out.count("resolver_queued");
    }

    private void send(Key key, Pending p, long now) {
        ResolverMessage q = key.byMac() ? ResolverMessage.queryMac(p.nonce, key.value())
                : ResolverMessage.queryIpv4(p.nonce, (int) key.value());
        out.flood(q.encode());
        out.count(p.sent == 0 ? "resolver_query_sent" : "resolver_query_retry");
        p.sent++;
        p.nextSend = p.sent < SENDS ? now + RETRY : Long.MAX_VALUE;
    }

    /** Runs the retries and expiries due at {@code now}. */
    public void tick(long now) {
        for (Iterator<Map.Entry<Key, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Pending> e = it.next();
            Pending p = e.getValue();
            if (now >= p.first + HOLD) {
                it.remove();
                out.count("resolver_unanswered");
                dropHeld(e.getKey());
            } else if (now >= p.nextSend) {
                send(e.getKey(), p, now);
            }
        }
    }

    /** When {@link #tick} must run next, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        long t = Long.MAX_VALUE;
        for (Pending p : pending.values()) {
            t = Math.min(t, Math.min(p.nextSend, p.first + HOLD));
        }
        return t;
    }

    private void dropHeld(Key key) {
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            if (it.next().key().equals(key)) {
                it.remove();
                out.count("resolver_queue_expired");
            }
        }
    }

    /** Packets held now. */
    public int held() {
        return held.size();
    }

    /** Queries pending now. */
    public int pending() {
        return pending.size();
    }

    // ---- the wire ----

    /** A datagram arrived on the resolver port from {@code from} (the caller drops this node's own). */
    public void received(long now, byte[] datagram, int offset, int length, IpAddress from) {
        ResolverMessage.Result r = ResolverMessage.decode(datagram, offset, length);
        if (r.reason() != null) {
            out.count(r.reason().counter());
            return;
        }
        ResolverMessage m = r.message();
        switch (m.type()) {
            case ResolverMessage.QUERY_IPV4 -> answer(now, m, table.slotOfIp(now, m.ipv4()), from);
            case ResolverMessage.QUERY_MAC -> answer(now, m, table.slotOfMac(now, m.mac()), from);
            default -> answered(now, m);
        }
    }

    private void answer(long now, ResolverMessage q, int slot, IpAddress from) {
        out.count("resolver_query_received");
        if (slot < 0 || table.source(slot) == ClientTable.Source.RESOLVER) {
            out.count("resolver_query_unknown");
            return;
        }
        if (!answers.take(now)) {
            out.count("resolver_answer_limited");
            return;
        }
        long exit = table.exit(slot);
        out.unicast(from, ResolverMessage.answer(q.nonce(), table.mac(slot), table.ip(slot),
                exit == ClientTable.NO_EXIT ? 0 : (int) exit).encode());
        out.count("resolver_answer_sent");
    }

    private void answered(long now, ResolverMessage a) {
        out.count("resolver_answer_received");
        Key byIp = new Key(false, a.ipv4() & 0xffff_ffffL);
        Key byMac = new Key(true, a.mac());
        Pending pi = pending.get(byIp);
        Pending pm = pending.get(byMac);
        boolean matchIp = pi != null && pi.nonce == a.nonce();
        boolean matchMac = pm != null && pm.nonce == a.nonce();
        if (!matchIp && !matchMac) {
            out.count("resolver_answer_unsolicited");
            return;
        }
        if (!table.learnResolver(now, a.mac(), a.ipv4())) {
            out.count("resolver_answer_refused");
            return;
        }
        int slot = table.slotOfMac(now, a.mac());
        if (a.exit() != 0 && slot >= 0 && table.exit(slot) == ClientTable.NO_EXIT) {
            table.setExit(slot, a.exit() & 0xffff_ffffL); // the exit it used where it was: it keeps it here
        }
        if (matchIp) {
            pending.remove(byIp);
        }
        if (matchMac) {
            pending.remove(byMac);
        }
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if ((matchIp && h.key().equals(byIp)) || (matchMac && h.key().equals(byMac))) {
                it.remove();
                out.count("resolver_released");
                out.release(h.packet());
            }
        }
    }

    /** A token bucket over the engine's clock: {@code rate} tokens per second, at most {@code burst}. */
    private static final class TokenBucket {
        private final long nanosPerToken;
        private final int burst;
        private int tokens;
        private long last = Long.MIN_VALUE;

        TokenBucket(int rate, int burst) {
            this.nanosPerToken = 1_000_000_000L / rate;
            this.burst = burst;
            this.tokens = burst;
        }

        boolean take(long now) {
            if (last == Long.MIN_VALUE) {
                last = now;
            } else if (now > last) {
                long gained = (now - last) / nanosPerToken;
                if (gained > 0) {
                    tokens = (int) Math.min(burst, tokens + gained);
                    last += gained * nanosPerToken;
                }
            }
            if (tokens == 0) {
                return false;
            }
            tokens--;
            return true;
        }
    }
}
