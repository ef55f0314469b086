package org.jbabel.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.jbabel.engine.Action;
import org.jbabel.engine.RouteKey;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * A node's in-memory forwarding table, fed by the engine's {@link Action.FibUpdate}s. Lookup follows RFC 9079:
 * among the entries whose destination prefix contains the destination address and whose source prefix contains
 * the source address, the one with the longest destination prefix wins, and among those the one with the longest
 * source prefix (destination first, source second).
 */
public final class SimFib {

    /** What the engine installed for a key. A null {@code nextHop} means "on the link of {@code ifname}". */
    public record Entry(RouteKey key, IpAddress nextHop, String ifname, int metric) {}

    /**
     * Destination prefix → its entries (one per source prefix; nearly always just the zero-length one, so a short
     * list beats a map on the lookup path); grouped by destination prefix length, longest first.
     */
    private final TreeMap<Integer, Map<Prefix, List<Entry>>> byLength = new TreeMap<>((x, y) -> Integer.compare(y, x));
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
        List<Entry> entries =
                byLength.computeIfAbsent(dst.length(), k -> new HashMap<>()).computeIfAbsent(dst, k -> new ArrayList<>(1));
        int i = indexOf(entries, entry.key().source());
        if (i >= 0) {
            entries.set(i, entry);
        } else {
            entries.add(entry);
            size++;
        }
    }

    public boolean remove(RouteKey key) {
        Map<Prefix, List<Entry>> sameLength = byLength.get(key.prefix().length());
        List<Entry> entries = sameLength == null ? null : sameLength.get(key.prefix());
        int i = entries == null ? -1 : indexOf(entries, key.source());
        if (i < 0) {
            return false;
        }
        entries.remove(i);
        size--;
        if (entries.isEmpty()) {
            sameLength.remove(key.prefix());
            if (sameLength.isEmpty()) {
                byLength.remove(key.prefix().length());
            }
        }
        return true;
    }

    /** The entry installed for exactly this key, or null. */
    public Entry get(RouteKey key) {
        Map<Prefix, List<Entry>> sameLength = byLength.get(key.prefix().length());
        List<Entry> entries = sameLength == null ? null : sameLength.get(key.prefix());
        int i = entries == null ? -1 : indexOf(entries, key.source());
        return i < 0 ? null : entries.get(i);
    }

    private static int indexOf(List<Entry> entries, Prefix source) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).key().source().equals(source)) {
                return i;
            }
        }
        return -1;
    }

    /** The entry a packet from {@code source} to {@code destination} is forwarded by, or null (no route). */
    public Entry lookup(IpAddress destination, IpAddress source) {
        for (var level : byLength.entrySet()) {
            List<Entry> entries = level.getValue().get(new Prefix(destination, level.getKey()));
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
        byLength.clear();
        size = 0;
    }

    /** Every entry, in no particular order. */
    public void forEach(BiConsumer<RouteKey, Entry> action) {
        byLength.values().forEach(m -> m.values().forEach(list -> list.forEach(e -> action.accept(e.key(), e))));
    }
}
