package org.jbabel.xlat.nat64;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.wire.IpAddress;

/**
 * {@code jbabel ctl nat64 sessions [--json]} (docs/XLAT.md "Control"): one line or one map per session with its
 * protocol, inside {@code NCA:port}, outside {@code A4:port}, remote {@code d4:port}, TCP state and the seconds left
 * of its lifetime, at most {@link #LISTED_MAX} of them. The extension registers {@link #sessions} as the command's
 * handler. The sessions are not a section of the dump: a table of up to {@code sessions-max} flows whose lifetimes
 * change every second has no place in every {@code dump} and {@code monitor} update.
 */
public final class Nat64Control {

    private Nat64Control() {}

    /**
     * The most sessions one answer lists (the first in the table's order): an answer for the default 65,536 sessions
     * would take more of the 64 MiB heap than the sessions themselves. {@code sessions} always gives the count.
     */
    public static final int LISTED_MAX = 4_096;

    /** The text lines, one per session: {@code tcp inside [NCA]:P outside A4:P remote D4:P state S expires N}. */
    public static List<String> lines(List<Nat64Sessions.Session> sessions, IpAddress outside, long now) {
        List<String> lines = new ArrayList<>();
        for (Nat64Sessions.Session s : sessions) {
            StringBuilder b = new StringBuilder(s.protocol().label()).append(" inside [").append(s.inside())
                    .append("]:").append(s.insidePort()).append(" outside ").append(outside).append(':')
                    .append(s.outsidePort()).append(" remote ").append(s.remote());
            if (s.protocol() != Nat64Sessions.Protocol.ICMP) {
                b.append(':').append(s.remotePort());
            }
            if (s.tcpState() != null) {
                b.append(" state ").append(s.tcpState().label());
            }
            b.append(" expires ").append(secondsLeft(s.expiry(), now));
            lines.add(b.toString());
        }
        return lines;
    }

    /** The same as maps with JSON-ready values; {@code state} only for TCP, ports as numbers. */
    public static List<Map<String, Object>> json(List<Nat64Sessions.Session> sessions, IpAddress outside, long now) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Nat64Sessions.Session s : sessions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("protocol", s.protocol().label());
            m.put("inside", s.inside().toString());
            m.put("inside_port", s.insidePort());
            m.put("outside", outside.toString());
            m.put("outside_port", s.outsidePort());
            m.put("remote", s.remote().toString());
            m.put("remote_port", s.remotePort());
            if (s.tcpState() != null) {
                m.put("state", s.tcpState().label());
            }
            m.put("expires", secondsLeft(s.expiry(), now));
            list.add(m);
        }
        return list;
    }

    /**
     * The command's answer: the lines (and {@code N more sessions not listed} past {@link #LISTED_MAX}), and
     * {@code {"sessions": N, "sessions_max": M, "listed": L, "nat64_sessions": [...]}}.
     */
    public static ControlRegistry.Answer sessions(Nat64Sessions tables, IpAddress outside, long now,
            List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("sessions takes no arguments");
        }
        List<Nat64Sessions.Session> all = tables.sessions();
        List<Nat64Sessions.Session> listed = all.subList(0, Math.min(all.size(), LISTED_MAX));
        StringBuilder text = new StringBuilder();
        for (String line : lines(listed, outside, now)) {
            text.append(line).append('\n');
        }
        if (listed.size() < all.size()) {
            text.append(all.size() - listed.size()).append(" more sessions not listed\n");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sessions", tables.sessionCount());
        json.put("sessions_max", tables.sessionsMax());
        json.put("listed", listed.size());
        json.put("nat64_sessions", json(listed, outside, now));
        return new ControlRegistry.Answer(text.toString(), json);
    }

    /** Whole seconds left, rounded up, never negative. */
    private static long secondsLeft(long expiry, long now) {
        long left = expiry - now;
        return left <= 0 ? 0 : (left + 999_999_999L) / 1_000_000_000L;
    }
}
