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
 * of its lifetime. The extension registers {@link #sessions} as the command's handler.
 */
public final class Nat64Control {

    private Nat64Control() {}

    /** The text lines, one per session: {@code tcp inside [NCA]:P outside A4:P remote D4:P state S expires N}. */
    public static List<String> lines(Nat64Sessions tables, IpAddress outside, long now) {
        List<String> lines = new ArrayList<>();
        for (Nat64Sessions.Session s : tables.sessions()) {
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
    public static List<Map<String, Object>> json(Nat64Sessions tables, IpAddress outside, long now) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Nat64Sessions.Session s : tables.sessions()) {
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
     * The dump section's items ({@code add nat64-session ID protocol P inside A ...}): the JSON maps, each named
     * {@code PROTOCOL/OUTSIDE-PORT/REMOTE:PORT}, unique among the live sessions.
     */
    public static List<ControlRegistry.Item> items(Nat64Sessions tables, IpAddress outside, long now) {
        List<ControlRegistry.Item> items = new ArrayList<>();
        for (Map<String, Object> m : json(tables, outside, now)) {
            items.add(new ControlRegistry.Item(m.get("protocol") + "/" + m.get("outside_port") + "/" + m.get("remote")
                    + ":" + m.get("remote_port"), m));
        }
        return items;
    }

    /** The command's answer: the lines, and {@code {"nat64_sessions": [...], "sessions": N, "sessions_max": M}}. */
    public static ControlRegistry.Answer sessions(Nat64Sessions tables, IpAddress outside, long now,
            List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("sessions takes no arguments");
        }
        StringBuilder text = new StringBuilder();
        for (String line : lines(tables, outside, now)) {
            text.append(line).append('\n');
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sessions", tables.sessionCount());
        json.put("sessions_max", tables.sessionsMax());
        json.put("nat64_sessions", json(tables, outside, now));
        return new ControlRegistry.Answer(text.toString(), json);
    }

    /** Whole seconds left, rounded up, never negative. */
    private static long secondsLeft(long expiry, long now) {
        long left = expiry - now;
        return left <= 0 ? 0 : (left + 999_999_999L) / 1_000_000_000L;
    }
}
