package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad and hostile intercom input to jbabeld's roaming extension from a neighbour (issue 12): malformed datagrams are
 * counted by reason and dropped, and a flood of 100,000 CLAIMs for random MACs leaves the daemon answering, its
 * memory bounded and no client behind.
 */
class JbabeldRoamingInputTest {

    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final int CLAIMS = 100_000;

    @TempDir
    Path dir;

    @Test
    void malformedIntercomIsCountedAndAClaimFloodStaysBounded() throws Exception {
        try (Lab lab = new Lab(dir)) {
            String a = lab.ns("a");
            String x = lab.ns("x");
            lab.link(a, "va", x, "vx");
            lab.ip(a, "link", "add", "br-client", "type", "bridge");
            lab.ip(a, "link", "set", "br-client", "up");
            Lab.Daemon jbabeld = lab.jbabeld(a, "a", List.of("-C", "roaming client-interface br-client "
                    + "client-prefix 2001:db8:c::/64 node-address 2001:db8:a::1", "va"));
            lab.await("jbabeld's roaming extension is up", CONVERGE,
                    () -> log(jbabeld).contains("extensions started: roaming") ? true : null);
            // the extension joins the intercom group once jbabeld's interface is up (a link-local address past
            // DAD), which can be after "extensions started": datagrams sent before that are not delivered
            lab.await("jbabeld joined the intercom group on va", CONVERGE, () -> {
                try {
                    return lab.ip(a, "-6", "maddr", "show", "dev", "va").contains("ff02::5523") ? true : null;
                } catch (Exception e) {
                    return null;
                }
            });
            lab.await("the sender's link-local address past DAD", CONVERGE, () -> {
                try {
                    String addr = lab.ip(x, "-6", "addr", "show", "dev", "vx");
                    return addr.contains("scope link") && !addr.contains("tentative") ? true : null;
                } catch (Exception e) {
                    return null;
                }
            });

            String header = "00ff0100" + "01020304" + "20010db8000000000000000000000099"; // CLAIM, ttl 255
            List<String> malformed = List.of(
                    "00ff01",                                          // shorter than the 24-byte header
                    "01ff0100" + header.substring(8) + "0008001122334455", // version 1
                    header + "0000",                                    // a TLV of length 0
                    header + "0010001122334455",                        // a TLV longer than the datagram
                    header + "0007001122334455",                        // a MAC TLV of the wrong length
                    "00ff0900" + header.substring(8) + "0008001122334455"); // an unknown packet type
            send(x, "vx", malformed.stream().map(HexFormat.of()::parseHex).toList());
            JsonNode counters = lab.await("the malformed datagrams counted", CONVERGE, () -> {
                JsonNode c = Lab.counters(jbabeld.socket());
                long sum = 0;
                for (var it = c.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (name.startsWith("roaming.malformed_")) {
                        sum += c.get(name).asLong();
                    }
                }
                return sum >= malformed.size() ? c : null;
            });
            System.out.println("counters after the malformed datagrams: " + counters);

            SplittableRandom random = new SplittableRandom(7);
            List<byte[]> claims = new java.util.ArrayList<>(CLAIMS);
            for (int i = 0; i < CLAIMS; i++) {
                ByteBuffer b = ByteBuffer.allocate(32);
                b.put((byte) 0).put((byte) 1).put((byte) 1).put((byte) 0).putInt(random.nextInt());
                b.put(HexFormat.of().parseHex("20010db8000000000000000000000099"));
                b.put((byte) 0).put((byte) 8);
                byte[] mac = new byte[6];
                random.nextBytes(mac);
                mac[0] &= (byte) 0xfe;
                b.put(mac);
                claims.add(b.array());
            }
            send(x, "vx", claims);
            JsonNode after = lab.settledCounters(jbabeld, "roaming.claim_received", CONVERGE);
            assertThat(after.path("roaming.claim_received").asLong()).as("most of the flood reached the extension")
                    .isGreaterThan(CLAIMS / 10);
            long rssKib = Lab.rssKib(jbabeld);
            System.out.printf("after %d CLAIMs: %d received, %d unknown, RSS %.1f MiB%n", CLAIMS,
                    after.path("roaming.claim_received").asLong(), after.path("roaming.claim_unknown").asLong(),
                    rssKib / 1024.0);
            assertThat(String.join("\n", Lab.ask(jbabeld.socket(), "roaming clients"))).as("no client from CLAIMs")
                    .doesNotContain("client ");
            assertThat(rssKib).as("memory bounded (jbabeld's 64 MiB heap and its native memory)")
                    .isLessThan(160 * 1024);
            assertThat(jbabeld.process().isAlive()).isTrue();
            lab.stop(jbabeld);
        }
    }

    /** Sends each datagram to [ff02::5523%IF]:5523 from namespace {@code ns}. */
    private static void send(String ns, String ifname, List<byte[]> datagrams) throws Exception {
        Lab.inside(ns, () -> {
            NetworkInterface ni = NetworkInterface.getByName(ifname);
            InetAddress group = Inet6Address.getByAddress(null, InetAddress.getByName("ff02::5523").getAddress(), ni);
            try (DatagramSocket s = new DatagramSocket()) {
                int n = 0;
                for (byte[] d : datagrams) {
                    s.send(new DatagramPacket(d, d.length, group, 5523));
                    if (++n % 500 == 0) {
                        Thread.sleep(5); // about 100,000 per second: within the receive buffer
                    }
                }
            }
            return null;
        });
    }

    private static String log(Lab.Daemon d) {
        try {
            return Files.readString(d.log());
        } catch (Exception e) {
            return "";
        }
    }
}
