package org.jbabel.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The state of a dump as JSON, one object per line. Field names follow the Babel information model (RFC 9046)
 * where it has the field ({@code babel-self-router-id}, {@code babel-neighbor-address}, {@code babel-rxcost},
 * {@code babel-route-received-metric}, ...); fields it does not have use babeld's or OpenWrt's names
 * ({@code src-prefix}, {@code metric}, {@code rttcost}). docs/CONTROL.md is the schema.
 */
public final class JsonFormat {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFormat() {}

    /** A whole snapshot as one JSON object. */
    public static ObjectNode dump(StateSnapshot s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("babel-implementation-version", s.node().version());
        o.put("host", s.node().host());
        o.put("babel-self-router-id", s.node().routerId().toString());
        ArrayNode interfaces = o.putArray("babel-interfaces");
        s.interfaces().forEach(e -> interfaces.add(entry(e)));
        ArrayNode neighbours = o.putArray("babel-neighbors");
        s.neighbours().forEach(e -> neighbours.add(entry(e)));
        ArrayNode xroutes = o.putArray("xroutes");
        s.xroutes().forEach(e -> xroutes.add(entry(e)));
        ArrayNode routes = o.putArray("babel-routes");
        s.routes().forEach(e -> routes.add(entry(e)));
        ObjectNode counters = o.putObject("counters");
        for (Map.Entry<String, Long> c : s.counters().entrySet()) {
            counters.put(c.getKey(), c.getValue());
        }
        return o;
    }

    /**
     * One monitor event: {@code {"event":"add|change|flush","table":"interface|neighbour|xroute|route",
     * "entry":{...}}}.
     */
    public static ObjectNode event(ChangeEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("event", e.kind().word());
        o.put("table", table(e.entry()));
        o.set("entry", entry(e.entry()));
        return o;
    }

    /** The table name of an entry, as in the text lines. */
    public static String table(Entry e) {
        return switch (e) {
            case InterfaceEntry i -> "interface";
            case NeighbourEntry n -> "neighbour";
            case XrouteEntry x -> "xroute";
            case RouteEntry r -> "route";
        };
    }

    /** One entry as a JSON object. */
    public static ObjectNode entry(Entry e) {
        ObjectNode o = MAPPER.createObjectNode();
        switch (e) {
            case InterfaceEntry i -> {
                o.put("babel-interface-reference", i.name());
                o.put("up", i.up());
                if (i.ipv6() != null) {
                    o.put("ipv6", i.ipv6().toString());
                }
                if (i.ipv4() != null) {
                    o.put("ipv4", i.ipv4().toString());
                }
            }
            case NeighbourEntry n -> {
                o.put("id", n.id());
                o.put("babel-neighbor-address", n.address().toString());
                o.put("babel-interface-reference", n.ifname());
                o.put("babel-hello-mcast-history", String.format("%04x", n.reach()));
                o.put("babel-hello-ucast-history", String.format("%04x", n.ureach()));
                o.put("babel-rxcost", n.rxcost());
                o.put("babel-txcost", n.txcost());
                if (n.rtt() != null) {
                    o.put("rtt-us", n.rtt().micros());
                    o.put("rttcost", n.rtt().cost());
                }
                o.put("babel-cost", n.cost());
            }
            case XrouteEntry x -> {
                o.put("id", x.id());
                o.put("prefix", x.prefix().toString());
                o.put("src-prefix", x.source().toString());
                o.put("metric", x.metric());
            }
            case RouteEntry r -> {
                o.put("id", r.id());
                o.put("babel-route-prefix", r.prefix().address().toString());
                o.put("babel-route-prefix-length", r.prefix().length());
                o.put("src-prefix", r.source().toString());
                o.put("babel-route-router-id", r.routerId().toString());
                o.put("babel-route-neighbor", r.via().toString());
                o.put("babel-interface-reference", r.ifname());
                o.put("babel-route-received-metric", r.refmetric());
                o.put("babel-route-calculated-metric", r.metric());
                o.put("babel-route-selected", r.installed());
            }
        }
        return o;
    }

    /** A JSON value as one line of text. */
    public static String line(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
