package org.jbabel.control;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jbabel.wire.RouterId;

/**
 * The mesh as one node sees it, as an SVG picture in three columns: the node itself; its neighbours (by address and
 * interface, with their router-id when a route shows it: one they announce with refmetric 0), joined to it by their
 * link cost; and every other originator of a route, joined to the neighbour its best route goes through (installed
 * first, then the lowest metric) by that route's metric. Originators stand in the order of their next hops, so the
 * lines seldom cross. A tree: each node has one line towards this node. Deterministic: the same state gives the same
 * picture. A column shows at most {@value #MAX_PER_COLUMN} nodes, the last saying how many more there are.
 */
final class MeshSvg {

    static final int MAX_PER_COLUMN = 40;
    private static final int WIDTH = 1080;
    private static final int BOX_W = 300;
    private static final int BOX_H = 36;
    private static final int PITCH = 46;
    private static final int TOP = 56;
    private static final int[] COLUMN_X = {20, 390, 760};
    private static final int UNREACHABLE = 65535;

    private MeshSvg() {}

    /** A box: its two lines of text and where it stands. */
    private record Node(String label, String detail, int column, int row) {}

    /** A line between two boxes and its label; dashed when the cost or metric is infinite. */
    private record Edge(Node from, Node to, String label, boolean dashed) {}

    /** The picture of {@code s}. */
    static String render(StateSnapshot s) {
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        Node self = new Node(s.node().routerId().toString(), "this node: " + s.node().host(), 0, 0);
        nodes.add(self);

        // neighbours, from the neighbour table and from the routes' next hops, in a stable order
        Map<NeighbourEntry.Key, Integer> costs = new TreeMap<>(
                Comparator.comparing((NeighbourEntry.Key k) -> k.ifname()).thenComparing(k -> k.address().toString()));
        for (NeighbourEntry n : s.neighbours()) {
            costs.put(n.key(), n.cost());
        }
        for (RouteEntry r : s.routes()) {
            costs.putIfAbsent(new NeighbourEntry.Key(r.via(), r.ifname()), null);
        }
        Map<NeighbourEntry.Key, RouterId> neighbourIds = new LinkedHashMap<>();
        Map<RouterId, RouteEntry> best = new TreeMap<>(Comparator.comparing(RouterId::toString));
        for (RouteEntry r : s.routes()) {
            if (r.refmetric() == 0 && r.metric() < UNREACHABLE) {
                neighbourIds.putIfAbsent(new NeighbourEntry.Key(r.via(), r.ifname()), r.routerId());
            }
            best.merge(r.routerId(), r, (a, b) -> better(b, a) ? b : a);
        }
        Map<NeighbourEntry.Key, Node> neighbourNodes = new LinkedHashMap<>();
        int row = 0;
        for (Map.Entry<NeighbourEntry.Key, Integer> e : costs.entrySet()) {
            NeighbourEntry.Key k = e.getKey();
            if (row == MAX_PER_COLUMN - 1 && costs.size() > MAX_PER_COLUMN) {
                nodes.add(new Node("+" + (costs.size() - row) + " more neighbours", "", 1, row));
                break;
            }
            RouterId id = neighbourIds.get(k);
            Node n = new Node(k.address() + "%" + k.ifname(), id == null ? "neighbour" : "neighbour " + id, 1, row++);
            nodes.add(n);
            neighbourNodes.put(k, n);
            Integer cost = e.getValue();
            edges.add(new Edge(self, n, cost == null ? "no link" : "cost " + cost, cost == null || cost >= UNREACHABLE));
        }

        // the other originators, grouped by the neighbour their best route goes through
        Map<NeighbourEntry.Key, Integer> hopOrder = new LinkedHashMap<>();
        for (NeighbourEntry.Key k : costs.keySet()) {
            hopOrder.put(k, hopOrder.size());
        }
        List<RouteEntry> originators = new ArrayList<>();
        for (RouteEntry r : best.values()) {
            if (!r.routerId().equals(s.node().routerId()) && !neighbourIds.containsValue(r.routerId())) {
                originators.add(r);
            }
        }
        originators.sort(Comparator.comparingInt((RouteEntry r) -> hopOrder.get(new NeighbourEntry.Key(r.via(),
                r.ifname()))).thenComparing(r -> r.routerId().toString()));
        row = 0;
        for (RouteEntry r : originators) {
            if (row == MAX_PER_COLUMN - 1 && originators.size() > MAX_PER_COLUMN) {
                nodes.add(new Node("+" + (originators.size() - row) + " more originators", "", 2, row));
                break;
            }
            Node n = new Node(r.routerId().toString(), "via " + r.via() + "%" + r.ifname(), 2, row++);
            nodes.add(n);
            Node hop = neighbourNodes.get(new NeighbourEntry.Key(r.via(), r.ifname()));
            if (hop != null) {
                edges.add(new Edge(hop, n, "metric " + r.metric(), r.metric() >= UNREACHABLE));
            }
        }
        return draw(nodes, edges);
    }

    /** Whether route {@code a} is a better way to its originator than {@code b}: installed, then lower metric. */
    private static boolean better(RouteEntry a, RouteEntry b) {
        if (a.installed() != b.installed()) {
            return a.installed();
        }
        return a.metric() < b.metric();
    }

    private static String draw(List<Node> nodes, List<Edge> edges) {
        int[] rows = new int[3];
        for (Node n : nodes) {
            rows[n.column()] = Math.max(rows[n.column()], n.row() + 1);
        }
        int tallest = Math.max(1, Math.max(rows[1], rows[2]));
        int height = TOP + tallest * PITCH + 20;
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"monospace\" font-size=\"12\" class=\"mesh\">\n");
        svg.append("<title>the mesh as ").append(Html.text(nodes.getFirst().label())).append(" sees it</title>\n");
        String[] headings = {"this node", "neighbours (link cost)", "originators (metric via next hop)"};
        for (int c = 0; c < 3; c++) {
            svg.append("<text x=\"").append(COLUMN_X[c]).append("\" y=\"24\" font-weight=\"bold\">")
                    .append(headings[c]).append("</text>\n");
        }
        for (Edge e : edges) {
            int x1 = COLUMN_X[e.from().column()] + BOX_W;
            int y1 = y(e.from(), rows, tallest) + BOX_H / 2;
            int x2 = COLUMN_X[e.to().column()];
            int y2 = y(e.to(), rows, tallest) + BOX_H / 2;
            svg.append("<line x1=\"").append(x1).append("\" y1=\"").append(y1).append("\" x2=\"").append(x2)
                    .append("\" y2=\"").append(y2).append("\" stroke=\"").append(e.dashed() ? "#b33" : "#357")
                    .append('"').append(e.dashed() ? " stroke-dasharray=\"6 4\"" : "").append("/>\n");
            svg.append("<text x=\"").append(x2 - 62).append("\" y=\"").append(y2 - 4)
                    .append("\" font-size=\"10\" fill=\"#555\">").append(Html.text(e.label())).append("</text>\n");
        }
        for (Node n : nodes) {
            int x = COLUMN_X[n.column()];
            int y = y(n, rows, tallest);
            svg.append("<g class=\"node\"><rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"")
                    .append(BOX_W).append("\" height=\"").append(BOX_H).append("\" rx=\"6\" fill=\"")
                    .append(n.column() == 0 ? "#dfe9f5" : "#f4f4f4").append("\" stroke=\"#357\"/>");
            svg.append("<text x=\"").append(x + 8).append("\" y=\"").append(y + 15).append("\">")
                    .append(Html.text(n.label())).append("</text>");
            svg.append("<text x=\"").append(x + 8).append("\" y=\"").append(y + 29)
                    .append("\" font-size=\"10\" fill=\"#555\">").append(Html.text(n.detail())).append("</text></g>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    /** The top of a box: columns shorter than the tallest are centred on it. */
    private static int y(Node n, int[] rows, int tallest) {
        int offset = (tallest - Math.max(1, rows[n.column()])) * PITCH / 2;
        return TOP + offset + n.row() * PITCH;
    }
}
