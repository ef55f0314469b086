package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.jbabel.xlat.nat64.Nat64Control;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods of the services' state in namespaces (issue 15, docs/ROBUSTNESS.md "Issue 15: the services' state,
 * bounded"): a DHCPDISCOVER storm from random MACs at a DDHCP node, and a NAT64 exit asked for more sessions than it
 * may hold. Each time jbabeld stays up with its memory bounded, its control socket answers, the refusals are
 * counted, and what was established before (a real client's lease, a flow through the exit) keeps working. The
 * random-MAC CLAIM flood of the roaming extension is {@link JbabeldRoamingInputTest}'s.
 */
class JbabeldServiceStormTest {

    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final int DISCOVERS = 100_000;
    /** Peak RSS allowed under a flood: the 64 MiB heap grown to its maximum, and the JVM's own native memory. */
    private static final long PEAK_RSS_KIB = 160 * 1024;
    private static final String METAPREFIX = "fd7a:1:2:3::/64";
    private static final String A4 = "10.255.0.1";
    /** XP(A4)/96 for the /64 metaprefix: the metaprefix, then A4 (docs/XLAT.md decision 2). */
    private static final byte[] EXIT_PREFIX = {(byte) 0xfd, 0x7a, 0, 1, 0, 2, 0, 3, 10, (byte) 255, 0, 1};
    private static final String SERVER = "198.51.100.7";

    @TempDir
    Path dir;

    /**
     * 100,000 DHCPDISCOVERs with random client hardware addresses from a host on the client bridge, next to a real
     * client (busybox udhcpc). The node owns three blocks of 32 (spare leases 80): without a bound the storm's offers
     * would hold every address and keep the node claiming blocks of the range while it lasts.
     */
    @Test
    void aDiscoverStormFromRandomMacsIsBoundedAndARealClientGetsALeaseAfterwards() throws Exception {
        String udhcpc = Lab.tool("udhcpc", "udhcpc");
        try (Lab lab = new Lab(dir)) {
            String node = lab.ns("sn");
            String other = lab.ns("so");
            String storm = lab.ns("sx");
            String client = lab.ns("sc");
            MmfdLab.noDad(lab, node);
            lab.link(node, "bab0", other, "bab1");
            lab.ip(node, "link", "add", "cli", "type", "bridge");
            lab.ip(node, "link", "set", "cli", "up");
            lab.link(node, "px", storm, "eth0");
            lab.link(node, "pc", client, "eth0");
            lab.ip(node, "link", "set", "px", "master", "cli");
            lab.ip(node, "link", "set", "pc", "master", "cli");
            lab.ip(node, "addr", "add", "10.116.224.1/22", "dev", "cli");
            lab.ip(storm, "addr", "add", "10.99.0.2/24", "dev", "eth0");
            lab.ip(storm, "route", "add", "default", "dev", "eth0");
            Lab.Daemon d = lab.jbabeld(node, "n", List.of("-C", "ddhcp client-interface cli range 10.116.224.0/22"
                    + " block-size 32 router 10.116.224.1 lease-time 600", "-C", "ddhcp learning false",
                    "-C", "ddhcp tentative-timeout 3", "-C", "ddhcp spare-leases 80", "bab0"));
            lab.await("three blocks of the node's own", CONVERGE,
                    () -> ownBlocks(Lab.counters(d.socket())) >= 3 ? true : null);

            Lab.inside(storm, () -> {
                SplittableRandom random = new SplittableRandom(15);
                InetSocketAddress servers = new InetSocketAddress(InetAddress.getByName("255.255.255.255"), 67);
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("0.0.0.0", 68))) {
                    s.setBroadcast(true);
                    for (int i = 0; i < DISCOVERS; i++) {
                        byte[] discover = discover(random);
                        s.send(new DatagramPacket(discover, discover.length, servers));
                        if (i % 200 == 199) {
                            Thread.sleep(5); // about 40,000 a second
                        }
                    }
                }
                return null;
            });
            JsonNode after = lab.settledCounters(d, "ddhcp.dhcp.rx.discover", CONVERGE);
            assertThat(Lab.dump(d.socket())).as("dump answered").isNotNull();
            long peak = Lab.peakRssKib(d); // with the control socket's answers
            long offers = after.path("ddhcp.dhcp.tx.offer").asLong();
            long limited = after.path("ddhcp.dhcp.offer_limit").asLong();
            System.out.printf("after %d DISCOVERs: %d received, %d offers, %d refused (offer_limit), %d no free "
                    + "address, own blocks %d, peak RSS %.1f MiB, RSS %.1f MiB%n", DISCOVERS,
                    after.path("ddhcp.dhcp.rx.discover").asLong(), offers, limited,
                    after.path("ddhcp.dhcp.no_free_address").asLong(), ownBlocks(after), peak / 1024.0,
                    Lab.rssKib(d) / 1024.0);
            assertThat(after.path("ddhcp.dhcp.rx.discover").asLong()).as("most of the storm reached the server")
                    .isGreaterThan(DISCOVERS / 10);
            assertThat(limited).as("the storm's DISCOVERs past the bound counted").isGreaterThan(DISCOVERS / 20);
            assertThat(ownBlocks(after)).as("the node's own blocks (demand: 80 spare and 64 offered addresses)")
                    .isLessThanOrEqualTo(6);
            assertThat(peak).as("peak RSS").isLessThan(PEAK_RSS_KIB);
            long lines = Files.readAllLines(d.log()).stream().filter(l -> l.contains("[dhcp.offer_limit ")).count();
            assertThat(lines).as("the refusals logged, at most once every 20 s").isBetween(1L, 3L);

            // the storm's offers end 12 s after they were made: udhcpc, retrying every second, is served then
            Path out = dir.resolve("udhcpc.out");
            Path script = lab.udhcpcRecorder(out);
            int status = lab.exec(client, udhcpc, "-f", "-q", "-n", "-i", "eth0", "-t", "18", "-T", "1", "-s",
                    script.toString());
            assertThat(status).as("udhcpc's exit status; counters %s", Lab.counters(d.socket())).isZero();
            assertThat(Files.readAllLines(out)).anyMatch(l -> l.startsWith("bound: ip=10.116."));
            assertThat(d.process().isAlive()).isTrue();
            lab.stop(d);
        }
    }

    /** A NAT64 exit with {@code nat64 sessions-max 2000} asked for 10,000 UDP flows. */
    @Test
    void aSessionStormStopsAtSessionsMaxAndAnEstablishedFlowKeepsWorking() throws Exception {
        sessionStorm(2_000, 10_000, 200);
    }

    /** The same with the default bound, 65,536 sessions, asked for 70,000 flows. */
    @Test
    void aSessionStormStopsAtTheDefaultSessionsMax() throws Exception {
        sessionStorm(0, 70_000, 100);
    }

    /**
     * An exit E (jbabeld, {@code nat64 exit uplink wan address A4}) with a server S behind its uplink; from E's own
     * address fd00::5 a UDP flow to S's echo server is established through XP(A4)/96, then {@code flows} other flows
     * to distinct IPv4 destinations and ports (203.0.113.0/24, routed to S, which does not forward them) are sent,
     * {@code perBurst} every 5 ms.
     *
     * @param sessionsMax {@code nat64 sessions-max}, 0 for the default
     */
    private void sessionStorm(int sessionsMax, int flows, int perBurst) throws Exception {
        int bound = sessionsMax == 0 ? 65_536 : sessionsMax;
        try (Lab lab = new Lab(dir)) {
            String e = lab.ns("ne");
            String m = lab.ns("nm");
            String s = lab.ns("ns");
            MmfdLab.noDad(lab, e);
            lab.link(e, "m0", m, "m1");
            lab.link(e, "wan", s, "s0");
            lab.ip(e, "addr", "add", "fd00::5/128", "dev", "lo");
            lab.ip(e, "addr", "add", "198.51.100.1/24", "dev", "wan");
            lab.ip(e, "route", "add", "default", "via", SERVER);
            lab.ip(s, "addr", "add", SERVER + "/24", "dev", "s0");
            lab.ip(s, "route", "add", "10.255.0.0/24", "dev", "s0");
            lab.udpEcho(s, "echo", SERVER, 7007);
            List<String> args = new java.util.ArrayList<>(List.of("-C", "nat64 exit uplink wan address " + A4,
                    "-C", "nat64 metaprefix " + METAPREFIX));
            if (sessionsMax != 0) {
                args.addAll(List.of("-C", "nat64 sessions-max " + sessionsMax));
            }
            args.add("m0");
            Lab.Daemon d = lab.jbabeld(e, "e", args);
            lab.await("XP(A4)/96 routed into the exit's device", CONVERGE, () -> {
                try {
                    return lab.ip(e, "-6", "route", "show", "fd7a:1:2:3:aff:1::/96").contains("nat64") ? true : null;
                } catch (Exception x) {
                    return null;
                }
            });

            try (DatagramSocket flow = Lab.inside(e, () -> new DatagramSocket(
                    new InetSocketAddress(InetAddress.getByName("fd00::5"), 40_000)))) {
                InetSocketAddress echo = new InetSocketAddress(through(InetAddress.getByName(SERVER)), 7007);
                flow.setSoTimeout(1_000);
                lab.await("the echo server answering through the exit", CONVERGE,
                        () -> echoed(flow, echo, "before") ? true : null);

                Lab.inside(e, () -> {
                    try (DatagramSocket storm = new DatagramSocket(
                            new InetSocketAddress(InetAddress.getByName("fd00::5"), 0))) {
                        byte[] payload = "storm".getBytes(StandardCharsets.US_ASCII);
                        for (int i = 0; i < flows; i++) {
                            InetAddress d4 = InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) i});
                            storm.send(new DatagramPacket(payload, payload.length,
                                    new InetSocketAddress(through(d4), 1024 + (i >>> 8))));
                            if (i % perBurst == perBurst - 1) {
                                Thread.sleep(5);
                            }
                        }
                    }
                    return null;
                });
                JsonNode after = lab.settledCounters(d, "nat64.sessions_created", CONVERGE);
                JsonNode answer = sessions(d);
                long peak = Lab.peakRssKib(d); // with the control socket's answer
                int listed = answer.path("nat64_sessions").size();
                System.out.printf("after %d flows (sessions-max %d): %d sessions created, %d refused "
                        + "(dropped_sessions_max), %d in the table, %d listed, peak RSS %.1f MiB, RSS %.1f MiB%n", flows, bound,
                        after.path("nat64.sessions_created").asLong(),
                        after.path("nat64.dropped_sessions_max").asLong(), answer.path("sessions").asInt(), listed,
                        peak / 1024.0,
                        Lab.rssKib(d) / 1024.0);
                assertThat(answer.path("sessions").asInt()).as("ctl nat64 sessions --json: the table at its bound")
                        .isEqualTo(bound);
                assertThat(listed).as("the sessions listed: all, or the first %d", Nat64Control.LISTED_MAX)
                        .isEqualTo(Math.min(bound, Nat64Control.LISTED_MAX));
                assertThat(after.path("nat64.dropped_sessions_max").asLong()).as("flows past the bound counted")
                        .isGreaterThan(0);
                assertThat(echoed(flow, echo, "after") || echoed(flow, echo, "after, again"))
                        .as("the flow established before the storm still works").isTrue();
                assertThat(peak).as("peak RSS").isLessThan(PEAK_RSS_KIB);
                assertThat(Lab.dump(d.socket())).as("dump answered").isNotNull();
            }
            assertThat(d.process().isAlive()).isTrue();
            lab.stop(d);
        }
    }

    /** A DHCPDISCOVER (RFC 2131) with a random xid and client hardware address, broadcast flag set. */
    private static byte[] discover(SplittableRandom random) {
        ByteBuffer b = ByteBuffer.allocate(300);
        b.put((byte) 1).put((byte) 1).put((byte) 6).put((byte) 0).putInt(random.nextInt());
        b.putShort((short) 0).putShort((short) 0x8000);
        b.position(28);
        byte[] mac = new byte[6];
        random.nextBytes(mac);
        mac[0] = (byte) (mac[0] & 0xfe); // unicast
        b.put(mac);
        b.position(236);
        b.putInt(0x63825363).put((byte) 53).put((byte) 1).put((byte) 1).put((byte) 255);
        return b.array();
    }

    /** {@code XP(A4) ‖ v4}: where a packet for {@code v4} goes to leave through the exit. */
    private static InetAddress through(InetAddress v4) throws Exception {
        byte[] a = new byte[16];
        System.arraycopy(EXIT_PREFIX, 0, a, 0, 12);
        System.arraycopy(v4.getAddress(), 0, a, 12, 4);
        return InetAddress.getByAddress(a);
    }

    private static boolean echoed(DatagramSocket flow, InetSocketAddress echo, String text) {
        try {
            byte[] b = text.getBytes(StandardCharsets.US_ASCII);
            flow.send(new DatagramPacket(b, b.length, echo));
            byte[] buffer = new byte[2048];
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            flow.receive(p);
            return new String(buffer, 0, p.getLength(), StandardCharsets.US_ASCII).equals(text);
        } catch (SocketTimeoutException x) {
            return false;
        } catch (Exception x) {
            throw new IllegalStateException(x);
        }
    }

    private static long ownBlocks(JsonNode counters) {
        return counters.path("ddhcp.block_taken").asLong() - counters.path("ddhcp.block_released").asLong();
    }

    /** {@code ctl nat64 sessions --json}: the answer's object. */
    private static JsonNode sessions(Lab.Daemon d) throws Exception {
        String out = MmfdLab.ctl(d.socket(), "nat64", "sessions", "--json");
        JsonNode tree = new ObjectMapper().readTree(out.substring(out.indexOf('{')));
        return tree.findParent("sessions_max");
    }
}
