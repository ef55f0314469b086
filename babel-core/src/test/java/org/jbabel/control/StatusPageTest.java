package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class StatusPageTest {

    /** One word (as the dump requires) that would run script if a page printed it as it is. */
    static final String HOSTILE = "<script>alert('x')</script>\"&";
    /** What an extension may show: a DHCP client identifier is any bytes. */
    static final String HOSTILE_VALUE = HOSTILE + " \u0007\u001b[2J";

    static final RouterId C = RouterId.parse("02:00:00:ff:fe:00:00:0c");
    static final IpAddress PEER2 = IpAddress.parse("fe80::2");

    /** Node B of the fixtures with a hostile host and interface name, a second neighbour, and C behind A. */
    static StateSnapshot hostileMesh() {
        NodeInfo node = new NodeInfo("jbabel-0.1.0", HOSTILE, Fixtures.NODE.routerId());
        NeighbourEntry n2 = new NeighbourEntry("02", PEER2, HOSTILE, 0xffff, 0, 96, 96, null, 96);
        RouteEntry behindA = new RouteEntry("r1", Prefix.parse("2001:db8:c::/48"), Prefix.parse("::/0"), true, C, 320,
                224, Fixtures.PEER, "vb");
        RouteEntry notInstalled = new RouteEntry("r2", Prefix.parse("2001:db8:c::/48"), Prefix.parse("::/0"), false,
                C, 400, 304, PEER2, HOSTILE);
        return new StateSnapshot(node, List.of(Fixtures.VB, new InterfaceEntry(HOSTILE, false, null, null)),
                List.of(Fixtures.NEIGHBOUR, n2), List.of(Fixtures.XROUTE_V6),
                List.of(notInstalled, Fixtures.ROUTE_SS, Fixtures.ROUTE_V4, behindA),
                new TreeMap<>(Map.of("wire.malformed.bad-magic", 3L, "zero", 0L)));
    }

    static Document xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void escapingTurnsMarkupIntoTextAndDropsWhatXmlForbids() {
        assertThat(Html.text(HOSTILE_VALUE))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp; ??[2J");
        assertThat(Html.text("a\u0000b\u009bc\ud800d\ud83d\ude00")).isEqualTo("a?b?c?d\ud83d\ude00");
    }

    @Test
    void hostileNamesNeverReachThePageAsMarkup() {
        String page = StatusPage.html(hostileMesh(), List.of(new StatusPage.Look("roaming clients",
                Map.of("clientlist", Map.of(HOSTILE_VALUE, Map.of("ifname", HOSTILE_VALUE))), null)));
        assertThat(page).doesNotContain("<script").doesNotContain("\u0007").doesNotContain("\u001b")
                .contains("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;</h1>")
                .contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp; ??[2J</td>");
    }

    @Test
    void thePictureIsWellFormedSvgWithTheTreeOfTheMesh() throws Exception {
        Document svg = xml(MeshSvg.render(hostileMesh()));
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        List<String> boxes = texts(svg, "g");
        // this node; two neighbours (A is known by its refmetric-0 route); C behind A, its best (installed) route
        assertThat(boxes).hasSize(4);
        assertThat(boxes.get(0)).contains(Fixtures.NODE.routerId().toString()).contains(HOSTILE);
        assertThat(boxes).anySatisfy(b -> assertThat(b).contains("fe80::2%" + HOSTILE));
        assertThat(boxes).anySatisfy(b -> assertThat(b).contains(Fixtures.PEER + "%vb")
                .contains("neighbour " + Fixtures.A));
        assertThat(boxes.get(3)).contains(C.toString()).contains("via " + Fixtures.PEER + "%vb");
        NodeList lines = svg.getElementsByTagName("line");
        assertThat(lines.getLength()).isEqualTo(3); // two links and C's next hop: a tree over four nodes
        assertThat(texts(svg, "text")).contains("metric 320", "cost 96");
    }

    @Test
    void thePageListsNeighboursAndInstalledRoutesFirst() {
        String page = StatusPage.html(hostileMesh(), List.of());
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<meta http-equiv=\"refresh\" content=\"10\">")
                .contains("<svg").contains(Fixtures.PEER.toString()).contains("wire.malformed.bad-magic")
                .doesNotContain(">zero<").doesNotContain("<script").doesNotContain("src=\"http");
        String routes = page.substring(page.indexOf("<table class=\"routes\">"));
        routes = routes.substring(0, routes.indexOf("</table>"));
        assertThat(routes.indexOf("<td>yes</td>")).isLessThan(routes.indexOf("<td>no</td>"));
        assertThat(routes.split("<td>yes</td>", -1)).hasSize(4);
    }

    @Test
    void longTablesAndColumnsAreCut() throws Exception {
        List<RouteEntry> routes = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            routes.add(new RouteEntry(Integer.toHexString(i + 1), Prefix.parse("10.9." + i + ".0/24"),
                    Prefix.parse("0.0.0.0/0"), true, new RouterId(i + 1), 96, 0, IpAddress.parse("fe80::" + (i + 1)),
                    "vb"));
        }
        StateSnapshot s = new StateSnapshot(Fixtures.NODE, List.of(), List.of(), List.of(), routes, new TreeMap<>());
        assertThat(StatusPage.html(s, List.of())).contains("50 more in <a href=\"/state.json\">");
        Document svg = xml(MeshSvg.render(s));
        List<String> boxes = texts(svg, "g");
        assertThat(boxes).hasSize(1 + MeshSvg.MAX_PER_COLUMN);
        assertThat(boxes.getLast()).contains("+211 more neighbours");
    }

    @Test
    void anExtensionsAnswerIsLaidOutAsTables() {
        Map<String, Object> leases = Map.of("ddhcp_leases", List.of(
                Map.of("address", "10.0.0.5", "client", HOSTILE_VALUE), Map.of("address", "10.0.0.6", "client", "c2")));
        String page = StatusPage.html(StateSnapshot.empty(Fixtures.NODE),
                List.of(new StatusPage.Look("ddhcp leases", JsonFormat.plain(leases), null),
                        new StatusPage.Look("nat64 sessions", null, "internal error")));
        assertThat(page).contains("<h2>ddhcp leases</h2>", "<h3>ddhcp_leases</h3>", "<th>address</th>",
                "<td>10.0.0.6</td>", "<h2>nat64 sessions</h2>", "internal error").doesNotContain("<script");
    }

    private static List<String> texts(Document d, String tag) {
        NodeList nodes = d.getElementsByTagName(tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(((Element) nodes.item(i)).getTextContent());
        }
        return out;
    }
}
