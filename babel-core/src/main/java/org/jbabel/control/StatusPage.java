package org.jbabel.control;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The status page: one self-contained HTML document (no script, no external resource, reloaded every
 * {@value #REFRESH_SECONDS} seconds by a meta refresh) with the node, the mesh as an inline SVG ({@link MeshSvg}),
 * its neighbours, routes (installed first), originated routes, interfaces, what the running extensions' read-only
 * commands answer, and the counters that are not zero. Every string is escaped ({@link Html#text}). A table shows at
 * most {@value #MAX_ROWS} rows and says how many more {@code /state.json} has.
 */
final class StatusPage {

    static final int REFRESH_SECONDS = 10;
    static final int MAX_ROWS = 200;

    /**
     * What an extension's command answered, for the page.
     *
     * @param title {@code EXTENSION COMMAND}
     * @param json its JSON answer (maps, lists and scalars), or null when it failed
     * @param error why it has no answer, or null
     */
    record Look(String title, Object json, String error) {}

    private StatusPage() {}

    static String html(StateSnapshot s, List<Look> looks) {
        StringBuilder h = new StringBuilder(16 << 10);
        String host = Html.text(s.node().host());
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<title>jbabeld ").append(host).append("</title><style>")
                .append("body{font-family:sans-serif;margin:1em 2em;color:#222}")
                .append("table{border-collapse:collapse;margin-bottom:1em}")
                .append("th,td{border:1px solid #ccc;padding:2px 8px;text-align:left;font-family:monospace}")
                .append("th{background:#eef}td.n{text-align:right}tr.off td{color:#888}")
                .append("h2{margin-top:1.2em;font-size:1.1em}.more{color:#666;font-style:italic}")
                .append("</style></head><body>\n");
        long installed = s.routes().stream().filter(RouteEntry::installed).count();
        h.append("<h1>").append(host).append("</h1>\n<p class=\"node\">router-id <code>")
                .append(Html.text(s.node().routerId())).append("</code>, ").append(Html.text(s.node().version()))
                .append(": ").append(count(s.neighbours().size(), "neighbour")).append(", ")
                .append(count(s.routes().size(), "route")).append(" (").append(installed).append(" installed), ")
                .append(s.xroutes().size()).append(" originated, ").append(count(s.interfaces().size(), "interface"))
                .append("</p>\n");

        h.append("<h2>Mesh</h2>\n").append(MeshSvg.render(s));

        List<List<Object>> rows = new ArrayList<>();
        for (NeighbourEntry n : s.neighbours()) {
            rows.add(List.of(n.address(), n.ifname(), String.format("%04x", n.reach()),
                    String.format("%04x", n.ureach()), n.rxcost(), n.txcost(),
                    n.rtt() == null ? "-" : String.format("%.3f", n.rtt().micros() / 1000.0), n.cost()));
        }
        table(h, "Neighbours", "neighbours", List.of("address", "interface", "reach", "ureach", "rxcost", "txcost",
                "rtt (ms)", "cost"), rows);

        List<RouteEntry> routes = new ArrayList<>(s.routes());
        routes.sort(Comparator.comparing((RouteEntry r) -> !r.installed())); // stable: dump order within each
        rows = new ArrayList<>();
        for (RouteEntry r : routes.subList(0, Math.min(routes.size(), MAX_ROWS + 1))) {
            rows.add(List.of(r.prefix(), r.source(), r.metric(), r.refmetric(), r.via(), r.ifname(),
                    r.installed() ? "yes" : "no", r.routerId()));
        }
        table(h, "Routes", "routes", List.of("prefix", "from", "metric", "refmetric", "via", "interface",
                "installed", "router-id"), rows, routes.size());

        rows = new ArrayList<>();
        for (XrouteEntry x : s.xroutes()) {
            rows.add(List.of(x.prefix(), x.source(), x.metric()));
        }
        table(h, "Originated routes", "xroutes", List.of("prefix", "from", "metric"), rows);

        rows = new ArrayList<>();
        for (InterfaceEntry i : s.interfaces()) {
            rows.add(List.of(i.name(), i.up(), i.ipv6() == null ? "-" : i.ipv6(), i.ipv4() == null ? "-" : i.ipv4()));
        }
        table(h, "Interfaces", "interfaces", List.of("interface", "up", "ipv6", "ipv4"), rows);

        for (Look look : looks) {
            h.append("<h2>").append(Html.text(look.title())).append("</h2>\n");
            if (look.error() != null) {
                h.append("<p class=\"more\">").append(Html.text(look.error())).append("</p>\n");
            } else {
                value(h, look.json());
            }
        }

        rows = new ArrayList<>();
        for (Map.Entry<String, Long> c : s.counters().entrySet()) {
            if (c.getValue() != 0) {
                rows.add(List.of(c.getKey(), c.getValue()));
            }
        }
        table(h, "Counters (those not zero)", "counters", List.of("counter", "count"), rows);
        h.append("<p class=\"more\">Reloaded every ").append(REFRESH_SECONDS)
                .append(" s. The whole state: <a href=\"/state.json\">state.json</a>; the picture alone: ")
                .append("<a href=\"/mesh.svg\">mesh.svg</a>.</p>\n</body></html>\n");
        return h.toString();
    }

    private static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static void table(StringBuilder h, String title, String cls, List<String> headers,
            List<List<Object>> rows) {
        table(h, title, cls, headers, rows, rows.size());
    }

    /** A table of at most {@link #MAX_ROWS} of {@code rows}, {@code total} rows in all. */
    private static void table(StringBuilder h, String title, String cls, List<String> headers,
            List<List<Object>> rows, int total) {
        if (title != null) {
            h.append("<h2>").append(Html.text(title)).append("</h2>\n");
        }
        if (total == 0) {
            h.append("<p class=\"more\">none</p>\n");
            return;
        }
        h.append("<table class=\"").append(cls).append("\"><tr>");
        for (String header : headers) {
            h.append("<th>").append(Html.text(header)).append("</th>");
        }
        h.append("</tr>\n");
        for (List<Object> row : rows.subList(0, Math.min(rows.size(), MAX_ROWS))) {
            h.append("<tr>");
            for (Object cell : row) {
                h.append(cell instanceof Number ? "<td class=\"n\">" : "<td>").append(Html.text(cell(cell)))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        if (total > MAX_ROWS) {
            h.append("<p class=\"more\">").append(total - MAX_ROWS)
                    .append(" more in <a href=\"/state.json\">state.json</a></p>\n");
        }
    }

    /**
     * An extension's JSON answer by one generic rule: a list of objects is a table with their fields as columns; an
     * object whose values are all objects is a table keyed by an {@code id} column; other fields of an object are
     * {@code field | value} rows, and its lists of objects and nested objects follow under their names.
     */
    private static void value(StringBuilder h, Object v) {
        if (v instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(e -> e instanceof Map)) {
            objects(h, list, null);
        } else if (v instanceof Map<?, ?> map && !map.isEmpty() && map.values().stream().allMatch(e -> e instanceof Map)
                && map.values().stream().allMatch(e -> ((Map<?, ?>) e).values().stream().noneMatch(StatusPage::nested))) {
            List<Object> keyed = new ArrayList<>();
            map.forEach((k, e) -> {
                Map<Object, Object> row = new java.util.LinkedHashMap<>();
                row.put("id", k);
                row.putAll((Map<?, ?>) e);
                keyed.add(row);
            });
            objects(h, keyed, null);
        } else if (v instanceof Map<?, ?> map) {
            List<List<Object>> rows = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!nested(e.getValue())) {
                    rows.add(List.of(String.valueOf(e.getKey()), e.getValue() == null ? "null" : e.getValue()));
                }
            }
            if (!rows.isEmpty()) {
                table(h, null, "fields", List.of("field", "value"), rows);
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (nested(e.getValue())) {
                    h.append("<h3>").append(Html.text(e.getKey())).append("</h3>\n");
                    value(h, e.getValue());
                }
            }
        } else {
            h.append("<p>").append(Html.text(cell(v))).append("</p>\n");
        }
    }

    private static void objects(StringBuilder h, List<?> objects, String title) {
        Set<String> columns = new LinkedHashSet<>();
        for (Object o : objects.subList(0, Math.min(objects.size(), MAX_ROWS))) {
            ((Map<?, ?>) o).keySet().forEach(k -> columns.add(String.valueOf(k)));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Object o : objects.subList(0, Math.min(objects.size(), MAX_ROWS))) {
            Map<?, ?> m = (Map<?, ?>) o;
            List<Object> row = new ArrayList<>();
            for (String c : columns) {
                Object cell = m.get(c);
                row.add(cell == null ? "-" : cell);
            }
            rows.add(row);
        }
        table(h, title, "extension", List.copyOf(columns), rows, objects.size());
    }

    /** Whether a value is shown as a table of its own (a non-empty object, or a list of objects). */
    private static boolean nested(Object v) {
        return v instanceof Map<?, ?> m && !m.isEmpty()
                || v instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(e -> e instanceof Map);
    }

    /** A value in a cell: a list joined by commas, an object as {@code k=v}, an empty one as {@code -}. */
    private static String cell(Object v) {
        String s = switch (v) {
            case null -> "null";
            case List<?> list -> String.join(", ", list.stream().map(StatusPage::cell).toList());
            case Map<?, ?> map -> String.join(", ", map.entrySet().stream()
                    .map(e -> e.getKey() + "=" + cell(e.getValue())).toList());
            default -> v.toString();
        };
        return s.isEmpty() ? "-" : s;
    }
}
