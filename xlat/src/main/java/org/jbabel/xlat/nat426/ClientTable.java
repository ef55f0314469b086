package org.jbabel.xlat.nat426;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.jbabel.wire.MacAddress;
import org.jbabel.wire.IpAddress;

/**
 * The clients NAT426 knows: MAC ↔ IPv4, where the pair was learned ({@link Source}), whether the client is attached
 * to this node, until when the knowledge holds, and the exit a local client uses (docs/XLAT.md decision 4). One entry
 * per MAC and one MAC per IPv4 address: a pair learned on this node (lease, frame, roaming) replaces whatever
 * disagrees with it; a resolver answer never replaces a pair learned here.
 *
 * <p>Lookups both ways ({@link #slotOfMac}, {@link #slotOfIp}) and the refresh of a known pair by a frame allocate
 * nothing: the entries are parallel arrays addressed by slot, indexed by {@link KeyIndex}. An entry whose time is up
 * is gone for every lookup at once and its slot is reused by {@link #expire} or when room is needed. At most
 * {@code maxEntries} entries: a new client beyond is refused and counted.
 *
 * <p>Counters: {@code client_added}, {@code client_refused} (table full), {@code client_expired},
 * {@code client_replaced} (a pair learned here took a MAC's or an address's entry), {@code resolver_conflict} (a
 * resolver answer contradicting a pair learned here, ignored). Times are nanoseconds of a monotonic clock.
 */
public final class ClientTable {

    /** How long a resolver answer and a client's last frame count (decision 4: 10 min). */
    public static final long KEEP = 600_000_000_000L;
    /** A client address seen on the bridge this recently is answered for by the client itself (no proxy ARP). */
    public static final long ON_BRIDGE = 60_000_000_000L;
    /** Default bound. */
    public static final int DEFAULT_MAX = 4096;
    /** {@link #exit} of a client that has none. */
    public static final long NO_EXIT = -1;
    /** {@link #ipOf} / {@link #macOf} of an unknown key. */
    public static final long UNKNOWN = -1;

    /** How a pair was learned. */
    public enum Source {
        /** A DDHCP lease of this node. */
        LEASE,
        /** The client's own frames on the TAP port (ARP sender, IPv4 source to a MAC of ours). */
        FRAME,
        /** An answer of the mesh to our resolver query. */
        RESOLVER;

        /** {@code lease}, {@code frame}, {@code resolver}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One entry as the control commands show it. */
    public record View(MacAddress mac, IpAddress ipv4, Source source, boolean local, long learnedAt, long expiresAt,
            long lastFrame, long exit) {}

    private static final long NEVER = Long.MIN_VALUE;

    private final int max;
    private final Consumer<String> counter;
    private final KeyIndex byMac;
    private final KeyIndex byIp;
    private final long[] mac;
    private final int[] ip;
    private final Source[] source;
    private final boolean[] local;
    private final long[] learnedAt;
    private final long[] expiresAt;
    private final long[] lastFrame;
    private final long[] exit;
    private final boolean[] used;
    private final int[] free;
    private int freeCount;
    private int size;

    /**
     * @param maxEntries the bound, at least 1
     * @param counter increments the named counter
     */
    public ClientTable(int maxEntries, Consumer<String> counter) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the client table needs room for one entry at least");
        }
        this.max = maxEntries;
        this.counter = counter;
        byMac = new KeyIndex(maxEntries);
        byIp = new KeyIndex(maxEntries);
        mac = new long[maxEntries];
        ip = new int[maxEntries];
        source = new Source[maxEntries];
        local = new boolean[maxEntries];
        learnedAt = new long[maxEntries];
        expiresAt = new long[maxEntries];
        lastFrame = new long[maxEntries];
        exit = new long[maxEntries];
        used = new boolean[maxEntries];
        free = new int[maxEntries];
        for (int i = 0; i < maxEntries; i++) {
            free[i] = maxEntries - 1 - i;
        }
        freeCount = maxEntries;
    }

    public int maxEntries() {
        return max;
    }

    /** Entries held, expired ones not yet purged included. */
    public int size() {
        return size;
    }

    // ---- learning ----

    /** A frame of a client on our bridge: local, kept 10 min after the last one. Allocates nothing when known. */
    public boolean learnFrame(long now, long clientMac, int clientIp) {
        int s = slotOfMac(now, clientMac);
        if (s >= 0 && ip[s] == clientIp) {
            // the per-packet case: the pair is known, refresh it
            lastFrame[s] = now;
            local[s] = true;
            if (source[s] == Source.RESOLVER) {
                source[s] = Source.FRAME;
            }
            expiresAt[s] = Math.max(expiresAt[s], now + KEEP);
            return true;
        }
        if (!learn(now, clientMac, clientIp, Source.FRAME, true, now + KEEP)) {
            return false;
        }
        lastFrame[slotOfMac(now, clientMac)] = now;
        return true;
    }

    /** A lease of this node's DDHCP, valid until {@code expiresAt}. */
    public boolean learnLease(long now, long clientMac, int clientIp, long leaseExpiresAt) {
        return learn(now, clientMac, clientIp, Source.LEASE, true, leaseExpiresAt);
    }

    /** An answer of the mesh to our query: remote, 10 min, never over a pair learned here. */
    public boolean learnResolver(long now, long clientMac, int clientIp) {
        return learn(now, clientMac, clientIp, Source.RESOLVER, false, now + KEEP);
    }

    /**
     * Learns a pair. Knowledge from this node (anything but {@link Source#RESOLVER}) removes entries that disagree
     * (the address's former MAC, the MAC's former address); a resolver answer that disagrees with such knowledge is
     * ignored. For a known pair the time it holds is extended, never shortened.
     *
     * @return whether the pair is in the table now
     */
    public boolean learn(long now, long clientMac, int clientIp, Source how, boolean attached, long until) {
        if (until <= now) {
            return false;
        }
        purgeIfExpired(byMac.get(clientMac), now);
        purgeIfExpired(byIp.get(clientIp & 0xffff_ffffL), now);
        int sm = slotOfMac(now, clientMac);
        int si = slotOfIp(now, clientIp);
        if (how == Source.RESOLVER && ((sm >= 0 && source[sm] != Source.RESOLVER && ip[sm] != clientIp)
                || (si >= 0 && source[si] != Source.RESOLVER && mac[si] != clientMac))) {
            counter.accept("resolver_conflict");
            return false;
        }
        if (si >= 0 && si != sm) {
            remove(si);
            counter.accept("client_replaced");
        }
        if (sm >= 0) {
            if (ip[sm] != clientIp) {
                byIp.remove(ip[sm] & 0xffff_ffffL);
                ip[sm] = clientIp;
                byIp.put(clientIp & 0xffff_ffffL, sm);
                learnedAt[sm] = now;
                expiresAt[sm] = until;
                exit[sm] = NO_EXIT;
                counter.accept("client_replaced");
            } else {
                expiresAt[sm] = Math.max(expiresAt[sm], until);
            }
            if (how != Source.RESOLVER || source[sm] == Source.RESOLVER) {
                source[sm] = how;
                local[sm] = attached;
            }
            return true;
        }
        if (freeCount == 0) {
            expire(now);
        }
        if (freeCount == 0) {
            counter.accept("client_refused");
            return false;
        }
        int s = free[--freeCount];
        used[s] = true;
        mac[s] = clientMac;
        ip[s] = clientIp;
        source[s] = how;
        local[s] = attached;
        learnedAt[s] = now;
        expiresAt[s] = until;
        lastFrame[s] = NEVER;
        exit[s] = NO_EXIT;
        byMac.put(clientMac, s);
        byIp.put(clientIp & 0xffff_ffffL, s);
        size++;
        counter.accept("client_added");
        return true;
    }

    /** The client left this node (roaming says so): its pair stays, now remote. */
    public void detach(long now, long clientMac) {
        int s = slotOfMac(now, clientMac);
        if (s >= 0) {
            local[s] = false;
            exit[s] = NO_EXIT;
        }
    }

    /** Records the exit a local client was told to use (its gateway's XMAC), or {@link #NO_EXIT}. */
    public void setExit(int slot, long exitAddress) {
        exit[slot] = exitAddress;
    }

    /** Forgets the client of {@code clientMac}. */
    public void forget(long now, long clientMac) {
        int s = slotOfMac(now, clientMac);
        if (s >= 0) {
            remove(s);
        }
    }

    /** Removes every entry whose time is up; returns how many. */
    public int expire(long now) {
        int n = 0;
        for (int s = 0; s < max; s++) {
            if (used[s] && expiresAt[s] <= now) {
                remove(s);
                counter.accept("client_expired");
                n++;
            }
        }
        return n;
    }

    /** The earliest time an entry runs out, or {@link Long#MAX_VALUE} when the table is empty. */
    public long nextExpiry() {
        long t = Long.MAX_VALUE;
        for (int s = 0; s < max; s++) {
            if (used[s]) {
                t = Math.min(t, expiresAt[s]);
            }
        }
        return t;
    }

    /** Removes the entry in {@code slot} (-1: none) when its time is up, so that its keys are free for a new one. */
    private void purgeIfExpired(int slot, long now) {
        if (slot >= 0 && expiresAt[slot] <= now) {
            remove(slot);
            counter.accept("client_expired");
        }
    }

    private void remove(int s) {
        byMac.remove(mac[s]);
        byIp.remove(ip[s] & 0xffff_ffffL);
        used[s] = false;
        source[s] = null;
        free[freeCount++] = s;
        size--;
    }

    // ---- lookups (no allocation) ----

    /** The slot of the live entry of {@code clientMac}, or -1. */
    public int slotOfMac(long now, long clientMac) {
        return live(byMac.get(clientMac), now);
    }

    /** The slot of the live entry of {@code clientIp}, or -1. */
    public int slotOfIp(long now, int clientIp) {
        return live(byIp.get(clientIp & 0xffff_ffffL), now);
    }

    private int live(int s, long now) {
        return s >= 0 && expiresAt[s] > now ? s : -1;
    }

    /** The IPv4 address of {@code clientMac} as an unsigned value, or {@link #UNKNOWN}. */
    public long ipOf(long now, long clientMac) {
        int s = slotOfMac(now, clientMac);
        return s < 0 ? UNKNOWN : ip[s] & 0xffff_ffffL;
    }

    /** The MAC of {@code clientIp}, or {@link #UNKNOWN}. */
    public long macOf(long now, int clientIp) {
        int s = slotOfIp(now, clientIp);
        return s < 0 ? UNKNOWN : mac[s];
    }

    public long mac(int slot) {
        return mac[slot];
    }

    public int ip(int slot) {
        return ip[slot];
    }

    public Source source(int slot) {
        return source[slot];
    }

    /** Whether the client is attached to this node. */
    public boolean local(int slot) {
        return local[slot];
    }

    /** When the client's last frame was seen on our bridge, or {@link Long#MIN_VALUE}. */
    public long lastFrame(int slot) {
        return lastFrame[slot];
    }

    /** Whether the client's address was seen on our bridge within {@link #ON_BRIDGE}. */
    public boolean onBridge(int slot, long now) {
        return lastFrame[slot] != NEVER && now - lastFrame[slot] < ON_BRIDGE;
    }

    /** The exit a local client uses (unsigned), or {@link #NO_EXIT}. */
    public long exit(int slot) {
        return exit[slot];
    }

    /** The slots of the live local clients that use {@code exitAddress}. */
    public int[] localClientsOf(long now, int exitAddress) {
        int n = 0;
        int[] out = new int[size];
        for (int s = 0; s < max; s++) {
            if (used[s] && expiresAt[s] > now && local[s] && exit[s] == (exitAddress & 0xffff_ffffL)) {
                out[n++] = s;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The live entries, ordered by IPv4 address. */
    public List<View> views(long now) {
        List<View> out = new ArrayList<>();
        for (int s = 0; s < max; s++) {
            if (used[s] && expiresAt[s] > now) {
                out.add(new View(new MacAddress(mac[s]), IpAddress.v4(ip[s]), source[s], local[s], learnedAt[s],
                        expiresAt[s], lastFrame[s], exit[s]));
            }
        }
        out.sort((a, b) -> Integer.compareUnsigned(a.ipv4().v4Bits(), b.ipv4().v4Bits()));
        return out;
    }
}
