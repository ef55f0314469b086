package org.jbabel.control;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;

/**
 * babeld's local-interface lines, field for field: the banner and the {@code add|change|flush
 * interface|neighbour|xroute|route} lines (single spaces, babeld's keyword order, optional fields where babeld
 * puts them), and the lines of extensions' sections ({@code add KIND ID FIELD VALUE ...}). {@link #parse} reads a
 * babeld line back into an {@link Entry}, so that a line from babeld can be re-printed and compared.
 */
public final class BabeldText {

    /** The first banner line. */
    public static final String PROTOCOL = "BABEL 1.0";

    private BabeldText() {}

    /** The banner lines before the first {@code ok}: protocol, version, host and router-id. */
    public static List<String> banner(NodeInfo node) {
        return List.of(PROTOCOL, "version " + node.version(), "host " + node.host(), "my-id " + node.routerId());
    }

    /**
     * The {@code add} lines of a dump, in babeld's order: interfaces, neighbours, xroutes, routes; then the sections
     * of extensions.
     */
    public static List<String> dump(StateSnapshot snapshot) {
        List<String> lines = new ArrayList<>();
        for (Entry e : snapshot.entries()) {
            lines.add(format(new ChangeEvent(ChangeEvent.Kind.ADD, e)));
        }
        return lines;
    }

    /** One line, without its newline. */
    public static String format(ChangeEvent event) {
        StringBuilder sb = new StringBuilder(160).append(event.kind().word()).append(' ');
        switch (event.entry()) {
            case InterfaceEntry i -> {
                sb.append("interface ").append(i.name()).append(" up ").append(i.up());
                if (i.ipv6() != null) {
                    sb.append(" ipv6 ").append(i.ipv6());
                }
                if (i.ipv4() != null) {
                    sb.append(" ipv4 ").append(i.ipv4());
                }
            }
            case NeighbourEntry n -> {
                sb.append("neighbour ").append(n.id()).append(" address ").append(n.address())
                        .append(" if ").append(n.ifname())
                        .append(" reach ").append(hex4(n.reach())).append(" ureach ").append(hex4(n.ureach()))
                        .append(" rxcost ").append(n.rxcost()).append(" txcost ").append(n.txcost());
                if (n.rtt() != null) {
                    sb.append(" rtt ").append(millis(n.rtt().micros())).append(" rttcost ").append(n.rtt().cost());
                }
                sb.append(" cost ").append(n.cost());
            }
            case XrouteEntry x -> sb.append("xroute ").append(x.id()).append(" prefix ").append(x.prefix())
                    .append(" from ").append(x.source()).append(" metric ").append(x.metric());
            case RouteEntry r -> sb.append("route ").append(r.id()).append(" prefix ").append(r.prefix())
                    .append(" from ").append(r.source()).append(" installed ").append(r.installed() ? "yes" : "no")
                    .append(" id ").append(r.routerId()).append(" metric ").append(r.metric())
                    .append(" refmetric ").append(r.refmetric()).append(" via ").append(r.via())
                    .append(" if ").append(r.ifname());
            case ExtensionEntry x -> {
                sb.append(x.kind()).append(' ').append(x.id());
                x.fields().forEach((k, v) -> sb.append(' ').append(k).append(' ').append(ExtensionEntry.word(v)));
            }
        }
        return sb.toString();
    }

    /**
     * Reads an {@code add|change|flush} line as babeld prints it.
     *
     * @throws IllegalArgumentException if the line is not such a line, naming what is wrong
     */
    public static ChangeEvent parse(String line) {
        Tokens t = new Tokens(line);
        ChangeEvent.Kind kind = ChangeEvent.Kind.byWord(t.next("add, change or flush"));
        if (kind == null) {
            throw t.error("expected add, change or flush");
        }
        String table = t.next("interface, neighbour, xroute or route");
        Entry entry = switch (table) {
            case "interface" -> parseInterface(t);
            case "neighbour" -> parseNeighbour(t);
            case "xroute" -> parseXroute(t);
            case "route" -> parseRoute(t);
            default -> throw t.error("unknown table '" + table + "'");
        };
        t.end();
        return new ChangeEvent(kind, entry);
    }

    private static InterfaceEntry parseInterface(Tokens t) {
        String name = t.next("interface name");
        t.expect("up");
        String up = t.next("true or false");
        if (up.equals("false")) {
            return InterfaceEntry.down(name);
        }
        if (!up.equals("true")) {
            throw t.error("expected true or false after 'up'");
        }
        IpAddress v6 = t.optional("ipv6") ? t.address() : null;
        IpAddress v4 = t.optional("ipv4") ? t.address() : null;
        return t.build(() -> new InterfaceEntry(name, true, v6, v4));
    }

    private static NeighbourEntry parseNeighbour(Tokens t) {
        String id = t.next("neighbour id");
        t.expect("address");
        IpAddress address = t.address();
        t.expect("if");
        String ifname = t.next("interface name");
        t.expect("reach");
        int reach = t.hex();
        t.expect("ureach");
        int ureach = t.hex();
        t.expect("rxcost");
        int rxcost = t.integer();
        t.expect("txcost");
        int txcost = t.integer();
        NeighbourEntry.Rtt rtt = null;
        if (t.optional("rtt")) {
            long micros = t.millis();
            t.expect("rttcost");
            int rttcost = t.integer();
            rtt = t.build(() -> new NeighbourEntry.Rtt(micros, rttcost));
        }
        t.expect("cost");
        int cost = t.integer();
        NeighbourEntry.Rtt r = rtt;
        return t.build(() -> new NeighbourEntry(id, address, ifname, reach, ureach, rxcost, txcost, r, cost));
    }

    private static XrouteEntry parseXroute(Tokens t) {
        String id = t.next("xroute id");
        t.expect("prefix");
        Prefix prefix = t.prefix();
        t.expect("from");
        Prefix source = t.prefix();
        t.expect("metric");
        int metric = t.integer();
        XrouteEntry x = t.build(() -> new XrouteEntry(prefix, source, metric));
        if (!x.id().equals(id)) {
            throw t.error("xroute id '" + id + "' is not '" + x.id() + "'");
        }
        return x;
    }

    private static RouteEntry parseRoute(Tokens t) {
        String id = t.next("route id");
        t.expect("prefix");
        Prefix prefix = t.prefix();
        t.expect("from");
        Prefix source = t.prefix();
        t.expect("installed");
        String installed = t.next("yes or no");
        if (!installed.equals("yes") && !installed.equals("no")) {
            throw t.error("expected yes or no after 'installed'");
        }
        t.expect("id");
        RouterId routerId = t.routerId();
        t.expect("metric");
        int metric = t.integer();
        t.expect("refmetric");
        int refmetric = t.integer();
        t.expect("via");
        IpAddress via = t.address();
        t.expect("if");
        String ifname = t.next("interface name");
        return t.build(() -> new RouteEntry(
                id, prefix, source, installed.equals("yes"), routerId, metric, refmetric, via, ifname));
    }

    private static String hex4(int v) {
        return String.format("%04x", v);
    }

    private static String millis(long micros) {
        return micros / 1000 + "." + String.format("%03d", micros % 1000);
    }

    /** The words of one line, separated by single spaces. */
    private static final class Tokens {
        private final String line;
        private final String[] words;
        private int pos;

        Tokens(String line) {
            this.line = line;
            this.words = line.split(" ", -1);
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " (word " + pos + ") in \"" + line + "\"");
        }

        String next(String what) {
            if (pos >= words.length) {
                throw error("missing " + what);
            }
            String w = words[pos++];
            if (w.isEmpty()) {
                throw error("empty word where " + what + " was expected");
            }
            return w;
        }

        void expect(String keyword) {
            String w = next("'" + keyword + "'");
            if (!w.equals(keyword)) {
                throw error("expected '" + keyword + "', found '" + w + "'");
            }
        }

        boolean optional(String keyword) {
            if (pos < words.length && words[pos].equals(keyword)) {
                pos++;
                return true;
            }
            return false;
        }

        void end() {
            if (pos != words.length) {
                throw error("unexpected '" + words[pos] + "'");
            }
        }

        int integer() {
            String w = next("number");
            try {
                return Integer.parseInt(w);
            } catch (NumberFormatException e) {
                throw error("not a number: '" + w + "'");
            }
        }

        int hex() {
            String w = next("hex number");
            try {
                return Integer.parseInt(w, 16);
            } catch (NumberFormatException e) {
                throw error("not a hex number: '" + w + "'");
            }
        }

        long millis() {
            String w = next("milliseconds");
            int dot = w.indexOf('.');
            try {
                if (dot < 0 || w.length() - dot != 4) {
                    throw new NumberFormatException();
                }
                return Long.parseLong(w.substring(0, dot)) * 1000 + Integer.parseInt(w.substring(dot + 1));
            } catch (NumberFormatException e) {
                throw error("not milliseconds with three decimals: '" + w + "'");
            }
        }

        IpAddress address() {
            String w = next("address");
            return build(() -> IpAddress.parse(w));
        }

        Prefix prefix() {
            String w = next("prefix");
            if (w.indexOf('/') < 0) {
                throw error("not a prefix: '" + w + "'");
            }
            Prefix p = build(() -> Prefix.parse(w));
            if (p.family() == Family.V4 && w.indexOf(':') >= 0) {
                throw error("IPv4 prefix written as IPv6: '" + w + "'");
            }
            return p;
        }

        RouterId routerId() {
            String w = next("router-id");
            return build(() -> RouterId.parse(w));
        }

        <T> T build(Supplier<T> s) {
            try {
                return s.get();
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }
    }
}
