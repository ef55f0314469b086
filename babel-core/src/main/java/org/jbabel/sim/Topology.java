package org.jbabel.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A mesh to simulate: nodes (by their ids as the topology file names them) and undirected links between them.
 * Loaded by {@link TopologyLoader} or made by the generators {@link #line(int)} and {@link #grid(int, int)}.
 *
 * @param name where it came from (file name, bundled name or generator spec), for reports
 * @param nodeIds the node ids in index order; a node's index is its position here
 * @param links the links, each between two different nodes, at most one per pair of nodes
 * @param selfLoopsIgnored links from a node to itself that the file had and that were left out
 * @param duplicateLinksIgnored second and further links between the same pair of nodes that were left out
 */
public record Topology(
        String name, List<String> nodeIds, List<Link> links, int selfLoopsIgnored, int duplicateLinksIgnored) {

    public Topology {
        nodeIds = List.copyOf(nodeIds);
        links = List.copyOf(links);
        for (Link l : links) {
            if (l.a() < 0 || l.b() < 0 || l.a() >= nodeIds.size() || l.b() >= nodeIds.size() || l.a() == l.b()) {
                throw new IllegalArgumentException("link " + l + " does not join two different nodes of " + name);
            }
        }
    }

    /**
     * An undirected link between the nodes with indices {@code a} and {@code b}.
     *
     * @param tqAtoB link quality (0..1, 1 = no loss) of the direction a → b, from the file's {@code source_tq}
     * @param tqBtoA link quality of the direction b → a, from {@code target_tq}
     * @param type the file's {@code type} hint ({@code wifi}, {@code vpn}, {@code other}) or null
     */
    public record Link(int a, int b, double tqAtoB, double tqBtoA, String type) {
        /** A lossless link without a type hint. */
        public static Link plain(int a, int b) {
            return new Link(a, b, 1.0, 1.0, null);
        }
    }

    /** The largest mesh the generators make (a simulated node costs tens of kilobytes). */
    public static final int MAX_GENERATED_NODES = 100_000;

    public int nodeCount() {
        return nodeIds.size();
    }

    /** For each node, the smallest node index of its connected component (islands converge on their own). */
    int[] components() {
        int n = nodeCount();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (Link l : links) {
            int a = root(parent, l.a());
            int b = root(parent, l.b());
            if (a != b) {
                parent[Math.max(a, b)] = Math.min(a, b);
            }
        }
        for (int i = 0; i < n; i++) {
            parent[i] = root(parent, i);
        }
        return parent;
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** A chain of {@code n} nodes ("0" … "n-1"). */
    public static Topology line(int n) {
        if (n < 2 || n > MAX_GENERATED_NODES) {
            throw new IllegalArgumentException("a line needs 2 to " + MAX_GENERATED_NODES + " nodes, not " + n);
        }
        List<Link> links = new ArrayList<>(n - 1);
        for (int i = 0; i + 1 < n; i++) {
            links.add(Link.plain(i, i + 1));
        }
        return new Topology("line:" + n, numberedIds(n), links, 0, 0);
    }

    /**
     * A {@code width} × {@code height} square lattice: node {@code y * width + x} is linked to its right and lower
     * neighbours, so it has {@code (width-1)·height + width·(height-1)} links.
     */
    public static Topology grid(int width, int height) {
        if (width < 1 || height < 1 || (long) width * height < 2 || (long) width * height > MAX_GENERATED_NODES) {
            throw new IllegalArgumentException(
                    "a grid needs 2 to " + MAX_GENERATED_NODES + " nodes, not " + width + "x" + height);
        }
        List<Link> links = new ArrayList<>(2 * width * height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (x + 1 < width) {
                    links.add(Link.plain(i, i + 1));
                }
                if (y + 1 < height) {
                    links.add(Link.plain(i, i + width));
                }
            }
        }
        return new Topology("grid:" + width + "x" + height, numberedIds(width * height), links, 0, 0);
    }

    /**
     * A random geometric graph: {@code n} points drawn uniformly in the unit square by {@code seed}, two of them
     * linked when closer than {@code r = sqrt(meanDegree / (π n))}, so that a node has about {@code meanDegree}
     * neighbours (fewer at the borders). Such a mesh usually has islands and nodes without links.
     */
    public static Topology randomGeometric(int n, double meanDegree, long seed) {
        if (n < 2 || n > MAX_GENERATED_NODES) {
            throw new IllegalArgumentException("a random mesh needs 2 to " + MAX_GENERATED_NODES + " nodes, not " + n);
        }
        if (!(meanDegree > 0 && meanDegree < n)) {
            throw new IllegalArgumentException("mean degree must be above 0 and below the node count, not " + meanDegree);
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble();
            y[i] = random.nextDouble();
        }
        double r = Math.sqrt(meanDegree / (Math.PI * n));
        int cells = Math.max(1, (int) Math.min(1 / r, 4096));
        List<List<Integer>> grid = new ArrayList<>(cells * cells);
        for (int c = 0; c < cells * cells; c++) {
            grid.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            grid.get(cell(x[i], cells) * cells + cell(y[i], cells)).add(i);
        }
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int cx = cell(x[i], cells);
            int cy = cell(y[i], cells);
            for (int gx = Math.max(0, cx - 1); gx <= Math.min(cells - 1, cx + 1); gx++) {
                for (int gy = Math.max(0, cy - 1); gy <= Math.min(cells - 1, cy + 1); gy++) {
                    for (int j : grid.get(gx * cells + gy)) {
                        double dx = x[i] - x[j];
                        double dy = y[i] - y[j];
                        if (j > i && dx * dx + dy * dy < r * r) {
                            links.add(Link.plain(i, j));
                        }
                    }
                }
            }
        }
        links.sort(java.util.Comparator.comparingInt(Link::a).thenComparingInt(Link::b));
        return new Topology(String.format(java.util.Locale.ROOT, "rgg:%d:%s:%d", n, meanDegree, seed), numberedIds(n),
                links, 0, 0);
    }

    private static int cell(double v, int cells) {
        return Math.min(cells - 1, (int) (v * cells));
    }

    private static List<String> numberedIds(int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(Integer.toString(i));
        }
        return ids;
    }
}
