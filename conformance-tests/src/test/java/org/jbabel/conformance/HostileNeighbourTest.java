package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jbabeld under attack from a hostile neighbour on one of its links (issue 8): babeld (A, on {@code va}) — jbabeld
 * (B, on {@code vb} and {@code vc}) — attacker (X, on {@code vx}), each in a network namespace. The attacker is
 * {@link RawBabel}: raw Babel packets from {@code fe80::66} (or from many forged link-local addresses), made with
 * our writer or by hand. Each test proves what must hold under one attack, on jbabeld's FIB, on ping across the
 * A–B link, and on jbabeld's control socket and counters; docs/ROBUSTNESS.md lists the attacks and their sizes.
 * Every wait is bounded and derived from the protocol's timers; no test asserts a wall-clock time.
 */
class HostileNeighbourTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    /** Ask the control socket no longer than this; an answer that does not come is a failure. */
    private static final Duration CONTROL = Duration.ofSeconds(60);
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");
    private static final IpAddress ATTACKER = IpAddress.parse("fe80::66");
    /** jbabeld's link-local address on the attacker's link (set by hand, so the attacker's IHUs can name it). */
    private static final IpAddress JBABELD_VC = IpAddress.parse("fe80::b");
    private static final RouterId ATTACKER_ID = new RouterId(0x0266_0000_0000_0066L);
    private static final int HELLO_CS = 50;

    private Lab lab;
    private String a;
    private String b;
    private String x;
    private Lab.Daemon babeld;
    private Lab.Daemon jbabeld;
    private final ScheduledExecutorService attacker = Executors.newSingleThreadScheduledExecutor();
    private final List<RawBabel> senders = new ArrayList<>();

    @BeforeEach
    void network(@TempDir Path dir) throws Exception {
        Lab.tool("babeld", "babeld");
        lab = new Lab(dir);
        a = lab.ns("a");
        b = lab.ns("b");
        x = lab.ns("x");
        lab.link(a, "va", b, "vb");
        lab.link(b, "vc", x, "vx");
        lab.ip(a, "-6", "addr", "add", "2001:db8:a::1/128", "dev", "lo");
        lab.ip(b, "-6", "addr", "add", "2001:db8:b::1/128", "dev", "lo");
        lab.ip(a, "addr", "add", "10.1.0.1/32", "dev", "va");
        lab.ip(b, "addr", "add", "10.1.0.2/32", "dev", "vb");
        lab.ip(b, "addr", "add", "10.2.0.2/32", "dev", "vc");
        lab.ip(x, "addr", "add", "10.2.0.66/32", "dev", "vx");
        // Known link-local addresses on the attacker's link, without DAD: the attacker's IHUs name jbabeld's.
        for (String[] end : new String[][] {{b, "vc", JBABELD_VC.toString()}, {x, "vx", ATTACKER.toString()}}) {
            lab.ip(end[0], "link", "set", end[1], "down");
            lab.ip(end[0], "link", "set", end[1], "addrgenmode", "none");
            lab.ip(end[0], "link", "set", end[1], "up");
            lab.ip(end[0], "-6", "addr", "add", end[2] + "/64", "dev", end[1], "nodad");
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        attacker.shutdownNow();
        attacker.awaitTermination(10, TimeUnit.SECONDS);
        for (RawBabel s : senders) {
            s.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // 1. Route flood

    /**
     * One neighbour, one router-id, 200,000 /128s, sent three times over 5 s (about 2,100 full packets each time)
     * with an update interval of 3 s (hold time 10.5 s). jbabeld must stay up with babeld's route in its FIB and
     * traffic across the A–B link, answer {@code dump} during and after the flood, count what it refuses, and
     * drop every flooded route from its kernel once the attacker falls silent. babeld filters the flood on input
     * so that it stays a fair witness.
     */
    @Test
    void routeFloodFromOneNeighbourLeavesTheRealRoutesTrafficAndControlSocket() throws Exception {
        startBabeld(List.of("-C", "in ip 2001:db8:ff00::/40 deny"));
        startJbabeld();
        awaitConverged();
        RawBabel x1 = sender(List.of(ATTACKER));
        speak(x1, 0, () -> List.of());
        awaitAttackerIsNeighbour();
        long limitsBefore = sum(counters(), HostileNeighbourTest::countsATableLimit);

        int size = 200_000;
        List<byte[]> flood = RawBabel.flood(IpAddress.parse("2001:db8:ff00::"), size, ATTACKER_ID, 1, 0, 300);
        Future<?> floods = attacker.scheduleAtFixedRate(() -> {
            try {
                for (byte[] p : flood) {
                    x1.send(0, p, IpAddress.BABEL_GROUP);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 0, 2500, TimeUnit.MILLISECONDS);
        try {
            lab.await("the flood in jbabeld's FIB", CONVERGE, () -> floodedInKernel(b) > 0 ? true : null);
            for (int round = 0; round < 3; round++) {
                awaitBabeldRoute("during the flood");
                List<String> dump = ask("dump");
                assertThat(dump).as("dump during the flood").last().isEqualTo("ok");
                assertThat(dump).anyMatch(l -> l.contains("prefix 2001:db8:a::1/128 ") && l.contains("installed yes"));
                pingBothWays("during the flood");
            }
        } finally {
            floods.cancel(false);
        }
        assertThat(sum(counters(), HostileNeighbourTest::countsATableLimit)).as("refusals counted by a limit counter")
                .isGreaterThan(limitsBefore);

        attacker.shutdownNow(); // silence: no more Hellos or updates
        // Hold time: 3.5 update intervals (10.5 s) or the neighbour's Hellos missed; the margin covers the kernel's
        // removal of every flooded route on this shared 2-core machine.
        lab.await("the flooded routes gone from jbabeld's FIB", Duration.ofSeconds(11 + 80),
                () -> floodedInKernel(b) == 0 ? true : null);
        assertThat(lab.babelRoutes(b, "-6")).contains("2001:db8:a::1 via fe80:");
        assertThat(ask("dump")).last().isEqualTo("ok");
        pingBothWays("after the flood");
        assertThat(jbabeld.process().isAlive()).isTrue();
    }

    /**
     * The global route cap reached in a running daemon: four neighbours, each flooding 20,000 /128s of its own (more
     * than the per-neighbour cap of 16,220, and together more than the global cap of 64,880 for the 64 MiB heap),
     * while four control clients that never read hold every place of the control socket (two {@code monitor}, two
     * pipelining dumps). jbabeld must stay up with babeld's route in its FIB and traffic across, count its
     * refusals, and, once the stalled clients are gone, answer {@code dump}; the flooded routes leave its FIB when
     * the attackers fall silent. The heap and RSS of the same run are measured by {@code bench/hostile-flood.sh}
     * with {@code ATTACKERS=4 CLIENTS=4} (docs/BENCHMARKS.md).
     */
    @Test
    void floodFromFourNeighboursAtTheGlobalCapWithFourControlClientsThatDoNotRead() throws Exception {
        startBabeld(List.of("-C", "in ip 2001:db8:ff00::/40 deny"));
        startJbabeld();
        awaitConverged();
        List<IpAddress> sources = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            IpAddress s = IpAddress.parse("fe80::" + Integer.toHexString(0x66 + k));
            sources.add(s);
            if (k > 0) {
                lab.ip(x, "-6", "addr", "add", s + "/64", "dev", "vx", "nodad");
            }
        }
        RawBabel xs = sender(sources);
        for (int k = 0; k < 4; k++) {
            speak(xs, k, () -> List.of());
        }
        lab.await("the four attackers as jbabeld's neighbours", CONVERGE, () -> ask("dump").stream()
                .filter(l -> l.startsWith("add neighbour") && l.contains("address fe80::6") && l.endsWith("cost 96"))
                .count() == 4 ? true : null);
        long limitsBefore = sum(counters(), HostileNeighbourTest::countsATableLimit);

        List<java.nio.channels.SocketChannel> stalled = new ArrayList<>();
        for (String requests : List.of("monitor\n", "dump json\n".repeat(50), "monitor json\n", "dump\n".repeat(50))) {
            java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            c.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4096);
            c.connect(java.net.UnixDomainSocketAddress.of(jbabeld.socket()));
            c.write(java.nio.ByteBuffer.wrap(requests.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            stalled.add(c); // never read
        }
        int each = 20_000;
        List<List<byte[]>> floods = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            floods.add(RawBabel.flood(IpAddress.parse("2001:db8:ff0" + k + "::"), each,
                    new RouterId(ATTACKER_ID.value() + k), 1, 0, 300));
        }
        Future<?> flooding = attacker.scheduleAtFixedRate(() -> {
            try {
                for (int k = 0; k < 4; k++) {
                    for (byte[] p : floods.get(k)) {
                        xs.send(k, p, IpAddress.BABEL_GROUP);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 0, 2500, TimeUnit.MILLISECONDS);
        try {
            // the whole cap's worth in the FIB: each neighbour's 16,220, less what babeld's routes take of the cap
            lab.await("the four floods in jbabeld's FIB", Duration.ofSeconds(90),
                    () -> floodedInKernel(b) >= 60_000 ? true : null);
            assertThat(jbabeld.process().isAlive()).isTrue();
            // Once (CI, 2026-12-05) babeld's route was missing at this moment on the loaded 2-core machine, which
            // did not happen again in four runs here, two with the other core busy: it must be back within
            // CONVERGE, and when it is missing, the neighbour's costs as jbabeld sees them are printed, to tell a
            // jbabeld that missed babeld's Hellos (rxcost) from a babeld that missed jbabeld's (txcost); seen again
            // in CI on 2026-12-06 (the costs unreadable then: the stalled clients hold the control socket).
            awaitBabeldRoute("during the flood", false);
            // While a whole cap's worth arrives at once, jbabeld relays it to babeld (which filters it): a ping
            // may be lost in that burst; traffic must flow again while the flood goes on.
            awaitPingBothWays("during the flood");
            assertThat(jbabeld.process().isAlive()).isTrue();
        } finally {
            for (java.nio.channels.SocketChannel c : stalled) {
                c.close();
            }
        }
        try {
            List<String> dump = ask("dump");
            assertThat(dump).as("dump during the flood, the stalled clients gone").last().isEqualTo("ok");
            assertThat(dump.stream().filter(l -> l.startsWith("add route")).count())
                    .as("routes in the dump: no more than the global cap").isLessThanOrEqualTo(64_880);
            Map<String, Long> counters = counters();
            assertThat(sum(counters, HostileNeighbourTest::countsATableLimit)).as("refusals counted")
                    .isGreaterThan(limitsBefore);
            // the flood on vc fills vc's socket, never vb's: babeld's Hellos are not lost behind it
            assertThat(counters).as("what the kernel dropped on jbabeld's socket on babeld's link; vc's: %s",
                    counters.get("socket.kernel_dropped.vc")).containsEntry("socket.kernel_dropped.vb", 0L);
        } finally {
            flooding.cancel(false);
        }
        attacker.shutdownNow();
        lab.await("the flooded routes gone from jbabeld's FIB", Duration.ofSeconds(11 + 80),
                () -> floodedInKernel(b) == 0 ? true : null);
        List<String> log = Files.readAllLines(jbabeld.log());
        assertThat(jbabeld.process().isAlive()).as("jbabeld alive after the flood; its log ends: %s",
                log.subList(Math.max(0, log.size() - 15), log.size())).isTrue();
        lab.await("babeld's route in jbabeld's FIB after the flood", CONVERGE,
                () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:") ? true : null);
        // the retraction of a cap's worth of routes, relayed to babeld, costs babeld a while: traffic flows again
        awaitPingBothWays("after the flood");
    }

    /**
     * Waits, at most {@link #CONVERGE}, until babeld's route is in jbabeld's FIB; each time it is not, prints jbabeld's
     * neighbour lines (with their rxcost and txcost) and its FIB's size, so that a failure says why.
     */
    private void awaitBabeldRoute(String when) throws Exception {
        awaitBabeldRoute(when, true);
    }

    /**
     * As {@link #awaitBabeldRoute(String)}; without {@code canAsk} (stalled clients hold every place of the control
     * socket) only the FIB's size is printed.
     */
    private void awaitBabeldRoute(String when, boolean canAsk) throws Exception {
        lab.await("babeld's route in jbabeld's FIB " + when, CONVERGE, () -> {
            if (lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:")) {
                return true;
            }
            List<String> babeldsView = Lab.dump(babeld.socket());
            System.out.printf("babeld's route not in jbabeld's FIB %s; jbabeld's neighbours: %s; babeld's: %s;"
                    + " flooded routes in jbabeld's FIB: %d; %s%n", when, canAsk ? ask("dump").stream()
                    .filter(l -> l.startsWith("add neighbour")).toList() : "(control socket held by the stalled clients)",
                    babeldsView == null ? "(no answer)" : babeldsView.stream().filter(l -> l.startsWith("add neighbour"))
                    .toList(), floodedInKernel(b), receiveDrops());
            return null;
        });
    }

    /**
     * Ping both ways, retried for {@link #CONVERGE}: traffic flows again after a burst. Each failed try prints which
     * way failed, whether each side has the other's route in its FIB, and babeld's view of its neighbour.
     */
    private void awaitPingBothWays(String when) throws Exception {
        lab.await("ping both ways " + when, CONVERGE, () -> {
            try {
                boolean aToB = lab.exec(a, "ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", "-I", "2001:db8:a::1",
                        "2001:db8:b::1") == 0;
                boolean bToA = aToB && lab.exec(b, "ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", "-I",
                        "2001:db8:b::1", "2001:db8:a::1") == 0;
                if (aToB && bToA) {
                    return true;
                }
                List<String> babeldsView = Lab.dump(babeld.socket());
                System.out.printf("ping %s failed %s; jbabeld alive: %s; route to b at babeld: %s; route to a at"
                                + " jbabeld: %s; babeld's neighbours: %s; %s%n", aToB ? "b to a" : "a to b", when,
                        jbabeld.process().isAlive(), lab.babelRoutes(a, "-6").contains("2001:db8:b::1 via"),
                        lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via"), babeldsView == null ? "(no answer)"
                                : babeldsView.stream().filter(l -> l.startsWith("add neighbour")).toList(),
                        receiveDrops());
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    // ------------------------------------------------------------------------------------------------------
    // 2. Malformed-packet storm

    /**
     * 30,000 bad datagrams from a neighbour: random bytes, valid headers over random bodies, valid packets cut
     * short, with flipped bytes, with broken TLV lengths, and Updates with bad AEs and prefix lengths. Each of the
     * certainly-bad ones (no Babel magic, or cut short) is counted; babeld stays jbabeld's neighbour and its route
     * stays in the FIB.
     */
    @Test
    void malformedPacketStormIsCountedAndTheRealNeighbourAndRouteStay() throws Exception {
        startBabeld(List.of());
        startJbabeld();
        awaitConverged();
        RawBabel x1 = sender(List.of(ATTACKER));
        speak(x1, 0, () -> List.of());
        awaitAttackerIsNeighbour();
        long wireBefore = sum(counters(), n -> n.startsWith("wire."));

        Random random = new Random(8);
        int total = 30_000;
        int certain = 0;
        for (int i = 0; i < total; i++) {
            Storm.Bad bad = Storm.next(random, JBABELD_VC);
            certain += bad.certainlyCounted() ? 1 : 0;
            x1.send(0, bad.bytes(), i % 5 == 0 ? JBABELD_VC : IpAddress.BABEL_GROUP);
            if (i % 500 == 499) {
                Thread.sleep(50); // about 10,000 datagrams a second: the storm, not the socket buffer, is tested
            }
        }
        int expected = certain;
        lab.await("the bad datagrams counted", CONVERGE,
                () -> sum(counters(), n -> n.startsWith("wire.")) >= wireBefore + expected ? true : null);
        List<String> dump = ask("dump");
        assertThat(dump).anyMatch(l -> l.startsWith("add neighbour") && l.contains(" if vb ") && l.contains("cost 96"));
        assertThat(lab.babelRoutes(b, "-6")).contains("2001:db8:a::1 via fe80:");
        pingBothWays("after the storm");
        assertThat(jbabeld.process().isAlive()).isTrue();
    }

    // ------------------------------------------------------------------------------------------------------
    // 3. Spoofed-neighbour flood

    /**
     * 1,200 forged neighbours on the attacker's link (one address each, Hellos and IHUs naming jbabeld every second)
     * fill jbabeld's neighbour table for that link. While they keep coming, babeld starts on the other link and
     * must be accepted as a neighbour with its route, and jbabeld's kernel must not be made to resolve the fakes
     * (its neighbour table holds fewer entries on that link than a tenth of the fakes).
     */
    @Test
    void spoofedNeighbourFloodLeavesRoomForAGenuineNeighbourAndTheKernelsNeighbourTable() throws Exception {
        int fakes = 1_200;
        startJbabeld();
        List<IpAddress> addresses = new ArrayList<>();
        StringBuilder batch = new StringBuilder();
        for (int i = 1; i <= fakes; i++) {
            IpAddress f = IpAddress.v6(0xfe80_0000_0000_0000L, 0x0001_0000_0000_0000L + i);
            addresses.add(f);
            batch.append("addr add ").append(f).append("/64 dev vx nodad\n");
        }
        Path batchFile = lab.dir().resolve("fakes.batch");
        Files.writeString(batchFile, batch);
        Lab.run("ip", "-n", x, "-batch", batchFile.toString());
        RawBabel forged = sender(addresses);
        int[] seqno = {1};
        attacker.scheduleAtFixedRate(() -> {
            try {
                List<Tlv> hi = List.of(RawBabel.hello(seqno[0]++, 100), RawBabel.ihu(JBABELD_VC, 100));
                for (int i = 0; i < forged.sources(); i++) {
                    forged.multicast(i, hi);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 0, 1, TimeUnit.SECONDS);
        // Filled: 500 fakes are neighbours, or a neighbour limit (per interface or overall, however it is sized)
        // refused or evicted some.
        long refusedBefore = sum(counters(), HostileNeighbourTest::countsANeighbourLimit);
        lab.await("jbabeld's neighbour table filled with fakes", CONVERGE, () -> {
            long n = ask("dump").stream().filter(l -> l.startsWith("add neighbour") && l.contains(" if vc ")).count();
            return n >= 500 || sum(counters(), HostileNeighbourTest::countsANeighbourLimit) > refusedBefore ? n : null;
        });
        // Let the fakes run a few Hello intervals more, then bring in a genuine neighbour.
        Thread.sleep(3000);
        startBabeld(List.of());
        awaitConverged();
        assertThat(ask("dump")).anyMatch(l -> l.startsWith("add neighbour") && l.contains(" if vb ")
                && l.contains("cost 96"));
        pingBothWays("during the spoofed-neighbour flood");
        String neigh = lab.ip(b, "-6", "neigh", "show", "dev", "vc");
        long entries = neigh.lines().filter(l -> !l.isBlank()).count();
        assertThat(entries).as("jbabeld's kernel neighbour entries on the attacker's link (%d fakes), first: %s", fakes,
                        neigh.lines().limit(3).toList())
                .isLessThan(fakes / 10);
        assertThat(jbabeld.process().isAlive()).isTrue();
    }

    // ------------------------------------------------------------------------------------------------------
    // 4. Refused next hops

    /**
     * Next hops no kernel accepts or no router may use, each with a prefix of its own. A foreign global address on
     * the link is not among them: Linux installs a route through it (on-link), so it is not a refused route.
     */
    private static final Map<String, String> BAD_NEXT_HOPS = Map.ofEntries(
            Map.entry("2001:db8:e0:1::/64", "::1"),
            Map.entry("2001:db8:e0:2::/64", "ff02::1"),
            Map.entry("2001:db8:e0:3::/64", "::"),
            Map.entry("2001:db8:e0:4::/64", JBABELD_VC.toString()),
            Map.entry("2001:db8:e0:5::/64", "2001:db8:b::1"), // jbabeld's own global address
            Map.entry("198.51.100.7/32", "10.2.0.2"), // jbabeld's own IPv4 address on the link
            Map.entry("198.51.100.1/32", "0.0.0.0"),
            Map.entry("198.51.100.2/32", "127.0.0.1"),
            Map.entry("198.51.100.3/32", "224.0.0.1"),
            Map.entry("198.51.100.4/32", "240.0.0.1"),
            Map.entry("198.51.100.5/32", "255.255.0.3"),
            Map.entry("198.51.100.6/32", "255.255.255.255"));

    /**
     * Updates whose Next Hop TLV names a loopback, multicast, unspecified, one of jbabeld's own (link-local, global,
     * IPv4), a reserved or a broadcast address (written by hand: our writer may refuse them), next to two good routes in the same packets. None of
     * the bad ones may be installed, shown {@code installed yes} or announced to babeld, and counters must say why.
     */
    @Test
    void routesWithForbiddenNextHopsAreNeitherInstalledNorShownInstalledNorAnnounced() throws Exception {
        startBabeld(List.of());
        startJbabeld();
        awaitConverged();
        long whyBefore = sum(counters(), HostileNeighbourTest::saysWhyARouteWasRefused);
        RawBabel x1 = sender(List.of(ATTACKER));
        speak(x1, 0, () -> {
            Hand h = new Hand().routerId(ATTACKER_ID.value());
            BAD_NEXT_HOPS.forEach((prefix, nextHop) -> h.nextHop(IpAddress.parse(nextHop)).update(Prefix.parse(prefix),
                    0, 400));
            h.nextHop(IpAddress.parse("10.2.0.66")).update(Prefix.parse("198.51.100.99/32"), 0, 400);
            h.nextHop(ATTACKER).update(Prefix.parse("2001:db8:e0:ff::/64"), 0, 400);
            return List.of(h.body());
        });
        lab.await("the good routes at babeld", CONVERGE, () -> lab.babelRoutes(a, "-6").contains("2001:db8:e0:ff::/64 via")
                && lab.babelRoutes(a, "-4").contains("198.51.100.99 via") ? true : null);
        // One more update interval of jbabeld (4 s) for anything it would announce after the good routes.
        Thread.sleep(4500);

        List<String> ours = ask("dump");
        List<String> theirs = Lab.ask(babeld.socket(), "dump");
        String ourFib = lab.babelRoutes(b, "-6") + lab.babelRoutes(b, "-4");
        String theirFib = lab.babelRoutes(a, "-6") + lab.babelRoutes(a, "-4");
        List<String> problems = new ArrayList<>();
        for (var e : BAD_NEXT_HOPS.entrySet()) {
            String p = e.getKey();
            String host = p.endsWith("/32") ? p.substring(0, p.length() - 3) : p;
            String via = p + " via " + e.getValue();
            if (ours.stream().anyMatch(l -> l.contains("prefix " + p + " ") && l.contains("installed yes"))) {
                problems.add(via + ": shown installed yes by jbabeld");
            }
            if (ourFib.lines().anyMatch(l -> l.startsWith(host + " "))) {
                problems.add(via + ": in jbabeld's kernel");
            }
            if (theirs.stream().anyMatch(l -> l.contains("prefix " + p + " "))
                    || theirFib.lines().anyMatch(l -> l.startsWith(host + " "))) {
                problems.add(via + ": announced to babeld");
            }
        }
        assertThat(problems).as("routes through forbidden next hops").isEmpty();
        assertThat(sum(counters(), HostileNeighbourTest::saysWhyARouteWasRefused) - whyBefore)
                .as("refusals counted (martian next hop, or the kernel's refusal)").isGreaterThanOrEqualTo(
                        BAD_NEXT_HOPS.size());
        assertThat(jbabeld.process().isAlive()).isTrue();
    }

    /** {@code martian_next_hop}, {@code kernel_refused}, the kernel's {@code fib_add_E...} and the like. */
    private static boolean saysWhyARouteWasRefused(String counter) {
        String n = counter.toLowerCase(Locale.ROOT);
        return n.contains("martian") || n.contains("next_hop") || n.contains("nexthop") || n.contains("fib_add_e")
                || n.contains("refused");
    }

    /** {@code engine.route_limit} (per neighbour), {@code engine.route_table_full} (global) and the like. */
    private static boolean countsATableLimit(String counter) {
        return counter.contains("limit") || counter.contains("table_full");
    }

    /** {@code engine.neighbour_limit}, {@code engine.neighbour_table_full}, {@code engine.neighbour_evicted}. */
    private static boolean countsANeighbourLimit(String counter) {
        return counter.contains("neighbour") && (counter.contains("limit") || counter.contains("full")
                || counter.contains("evict"));
    }

    /** {@code engine.martian_prefix}, {@code wire.v4_mapped_prefix} and the like. */
    private static boolean countsAMartianPrefix(String counter) {
        return counter.contains("martian") || counter.contains("v4_mapped");
    }

    // ------------------------------------------------------------------------------------------------------
    // 5. v4-mapped prefixes

    /**
     * {@code ::ffff:0:0/96}, {@code ::ffff:0.0.0.0/128} (compressed against the first) and {@code ::ffff:10.0.0.0/104}
     * as IPv6 prefixes (AE 2), followed in the same packet by two ordinary prefixes, the second compressed against
     * the first. The v4-mapped ones are refused and counted and never relayed; the ordinary ones reach babeld, which
     * logs no parse failure and no martian route.
     */
    @Test
    void v4MappedPrefixesAreRefusedCountedAndNeverRelayed() throws Exception {
        startBabeld(List.of());
        startJbabeld();
        awaitConverged();
        long martiansBefore = sum(counters(), HostileNeighbourTest::countsAMartianPrefix);
        RawBabel x1 = sender(List.of(ATTACKER));
        byte[] prefixes = new Hand().routerId(ATTACKER_ID.value())
                .rawUpdate(2, 0x80, 96, 0, hex("00000000000000000000ffff"))        // ::ffff:0:0/96
                .rawUpdate(2, 0x80, 128, 12, hex("00000000"))                     // ::ffff:0.0.0.0/128
                .rawUpdate(2, 0x80, 104, 12, hex("0a"))                           // ::ffff:10.0.0.0/104
                .rawUpdate(2, 0x80, 64, 0, hex("20010db800e10001"))               // 2001:db8:e1:1::/64
                .rawUpdate(2, 0x80, 64, 6, hex("0002"))                           // 2001:db8:e1:2::/64
                .body();
        speak(x1, 0, () -> List.of(prefixes));
        boolean relayed = within(CONVERGE, () -> {
            String fib = lab.babelRoutes(a, "-6");
            return fib.contains("2001:db8:e1:1::/64 via") && fib.contains("2001:db8:e1:2::/64 via");
        });
        Thread.sleep(4500); // one more update interval of jbabeld for anything announced after them

        String theirLog = Files.readString(babeld.log());
        assertThat(theirLog.lines().filter(l -> l.contains("Couldn't parse") || l.toLowerCase(Locale.ROOT)
                .contains("martian"))).as("babeld's complaints about what jbabeld sent").isEmpty();
        assertThat(relayed).as("the ordinary prefixes relayed to babeld").isTrue();
        List<String> ours = ask("dump");
        assertThat(ours).as("jbabeld's routes").noneMatch(l -> l.toLowerCase(Locale.ROOT).contains("prefix ::ffff:"));
        assertThat(lab.babelRoutes(b, "-6")).as("jbabeld's FIB").doesNotContain("::ffff:");
        assertThat(Lab.ask(babeld.socket(), "dump")).as("babeld's routes")
                .noneMatch(l -> l.toLowerCase(Locale.ROOT).contains("prefix ::ffff:"));
        assertThat(lab.babelRoutes(a, "-6")).as("babeld's FIB").doesNotContain("::ffff:");
        assertThat(sum(counters(), HostileNeighbourTest::countsAMartianPrefix) - martiansBefore).as("v4-mapped prefixes counted")
                .isGreaterThanOrEqualTo(3);
        assertThat(jbabeld.process().isAlive()).isTrue();
    }

    // ------------------------------------------------------------------------------------------------------
    // 6. Sub-second refreshes

    /**
     * babeld announces 2001:db8:e2::/48 with metric 512 (608 at jbabeld); the attacker, as an ordinary neighbour,
     * announces it with metric 0 (96 at jbabeld), refreshed every 0.5 s. jbabeld must switch to the better route.
     * Bound: with a 4 s half-life, even a smoothed metric that starts at infinity (65,535) is below 608 after
     * 4 × log2((65,535 − 96) / (608 − 96)) ≈ 28 s; 60 s gives margin.
     */
    @Test
    void aBetterRouteRefreshedEveryHalfSecondIsSelected() throws Exception {
        lab.link(a, "stub0", a, "stub1");
        lab.ip(a, "-6", "route", "add", "2001:db8:e2::/48", "dev", "stub0", "proto", "static");
        startBabeld(List.of("-C", "redistribute ip 2001:db8:e2::/48 metric 512"));
        startJbabeld();
        awaitConverged();
        lab.await("babeld's 2001:db8:e2::/48 in jbabeld's FIB", CONVERGE,
                () -> lab.babelRoutes(b, "-6").contains("2001:db8:e2::/48 via fe80:") ? true : null);
        RawBabel x1 = sender(List.of(ATTACKER));
        byte[] better = RawBabel.tlvs(List.of(
                RawBabel.update(Prefix.parse("2001:db8:e2::/48"), ATTACKER_ID, 1, 0, HELLO_CS)));
        speak(x1, 0, () -> List.of(better));
        lab.await("the better route (via the attacker's link) selected", Duration.ofSeconds(60),
                () -> lab.babelRoutes(b, "-6").contains("2001:db8:e2::/48 via " + ATTACKER + " dev vc") ? true : null);
        assertThat(ask("dump")).anyMatch(l -> l.contains("prefix 2001:db8:e2::/48 ") && l.contains("installed yes")
                && l.contains("via " + ATTACKER));
    }

    // ------------------------------------------------------------------------------------------------------
    // The lab

    private void startBabeld(List<String> extra) throws Exception {
        List<String> args = new ArrayList<>(FAST);
        args.addAll(extra);
        args.add("va");
        babeld = lab.babeld(a, "a", args);
    }

    private void startJbabeld() throws Exception {
        List<String> args = new ArrayList<>(FAST);
        args.addAll(List.of("vb", "vc"));
        jbabeld = lab.jbabeld(b, "b", args);
        lab.await("jbabeld's control socket", CONVERGE, () -> Lab.dump(jbabeld.socket()));
    }

    private void awaitConverged() throws Exception {
        lab.await("babeld's route in jbabeld's FIB", CONVERGE,
                () -> lab.babelRoutes(b, "-6").contains("2001:db8:a::1 via fe80:") ? true : null);
        lab.await("jbabeld's route in babeld's FIB", CONVERGE,
                () -> lab.babelRoutes(a, "-6").contains("2001:db8:b::1 via fe80:") ? true : null);
    }

    private RawBabel sender(List<IpAddress> sources) throws Exception {
        RawBabel s = new RawBabel(x, "vx", sources);
        senders.add(s);
        return s;
    }

    /**
     * The attacker as a neighbour: every 0.5 s from source {@code from}, a Hello and an IHU naming jbabeld, then
     * the packet bodies {@code more} gives (TLVs only, appended to the same datagram when they fit).
     */
    private void speak(RawBabel s, int from, java.util.function.Supplier<List<byte[]>> more) {
        int[] seqno = {1};
        attacker.scheduleAtFixedRate(() -> {
            try {
                byte[] hi = RawBabel.WRITER.write(List.of(RawBabel.hello(seqno[0]++, HELLO_CS),
                        RawBabel.ihu(JBABELD_VC, HELLO_CS))).getFirst();
                List<byte[]> bodies = more.get();
                if (bodies.isEmpty()) {
                    s.send(from, hi, IpAddress.BABEL_GROUP);
                }
                for (byte[] body : bodies) {
                    s.send(from, Hand.concat(hi, body), IpAddress.BABEL_GROUP);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 0, HELLO_CS * 10L, TimeUnit.MILLISECONDS);
    }

    private void awaitAttackerIsNeighbour() throws Exception {
        lab.await("the attacker as jbabeld's neighbour", CONVERGE, () -> ask("dump").stream().anyMatch(l ->
                l.startsWith("add neighbour") && l.contains("address " + ATTACKER + " ") && l.endsWith("cost 96"))
                ? true : null);
    }

    private long floodedInKernel(String ns) {
        try {
            return Lab.run("ip", "-n", ns, "-6", "route", "show", "proto", "babel").lines()
                    .filter(l -> l.startsWith("2001:db8:ff")).count();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void pingBothWays(String when) throws Exception {
        assertThat(lab.exec(a, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "-I", "2001:db8:a::1", "2001:db8:b::1"))
                .as("ping6 from babeld's node to jbabeld's, %s", when).isZero();
        assertThat(lab.exec(b, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "-I", "2001:db8:b::1", "2001:db8:a::1"))
                .as("ping6 from jbabeld's node to babeld's, %s", when).isZero();
    }

    /** The control socket's answer to one request (banner first), or a failure if none comes within {@link #CONTROL}. */
    private List<String> ask(String request) {
        ExecutorService t = Executors.newSingleThreadExecutor();
        try {
            Future<List<String>> f = t.submit(() -> Lab.ask(jbabeld.socket(), request));
            return f.get(CONTROL.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail("jbabeld's control socket gave no answer to `%s` within %s", request, CONTROL);
        } catch (Exception e) {
            return fail("jbabeld's control socket failed on `%s`: %s", request, e);
        } finally {
            t.shutdownNow();
        }
    }

    /** Every counter of jbabeld ({@code dump json}'s {@code counters} object). */
    private Map<String, Long> counters() {
        List<String> json = ask("dump json");
        String state = json.get(json.size() - 2);
        int at = state.lastIndexOf("\"counters\"");
        assertThat(at).as("counters in dump json").isPositive();
        try {
            JsonNode c = new ObjectMapper().readTree("{" + state.substring(at));
            Map<String, Long> out = new TreeMap<>();
            c.get("counters").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
            return out;
        } catch (Exception e) {
            return fail("cannot read the counters of dump json: %s", e);
        }
    }

    /**
     * For a failure's message: what the kernel dropped on the Babel sockets of babeld (A) and jbabeld (B), for want
     * of room in their receive buffers, so that a Hello lost there is told from one never sent.
     */
    private String receiveDrops() {
        try {
            return "kernel drops on port 6696: babeld " + lab.udpDrops(a) + ", jbabeld " + lab.udpDrops(b);
        } catch (Exception e) {
            return "kernel drops on port 6696 unknown: " + e;
        }
    }

    private static long sum(Map<String, Long> counters, Predicate<String> names) {
        return counters.entrySet().stream().filter(e -> names.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /** Polls {@code check} every 100 ms for at most {@code limit}; true as soon as it holds. */
    private static boolean within(Duration limit, BooleanSupplier check) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (check.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return check.getAsBoolean();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /**
     * TLVs written by hand, byte by byte, for what our writer refuses or must never produce (forbidden next hops,
     * v4-mapped prefixes in AE 2). {@link #body()} gives the TLVs without a packet header, to append to a packet.
     */
    static final class Hand {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Hand routerId(long id) {
            tlv(Tlv.ROUTER_ID, new byte[] {0, 0, (byte) (id >>> 56), (byte) (id >>> 48), (byte) (id >>> 40),
                    (byte) (id >>> 32), (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
            return this;
        }

        /** A Next Hop TLV: AE 1 for IPv4, AE 3 for fe80::/64, AE 2 otherwise. */
        Hand nextHop(IpAddress a) {
            byte[] addr = a.toBytes();
            int ae = addr.length == 4 ? 1 : a.hi() == 0xfe80_0000_0000_0000L ? 3 : 2;
            byte[] body = ae == 3 ? java.util.Arrays.copyOfRange(addr, 8, 16) : addr;
            tlv(Tlv.NEXT_HOP, join(new byte[] {(byte) ae, 0}, body));
            return this;
        }

        /** An uncompressed update (AE 1 or 2 by family), seqno 1. */
        Hand update(Prefix p, int metric, int intervalCs) {
            byte[] addr = p.address().toBytes();
            return rawUpdate(addr.length == 4 ? 1 : 2, 0, p.length(), 0,
                    java.util.Arrays.copyOf(addr, (p.length() + 7) / 8), metric, intervalCs);
        }

        /** An update with metric 0 and interval 4 s, its fields exactly as given. */
        Hand rawUpdate(int ae, int flags, int plen, int omitted, byte[] prefixBytes) {
            return rawUpdate(ae, flags, plen, omitted, prefixBytes, 0, 400);
        }

        Hand rawUpdate(int ae, int flags, int plen, int omitted, byte[] prefixBytes, int metric, int intervalCs) {
            byte[] head = {(byte) ae, (byte) flags, (byte) plen, (byte) omitted, (byte) (intervalCs >> 8),
                    (byte) intervalCs, 0, 1, (byte) (metric >> 8), (byte) metric};
            tlv(Tlv.UPDATE, join(head, prefixBytes));
            return this;
        }

        byte[] body() {
            return out.toByteArray();
        }

        private void tlv(int type, byte[] body) {
            out.write(type);
            out.write(body.length);
            out.writeBytes(body);
        }

        /** A packet {@code packet} (with header) with {@code body}'s TLVs appended and its body length fixed. */
        static byte[] concat(byte[] packet, byte[] body) {
            byte[] p = join(packet, body);
            int len = p.length - 4;
            p[2] = (byte) (len >> 8);
            p[3] = (byte) len;
            return p;
        }

        static byte[] join(byte[] x, byte[] y) {
            byte[] p = java.util.Arrays.copyOf(x, x.length + y.length);
            System.arraycopy(y, 0, p, x.length, y.length);
            return p;
        }
    }
}
