package org.jbabel.sim;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads topologies in meshnet-lab's JSON format: {@code {"links":[{"source":..,"target":..,"source_tq":..,
 * "target_tq":..,"type":..}], "nodes":[{"id":..}]}}. Node ids may be strings or numbers (the number 7 and the
 * string "7" name the same node). Rules:
 *
 * <ul>
 *   <li>{@code links} must be present and be an array; each link needs a scalar {@code source} and {@code target};
 *       {@code source_tq}/{@code target_tq} are optional numbers in 0..1 (missing = 1);
 *   <li>{@code nodes} is optional; when present, ids must be unique and every link end must be one of them
 *       (node order is the list's order); when absent, nodes are numbered in order of first appearance;
 *   <li>self-loops and second links between the same pair of nodes are left out and counted
 *       ({@link Topology#selfLoopsIgnored()}, {@link Topology#duplicateLinksIgnored()}); the first link wins.
 * </ul>
 *
 * {@link #load(String)} also takes the generator specs {@code line:N} and {@code grid:WxH} and the names of the
 * topologies bundled as resources ({@link #BUNDLED}).
 */
public final class TopologyLoader {

    /** The topologies shipped in the jar (resources under {@code org/jbabel/sim/topologies/}). */
    public static final List<String> BUNDLED = List.of(
            "freifunk-ulm",
            "freifunk-leipzig",
            "freifunk-bielefeld",
            "freifunk-cologne-bonn-area",
            "grid4-0100",
            "line-0050",
            "rtree-0050");

    /** The topology {@code jbabel sim} runs when none is given. */
    public static final String DEFAULT = "freifunk-ulm";

    private static final Pattern GRID = Pattern.compile("grid:(\\d{1,5})x(\\d{1,5})");
    private static final Pattern LINE = Pattern.compile("line:(\\d{1,6})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TopologyLoader() {}

    /**
     * A generator spec ({@code line:N}, {@code grid:WxH}), a file path, or a bundled name (with or without
     * {@code .json}); an existing file wins over a bundled name.
     */
    public static Topology load(String spec) throws TopologyException {
        Matcher g = GRID.matcher(spec);
        if (g.matches()) {
            return generated(spec, () -> Topology.grid(Integer.parseInt(g.group(1)), Integer.parseInt(g.group(2))));
        }
        Matcher l = LINE.matcher(spec);
        if (l.matches()) {
            return generated(spec, () -> Topology.line(Integer.parseInt(l.group(1))));
        }
        if (spec.startsWith("grid:") || spec.startsWith("line:")) {
            throw new TopologyException("bad generator spec '" + spec + "': use grid:WxH or line:N");
        }
        Path file = Path.of(spec);
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return parse(file.getFileName().toString(), in);
            } catch (IOException e) {
                throw new TopologyException("cannot read " + spec + ": " + e.getMessage(), e);
            }
        }
        String name = spec.endsWith(".json") ? spec.substring(0, spec.length() - 5) : spec;
        if (BUNDLED.contains(name)) {
            return bundled(name);
        }
        throw new TopologyException("no file '" + spec + "' and no bundled topology of that name (bundled: "
                + String.join(", ", BUNDLED) + "; generators: line:N, grid:WxH)");
    }

    /** One of {@link #BUNDLED}. */
    public static Topology bundled(String name) throws TopologyException {
        String resource = "topologies/" + name + ".json";
        try (InputStream in = TopologyLoader.class.getResourceAsStream(resource)) {
            if (in == null || !BUNDLED.contains(name)) {
                throw new TopologyException("no bundled topology '" + name + "' (bundled: " + String.join(", ", BUNDLED) + ")");
            }
            return parse(name, in);
        } catch (IOException e) {
            throw new TopologyException("cannot read bundled topology " + name + ": " + e.getMessage(), e);
        }
    }

    /** Parses meshnet-lab JSON; {@code name} is used in messages and reports. */
    public static Topology parse(String name, InputStream json) throws TopologyException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new TopologyException(name + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TopologyException(name + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new TopologyException(name + ": the top level must be a JSON object with a \"links\" array");
        }
        JsonNode links = root.get("links");
        if (links == null || !links.isArray()) {
            throw new TopologyException(name + ": no \"links\" array");
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        JsonNode nodes = root.get("nodes");
        boolean closed = nodes != null && !nodes.isNull();
        if (closed) {
            if (!nodes.isArray()) {
                throw new TopologyException(name + ": \"nodes\" must be an array");
            }
            for (int i = 0; i < nodes.size(); i++) {
                JsonNode n = nodes.get(i);
                String id = nodeId(n.isObject() ? n.get("id") : n);
                if (id == null) {
                    throw new TopologyException(name + ": nodes[" + i + "] has no string or number \"id\"");
                }
                if (index.putIfAbsent(id, index.size()) != null) {
                    throw new TopologyException(name + ": nodes[" + i + "]: duplicate node id '" + id + "'");
                }
            }
        }
        List<Topology.Link> result = new ArrayList<>(links.size());
        Set<Long> pairs = new HashSet<>();
        int selfLoops = 0;
        int duplicates = 0;
        for (int i = 0; i < links.size(); i++) {
            JsonNode link = links.get(i);
            if (!link.isObject()) {
                throw new TopologyException(name + ": links[" + i + "] is not an object");
            }
            int a = end(name, i, "source", link, index, closed);
            int b = end(name, i, "target", link, index, closed);
            double tqAb = tq(name, i, "source_tq", link);
            double tqBa = tq(name, i, "target_tq", link);
            JsonNode type = link.get("type");
            if (a == b) {
                selfLoops++;
                continue;
            }
            long pair = ((long) Math.min(a, b) << 32) | Math.max(a, b);
            if (!pairs.add(pair)) {
                duplicates++;
                continue;
            }
            result.add(new Topology.Link(a, b, tqAb, tqBa, type != null && type.isTextual() ? type.asText() : null));
        }
        if (index.size() < 2) {
            throw new TopologyException(name + ": a mesh needs at least 2 nodes, this one has " + index.size());
        }
        return new Topology(name, new ArrayList<>(index.keySet()), result, selfLoops, duplicates);
    }

    private static int end(String name, int i, String field, JsonNode link, Map<String, Integer> index, boolean closed)
            throws TopologyException {
        String id = nodeId(link.get(field));
        if (id == null) {
            throw new TopologyException(name + ": links[" + i + "] has no string or number \"" + field + "\"");
        }
        Integer n = index.get(id);
        if (n != null) {
            return n;
        }
        if (closed) {
            throw new TopologyException(
                    name + ": links[" + i + "]." + field + " names node '" + id + "', which is not in \"nodes\"");
        }
        index.put(id, index.size());
        return index.size() - 1;
    }

    private static double tq(String name, int i, String field, JsonNode link) throws TopologyException {
        JsonNode v = link.get(field);
        if (v == null || v.isNull()) {
            return 1.0;
        }
        if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= 1)) {
            throw new TopologyException(name + ": links[" + i + "]." + field + " must be a number in 0..1, not " + v);
        }
        return v.asDouble();
    }

    private static String nodeId(JsonNode n) {
        if (n == null || !(n.isTextual() || n.isNumber())) {
            return null;
        }
        String id = n.asText();
        return id.isEmpty() ? null : id;
    }

    private static Topology generated(String spec, java.util.function.Supplier<Topology> make) throws TopologyException {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new TopologyException(spec + ": " + e.getMessage(), e);
        }
    }
}
