package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jbabel.config.RuntimeStatement;
import org.junit.jupiter.api.Test;

class ControlProtocolTest {

    private final Fixtures.FakeTarget target = new Fixtures.FakeTarget();
    private final ControlCounters counters = new ControlCounters();

    private ControlProtocol session(boolean readWrite) {
        return new ControlProtocol(target, readWrite, counters);
    }

    private static ControlProtocol.Output send(ControlProtocol p, String text) {
        return p.receive(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> withOk(List<String> lines) {
        List<String> l = new ArrayList<>(lines);
        l.add("ok");
        return l;
    }

    @Test
    void bannerIsBabelsFollowedByOk() {
        assertThat(session(false).open().lines()).containsExactly(
                "BABEL 1.0", "version jbabel-0.1.0", "host node-b", "my-id 02:00:00:ff:fe:00:00:0b", "ok");
    }

    @Test
    void dumpAnswersAllAddLinesThenOk() {
        assertThat(send(session(false), "dump\n").lines()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
    }

    @Test
    void pipelinedLinesEachGetTheirOwnStatus() {
        ControlProtocol p = session(true);
        ControlProtocol.Output out =
                send(p, "dump-neighbours\nflush interface nosuch\ninterface vb rxcost 100\nflush interface vb\n");
        assertThat(out.lines()).containsExactly("bad", "no No such interface", "ok", "ok");
        assertThat(target.applied).hasSize(3);
        assertThat(target.applied.get(1)).isInstanceOf(RuntimeStatement.AddInterface.class);
        assertThat(counters.get(ControlCounters.BAD_REQUESTS)).isEqualTo(1);
    }

    @Test
    void readOnlySessionsRefuseConfigurationButServeDumps() {
        ControlProtocol p = session(false);
        assertThat(send(p, "interface vb rxcost 100\nflush interface vb\nlink-detect true\n").lines())
                .containsExactly("bad", "bad", "bad");
        assertThat(target.applied).isEmpty();
        assertThat(send(p, "unmonitor\n").lines()).containsExactly("ok");
    }

    @Test
    void filtersAreRefusedAtRunTime() {
        assertThat(send(session(true), "in ip 10.0.0.0/8 deny\n").lines()).containsExactly("bad");
    }

    @Test
    void blankAndCommentLinesAreOk() {
        assertThat(send(session(true), "\n# nothing\n  \r\n").lines()).containsExactly("ok", "ok", "ok");
    }

    @Test
    void carriageReturnBeforeNewlineIsTolerated() {
        assertThat(send(session(false), "dump\r\n").lines()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
    }

    @Test
    void quitGetsNoStatusAndEndsTheSession() {
        ControlProtocol p = session(true);
        ControlProtocol.Output out = send(p, "quit\ndump\n");
        assertThat(out.lines()).isEmpty();
        assertThat(out.close()).isEqualTo(ControlProtocol.Close.HALF);
        assertThat(p.ended()).isTrue();
        assertThat(send(p, "dump\n").lines()).isEmpty();
    }

    @Test
    void answersBeforeQuitAreKept() {
        ControlProtocol.Output out = send(session(true), "frobnicate\nquit\n");
        assertThat(out.lines()).containsExactly("bad");
        assertThat(out.close()).isEqualTo(ControlProtocol.Close.HALF);
    }

    @Test
    void aLineSplitOverSeveralReadsIsAnsweredOnceComplete() {
        ControlProtocol p = session(false);
        assertThat(send(p, "du").lines()).isEmpty();
        assertThat(send(p, "mp").lines()).isEmpty();
        assertThat(send(p, "\n").lines()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
    }

    @Test
    void aLineOf1024BytesWithItsNewlineIsRead() {
        String line = "#" + "x".repeat(1022) + "\n";
        assertThat(line.length()).isEqualTo(1024);
        ControlProtocol.Output out = send(session(false), line);
        assertThat(out.lines()).containsExactly("ok");
        assertThat(out.close()).isEqualTo(ControlProtocol.Close.NONE);
    }

    @Test
    void aLongerLineClosesTheConnection() {
        ControlProtocol p = session(false);
        ControlProtocol.Output out = send(p, "dump\n" + "x".repeat(1024));
        assertThat(out.lines()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
        assertThat(out.close()).isEqualTo(ControlProtocol.Close.FULL);
        assertThat(p.ended()).isTrue();
        assertThat(counters.get(ControlCounters.OVERLONG_LINES)).isEqualTo(1);
    }

    @Test
    void garbageBytesAreAnsweredBadAndTheSessionGoesOn() {
        ControlProtocol p = session(true);
        byte[] invalidUtf8 = {(byte) 0xff, (byte) 0xfe, 'd', 'u', 'm', 'p', '\n'};
        byte[] nuls = {'d', 0, 'u', 'm', 'p', '\n', 0, 0, '\n'};
        byte[] control = {0x1b, '[', 'A', 0x07, '\n', '"', 'a', '\n'};
        assertThat(p.receive(invalidUtf8).lines()).containsExactly("bad");
        assertThat(p.receive(nuls).lines()).containsExactly("bad", "bad");
        assertThat(p.receive(control).lines()).containsExactly("bad", "bad");
        assertThat(send(p, "dump\n").lines()).containsExactlyElementsOf(withOk(Fixtures.DUMP));
        assertThat(counters.get(ControlCounters.INVALID_UTF8)).isEqualTo(1);
        assertThat(counters.get(ControlCounters.BAD_REQUESTS)).isEqualTo(5);
    }

    @Test
    void randomBytesNeverBreakTheSession() {
        java.util.Random random = new java.util.Random(42);
        ControlProtocol p = session(true);
        for (int i = 0; i < 200; i++) {
            byte[] chunk = new byte[1 + random.nextInt(64)];
            random.nextBytes(chunk);
            chunk[chunk.length - 1] = '\n';
            ControlProtocol.Output out = p.receive(chunk);
            assertThat(out.lines()).allMatch(l -> l.equals("ok") || l.equals("bad") || l.startsWith("no"));
            assertThat(out.close()).isEqualTo(ControlProtocol.Close.NONE);
        }
        assertThat(send(p, "\ndump\n").lines()).endsWith("ok");
    }

    @Test
    void targetFailuresAreAnsweredNoCountedAndReportedWithTheException() {
        List<RuntimeException> reported = new ArrayList<>();
        ControlTarget failing = new ControlTarget() {
            @Override
            public StateSnapshot snapshot() {
                return Fixtures.full();
            }

            @Override
            public Result apply(RuntimeStatement statement) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void internalError(String what, RuntimeException error) {
                reported.add(error);
            }
        };
        ControlProtocol p = new ControlProtocol(failing, true, counters);
        assertThat(send(p, "link-detect true\ndump\n").lines().getFirst()).isEqualTo("no internal error");
        assertThat(counters.get(ControlCounters.INTERNAL_ERRORS)).isEqualTo(1);
        assertThat(reported).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
    }

    @Test
    void monitorDumpsThenSendsChangesUntilUnmonitor() {
        ControlProtocol p = session(false);
        target.state = new StateSnapshot(Fixtures.NODE, List.of(Fixtures.VB), List.of(Fixtures.NEIGHBOUR),
                List.of(), List.of(), new TreeMap<>());
        assertThat(send(p, "monitor\n").lines()).containsExactly(
                "add interface vb up true ipv6 fe80::44d6:c7ff:fe78:62e5 ipv4 10.1.0.2", Fixtures.DUMP.get(1), "ok");
        assertThat(p.monitoring()).isTrue();

        StateSnapshot withRoute = new StateSnapshot(Fixtures.NODE, List.of(Fixtures.VB), List.of(Fixtures.NEIGHBOUR),
                List.of(), List.of(Fixtures.ROUTE_V4), new TreeMap<>());
        assertThat(p.refresh(withRoute).lines()).containsExactly(Fixtures.DUMP.get(5));
        assertThat(p.refresh(withRoute).lines()).isEmpty();

        StateSnapshot empty = StateSnapshot.empty(Fixtures.NODE);
        assertThat(p.refresh(empty).lines()).containsExactly(
                Fixtures.DUMP.get(5).replaceFirst("^add", "flush"),
                Fixtures.DUMP.get(1).replaceFirst("^add", "flush"),
                "flush interface vb up true ipv6 fe80::44d6:c7ff:fe78:62e5 ipv4 10.1.0.2");

        assertThat(send(p, "unmonitor\n").lines()).containsExactly("ok");
        assertThat(p.monitoring()).isFalse();
        assertThat(p.refresh(Fixtures.full()).lines()).isEmpty();
    }

    @Test
    void dumpJsonIsOneJsonLineThenOk() throws Exception {
        List<String> lines = send(session(false), "dump json\n").lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).isEqualTo("ok");
        JsonNode dump = new ObjectMapper().readTree(lines.get(0));
        assertThat(dump.get("babel-self-router-id").asText()).isEqualTo("02:00:00:ff:fe:00:00:0b");
        assertThat(dump.get("babel-routes")).hasSize(2);
        assertThat(dump.get("counters").get("wire.malformed.bad-magic").asLong()).isEqualTo(3);
    }

    @Test
    void dumpJsonShowsTheControlSocketsOwnCounters() throws Exception {
        ControlProtocol p = session(false);
        List<String> lines = send(p, "nonsense\ndump json\n").lines();
        JsonNode dump = new ObjectMapper().readTree(lines.get(1));
        assertThat(dump.get("counters").get(ControlCounters.BAD_REQUESTS).asLong()).isEqualTo(1);
    }

    @Test
    void monitorJsonSendsJsonEventLines() throws Exception {
        ControlProtocol p = session(false);
        target.state = StateSnapshot.empty(Fixtures.NODE);
        List<String> start = send(p, "monitor json\n").lines();
        assertThat(start).hasSize(2).last().isEqualTo("ok");
        List<String> events = p.refresh(Fixtures.full()).lines();
        assertThat(events).hasSize(Fixtures.DUMP.size());
        JsonNode first = new ObjectMapper().readTree(events.getFirst());
        assertThat(first.get("event").asText()).isEqualTo("add");
        assertThat(first.get("table").asText()).isEqualTo("interface");
        assertThat(first.get("entry").get("babel-interface-reference").asText()).isEqualTo("vb");
    }
}
