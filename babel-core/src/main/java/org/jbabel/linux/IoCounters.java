package org.jbabel.linux;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Named counters of the sockets and devices of {@link FdPoller} and {@link LinuxNetwork}: what was dropped or
 * refused, by kind. Thread-safe; the daemon shows them as {@code io.NAME}.
 */
public final class IoCounters {

    /** Each kind is one counter. */
    public enum Kind {
        /** A datagram larger than the receive buffer: dropped whole (recvmsg's MSG_TRUNC). */
        RECEIVE_TRUNCATED,
        /** A read or recvmsg that failed with an error other than "nothing there": nothing was received. */
        RECEIVE_ERROR,
        /** A received item the executor refused (the loop was shutting down): dropped. */
        RECEIVE_REJECTED,
        /** A send the kernel had no room for at once (EAGAIN, ENOBUFS): dropped, never waited for. */
        SEND_DROPPED,
        /** A send the kernel refused (no route, bad address, interface gone ...), or one on a closed socket. */
        SEND_ERROR,
        /** A multicast join the kernel refused (the interface is gone, say). */
        JOIN_FAILED,
        /** A descriptor the kernel reported as hung up or invalid while still open: no longer polled. */
        POLL_HANGUP
    }

    private final AtomicLongArray counts = new AtomicLongArray(Kind.values().length);

    void count(Kind kind) {
        counts.incrementAndGet(kind.ordinal());
    }

    public long get(Kind kind) {
        return counts.get(kind.ordinal());
    }

    /** Every counter, zeros included, by lower-case name ({@code receive_truncated} ...), in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            m.put(k.name().toLowerCase(Locale.ROOT), get(k));
        }
        return m;
    }
}
