package org.jbabel.sim;

import java.util.Locale;
import java.util.SplittableRandom;
import org.jbabel.wire.IpAddress;

/**
 * A picture of a simulated mesh as SVG: its links, and the path each node's FIB takes towards one chosen node (the
 * next hop of its route to that node's probe address, drawn as an arrow), so a person can look at where the routes
 * go instead of reading JSON. Nodes are placed by a force layout ({@link #layout}) unless positions are given.
 */
public final class MeshSvg {

    private static final double SIZE = 1000;
    private static final double MARGIN = 30;

    private MeshSvg() {}

    /**
     * The next hop (a node index) of every node's route towards {@code target}'s probe address, or -1 where a node
     * has no route there ({@code target} itself is -1 too).
     */
    public static int[] nextHops(Simulation sim, int target) {
        int[] next = new int[sim.nodeCount()];
        IpAddress probe = Simulation.probeOf(target);
        for (int i = 0; i < next.length; i++) {
            SimFib.Entry e = i == target ? null : sim.fib(i).lookup(probe, IpAddress.V6_UNSPECIFIED);
            next[i] = e == null ? -1 : sim.nextNode(i, e);
        }
        return next;
    }

    /**
     * Positions in [0, 1]² by Fruchterman and Reingold's force-directed layout: linked nodes pull together, all
     * nodes push apart, the steps cool down over {@code iterations}. Deterministic for a seed. O(n²) per step:
     * a few seconds for 3,000 nodes.
     */
    public static double[][] layout(Topology t, long seed, int iterations) {
        int n = t.nodeCount();
        double[][] p = new double[n][2];
        SplittableRandom random = new SplittableRandom(seed);
        for (double[] xy : p) {
            xy[0] = random.nextDouble();
            xy[1] = random.nextDouble();
        }
        if (n < 2) {
            return p;
        }
        double k = Math.sqrt(1.0 / n);
        double[][] d = new double[n][2];
        for (int it = 0; it < iterations; it++) {
            double temperature = 0.1 * (1 - (double) it / iterations) + 1e-4;
            for (double[] v : d) {
                v[0] = 0;
                v[1] = 0;
            }
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double dx = p[i][0] - p[j][0];
                    double dy = p[i][1] - p[j][1];
                    double dist2 = Math.max(dx * dx + dy * dy, 1e-9);
                    double f = k * k / dist2; // repulsion k²/d, along the unit vector (dx, dy)/d
                    d[i][0] += dx * f;
                    d[i][1] += dy * f;
                    d[j][0] -= dx * f;
                    d[j][1] -= dy * f;
                }
            }
            for (Topology.Link l : t.links()) {
                double dx = p[l.a()][0] - p[l.b()][0];
                double dy = p[l.a()][1] - p[l.b()][1];
                double dist = Math.max(Math.sqrt(dx * dx + dy * dy), 1e-9);
                double f = dist / k; // attraction d²/k, along the unit vector
                d[l.a()][0] -= dx * f;
                d[l.a()][1] -= dy * f;
                d[l.b()][0] += dx * f;
                d[l.b()][1] += dy * f;
            }
            for (int i = 0; i < n; i++) {
                double len = Math.max(Math.sqrt(d[i][0] * d[i][0] + d[i][1] * d[i][1]), 1e-9);
                double step = Math.min(len, temperature);
                p[i][0] += d[i][0] / len * step;
                p[i][1] += d[i][1] / len * step;
            }
        }
        normalise(p);
        return p;
    }

    /** Scales positions into [0, 1]², keeping their aspect. */
    static void normalise(double[][] p) {
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (double[] xy : p) {
            minX = Math.min(minX, xy[0]);
            maxX = Math.max(maxX, xy[0]);
            minY = Math.min(minY, xy[1]);
            maxY = Math.max(maxY, xy[1]);
        }
        double span = Math.max(Math.max(maxX - minX, maxY - minY), 1e-9);
        for (double[] xy : p) {
            xy[0] = (xy[0] - minX) / span;
            xy[1] = (xy[1] - minY) / span;
        }
    }

    /**
     * The SVG: every link as a thin grey line, every node's next hop towards {@code target} as a blue arrow (nodes
     * without a route there in red), the target as a larger green node; node names shown up to 300 nodes.
     */
    public static String render(Topology t, double[][] positions, int target, int[] nextHops) {
        StringBuilder s = new StringBuilder(256 + 120 * (t.links().size() + 2 * t.nodeCount()));
        double full = SIZE + 2 * MARGIN;
        double r = t.nodeCount() > 1000 ? 2.5 : t.nodeCount() > 300 ? 3.5 : 5;
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\""
                + " viewBox=\"0 0 %.0f %.0f\">%n", full, full, full, full));
        s.append("<title>").append(escape(t.name())).append(": routes towards ")
                .append(escape(t.nodeIds().get(target))).append("</title>\n");
        s.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"5\""
                + " markerHeight=\"5\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f5fbf\"/>"
                + "</marker></defs>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<g stroke=\"#c8c8c8\" stroke-width=\"1\">\n");
        for (Topology.Link l : t.links()) {
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>%n",
                    x(positions, l.a()), y(positions, l.a()), x(positions, l.b()), y(positions, l.b())));
        }
        s.append("</g>\n<g stroke=\"#1f5fbf\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\">\n");
        for (int i = 0; i < nextHops.length; i++) {
            int j = nextHops[i];
            if (j >= 0) {
                double x1 = x(positions, i);
                double y1 = y(positions, i);
                double x2 = x(positions, j);
                double y2 = y(positions, j);
                double len = Math.max(Math.hypot(x2 - x1, y2 - y1), 1e-9);
                double back = Math.min(r + 1, len / 2); // the arrow ends at the next hop's edge
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>%n",
                        x1, y1, x2 - (x2 - x1) / len * back, y2 - (y2 - y1) / len * back));
            }
        }
        s.append("</g>\n<g>\n");
        for (int i = 0; i < t.nodeCount(); i++) {
            String fill = i == target ? "#2a9d3a" : nextHops[i] >= 0 ? "#1f5fbf" : "#d03030";
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"><title>%s"
                    + "</title></circle>%n", x(positions, i), y(positions, i), i == target ? 2 * r : r, fill,
                    escape(t.nodeIds().get(i))));
            if (t.nodeCount() <= 300) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" font-family=\"sans-serif\""
                        + " fill=\"#333\">%s</text>%n", x(positions, i) + r + 1, y(positions, i) - r - 1,
                        escape(t.nodeIds().get(i))));
            }
        }
        s.append("</g>\n</svg>\n");
        return s.toString();
    }

    private static double x(double[][] p, int i) {
        return MARGIN + p[i][0] * SIZE;
    }

    private static double y(double[][] p, int i) {
        return MARGIN + p[i][1] * SIZE;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
