package org.jbabel.sim;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads topologies in meshnet-lab's JSON format: {@code {"links":[{"source":..,"target":..,"source_tq":..,
 * "target_tq":..,"type":..}], "nodes":[{"id":..}]}}. It takes every file that meshnet-lab's own loader
 * ({@code network.py}, {@code _process_json}) takes, and a little more. Rules:
 *
 * <ul>
 *   <li>both {@code links} and {@code nodes} are optional arrays (a missing one is empty), but a mesh needs a node;
 *   <li>a node id is the text of a JSON scalar as Python's {@code str()} spells it: the number 7 and the string
 *       "7" name the same node, {@code true} is "True", {@code null} is "None" (meshnet-lab limits names in
 *       {@code nodes} to {@code [\w-]{1,6}} and names in links to 6 characters because of Linux interface names;
 *       a simulator has no such limit, so any name is taken);
 *   <li>nodes are numbered in the order of the {@code nodes} list, a repeated id naming the same node (meshnet-lab's
 *       Berlin map repeats 216); a link end that is not in the list is a node of its own, numbered after the listed
 *       ones in order of first appearance (as meshnet-lab creates it: its Munich map names one such node);
 *   <li>each link needs a scalar {@code source} and {@code target}; {@code source_tq}/{@code target_tq} are
 *       numbers taken into 0..1 (missing, or not a number, = 1: meshnet-lab does not read them either);
 *   <li>self-loops are left out and counted ({@link Topology#selfLoopsIgnored()}), as meshnet-lab skips them; a
 *       second link between the same pair of nodes replaces the first one's qualities and type, at the first one's
 *       place, as in meshnet-lab, and is counted ({@link Topology#duplicateLinksIgnored()}).
 * </ul>
 *
 * {@link #load(String)} also takes the generator specs {@code line:N}, {@code grid:WxH} and {@code rgg:N[:DEGREE[:SEED]]}
 * (a random geometric mesh, {@link Topology#randomGeometric}; degree 4 and seed 1 when left out) and the names of the
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
    private static final Pattern RGG = Pattern.compile("rgg:(\\d{1,6})(?::(\\d{1,4}(?:\\.\\d{1,6})?))?(?::(\\d{1,18}))?");
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
        Matcher r = RGG.matcher(spec);
        if (r.matches()) {
            return generated(spec, () -> Topology.randomGeometric(Integer.parseInt(r.group(1)),
                    r.group(2) == null ? 4 : Double.parseDouble(r.group(2)),
                    r.group(3) == null ? 1 : Long.parseLong(r.group(3))));
        }
        if (spec.startsWith("grid:") || spec.startsWith("line:") || spec.startsWith("rgg:")) {
            throw new TopologyException("bad generator spec '" + spec + "': use grid:WxH, line:N or rgg:N[:DEGREE[:SEED]]");
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
                + String.join(", ", BUNDLED) + "; generators: line:N, grid:WxH, rgg:N[:DEGREE[:SEED]])");
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
        if (links != null && !links.isNull() && !links.isArray()) {
            throw new TopologyException(name + ": \"links\" must be an array");
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        JsonNode nodes = root.get("nodes");
        if (nodes != null && !nodes.isNull()) {
            if (!nodes.isArray()) {
                throw new TopologyException(name + ": \"nodes\" must be an array");
            }
            for (int i = 0; i < nodes.size(); i++) {
                JsonNode n = nodes.get(i);
                String id = nodeId(n.isObject() ? n.get("id") : n);
                if (id == null) {
                    throw new TopologyException(name + ": nodes[" + i + "] has no scalar \"id\"");
                }
                index.putIfAbsent(id, index.size());
            }
        }
        int count = links == null || links.isNull() ? 0 : links.size();
        List<Topology.Link> result = new ArrayList<>(count);
        Map<Long, Integer> pairs = new HashMap<>();
        int selfLoops = 0;
        int duplicates = 0;
        for (int i = 0; i < count; i++) {
            JsonNode link = links.get(i);
            if (!link.isObject()) {
                throw new TopologyException(name + ": links[" + i + "] is not an object");
            }
            int a = end(name, i, "source", link, index);
            int b = end(name, i, "target", link, index);
            double tqAb = tq(link.get("source_tq"));
            double tqBa = tq(link.get("target_tq"));
            JsonNode typeNode = link.get("type");
            String type = typeNode != null && typeNode.isTextual() ? typeNode.asText() : null;
            if (a == b) {
                selfLoops++;
                continue;
            }
            long pair = ((long) Math.min(a, b) << 32) | Math.max(a, b);
            Integer at = pairs.putIfAbsent(pair, result.size());
            if (at == null) {
                result.add(new Topology.Link(a, b, tqAb, tqBa, type));
            } else {
                duplicates++;
                Topology.Link first = result.get(at);
                // The later link's qualities, each tq kept with its direction as the first link orders the ends.
                result.set(at, first.a() == a
                        ? new Topology.Link(first.a(), first.b(), tqAb, tqBa, type)
                        : new Topology.Link(first.a(), first.b(), tqBa, tqAb, type));
            }
        }
        if (index.isEmpty()) {
            throw new TopologyException(name + ": a mesh needs at least one node, this one has none");
        }
        return new Topology(name, new ArrayList<>(index.keySet()), result, selfLoops, duplicates);
    }

    private static int end(String name, int i, String field, JsonNode link, Map<String, Integer> index)
            throws TopologyException {
        String id = nodeId(link.get(field));
        if (id == null) {
            throw new TopologyException(name + ": links[" + i + "] has no scalar \"" + field + "\"");
        }
        Integer n = index.putIfAbsent(id, index.size());
        return n == null ? index.size() - 1 : n;
    }

    /** A link quality: a number taken into 0..1; 1 (lossless) when missing or not a number. */
    private static double tq(JsonNode v) {
        if (v == null || !v.isNumber() || Double.isNaN(v.asDouble())) {
            return 1.0;
        }
        return Math.clamp(v.asDouble(), 0.0, 1.0);
    }

    /** A node id as Python's {@code str()} spells the JSON scalar (meshnet-lab's rule); null for arrays, objects. */
    private static String nodeId(JsonNode n) {
        if (n == null) {
            return null; // a missing key: meshnet-lab fails too
        }
        if (n.isNull()) {
            return "None";
        }
        if (n.isBoolean()) {
            return n.asBoolean() ? "True" : "False";
        }
        if (n.isTextual() || n.isNumber()) {
            return n.asText();
        }
        return null;
    }

    private static Topology generated(String spec, java.util.function.Supplier<Topology> make) throws TopologyException {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new TopologyException(spec + ": " + e.getMessage(), e);
        }
    }
}
