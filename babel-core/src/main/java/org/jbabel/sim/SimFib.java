package org.jbabel.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.jbabel.engine.Action;
import org.jbabel.engine.RouteKey;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * A node's in-memory forwarding table, fed by the engine's {@link Action.FibUpdate}s. Lookup follows RFC 9079:
 * among the entries whose destination prefix contains the destination address and whose source prefix contains
 * the source address, the one with the longest destination prefix wins, and among those the one with the longest
 * source prefix (destination first, source second).
 *
 * <p>The loop check walks these tables after every event, so lookup is the simulator's hot path: destinations
 * live in an open-addressing table keyed by the masked address bits (no allocation, few cache misses), probed
 * once per destination length present, longest first.
 */
public final class SimFib {

    /** What the engine installed for a key. A null {@code nextHop} means "on the link of {@code ifname}". */
    public record Entry(RouteKey key, IpAddress nextHop, String ifname, int metric) {}

    /** Key slots: masked address bits and (family, length) tag; 0 tag = empty slot. */
    private long[] his = new long[16];
    private long[] los = new long[16];
    private int[] tags = new int[16];
    /** The entries of a destination prefix, one per source prefix (nearly always just the zero-length one). */
    private Object[] values = new Object[16];
    private int slotsUsed;
    /** How many destination prefixes of each (family, length) there are, and those lengths, longest first. */
    private final int[][] prefixesOfLength = {new int[33], new int[129]};
    private final int[][] lengthsLongestFirst = {new int[0], new int[0]};
    private int size;

    /**
     * Applies an update the way a kernel would: ADD and REPLACE install (ADD over an existing entry replaces it),
     * REMOVE deletes. Returns false for a REMOVE of a missing key, and counts nothing else as an error.
     */
    public boolean apply(Action.FibUpdate update) {
        RouteKey key = update.key();
        if (update.op() == Action.FibOp.REMOVE) {
            return remove(key);
        }
        put(new Entry(key, update.nextHop(), update.ifname(), update.metric()));
        return true;
    }

    public void put(Entry entry) {
        Prefix dst = entry.key().prefix();
        int slot = find(dst.address().hi(), dst.address().lo(), tag(dst));
        List<Entry> entries = entriesAt(slot);
        if (entries == null) {
            entries = new ArrayList<>(1);
            insert(dst, entries);
            countLength(dst, +1);
        }
        int i = indexOf(entries, entry.key().source());
        if (i >= 0) {
            entries.set(i, entry);
        } else {
            entries.add(entry);
            size++;
        }
    }

    public boolean remove(RouteKey key) {
        Prefix dst = key.prefix();
        int slot = find(dst.address().hi(), dst.address().lo(), tag(dst));
        List<Entry> entries = entriesAt(slot);
        int i = entries == null ? -1 : indexOf(entries, key.source());
        if (i < 0) {
            return false;
        }
        entries.remove(i);
        size--;
        if (entries.isEmpty()) {
            deleteSlot(slot);
            countLength(dst, -1);
        }
        return true;
    }

    /** The entry installed for exactly this key, or null. */
    public Entry get(RouteKey key) {
        Prefix dst = key.prefix();
        List<Entry> entries = entriesAt(find(dst.address().hi(), dst.address().lo(), tag(dst)));
        int i = entries == null ? -1 : indexOf(entries, key.source());
        return i < 0 ? null : entries.get(i);
    }

    /** The entry a packet from {@code source} to {@code destination} is forwarded by, or null (no route). */
    public Entry lookup(IpAddress destination, IpAddress source) {
        int f = destination.family().ordinal();
        int offset = destination.family() == Family.V4 ? 96 : 0;
        for (int length : lengthsLongestFirst[f]) {
            int bits = offset + length;
            long hi = destination.hi() & mask(bits);
            long lo = destination.lo() & mask(bits - 64);
            if (destination.family() == Family.V4) {
                lo |= 0x0000_ffff_0000_0000L;
            }
            List<Entry> entries = entriesAt(find(hi, lo, tag(f, length)));
            if (entries == null) {
                continue;
            }
            Entry best = null;
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                Prefix src = e.key().source();
                if (src.contains(source) && (best == null || src.length() > best.key().source().length())) {
                    best = e;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    public int size() {
        return size;
    }

    public void clear() {
        his = new long[16];
        los = new long[16];
        tags = new int[16];
        values = new Object[16];
        slotsUsed = 0;
        for (int f = 0; f < 2; f++) {
            java.util.Arrays.fill(prefixesOfLength[f], 0);
            lengthsLongestFirst[f] = new int[0];
        }
        size = 0;
    }

    /** Every entry, in no particular order. */
    public void forEach(BiConsumer<RouteKey, Entry> action) {
        for (Object v : values) {
            if (v != null) {
                for (Entry e : entries(v)) {
                    action.accept(e.key(), e);
                }
            }
        }
    }

    // ---- the open-addressing table (linear probing, backward-shift deletion) ----

    private static long mask(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
    }

    private static int tag(Prefix p) {
        return tag(p.family().ordinal(), p.length());
    }

    private static int tag(int family, int length) {
        return ((family + 1) << 8) | length;
    }

    private int slotOf(long hi, long lo, int tag) {
        long h = (hi * 0x9e3779b97f4a7c15L) ^ (lo * 0xc2b2ae3d27d4eb4fL) ^ tag;
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        return (int) (h ^ (h >>> 32)) & (tags.length - 1);
    }

    /** The slot holding this key, or the empty slot where it would go. */
    private int find(long hi, long lo, int tag) {
        int m = tags.length - 1;
        for (int s = slotOf(hi, lo, tag); ; s = (s + 1) & m) {
            if (tags[s] == 0 || (tags[s] == tag && his[s] == hi && los[s] == lo)) {
                return s;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<Entry> entriesAt(int slot) {
        return (List<Entry>) values[slot];
    }

    @SuppressWarnings("unchecked")
    private static List<Entry> entries(Object v) {
        return (List<Entry>) v;
    }

    private void insert(Prefix dst, List<Entry> entries) {
        if ((slotsUsed + 1) * 2 > tags.length) {
            grow();
        }
        int t = tag(dst);
        int s = find(dst.address().hi(), dst.address().lo(), t);
        his[s] = dst.address().hi();
        los[s] = dst.address().lo();
        tags[s] = t;
        values[s] = entries;
        slotsUsed++;
    }

    private void grow() {
        long[] oh = his;
        long[] ol = los;
        int[] ot = tags;
        Object[] ov = values;
        his = new long[oh.length * 2];
        los = new long[oh.length * 2];
        tags = new int[oh.length * 2];
        values = new Object[oh.length * 2];
        for (int i = 0; i < ot.length; i++) {
            if (ot[i] != 0) {
                int s = find(oh[i], ol[i], ot[i]);
                his[s] = oh[i];
                los[s] = ol[i];
                tags[s] = ot[i];
                values[s] = ov[i];
            }
        }
    }

    private void deleteSlot(int hole) {
        int m = tags.length - 1;
        tags[hole] = 0;
        values[hole] = null;
        slotsUsed--;
        for (int s = (hole + 1) & m; tags[s] != 0; s = (s + 1) & m) {
            int home = slotOf(his[s], los[s], tags[s]);
            // Move the entry back into the hole when the hole lies on its probe path (cyclically between home and s).
            boolean movable = hole <= s ? (home <= hole || home > s) : (home <= hole && home > s);
            if (movable) {
                his[hole] = his[s];
                los[hole] = los[s];
                tags[hole] = tags[s];
                values[hole] = values[s];
                tags[s] = 0;
                values[s] = null;
                hole = s;
            }
        }
    }

    private void countLength(Prefix dst, int delta) {
        int f = dst.family().ordinal();
        int[] counts = prefixesOfLength[f];
        int before = counts[dst.length()];
        counts[dst.length()] += delta;
        if ((before == 0) != (counts[dst.length()] == 0)) {
            int n = 0;
            for (int c : counts) {
                n += c > 0 ? 1 : 0;
            }
            int[] lengths = new int[n];
            for (int len = counts.length - 1, i = 0; len >= 0; len--) {
                if (counts[len] > 0) {
                    lengths[i++] = len;
                }
            }
            lengthsLongestFirst[f] = lengths;
        }
    }

    private static int indexOf(List<Entry> entries, Prefix source) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).key().source().equals(source)) {
                return i;
            }
        }
        return -1;
    }
}
