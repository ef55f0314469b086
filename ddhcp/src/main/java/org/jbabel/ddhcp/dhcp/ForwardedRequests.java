package org.jbabel.ddhcp.dhcp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * REQUESTs forwarded to a block owner, waiting for its LEASEACK or LEASENAK (spec §6.4), keyed by (xid, chaddr). At
 * most {@code capacity} entries, each for at most {@link DhcpSettings#FORWARD_HOLD_NANOS}; when full the oldest
 * goes (its client retransmits and is forwarded again). A request not answered is due to be sent again
 * {@link #RESEND_NANOS} after its first RENEWLEASE, then twice, four times as long, {@link #MAX_SENDS} RENEWLEASEs in
 * all: ddhcpd never repeats one, so a RENEWLEASE or its answer lost on a lossy mesh cost the client its renewal
 * attempt, and a client whose attempts all went so lost its lease.
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

    /** The first resend's delay. */
    static final long RESEND_NANOS = 1_000_000_000L;
    /** RENEWLEASEs per request, the first one included. */
    static final int MAX_SENDS = 4;

    /** A request, when it came, when its last RENEWLEASE left and how many did. */
    record Waiting(DhcpMessage request, int address, long since, long sent, int sends) {

        boolean due(long now) {
            return sends < MAX_SENDS && now - sent >= RESEND_NANOS << (sends - 1);
        }
    }

    private final int capacity;
    private final LinkedHashMap<Key, Waiting> waiting = new LinkedHashMap<>();

    ForwardedRequests(int capacity) {
        this.capacity = capacity;
    }

    /** Remembers a request (a retransmission replaces the earlier copy); true when an older entry was evicted. */
    boolean put(DhcpMessage request, int address, long now) {
        Key k = Key.of(request.xid(), request.chaddr());
        waiting.remove(k);
        waiting.put(k, new Waiting(request, address, now, now, 1));
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

    /** The requests due to be sent again at {@code now}, counted as sent. */
    List<Waiting> resend(long now) {
        List<Waiting> due = new ArrayList<>();
        for (Map.Entry<Key, Waiting> e : waiting.entrySet()) {
            Waiting w = e.getValue();
            if (now - w.since() <= DhcpSettings.FORWARD_HOLD_NANOS && w.due(now)) {
                Waiting again = new Waiting(w.request(), w.address(), w.since(), now, w.sends() + 1);
                e.setValue(again);
                due.add(again);
            }
        }
        return due;
    }

    /** Drops what waited too long. */
    void expire(long now) {
        waiting.values().removeIf(w -> now - w.since() > DhcpSettings.FORWARD_HOLD_NANOS);
    }

    int size() {
        return waiting.size();
    }
}
