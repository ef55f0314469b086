package org.jbabel.ddhcp.dhcp;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * REQUESTs forwarded to a block owner, waiting for its LEASEACK or LEASENAK (spec §6.4), keyed by (xid, chaddr). At
 * most {@code capacity} entries, each for at most {@link DhcpSettings#FORWARD_HOLD_NANOS}; when full the oldest
 * goes (its client retransmits and is forwarded again).
 */
final class ForwardedRequests {

    record Key(int xid, long chaddrHigh, long chaddrLow) {
        static Key of(int xid, byte[] chaddr) {
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = hi << 8 | (chaddr[i] & 0xff);
                lo = lo << 8 | (chaddr[i + 8] & 0xff);
            }
            return new Key(xid, hi, lo);
        }
    }

    record Waiting(DhcpMessage request, int address, long since) {}

    private final int capacity;
    private final LinkedHashMap<Key, Waiting> waiting = new LinkedHashMap<>();

    ForwardedRequests(int capacity) {
        this.capacity = capacity;
    }

    /** Remembers a request (a retransmission replaces the earlier copy); true when an older entry was evicted. */
    boolean put(DhcpMessage request, int address, long now) {
        Key k = Key.of(request.xid(), request.chaddr());
        waiting.remove(k);
        waiting.put(k, new Waiting(request, address, now));
        if (waiting.size() > capacity) {
            Iterator<Map.Entry<Key, Waiting>> it = waiting.entrySet().iterator();
            it.next();
            it.remove();
            return true;
        }
        return false;
    }

    /** Takes the request an answer is for, or null. */
    Waiting take(int xid, byte[] chaddr, long now) {
        Waiting w = waiting.remove(Key.of(xid, chaddr));
        return w == null || now - w.since() > DhcpSettings.FORWARD_HOLD_NANOS ? null : w;
    }

    /** Drops what waited too long. */
    void expire(long now) {
        waiting.values().removeIf(w -> now - w.since() > DhcpSettings.FORWARD_HOLD_NANOS);
    }

    int size() {
        return waiting.size();
    }
}
