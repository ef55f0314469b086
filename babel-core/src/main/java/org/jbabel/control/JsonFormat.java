package org.jbabel.control;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of a dump as JSON, one object per line ({@code dump json} is written by {@link Answer}, streamed).
 * Field names follow the Babel information model (RFC 9046) where it has the field ({@code babel-self-router-id}, {@code babel-neighbor-address}, {@code babel-rxcost},
 * {@code babel-route-received-metric}, ...); fields it does not have use babeld's or OpenWrt's names
 * ({@code src-prefix}, {@code metric}, {@code rttcost}). docs/CONTROL.md is the schema.
 */
public final class JsonFormat {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFormat() {}

    /**
     * A generator of compact JSON in UTF-8 onto {@code out}, as {@link #line} writes it; {@link Answer} writes a
     * whole dump through one, an entry at a time (the shape: docs/CONTROL.md).
     */
    static JsonGenerator generator(OutputStream out) throws IOException {
        return MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
    }

    /** Writes one entry as a JSON object (the same bytes as {@link #entry} on a line of its own). */
    static void writeEntry(JsonGenerator gen, Entry e) throws IOException {
        MAPPER.writeTree(gen, entry(e));
    }

    /**
     * One monitor event: {@code {"event":"add|change|flush","table":"interface|neighbour|xroute|route",
     * "entry":{...}}}; for an extension's object the table is the section's kind and {@code "extension":NAME}
     * comes before the entry.
     */
    public static ObjectNode event(ChangeEvent e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("event", e.kind().word());
        o.put("table", table(e.entry()));
        if (e.entry() instanceof ExtensionEntry x) {
            o.put("extension", x.extension());
        }
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
            case ExtensionEntry x -> x.kind();
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
            case ExtensionEntry x -> {
                o.put("id", x.id());
                x.fields().forEach((k, v) -> o.set(k, MAPPER.valueToTree(v)));
            }
        }
        return o;
    }

    /**
     * An immutable copy of a value for JSON: strings, booleans, integers (as Integer or Long) and floating-point
     * numbers (as Double) are kept, other numbers become strings, iterables and maps are copied (keys as strings,
     * elements likewise), anything else becomes its {@code toString()}.
     */
    static Object plain(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Byte b -> b.intValue();
            case Short s -> s.intValue();
            case Integer i -> i;
            case Long l -> l;
            case Float f -> f.doubleValue();
            case Double d -> d;
            case Number n -> n.toString();
            case com.fasterxml.jackson.databind.JsonNode n -> n.deepCopy();
            case Object[] array -> plain(java.util.Arrays.asList(array));
            case Iterable<?> list -> {
                List<Object> copy = new ArrayList<>();
                list.forEach(e -> copy.add(plain(e)));
                yield Collections.unmodifiableList(copy);
            }
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                map.forEach((k, e) -> copy.put(String.valueOf(k), plain(e)));
                yield Collections.unmodifiableMap(copy);
            }
            default -> v.toString();
        };
    }

    /** As {@link #plain}, with a jackson tree turned into maps, lists and scalars too. */
    static Object plainTree(Object v) {
        return v instanceof com.fasterxml.jackson.databind.JsonNode n ? plain(MAPPER.convertValue(n, Object.class))
                : plain(v);
    }

    /** Writes a value made of maps, lists, strings, numbers and booleans (anything else as its string). */
    static void writeValue(JsonGenerator gen, Object value) throws IOException {
        switch (value) {
            case null -> gen.writeNull();
            case String s -> gen.writeString(s);
            case Boolean b -> gen.writeBoolean(b);
            case Integer i -> gen.writeNumber(i);
            case Long l -> gen.writeNumber(l);
            case Short i -> gen.writeNumber(i);
            case Byte i -> gen.writeNumber(i);
            case Double d -> gen.writeNumber(d);
            case Float f -> gen.writeNumber(f);
            case java.math.BigInteger i -> gen.writeNumber(i);
            case java.math.BigDecimal d -> gen.writeNumber(d);
            case Number n -> gen.writeString(n.toString());
            case com.fasterxml.jackson.databind.JsonNode n -> MAPPER.writeTree(gen, n);
            case Iterable<?> list -> {
                gen.writeStartArray();
                for (Object e : list) {
                    writeValue(gen, e);
                }
                gen.writeEndArray();
            }
            case java.util.Map<?, ?> map -> {
                gen.writeStartObject();
                for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                    gen.writeFieldName(String.valueOf(e.getKey()));
                    writeValue(gen, e.getValue());
                }
                gen.writeEndObject();
            }
            default -> gen.writeString(value.toString());
        }
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
