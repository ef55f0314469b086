package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jbabel.extension.ControlRegistry;
import org.junit.jupiter.api.Test;

class StatusHttpTest {

    private final Fixtures.FakeTarget target = new Fixtures.FakeTarget();
    private final ControlCounters counters = new ControlCounters();

    /** An HTTP response: status line, head fields, body. */
    record Response(String status, String head, String body, ControlProtocol.Close close) {}

    private StatusHttp session() {
        return new StatusHttp(target, counters, () -> ControlProtocol.state(target));
    }

    private Response ask(String request) {
        StatusHttp s = session();
        s.accept(request.getBytes(StandardCharsets.ISO_8859_1));
        return response(s.next());
    }

    private static String bytes(ControlProtocol.Output out) {
        var all = new java.io.ByteArrayOutputStream();
        try {
            assertThat(out.answer().writeTo(all, Integer.MAX_VALUE)).isTrue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private static Response response(ControlProtocol.Output out) {
        String all = bytes(out);
        int end = all.indexOf("\r\n\r\n");
        return new Response(all.substring(0, all.indexOf("\r\n")), all.substring(0, end + 2), all.substring(end + 4),
                out.close());
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: [::1]:33124\r\nUser-Agent: test\r\n\r\n";
    }

    @Test
    void thePageIsServedWithItsLengthAndTheConnectionCloses() {
        Response r = ask(get("/"));
        assertThat(r.status()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(r.head()).contains("Content-Type: text/html; charset=utf-8\r\n", "Connection: close\r\n",
                "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n",
                "Content-Length: " + r.body().getBytes(StandardCharsets.UTF_8).length + "\r\n");
        assertThat(r.body()).contains("<svg", Fixtures.PEER.toString(), "2001:db8:ff::/48");
        assertThat(r.close()).isEqualTo(ControlProtocol.Close.HALF);
    }

    @Test
    void theSvgAndTheStateJsonAreServedAndAQueryIsIgnored() throws Exception {
        assertThat(ask(get("/mesh.svg?x=1")).head()).contains("Content-Type: image/svg+xml");
        StatusPageTest.xml(ask(get("/mesh.svg")).body());
        Response json = ask(get("/state.json"));
        assertThat(json.head()).contains("Content-Type: application/json").doesNotContain("Content-Length");
        JsonNode dump = new ObjectMapper().readTree(json.body());
        assertThat(dump.get("babel-neighbors").get(0).get("babel-neighbor-address").asText())
                .isEqualTo(Fixtures.PEER.toString());
        assertThat(dump.get("counters").has("wire.malformed.bad-magic")).isTrue();
    }

    @Test
    void aRequestArrivingAByteAtATimeIsAnsweredWhenItsHeadIsComplete() {
        StatusHttp s = session();
        byte[] request = ("GET /mesh.svg HTTP/1.0\n\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < request.length - 1; i++) {
            s.accept(new byte[] {request[i]});
            assertThat(s.next()).isNull();
        }
        s.accept(new byte[] {request[request.length - 1]});
        assertThat(response(s.next()).status()).isEqualTo("HTTP/1.1 200 OK");
        s.accept(get("/").getBytes(StandardCharsets.US_ASCII));
        assertThat(s.next()).isNull(); // one request per connection
    }

    @Test
    void headGivesTheHeadAlone() {
        StatusHttp s = session();
        s.accept("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(bytes(s.next())).startsWith("HTTP/1.1 200 OK").endsWith("Connection: close\r\n\r\n");
    }

    @Test
    void malformedRequestsAre400AndCountedAndClose() {
        for (String bad : List.of("GET /\r\n\r\n", "get / HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/2.0\r\n\r\n",
                "GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: localhost\r\n folded: field\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: localhost\r\nX: a\u0001b\r\n\r\n", "\u0000\u00ff\r\n\r\n")) {
            Response r = ask(bad);
            assertThat(r.status()).as(bad).isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(r.close()).isEqualTo(ControlProtocol.Close.HALF);
        }
        assertThat(counters.get(ControlCounters.HTTP_BAD_REQUESTS)).isEqualTo(9);
        assertThat(counters.get(ControlCounters.HTTP_OVERSIZED)).isZero();
    }

    @Test
    void oversizedHeadsAre431Or414AndCounted() {
        String many = "GET / HTTP/1.1\r\nHost: localhost\r\n" + "X: y\r\n".repeat(StatusHttp.MAX_HEADERS) + "\r\n";
        assertThat(ask(many).status()).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
        StatusHttp s = session();
        s.accept("GET / HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(s.next()).isNull();
        s.accept(("Cookie: " + "a".repeat(StatusHttp.MAX_HEAD) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        Response big = response(s.next());
        assertThat(big.status()).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
        assertThat(big.close()).isEqualTo(ControlProtocol.Close.HALF);
        assertThat(ask("GET /" + "a".repeat(StatusHttp.MAX_REQUEST_LINE) + " HTTP/1.1").status())
                .isEqualTo("HTTP/1.1 414 URI Too Long"); // known before the line even ends
        assertThat(counters.get(ControlCounters.HTTP_OVERSIZED)).isEqualTo(3);
        assertThat(counters.get(ControlCounters.HTTP_BAD_REQUESTS)).isEqualTo(3);
    }

    @Test
    void otherMethodsAreRefusedOtherHostsMisdirectedOtherPathsNotFound() {
        Response post = ask("POST /state.json HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nquit");
        assertThat(post.status()).isEqualTo("HTTP/1.1 405 Method Not Allowed");
        assertThat(post.head()).contains("Allow: GET, HEAD\r\n");
        assertThat(ask("GET / HTTP/1.1\r\nHost: rebound.example:33124\r\n\r\n").status())
                .isEqualTo("HTTP/1.1 421 Misdirected Request");
        for (String host : List.of("localhost", "127.0.0.1:80", "[::1]:33124", "[::1]")) {
            assertThat(ask("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status()).as(host)
                    .isEqualTo("HTTP/1.1 200 OK");
        }
        assertThat(ask(get("/favicon.ico")).status()).isEqualTo("HTTP/1.1 404 Not Found");
        assertThat(counters.get(ControlCounters.HTTP_BAD_REQUESTS)).isEqualTo(2);
        assertThat(target.applied).isEmpty();
    }

    @Test
    void theRunningExtensionsReadOnlyCommandsAreShownAndAFailureIsCounted() {
        target.extensions.registry("ddhcp").command("leases", "", args -> new ControlRegistry.Answer("text",
                Map.of("ddhcp_leases", List.of(Map.of("address", "10.0.0.5", "client", "01:02")))));
        target.extensions.registry("nat64").command("sessions", "", args -> {
            throw new IllegalStateException("broken");
        });
        boolean[] changed = {false};
        target.extensions.registry("roaming").changingCommand("clients", "", args -> {
            changed[0] = true;
            return null;
        });
        String page = ask(get("/")).body();
        assertThat(page).contains("<h2>ddhcp leases</h2>", "<td>10.0.0.5</td>", "<h2>nat64 sessions</h2>",
                "internal error").doesNotContain("roaming clients");
        assertThat(changed[0]).isFalse();
        assertThat(counters.get(ControlCounters.INTERNAL_ERRORS)).isEqualTo(1);
    }
}
