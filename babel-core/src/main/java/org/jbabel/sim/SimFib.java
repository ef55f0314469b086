package org.jbabel.sim;

import java.util.function.BiConsumer;
import org.jbabel.engine.Action;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.PrefixTrie;

/**
 * A node's in-memory forwarding table, fed by the engine's {@link Action.FibUpdate}s. Lookup is Babel's
 * destination-first rule (RFC 9079) as {@link PrefixTrie} implements it: the most specific destination prefix
 * that contains the destination and has an entry whose source prefix contains the source, and among that
 * destination's entries the most specific such source. The loop check walks these tables after every event, so
 * lookup is the simulator's hot path; the trie allocates nothing there.
 */
public final class SimFib {

    /** What the engine installed for a key. A null {@code nextHop} means "on the link of {@code ifname}". */
    public record Entry(RouteKey key, IpAddress nextHop, String ifname, int metric) {}

    /** A key's place in the trie: replacing an entry changes the slot, without a second walk down the trie. */
    private static final class Slot {
        Entry entry;

        Slot(Entry entry) {
            this.entry = entry;
        }
    }

    private final PrefixTrie<Slot> entries = new PrefixTrie<>();

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

    /**
     * {@link #apply} that returns the entry the key had before (null when none): the simulator's hot path, one walk
     * down the trie for a replacement or a removal.
     */
    public Entry applyAndGetOld(Action.FibUpdate update) {
        RouteKey key = update.key();
        if (update.op() == Action.FibOp.REMOVE) {
            Slot gone = entries.remove(key.prefix(), key.source());
            return gone == null ? null : gone.entry;
        }
        return swap(new Entry(key, update.nextHop(), update.ifname(), update.metric()));
    }

    public void put(Entry entry) {
        swap(entry);
    }

    private Entry swap(Entry entry) {
        Slot slot = entries.get(entry.key().prefix(), entry.key().source());
        if (slot == null) {
            entries.put(entry.key().prefix(), entry.key().source(), new Slot(entry));
            return null;
        }
        Entry old = slot.entry;
        slot.entry = entry;
        return old;
    }

    public boolean remove(RouteKey key) {
        return entries.remove(key.prefix(), key.source()) != null;
    }

    /** The entry installed for exactly this key, or null. */
    public Entry get(RouteKey key) {
        Slot slot = entries.get(key.prefix(), key.source());
        return slot == null ? null : slot.entry;
    }

    /** The entry a packet from {@code source} to {@code destination} is forwarded by, or null (no route). */
    public Entry lookup(IpAddress destination, IpAddress source) {
        Slot slot = entries.lookup(destination, source);
        return slot == null ? null : slot.entry;
    }

    public int size() {
        return entries.size();
    }

    public void clear() {
        entries.clear();
    }

    /** Every entry, in the trie's order (by destination, then source). */
    public void forEach(BiConsumer<RouteKey, Entry> action) {
        entries.forEach((destination, source, slot) -> action.accept(slot.entry.key(), slot.entry));
    }
}
