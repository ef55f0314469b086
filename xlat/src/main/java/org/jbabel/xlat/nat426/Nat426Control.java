package org.jbabel.xlat.nat426;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * {@code jbabel ctl nat426 clients [--json]} (docs/XLAT.md "Control"): the client table, one client per line, with its
 * MAC, IPv4 address, node-client address, how it was learned, whether it is attached here, the seconds since it was
 * last seen (its last frame, else when it was learned), the seconds its entry still holds, and the exit it uses.
 */
public final class Nat426Control {

    private Nat426Control() {}

    /** The answer of {@code nat426 clients}; {@code ncp} is the node-client prefix. */
    public static ControlRegistry.Answer clients(ClientTable table, long now, Prefix ncp, List<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new IllegalArgumentException("clients takes no arguments");
        }
        StringBuilder text = new StringBuilder();
        List<Map<String, Object>> list = new ArrayList<>();
        for (ClientTable.View v : table.views(now)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("mac", v.mac().toString());
            row.put("ipv4", v.ipv4().toString());
            row.put("nca", NodeClients.of(v.mac().bits(), ncp).toString());
            row.put("source", v.source().label());
            row.put("where", v.local() ? "local" : "remote");
            row.put("age", seconds(now - (v.lastFrame() == Long.MIN_VALUE ? v.learnedAt() : v.lastFrame())));
            row.put("expires", seconds(v.expiresAt() - now));
            if (v.exit() != ClientTable.NO_EXIT) {
                row.put("exit", IpAddress.v4((int) v.exit()).toString());
            }
            list.add(row);
            text.append("client ").append(row.get("mac")).append(" ipv4 ").append(row.get("ipv4"))
                    .append(" nca ").append(row.get("nca")).append(" source ").append(row.get("source"))
                    .append(' ').append(row.get("where")).append(" age ").append(row.get("age"))
                    .append(" expires ").append(row.get("expires"));
            if (row.containsKey("exit")) {
                text.append(" exit ").append(row.get("exit"));
            }
            text.append('\n');
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("clients", list.size());
        json.put("clientlist", list);
        return new ControlRegistry.Answer(text.toString(), json);
    }

    private static long seconds(long nanos) {
        return Math.max(0, nanos / 1_000_000_000L);
    }
}
