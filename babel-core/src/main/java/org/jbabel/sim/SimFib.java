package org.jbabel.sim;

import java.util.Arrays;
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
    public record Entry(RouteKey key, IpAddress nextHop, String ifname, int metric) {
        /** Whether this is an unreachable entry ({@link Action.FibUpdate#unreachable()}): packets to it are dropped. */
        public boolean unreachable() {
            return nextHop == null && ifname == null;
        }
    }

    /** A key's place in the trie: replacing an entry changes the slot, without a second walk down the trie. */
    private static final class Slot {
        Entry entry;
        /** The index under which {@link #byIndex} holds this slot, or -1. */
        int index = -1;

        Slot(Entry entry) {
            this.entry = entry;
        }
    }

    private final PrefixTrie<Slot> entries = new PrefixTrie<>();
    /**
     * The slots of keys with an index in the simulation's key table ({@link RouteKey#index()}), by index: a
     * replacement, most of the engines' updates, needs no walk down the trie then, nor does finding that a key has no
     * entry yet while every entry is indexed. The indices come from one table: equal keys have the same index.
     */
    private Slot[] byIndex = new Slot[0];
    /** How many slots the trie holds that {@link #byIndex} does not: while none, an empty index entry means no entry. */
    private int unindexed;

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
            forget(gone);
            return gone == null ? null : gone.entry;
        }
        return swap(new Entry(key, update.nextHop(), update.ifname(), update.metric()));
    }

    public void put(Entry entry) {
        swap(entry);
    }

    private Entry swap(Entry entry) {
        RouteKey key = entry.key();
        Slot slot = slot(key);
        if (slot == null) {
            slot = new Slot(entry);
            entries.put(key.prefix(), key.source(), slot);
            int i = key.index();
            if (i >= 0) {
                if (i >= byIndex.length) {
                    byIndex = Arrays.copyOf(byIndex, Math.max(i + 1, byIndex.length * 2));
                }
                if (byIndex[i] == null) {
                    byIndex[i] = slot;
                    slot.index = i;
                }
            }
            if (slot.index < 0) {
                unindexed++;
            }
            return null;
        }
        Entry old = slot.entry;
        slot.entry = entry;
        return old;
    }

    /** The slot of exactly this key, or null: by the key's index when it has one here, else from the trie. */
    private Slot slot(RouteKey key) {
        int i = key.index();
        if (i >= 0) {
            Slot s = i < byIndex.length ? byIndex[i] : null;
            if (s != null && s.entry.key().equals(key)) {
                return s;
            }
            if (s == null && unindexed == 0) {
                return null; // every slot is in the index, and this key's place there is empty
            }
        }
        return entries.get(key.prefix(), key.source());
    }

    /** A slot left the trie: it leaves the index too. */
    private void forget(Slot gone) {
        if (gone != null) {
            if (gone.index >= 0) {
                byIndex[gone.index] = null;
            } else {
                unindexed--;
            }
        }
    }

    public boolean remove(RouteKey key) {
        Slot gone = entries.remove(key.prefix(), key.source());
        forget(gone);
        return gone != null;
    }

    /** The entry installed for exactly this key, or null. */
    public Entry get(RouteKey key) {
        Slot slot = slot(key);
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
        byIndex = new Slot[0];
        unindexed = 0;
    }

    /** Every entry, in the trie's order (by destination, then source). */
    public void forEach(BiConsumer<RouteKey, Entry> action) {
        entries.forEach((destination, source, slot) -> action.accept(slot.entry.key(), slot.entry));
    }
}
