package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jbabel.config.MacAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * jbabeld with MAC authentication against the real babeld 1.12.1 and BIRD 2.0.12, each in a network namespace of its
 * own: A runs babeld (or BIRD) on {@code va}, B runs jbabeld on {@code vb}, both with {@code key} statements. With
 * the same key, routes flow both ways into the kernels and traffic passes; with another key, nothing flows either
 * way and jbabeld counts babeld's packets as {@code auth.bad_mac}; a multicast packet of babeld's captured on the
 * link and sent again later is counted as {@code auth.replayed_pc} and the neighbour stays.
 */
class JbabeldAuthenticationTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final String KEY = "6a626162656c2d6d6573682d6b65792d6a626162656c2d6d6573682d6b657921";
    private static final String OTHER_KEY = "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5";
    /** babeld's Hellos every 0.5 s: this many wrong MACs seen by jbabeld means several seconds of both talking. */
    private static final int WRONG_MACS_TO_SEE = 10;
    private static final Pattern LINK_LOCAL = Pattern.compile("inet6 (fe80::[0-9a-f:]+)/64");

    @TempDir
    Path dir;

    private static List<String> args(String ifname, MacAlgorithm algorithm, String keyHex) {
        return List.of("-C", "default hello-interval 0.5 update-interval 4",
                "-C", "key id k type " + algorithm.configName() + " value " + keyHex,
                "-C", "interface " + ifname + " key k", ifname);
    }

    /** The two namespaces, linked, each with an address on its loopback that the other must learn. */
    private record Net(Lab lab, String a, String b) {}

    private Net net(Lab lab) throws Exception {
        String a = lab.ns("a");
        String b = lab.ns("b");
        lab.link(a, "va", b, "vb");
        lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
        lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
        return new Net(lab, a, b);
    }

    private static void awaitRoutesBothWays(Net n) throws Exception {
        n.lab().await("A's route in jbabeld's FIB", CONVERGE,
                () -> n.lab().babelRoutes(n.b(), "-6").contains("2001:db8:a::1 via fe80:") ? true : null);
        n.lab().await("jbabeld's route in A's FIB", CONVERGE,
                () -> route(n.lab(), n.a(), "2001:db8:b::1").contains("via fe80:") ? true : null);
        assertThat(n.lab().ping(n.a(), "-6", "-I", "2001:db8:a::1", "2001:db8:b::1"))
                .as("ping6 from A's loopback to jbabeld's").isZero();
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void withTheSameKeyRoutesFlowBothWaysBetweenBabeldAndJbabeld(MacAlgorithm algorithm) throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            Net n = net(lab);
            lab.babeld(n.a(), "a", args("va", algorithm, KEY));
            Lab.Daemon jbabeld = lab.jbabeld(n.b(), "b", args("vb", algorithm, KEY));
            awaitRoutesBothWays(n);
            Map<String, Long> c = counters(jbabeld.socket());
            assertThat(c.get("auth.signed")).as("our packets signed").isPositive();
            assertThat(c.get("auth.authentic")).as("babeld's packets authentic").isPositive();
            assertThat(c.get("auth.challenge_answered") + c.get("auth.challenge_reply_sent"))
                    .as("a challenge exchange took place").isPositive();
            assertThat(c.get("auth.bad_mac")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void withAnotherKeyNoRouteFlowsEitherWayAndBadMacsAreCounted(MacAlgorithm algorithm) throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            Net n = net(lab);
            Lab.Daemon babeld = lab.babeld(n.a(), "a", args("va", algorithm, KEY));
            Lab.Daemon jbabeld = lab.jbabeld(n.b(), "b", args("vb", algorithm, OTHER_KEY));
            Map<String, Long> c = lab.await(WRONG_MACS_TO_SEE + " of babeld's packets dropped for their MAC", CONVERGE,
                    () -> {
                        Map<String, Long> now = countersOrNull(jbabeld.socket());
                        return now != null && now.getOrDefault("auth.bad_mac", 0L) >= WRONG_MACS_TO_SEE ? now : null;
                    });
            assertThat(c.get("auth.authentic")).as("nothing of babeld's accepted").isZero();
            assertThat(c.get("auth.signed")).as("jbabeld kept sending its Hellos").isPositive();
            assertThat(lab.babelRoutes(n.b(), "-6") + lab.babelRoutes(n.b(), "-4")).as("routes at jbabeld").isEmpty();
            assertThat(lab.babelRoutes(n.a(), "-6") + lab.babelRoutes(n.a(), "-4")).as("routes at babeld").isEmpty();
            assertThat(Lab.dump(babeld.socket())).as("babeld's dump").noneMatch(l -> l.startsWith("add neighbour"));
            assertThat(Lab.dump(jbabeld.socket())).as("jbabeld's dump").noneMatch(l -> l.startsWith("add neighbour"));
        }
    }

    @Test
    void aCapturedPacketOfBabeldsSentAgainLaterIsDroppedAsReplayedAndTheNeighbourStays() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            Net n = net(lab);
            lab.babeld(n.a(), "a", args("va", MacAlgorithm.HMAC_SHA256, KEY));
            Lab.Daemon jbabeld = lab.jbabeld(n.b(), "b", args("vb", MacAlgorithm.HMAC_SHA256, KEY));
            awaitRoutesBothWays(n);
            String babeldAddress = linkLocal(lab, n.a(), "va");
            String captured = capture(n.b(), "vb", babeldAddress);
            Map<String, Long> before = counters(jbabeld.socket());

            int rc = lab.exec(n.a(), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), UdpSend.class.getName(), "va", captured, captured);
            assertThat(rc).isZero();
            Map<String, Long> after = lab.await("the replayed packets counted", CONVERGE, () -> {
                Map<String, Long> c = countersOrNull(jbabeld.socket());
                return c != null && c.get("auth.replayed_pc") >= before.get("auth.replayed_pc") + 2 ? c : null;
            });
            assertThat(after.get("auth.authentic")).as("babeld's own packets still accepted")
                    .isGreaterThanOrEqualTo(before.get("auth.authentic"));
            assertThat(Lab.dump(jbabeld.socket())).anyMatch(l -> l.startsWith("add neighbour")
                    && l.contains("address " + babeldAddress) && l.contains(" if vb "));
            assertThat(lab.babelRoutes(n.b(), "-6")).contains("2001:db8:a::1 via " + babeldAddress);
        }
    }

    @Test
    void aKeyReplacedOnTheControlSocketTakesEffectAndRoutesFlow() throws Exception {
        Lab.tool("babeld", "babeld");
        try (Lab lab = new Lab(dir)) {
            Net n = net(lab);
            lab.babeld(n.a(), "a", args("va", MacAlgorithm.HMAC_SHA256, KEY));
            Lab.Daemon jbabeld = lab.jbabeld(n.b(), "b", args("vb", MacAlgorithm.HMAC_SHA256, OTHER_KEY));
            lab.await("babeld's packets dropped for their MAC", CONVERGE, () -> {
                Map<String, Long> c = countersOrNull(jbabeld.socket());
                return c != null && c.getOrDefault("auth.bad_mac", 0L) >= 2 ? c : null;
            });
            List<String> answer = Lab.ask(jbabeld.socket(), "key id k type hmac-sha256 value " + KEY);
            assertThat(answer.getLast()).isEqualTo("ok");
            awaitRoutesBothWays(n);
            assertThat(counters(jbabeld.socket()).get("auth.authentic")).isPositive();
        }
    }

    /** BIRD's {@code password} is text; jbabeld's key is the hex of the same bytes. */
    @ParameterizedTest
    @EnumSource(MacAlgorithm.class)
    void withBirdsPasswordAsHexRoutesFlowBothWaysBetweenBirdAndJbabeld(MacAlgorithm algorithm) throws Exception {
        Lab.tool("bird", "bird2");
        String password = "jbabel-test-key1";
        try (Lab lab = new Lab(dir)) {
            Net n = net(lab);
            lab.bird(n.a(), "a", """
                    router id 10.0.0.1;
                    protocol device { scan time 1; }
                    protocol direct { ipv6; interface "lo"; }
                    protocol kernel { ipv6 { import none; export where source = RTS_BABEL; }; }
                    protocol babel {
                      interface "va" {
                        type wired; hello interval 1 s; update interval 4 s;
                        authentication mac;
                        password "%s" { algorithm %s; };
                      };
                      ipv6 { import all; export all; };
                    }
                    """.formatted(password, switch (algorithm) {
                        case HMAC_SHA256 -> "hmac sha256";
                        case BLAKE2S128 -> "blake2s128";
                    }));
            lab.jbabeld(n.b(), "b", args("vb", algorithm,
                    HexFormat.of().formatHex(password.getBytes(StandardCharsets.US_ASCII))));
            lab.await("BIRD's route in jbabeld's FIB", CONVERGE,
                    () -> lab.babelRoutes(n.b(), "-6").contains("2001:db8:a::1 via fe80:") ? true : null);
            lab.await("jbabeld's route in BIRD's FIB", CONVERGE,
                    () -> route(lab, n.a(), "2001:db8:b::1").contains("proto bird") ? true : null);
            assertThat(lab.ping(n.a(), "-6", "-I", "2001:db8:a::1", "2001:db8:b::1"))
                    .as("ping6 from BIRD's loopback to jbabeld's").isZero();
        }
    }

    // ------------------------------------------------------------------------------------------------------

    private static String route(Lab lab, String ns, String address) {
        try {
            return lab.ip(ns, "-6", "route", "show", address);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String linkLocal(Lab lab, String ns, String ifname) throws Exception {
        Matcher m = LINK_LOCAL.matcher(lab.ip(ns, "-6", "addr", "show", "dev", ifname, "scope", "link"));
        assertThat(m.find()).as("a link-local address on " + ifname).isTrue();
        return m.group(1);
    }

    /** The UDP payload, in hex, of the next multicast Babel packet from {@code source} seen on the interface. */
    private static String capture(String ns, String ifname, String source) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns, Lab.tool("tshark", "tshark"), "-i", ifname,
                "-c", "1", "-a", "duration:20", "-f", "udp dst port 6696 and ip6 dst ff02::1:6 and ip6 src " + source,
                "-T", "fields", "-e", "udp.payload"));
        Process p = new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip()
                .replace(":", "");
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertThat(out).as("a captured packet of babeld's").matches("2a02[0-9a-f]+");
        return out;
    }

    private static Map<String, Long> counters(Path socket) throws IOException {
        List<String> json = Lab.ask(socket, "dump json");
        JsonNode c = new ObjectMapper().readTree(json.get(json.size() - 2)).get("counters");
        Map<String, Long> out = new TreeMap<>();
        c.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    /** The counters, or null while the control socket is not up yet. */
    private static Map<String, Long> countersOrNull(Path socket) {
        try {
            return socket.toFile().exists() ? counters(socket) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
