package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON schema documented in docs/CONTROL.md: field names and values. */
class JsonFormatTest {

    private static JsonNode dump() throws Exception {
        return new ObjectMapper().readTree(Answer.empty().thenJsonDump(Fixtures.full()).lines().getFirst());
    }

    private static List<String> names(JsonNode o) {
        List<String> n = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(n::add);
        return n;
    }

    @Test
    void dumpHasNodeFieldsTablesAndCounters() throws Exception {
        JsonNode d = dump();
        assertThat(names(d)).containsExactly("babel-implementation-version", "host", "babel-self-router-id",
                "babel-interfaces", "babel-neighbors", "xroutes", "babel-routes", "counters");
        assertThat(d.get("babel-implementation-version").asText()).isEqualTo("jbabel-0.1.0");
        assertThat(d.get("host").asText()).isEqualTo("node-b");
    }

    @Test
    void interfaceFields() throws Exception {
        JsonNode i = dump().get("babel-interfaces").get(0);
        assertThat(names(i)).containsExactly("babel-interface-reference", "up", "ipv6", "ipv4");
        assertThat(i.get("up").asBoolean()).isTrue();
        assertThat(i.get("ipv4").asText()).isEqualTo("10.1.0.2");
    }

    @Test
    void neighbourFieldsFollowTheInformationModel() throws Exception {
        JsonNode n = dump().get("babel-neighbors").get(0);
        assertThat(names(n)).containsExactly("id", "babel-neighbor-address", "babel-interface-reference",
                "babel-hello-mcast-history", "babel-hello-ucast-history", "babel-rxcost", "babel-txcost", "rtt-us",
                "rttcost", "babel-cost");
        assertThat(n.get("babel-hello-mcast-history").asText()).isEqualTo("ff80");
        assertThat(n.get("rtt-us").asLong()).isEqualTo(451);
        assertThat(n.get("babel-cost").asInt()).isEqualTo(96);
    }

    @Test
    void xrouteFields() throws Exception {
        JsonNode x = dump().get("xroutes").get(1);
        assertThat(names(x)).containsExactly("id", "prefix", "src-prefix", "metric");
        assertThat(x.get("id").asText()).isEqualTo("2001:db8:b::1/128-::/0");
        assertThat(x.get("src-prefix").asText()).isEqualTo("::/0");
    }

    @Test
    void routeFieldsFollowTheInformationModel() throws Exception {
        JsonNode r = dump().get("babel-routes").get(0);
        assertThat(names(r)).containsExactly("id", "babel-route-prefix", "babel-route-prefix-length", "src-prefix",
                "babel-route-router-id", "babel-route-neighbor", "babel-interface-reference",
                "babel-route-received-metric", "babel-route-calculated-metric", "babel-route-selected");
        assertThat(r.get("babel-route-prefix").asText()).isEqualTo("2001:db8:ff::");
        assertThat(r.get("babel-route-prefix-length").asInt()).isEqualTo(48);
        assertThat(r.get("babel-route-received-metric").asInt()).isEqualTo(128);
        assertThat(r.get("babel-route-calculated-metric").asInt()).isEqualTo(224);
        assertThat(r.get("babel-route-selected").asBoolean()).isTrue();
    }

    @Test
    void eventsNameKindTableAndEntry() throws Exception {
        JsonNode e = new ObjectMapper().readTree(JsonFormat.line(
                JsonFormat.event(new ChangeEvent(ChangeEvent.Kind.FLUSH, Fixtures.XROUTE_V4))));
        assertThat(names(e)).containsExactly("event", "table", "entry");
        assertThat(e.get("event").asText()).isEqualTo("flush");
        assertThat(e.get("table").asText()).isEqualTo("xroute");
        assertThat(e.get("entry").get("prefix").asText()).isEqualTo("10.1.0.2/32");
    }

    @Test
    void theStreamedDumpIsCompactJsonTheSameWhateverTheChunkSize() throws Exception {
        String whole = Answer.empty().thenJsonDump(Fixtures.full()).lines().getFirst();
        ObjectMapper mapper = new ObjectMapper();
        assertThat(whole).as("the compact form jackson gives the same tree")
                .isEqualTo(mapper.writeValueAsString(mapper.readTree(whole)));
        Answer small = Answer.empty().thenJsonDump(Fixtures.full()).thenLines("ok");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int calls = 0;
        while (!small.writeTo(out, 1)) {
            calls++;
        }
        assertThat(calls).as("one entry per call").isGreaterThanOrEqualTo(6);
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(whole + "\nok\n");
    }
}
