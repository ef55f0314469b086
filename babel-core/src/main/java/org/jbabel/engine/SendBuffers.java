package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.Tlv;

/**
 * Outgoing TLVs buffered per (interface, destination), flushed as one {@link Action.Send} when their deadline
 * comes (urgent TLVs within {@link BabelConstants#URGENT_DELAY}, others within about a second), so that what is
 * produced together travels together. Updates are buffered as route keys and composed at flush time from the
 * tables, so that a key queued twice is sent once, with its latest state. A buffer never holds two Hellos: adding
 * a second one flushes the first.
 *
 * <p>Our whole table (a periodic update, a welcome, the answer to a wildcard request) is buffered as a mark, not as
 * its keys, and composed from the table as it is at flush time: a buffer holds no more than the keys queued one by
 * one, however many neighbours are owed the table at once. A flush composes whole tables up to
 * {@link #WHOLE_TABLE_KEYS_PER_FLUSH} keys, at least one ({@link #flushDue}); the other buffers that owe one stay due,
 * for the next flush, so that what one engine turn carries is bounded by about one large table rather than by the
 * table times the destinations.
 */
final class SendBuffers {

    /** Composes the update for a key on an interface at flush time; null when nothing is to be sent. */
    interface UpdateComposer {
        Tlv.Update compose(Interfaces.Iface iface, RouteKey key);
    }

    /** Our whole table, as a flush composes it. */
    interface Table {
        /** Every key of our table: those we originate and those we route. */
        void forEachKey(Consumer<RouteKey> action);

        /** Whether {@code key} is one {@link #forEachKey} visits. */
        boolean contains(RouteKey key);

        /** At least as many keys as {@link #forEachKey} visits, cheaply. */
        int sizeBound();
    }

    /**
     * Keys a flush composes for whole tables at most, unless one whole table alone is larger (it is then the only
     * one): small tables owed to many interfaces at once (a hub's welcomes) go out together, a table of a route cap's
     * size one destination at a time.
     */
    static final int WHOLE_TABLE_KEYS_PER_FLUSH = 16_384;

    /**
     * Finishes a packet's TLVs at flush time, when the packet is about to leave (timestamps): returns the TLVs to
     * send, the given list or a new one.
     */
    interface Finisher {
        List<Tlv> finish(Interfaces.Iface iface, IpAddress destination, List<Tlv> tlvs);
    }

    private record Key(String ifname, IpAddress destination) {}

    private static final class Buffer {
        final Interfaces.Iface iface;
        final IpAddress destination;
        final List<Tlv> tlvs = new ArrayList<>();
        final Set<RouteKey> updates = new LinkedHashSet<>();
        /** Our whole table is to be sent, composed at flush time. */
        boolean wholeTable;
        boolean hasHello;
        long deadline = Long.MAX_VALUE;

        Buffer(Interfaces.Iface iface, IpAddress destination) {
            this.iface = iface;
            this.destination = destination;
        }

        boolean empty() {
            return tlvs.isEmpty() && updates.isEmpty() && !wholeTable;
        }
    }

    /** Order of updates in a packet: by router-id, IPv6 first, longer prefixes first (as babeld sorts them). */
    static final Comparator<Tlv.Update> UPDATE_ORDER = SendBuffers::compareUpdates;

    /** {@link #UPDATE_ORDER}, written out: every flush sorts its updates, without boxing. */
    private static int compareUpdates(Tlv.Update a, Tlv.Update b) {
        int c = Long.compareUnsigned(a.routerId() == null ? 0L : a.routerId().value(),
                b.routerId() == null ? 0L : b.routerId().value());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.prefix().family() == Family.V6 ? 0 : 1, b.prefix().family() == Family.V6 ? 0 : 1);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(b.prefix().length(), a.prefix().length());
        if (c != 0) {
            return c;
        }
        c = a.prefix().compareTo(b.prefix());
        return c != 0 ? c : a.sourcePrefix().compareTo(b.sourcePrefix());
    }

    private final Map<Key, Buffer> buffers = new LinkedHashMap<>();
    private final List<Action> out;
    private final UpdateComposer composer;
    private final Finisher finisher;
    private final Table table;

    SendBuffers(List<Action> out, UpdateComposer composer, Finisher finisher, Table table) {
        this.out = out;
        this.composer = composer;
        this.finisher = finisher;
        this.table = table;
    }

    private Buffer buffer(Interfaces.Iface iface, IpAddress destination) {
        return buffers.computeIfAbsent(new Key(iface.name(), destination), k -> new Buffer(iface, destination));
    }

    /** Buffers a TLV to be sent no later than {@code deadline}. */
    void add(Interfaces.Iface iface, IpAddress destination, Tlv tlv, long deadline) {
        Buffer b = buffer(iface, destination);
        if (tlv instanceof Tlv.Hello) {
            if (b.hasHello) {
                flush(b);
            }
            b.hasHello = true;
        }
        b.tlvs.add(tlv);
        b.deadline = Math.min(b.deadline, deadline);
    }

    /** Buffers the update for a key, composed when the buffer is flushed. */
    void addUpdate(Interfaces.Iface iface, IpAddress destination, RouteKey key, long deadline) {
        Buffer b = buffer(iface, destination);
        b.updates.add(key);
        b.deadline = Math.min(b.deadline, deadline);
    }

    /** Buffers our whole table for one destination on one interface, composed when the buffer is flushed. */
    void addWholeTable(Interfaces.Iface iface, IpAddress destination, long deadline) {
        Buffer b = buffer(iface, destination);
        b.wholeTable = true;
        b.deadline = Math.min(b.deadline, deadline);
    }

    /**
     * Flushes every buffer whose deadline has come, but composes whole tables only up to
     * {@link #WHOLE_TABLE_KEYS_PER_FLUSH} keys (at least one table): a buffer owing another stays due
     * ({@link #nextDeadline()} is then in the past), for the next flush.
     */
    void flushDue(long now) {
        Iterator<Buffer> it = buffers.values().iterator();
        List<Buffer> due = new ArrayList<>();
        int tableSize = -1;
        long wholeTableKeys = 0;
        while (it.hasNext()) {
            Buffer b = it.next();
            if (b.deadline > now) {
                continue;
            }
            if (b.wholeTable) {
                if (tableSize < 0) {
                    tableSize = table.sizeBound();
                }
                if (wholeTableKeys > 0 && wholeTableKeys + tableSize > WHOLE_TABLE_KEYS_PER_FLUSH) {
                    continue;
                }
                wholeTableKeys += Math.max(1, tableSize);
            }
            due.add(b);
            it.remove();
        }
        for (Buffer b : due) {
            flush(b);
        }
    }

    /** Drops everything buffered for an interface (it went down). */
    void discardInterface(String ifname) {
        buffers.values().removeIf(b -> b.iface.name().equals(ifname));
    }

    /** Drops everything buffered for a destination on an interface (a neighbour went away). */
    void discard(String ifname, IpAddress destination) {
        buffers.remove(new Key(ifname, destination));
    }

    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Buffer b : buffers.values()) {
            next = Math.min(next, b.deadline);
        }
        return next;
    }

    private void flush(Buffer b) {
        List<Tlv> tlvs = new ArrayList<>(b.tlvs.size() + b.updates.size());
        tlvs.addAll(b.tlvs);
        if (!b.updates.isEmpty() || b.wholeTable) {
            List<Tlv.Update> updates = new ArrayList<>(b.updates.size());
            if (b.wholeTable) {
                table.forEachKey(key -> compose(b, key, updates));
            }
            for (RouteKey key : b.updates) {
                if (!b.wholeTable || !table.contains(key)) {
                    compose(b, key, updates);
                }
            }
            updates.sort(UPDATE_ORDER);
            tlvs.addAll(updates);
        }
        b.tlvs.clear();
        b.updates.clear();
        b.wholeTable = false;
        b.hasHello = false;
        b.deadline = Long.MAX_VALUE;
        if (!tlvs.isEmpty()) {
            out.add(new Action.Send(b.iface.name(), b.destination, finisher.finish(b.iface, b.destination, tlvs)));
        }
    }

    private void compose(Buffer b, RouteKey key, List<Tlv.Update> into) {
        Tlv.Update u = composer.compose(b.iface, key);
        if (u != null) {
            into.add(u);
        }
    }
}
