package org.jbabel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jbabel.cli.TextTable.Cell;
import org.jbabel.control.BabeldText;
import org.jbabel.control.Entry;
import org.jbabel.control.JsonFormat;

/**
 * The tables {@code jbabel ctl} prints, all made from JSON (docs/CONTROL.md, "The client"): Babel's four tables from
 * the dump object ({@code dump json}, or babeld's {@code dump} lines read back into the same objects), and any
 * extension command's JSON answer laid out generically (lists of objects as tables, other values as name-value
 * lines). Every table goes through {@link TextTable}.
 */
final class CtlTables {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CtlTables() {}

    /** A titled block of lines (a table, or name-value lines); the title is null for an untitled one. */
    record Section(String title, List<String> lines) {}

    private record Column(String header, Function<JsonNode, Cell> cell) {}

    /** One of Babel's tables: its name on the command line, its array in the dump object, its columns. */
    enum View {
        INTERFACES("interfaces", "babel-interfaces", List.of(
                new Column("INTERFACE", text("babel-interface-reference")),
                new Column("UP", text("up")),
                new Column("IPV6", text("ipv6")),
                new Column("IPV4", text("ipv4")))),
        NEIGHBOURS("neighbours", "babel-neighbors", List.of(
                new Column("ADDRESS", text("babel-neighbor-address")),
                new Column("INTERFACE", text("babel-interface-reference")),
                new Column("REACH", text("babel-hello-mcast-history")),
                new Column("UREACH", text("babel-hello-ucast-history")),
                new Column("RXCOST", number("babel-rxcost")),
                new Column("TXCOST", number("babel-txcost")),
                new Column("RTT", CtlTables::rttMillis),
                new Column("RTTCOST", number("rttcost")),
                new Column("COST", number("babel-cost")))),
        XROUTES("xroutes", "xroutes", List.of(
                new Column("PREFIX", text("prefix")),
                new Column("FROM", text("src-prefix")),
                new Column("METRIC", number("metric")))),
        ROUTES("routes", "babel-routes", List.of(
                new Column("PREFIX", CtlTables::routePrefix),
                new Column("FROM", text("src-prefix")),
                new Column("METRIC", number("babel-route-calculated-metric")),
                new Column("REFMETRIC", number("babel-route-received-metric")),
                new Column("VIA", text("babel-route-neighbor")),
                new Column("INTERFACE", text("babel-interface-reference")),
                new Column("INSTALLED", n -> Cell.text(yesNo(n.get("babel-route-selected")))),
                new Column("ROUTER-ID", text("babel-route-router-id"))));

        final String word;
        final String array;
        private final List<Column> columns;

        View(String word, String array, List<Column> columns) {
            this.word = word;
            this.array = array;
            this.columns = columns;
        }

        /** The view named {@code word} on the command line, or null. */
        static View byWord(String word) {
            for (View v : values()) {
                if (v.word.equals(word)) {
                    return v;
                }
            }
            return null;
        }

        /** The array of the dump object this view shows, by the name of an entry's table ({@code route}). */
        static String arrayOfTable(String table) {
            for (View v : values()) {
                if (v.word.equals(table + "s")) {
                    return v.array;
                }
            }
            return null;
        }

        Section section(ObjectNode dump) {
            TextTable t = new TextTable(columns.stream().map(Column::header).toList());
            for (JsonNode entry : dump.path(array)) {
                t.row(columns.stream().map(c -> c.cell().apply(entry)).toList());
            }
            return new Section(word, t.lines());
        }
    }

    /** The views' tables from a dump object. */
    static List<Section> babel(ObjectNode dump, List<View> views) {
        return views.stream().map(v -> v.section(dump)).toList();
    }

    /** The dump object restricted to the views' arrays, in the views' order ({@code jbabel ctl routes --json}). */
    static ObjectNode select(ObjectNode dump, List<View> views) {
        ObjectNode o = MAPPER.createObjectNode();
        for (View v : views) {
            o.set(v.array, dump.has(v.array) ? dump.get(v.array) : MAPPER.createArrayNode());
        }
        return o;
    }

    /** The dump object's arrays made from babeld's {@code dump} lines; lines it cannot read go to {@code unread}. */
    static ObjectNode dumpFromText(List<String> lines, List<String> unread) {
        ObjectNode dump = MAPPER.createObjectNode();
        for (View v : View.values()) {
            dump.putArray(v.array);
        }
        for (String line : lines) {
            Entry e;
            try {
                e = BabeldText.parse(line).entry();
            } catch (IllegalArgumentException ex) {
                unread.add(line);
                continue;
            }
            String array = View.arrayOfTable(JsonFormat.table(e));
            if (array == null) {
                unread.add(line);
            } else {
                dump.withArray(array).add(JsonFormat.entry(e));
            }
        }
        return dump;
    }

    /**
     * An extension's JSON answer laid out: an object's plain fields as name-value lines, its objects as sections
     * titled with their field's name, a list of objects as a table (columns: the objects' fields in order of first
     * appearance) and an object whose values are all such objects as a table keyed by {@code ID} (but an answer of one
     * field holding an object is a wrapper, {@code {"ddhcp_renew": {...}}}: its object is shown).
     */
    static List<Section> answer(JsonNode json) {
        List<Section> out = new ArrayList<>();
        block(null, json, out);
        return out;
    }

    private static void block(String title, JsonNode node, List<Section> out) {
        if (node.isObject() && (title != null || node.size() > 1) && isKeyedTable(node)) {
            out.add(new Section(title, table(node, true)));
        } else if (node.isObject()) {
            TextTable plain = TextTable.headless(2);
            List<Map.Entry<String, JsonNode>> nested = new ArrayList<>();
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                if (f.getValue().isObject() || isListOfObjects(f.getValue())) {
                    nested.add(f);
                } else {
                    plain.row(List.of(Cell.text(clean(f.getKey())), cell(f.getValue())));
                }
            }
            if (plain.size() > 0 || nested.isEmpty()) {
                out.add(new Section(title, plain.lines()));
            }
            for (Map.Entry<String, JsonNode> f : nested) {
                block(clean(f.getKey()), f.getValue(), out);
            }
        } else if (isListOfObjects(node) && allRows(node)) {
            out.add(new Section(title, table(node, false)));
        } else if (isListOfObjects(node)) {
            for (JsonNode e : node) {
                block(title, e, out);
            }
        } else if (node.isArray()) {
            List<String> lines = new ArrayList<>();
            node.forEach(e -> lines.add(cell(e).text()));
            out.add(new Section(title, lines.isEmpty() ? List.of("(none)") : lines));
        } else {
            out.add(new Section(title, List.of(cell(node).text())));
        }
    }

    private static List<String> table(JsonNode rows, boolean keyed) {
        Set<String> fields = new LinkedHashSet<>();
        rows.forEach(r -> r.fieldNames().forEachRemaining(fields::add));
        List<String> headers = new ArrayList<>();
        if (keyed) {
            headers.add("ID");
        }
        fields.forEach(f -> headers.add(clean(f).toUpperCase(Locale.ROOT)));
        TextTable t = new TextTable(headers);
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        if (keyed) {
            rows.properties().forEach(e -> byKey.put(e.getKey(), e.getValue()));
        } else {
            int i = 0;
            for (JsonNode r : rows) {
                byKey.put(Integer.toString(i++), r);
            }
        }
        byKey.forEach((key, r) -> {
            List<Cell> cells = new ArrayList<>();
            if (keyed) {
                cells.add(Cell.text(clean(key)));
            }
            fields.forEach(f -> cells.add(r.has(f) ? cell(r.get(f)) : Cell.EMPTY));
            t.row(cells);
        });
        return t.lines();
    }

    private static boolean isListOfObjects(JsonNode n) {
        if (!n.isArray() || n.isEmpty()) {
            return false;
        }
        for (JsonNode e : n) {
            if (!e.isObject()) {
                return false;
            }
        }
        return true;
    }

    /** An object is a row of a table when none of its fields is a list of objects (a table of its own). */
    private static boolean allRows(JsonNode objects) {
        for (JsonNode o : objects) {
            for (JsonNode v : o) {
                if (isListOfObjects(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isKeyedTable(JsonNode o) {
        if (o.isEmpty()) {
            return false;
        }
        for (JsonNode v : o) {
            if (!v.isObject()) {
                return false;
            }
        }
        return allRows(o);
    }

    /** A JSON value as one cell: lists joined by commas, objects as {@code k=v} (nested ones as {@code k(...)}). */
    private static Cell cell(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return Cell.EMPTY;
        }
        if (v.isNumber()) {
            return new Cell(v.asText(), true);
        }
        return Cell.text(clean(text(v)));
    }

    private static String text(JsonNode v) {
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(text(e)));
            return String.join(",", parts);
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.properties().forEach(e -> parts.add(e.getKey() + (e.getValue().isContainerNode()
                    ? "(" + text(e.getValue()) + ")" : "=" + text(e.getValue()))));
            return String.join(",", parts);
        }
        return v.isNull() ? "-" : v.asText();
    }

    /** The text with control characters (C0, DEL, C1) as {@code ?}: a server's strings never steer the terminal. */
    static String clean(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' || (c >= 0x7f && c <= 0x9f)) {
                if (sb == null) {
                    sb = new StringBuilder(s);
                }
                sb.setCharAt(i, '?');
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static Function<JsonNode, Cell> text(String field) {
        return n -> {
            JsonNode v = n.get(field);
            return v == null || v.isNull() ? Cell.EMPTY : Cell.text(clean(v.asText()));
        };
    }

    private static Function<JsonNode, Cell> number(String field) {
        return n -> cell(n.get(field));
    }

    private static Cell routePrefix(JsonNode route) {
        JsonNode address = route.get("babel-route-prefix");
        JsonNode length = route.get("babel-route-prefix-length");
        return address == null ? Cell.EMPTY
                : Cell.text(clean(address.asText() + (length == null ? "" : "/" + length.asText())));
    }

    /** {@code rtt-us} in milliseconds with three decimals, as babeld's text line has it. */
    private static Cell rttMillis(JsonNode neighbour) {
        JsonNode us = neighbour.get("rtt-us");
        if (us == null || !us.canConvertToLong()) {
            return Cell.EMPTY;
        }
        long micros = us.asLong();
        return new Cell(String.format(Locale.ROOT, "%d.%03d", micros / 1000, Math.abs(micros % 1000)), true);
    }

    private static String yesNo(JsonNode b) {
        return b == null || !b.isBoolean() ? null : b.asBoolean() ? "yes" : "no";
    }

    /** Sections as lines: a blank line between two sections, titles shown when there is more than one section. */
    static List<String> lines(List<Section> sections) {
        List<String> lines = new ArrayList<>();
        boolean titled = sections.size() > 1;
        for (Section s : sections) {
            if (!lines.isEmpty()) {
                lines.add("");
            }
            if (titled && s.title() != null) {
                lines.add(s.title());
            }
            lines.addAll(s.lines());
        }
        return lines;
    }
}
