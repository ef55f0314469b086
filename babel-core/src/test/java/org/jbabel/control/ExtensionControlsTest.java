package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.config.RuntimeStatement;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.extension.ControlRegistry.Item;
import org.junit.jupiter.api.Test;

/** Extensions on the control socket: their sections in dump and monitor (text and JSON), their commands. */
class ExtensionControlsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A daemon stand-in with extension controls. */
    private static final class Target implements ControlTarget {
        StateSnapshot state = Fixtures.full();
        final List<String> errors = new ArrayList<>();
        final ExtensionControls controls = new ExtensionControls((what, e) -> errors.add(what + ": " + e.getMessage()));

        @Override
        public StateSnapshot snapshot() {
            return state;
        }

        @Override
        public Result apply(RuntimeStatement statement) {
            return Result.OK;
        }

        @Override
        public ExtensionControls extensions() {
            return controls;
        }
    }

    private final Target target = new Target();
    private final ControlCounters counters = new ControlCounters();
    /** mmfd's neighbours, by address: what its section shows. */
    private final Map<String, Integer> neighbours = new LinkedHashMap<>();
    private final List<List<String>> calls = new ArrayList<>();

    ExtensionControlsTest() {
        neighbours.put("fe80::1", 3);
        ControlRegistry mmfd = target.controls.registry("mmfd");
        mmfd.section("mmfd-neighbour", () -> neighbours.entrySet().stream()
                .map(e -> new Item(e.getKey(), fields("address", e.getKey(), "if", "eth0", "seen", e.getValue())))
                .toList());
        mmfd.command("neighbours", "the neighbours", args -> {
            calls.add(args);
            if (args.contains("bad")) {
                throw new IllegalArgumentException("no such neighbour 'bad'\nreally");
            }
            if (args.contains("crash")) {
                throw new IllegalStateException("bug");
            }
            StringBuilder text = new StringBuilder();
            neighbours.keySet().forEach(a -> text.append(a).append('\n'));
            return new ControlRegistry.Answer(text.toString(), List.copyOf(neighbours.keySet()));
        });
        mmfd.command("echo", "prints its arguments, one a line", args -> new ControlRegistry.Answer(
                String.join("\n", args), null));
        mmfd.changingCommand("forget", "forgets a neighbour", args -> {
            neighbours.remove(args.getFirst());
            return new ControlRegistry.Answer("", Map.of());
        });
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private ControlProtocol session(boolean readWrite) {
        return new ControlProtocol(target, readWrite, counters);
    }

    private static List<String> send(ControlProtocol p, String text) {
        return p.receive(text.getBytes(StandardCharsets.UTF_8)).lines();
    }

    @Test
    void aSectionFollowsBabelsEntriesInTheTextDump() {
        List<String> expected = new ArrayList<>(Fixtures.DUMP);
        expected.add("add mmfd-neighbour fe80::1 address fe80::1 if eth0 seen 3");
        expected.add("ok");
        assertThat(send(session(false), "dump\n")).containsExactlyElementsOf(expected);
    }

    @Test
    void aSectionIsUnderExtensionsNameAndKindInTheJsonDump() throws Exception {
        neighbours.put("fe80::2", 5);
        target.controls.registry("roaming").section("roaming-client",
                () -> List.of(new Item("02:00:00:00:00:01", fields("addresses", List.of("2001:db8::1"), "ok", true))));
        List<String> lines = send(session(false), "dump json\n");
        assertThat(lines).hasSize(2).last().isEqualTo("ok");
        JsonNode dump = JSON.readTree(lines.getFirst());
        assertThat(dump.get("babel-routes")).hasSize(2);
        JsonNode mmfd = dump.get("extensions").get("mmfd").get("mmfd-neighbour");
        assertThat(mmfd).hasSize(2);
        assertThat(mmfd.get(0).toString())
                .isEqualTo("{\"id\":\"fe80::1\",\"address\":\"fe80::1\",\"if\":\"eth0\",\"seen\":3}");
        assertThat(mmfd.get(1).get("seen").asInt()).isEqualTo(5);
        assertThat(dump.get("extensions").get("roaming").get("roaming-client").get(0).toString())
                .isEqualTo("{\"id\":\"02:00:00:00:00:01\",\"addresses\":[\"2001:db8::1\"],\"ok\":true}");
        assertThat(dump.get("counters").get("wire.malformed.bad-magic").asLong()).isEqualTo(3);
    }

    @Test
    void theJsonDumpWithExtensionsIsTheSameWhenWrittenInTinyChunks() throws Exception {
        for (int i = 0; i < 50; i++) {
            neighbours.put("fe80::" + Integer.toHexString(i + 2), i);
        }
        target.controls.registry("roaming").section("roaming-client",
                () -> List.of(new Item("c1", fields("a", 1)), new Item("c2", fields("a", 2))));
        String whole = String.join("\n", send(session(false), "dump json\n"));
        ControlProtocol p = session(false);
        p.accept("dump json\n".getBytes(StandardCharsets.UTF_8));
        Answer answer = p.next().answer();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int chunks = 0;
        while (!answer.writeTo(out, 1)) {
            chunks++;
        }
        assertThat(chunks).isGreaterThan(50);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(whole + "\n");
        JSON.readTree(whole.substring(0, whole.lastIndexOf('\n')));
    }

    @Test
    void monitorShowsAddChangeAndFlushOfSectionObjects() {
        ControlProtocol p = session(false);
        assertThat(send(p, "monitor\n")).contains("add mmfd-neighbour fe80::1 address fe80::1 if eth0 seen 3");
        neighbours.put("fe80::1", 4);
        neighbours.put("fe80::2", 1);
        assertThat(p.refresh(ControlProtocol.state(target)).lines()).containsExactly(
                "change mmfd-neighbour fe80::1 address fe80::1 if eth0 seen 4",
                "add mmfd-neighbour fe80::2 address fe80::2 if eth0 seen 1");
        assertThat(p.refresh(ControlProtocol.state(target)).lines()).isEmpty();
        neighbours.remove("fe80::1");
        assertThat(p.refresh(ControlProtocol.state(target)).lines()).containsExactly(
                "flush mmfd-neighbour fe80::1 address fe80::1 if eth0 seen 4");
        target.controls.remove("mmfd");
        assertThat(p.refresh(ControlProtocol.state(target)).lines()).containsExactly(
                "flush mmfd-neighbour fe80::2 address fe80::2 if eth0 seen 1");
    }

    @Test
    void monitorJsonEventsNameTheExtensionAndTheSection() throws Exception {
        ControlProtocol p = session(false);
        send(p, "monitor json\n");
        neighbours.put("fe80::1", 9);
        List<String> events = p.refresh(ControlProtocol.state(target)).lines();
        assertThat(events).hasSize(1);
        assertThat(JSON.readTree(events.getFirst()).toString()).isEqualTo("{\"event\":\"change\","
                + "\"table\":\"mmfd-neighbour\",\"extension\":\"mmfd\",\"entry\":{\"id\":\"fe80::1\","
                + "\"address\":\"fe80::1\",\"if\":\"eth0\",\"seen\":9}}");
    }

    @Test
    void aSnapshotKeepsItsValuesWhenTheExtensionChangesItsOwnLists() {
        List<String> addresses = new ArrayList<>(List.of("2001:db8::1"));
        target.controls.registry("roaming").section("roaming-client",
                () -> List.of(new Item("c1", fields("addresses", addresses, "none", null))));
        ControlProtocol p = session(false);
        assertThat(send(p, "monitor\n")).contains("add roaming-client c1 addresses 2001:db8::1");
        addresses.add("2001:db8::2");
        assertThat(p.refresh(ControlProtocol.state(target)).lines())
                .containsExactly("change roaming-client c1 addresses 2001:db8::1,2001:db8::2");
    }

    @Test
    void textValuesAreSingleWords() {
        ExtensionEntry e = new ExtensionEntry("x", "x-thing", "t1",
                fields("name", "two words\nand a line", "empty", "", "map", Map.of("k", 1)));
        assertThat(BabeldText.format(new ChangeEvent(ChangeEvent.Kind.ADD, e)))
                .isEqualTo("add x-thing t1 name two_words_and_a_line empty - map k=1");
        assertThatThrownBy(() -> new ExtensionEntry("x", "x-thing", "two words", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExtensionEntry("x", "x-thing", "t", Map.of("id", 1)))
                .hasMessageContaining("'id'");
    }

    @Test
    void aFailingSectionIsLeftOutCountedAndReportedAndTheDumpGoesOn() {
        target.controls.registry("roaming").section("roaming-client", () -> {
            throw new IllegalStateException("broken");
        });
        target.controls.registry("roaming").section("roaming-odd", () -> List.of(new Item("bad id", Map.of()),
                new Item("good", Map.of())));
        List<String> lines = send(session(false), "dump\n");
        assertThat(lines).contains("add mmfd-neighbour fe80::1 address fe80::1 if eth0 seen 3", "add roaming-odd good")
                .last().isEqualTo("ok");
        assertThat(target.controls.sectionErrors()).isEqualTo(2);
        assertThat(target.errors).hasSize(2).first().asString().startsWith("roaming section roaming-client: broken");
    }

    @Test
    void aCommandAnswersWithItsTextThenOk() {
        assertThat(send(session(false), "mmfd neighbours\n")).containsExactly("fe80::1", "ok");
        assertThat(send(session(false), "mmfd echo a  b\tc\n")).containsExactly("a", "b", "c", "ok");
        assertThat(calls).containsExactly(List.of());
    }

    @Test
    void aCommandAnswersWithJsonWhenTheLineEndsInJson() throws Exception {
        neighbours.put("fe80::2", 1);
        List<String> lines = send(session(false), "mmfd neighbours json\n");
        assertThat(lines).hasSize(2).last().isEqualTo("ok");
        assertThat(JSON.readTree(lines.getFirst()).toString()).isEqualTo("[\"fe80::1\",\"fe80::2\"]");
        assertThat(send(session(false), "mmfd echo x json\n"))
                .containsExactly("no 'mmfd echo' has no JSON answer");
    }

    @Test
    void aLongJsonAnswerIsStreamedAnElementAtATime() throws Exception {
        for (int i = 0; i < 100; i++) {
            neighbours.put("fe80::" + Integer.toHexString(i + 2), i);
        }
        ControlProtocol p = session(false);
        p.accept("mmfd neighbours json\n".getBytes(StandardCharsets.UTF_8));
        Answer answer = p.next().answer();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int chunks = 0;
        while (!answer.writeTo(out, 1)) {
            chunks++;
        }
        assertThat(chunks).isGreaterThanOrEqualTo(100);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines[0])).hasSize(101);
        assertThat(lines[1]).isEqualTo("ok");
    }

    @Test
    void argumentsReachTheHandlerAndItsRefusalIsNoWithItsMessage() {
        assertThat(send(session(false), "mmfd neighbours bad\n"))
                .containsExactly("no no such neighbour 'bad' really");
        assertThat(calls).containsExactly(List.of("bad"));
    }

    @Test
    void aCrashingCommandIsAnInternalErrorNotACrash() {
        ControlProtocol p = session(false);
        assertThat(send(p, "mmfd neighbours crash\nmmfd neighbours\n"))
                .containsExactly("no internal error", "fe80::1", "ok");
        assertThat(counters.get(ControlCounters.INTERNAL_ERRORS)).isEqualTo(1);
        assertThat(target.errors).containsExactly("mmfd command neighbours: bug");
    }

    @Test
    void unknownCommandsAndExtensionsThatAreNotRunningAreRefused() {
        assertThat(send(session(true), "mmfd frobnicate\nddhcp blocks\nfrobnicate\n")).containsExactly(
                "no unknown command 'frobnicate' of mmfd (try 'mmfd help')",
                "no extension 'ddhcp' is not running",
                "bad");
    }

    @Test
    void helpListsTheCommands() throws Exception {
        assertThat(send(session(false), "mmfd\n")).containsExactly(
                "help: lists the commands of mmfd",
                "neighbours: the neighbours",
                "echo: prints its arguments, one a line",
                "forget (read-write): forgets a neighbour",
                "ok");
        List<String> json = send(session(false), "mmfd help json\n");
        assertThat(JSON.readTree(json.getFirst()).get("forget").get("read-write").asBoolean()).isTrue();
    }

    @Test
    void aChangingCommandNeedsAReadWriteSocket() {
        assertThat(send(session(false), "mmfd forget fe80::1\n"))
                .containsExactly("no 'mmfd forget' is not allowed on a read-only control socket");
        assertThat(neighbours).containsKey("fe80::1");
        assertThat(send(session(true), "mmfd forget fe80::1\n")).containsExactly("ok");
        assertThat(neighbours).isEmpty();
    }

    @Test
    void textThatLooksLikeAStatusLineCannotEndTheAnswerEarly() {
        assertThat(send(session(false), "mmfd echo ok no bad x\n")).containsExactly(" ok", " no", " bad", "x", "ok");
    }

    @Test
    void registrationsAreChecked() {
        ControlRegistry roaming = target.controls.registry("roaming");
        assertThatThrownBy(() -> roaming.section("mmfd-neighbour", List::of)).hasMessageContaining("mmfd");
        assertThatThrownBy(() -> roaming.section("route", List::of)).hasMessageContaining("Babel");
        assertThatThrownBy(() -> roaming.section("two words", List::of)).isInstanceOf(IllegalArgumentException.class);
        roaming.command("clients", "", a -> null);
        assertThatThrownBy(() -> roaming.command("clients", "", a -> null)).hasMessageContaining("already");
        assertThatThrownBy(() -> roaming.command("help", "", a -> null)).hasMessageContaining("already");
        assertThatThrownBy(() -> roaming.command("json", "", a -> null)).hasMessageContaining("already");
        assertThat(send(session(false), "roaming clients\n")).containsExactly("ok");
    }

    @Test
    void aTargetWithoutExtensionsDumpsAsBefore() {
        ControlProtocol p = new ControlProtocol(new Fixtures.FakeTarget(), false, counters);
        List<String> expected = new ArrayList<>(Fixtures.DUMP);
        expected.add("ok");
        assertThat(send(p, "dump\n")).containsExactlyElementsOf(expected);
        assertThat(send(p, "mmfd neighbours\n")).containsExactly("no extension 'mmfd' is not running");
    }
}
