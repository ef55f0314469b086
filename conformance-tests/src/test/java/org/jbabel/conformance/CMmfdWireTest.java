package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.jbabel.conformance.MmfdLab.Proc;
import org.jbabel.conformance.MmfdLab.Recv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What jbabel's mmfd assumes about the C mmfd's wire format, checked against the C mmfd itself before any jbabel code
 * talks to it: node C runs the C mmfd on vc1 and vc2; two probes J1 and J2 (plain UDP sockets in their own
 * namespaces, at the other ends) play mmfd neighbours by hand, and a third probe listens on C's mmfd0 for
 * {@code ff05::2:1001} port 1001 and sends into it. Proves: HELLO is 8 bytes to [ff02::6a8b]:27275; an 8-byte HELLO
 * from us makes us a neighbour (get_neighbours); DATA = 8-byte nonce + the IPv6 packet, by unicast to the link-local
 * address; the C mmfd writes DATA into mmfd0, forwards it unchanged (same nonce) to its other neighbours and never
 * back to the sender, drops a second copy of a nonce; and it floods a packet from mmfd0 to every neighbour.
 */
class CMmfdWireTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration QUIET = Duration.ofSeconds(2);

    @Test
    void theCMmfdSpeaksTheWireFormatJbabelImplements(@TempDir Path dir) throws Exception {
        Path mmfd = MmfdLab.cMmfd();
        List<AutoCloseable> processes = new ArrayList<>();
        try (Lab lab = new Lab(dir)) {
            String c = lab.ns("mc");
            String j1 = lab.ns("mj1");
            String j2 = lab.ns("mj2");
            for (String ns : List.of(c, j1, j2)) {
                MmfdLab.noDad(lab, ns);
            }
            lab.link(c, "vc1", j1, "vj");
            lab.link(c, "vc2", j2, "vj");
            String c1 = MmfdLab.linkLocal(lab, c, "vc1");
            String c2 = MmfdLab.linkLocal(lab, c, "vc2");
            String a1 = MmfdLab.linkLocal(lab, j1, "vj");
            String a2 = MmfdLab.linkLocal(lab, j2, "vj");

            Proc p1 = MmfdLab.probe(j1, "vj", 27275, "ff02::6a8b");
            processes.add(p1);
            Proc p2 = MmfdLab.probe(j2, "vj", 27275, "ff02::6a8b");
            processes.add(p2);
            Path socket = dir.resolve("mmfd.sock");
            Proc cm = new Proc(List.of("ip", "netns", "exec", c, mmfd.toString(), "-D", "mmfd0", "-i", "vc1", "-i",
                    "vc2", "-s", socket.toString()));
            processes.add(cm);

            // 1. its HELLO: 8 bytes from its link-local address to the group
            Recv hello1 = Recv.of(p1.expect("the C mmfd's HELLO on vc1", MmfdLab.recv(r -> r.data().length == 8),
                    WAIT));
            assertThat(hello1.source()).isEqualTo(c1);
            Recv hello2 = Recv.of(p2.expect("the C mmfd's HELLO on vc2", MmfdLab.recv(r -> r.data().length == 8),
                    WAIT));
            assertThat(hello2.source()).isEqualTo(c2);

            // mmfd0 as Gluon has it, and a listener on it
            lab.await("mmfd0", WAIT, () -> exists(lab, c, "mmfd0"));
            lab.ip(c, "-6", "addr", "add", "fe80::1/64", "dev", "mmfd0");
            lab.ip(c, "-6", "route", "add", "ff05::/16", "dev", "mmfd0", "table", "main");
            Proc listener = MmfdLab.probe(c, "mmfd0", 1001, "ff05::2:1001");
            processes.add(listener);

            // 2. our HELLO (8 random bytes to the group) makes us its neighbours
            p1.send("ff02::6a8b", 27275, HexFormat.of().parseHex("0102030405060708"));
            p2.send("ff02::6a8b", 27275, HexFormat.of().parseHex("1112131415161718"));
            ObjectMapper json = new ObjectMapper();
            String[] last = {null};
            try {
            lab.await("J1 and J2 in get_neighbours", WAIT, () -> {
                try {
                    last[0] = MmfdLab.cControl(socket, "get_neighbours");
                    JsonNode n = json.readTree(last[0]).get("mmfd_neighbours");
                    List<String> got = new ArrayList<>();
                    n.forEach(e -> got.add(e.get("address").asText() + "%" + e.get("interface").asText()));
                    return got.containsAll(List.of(a1 + "%vc1", a2 + "%vc2")) && got.size() == 2 ? got : null;
                } catch (Exception e) {
                    last[0] = e.toString();
                    return null;
                }
            });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; last answer " + last[0] + "; J1 " + p1.all + "; J2 "
                        + p2.all + "; C " + cm.all + "; want " + a1 + " " + a2, e);
            }

            // 3. DATA from J1: written into mmfd0 once, forwarded unchanged to J2, not back to J1
            byte[] packet = MmfdLab.udp("fe80::d1", "ff05::2:1001", 1001, "from-j1".getBytes(StandardCharsets.UTF_8));
            byte[] data = MmfdLab.data(HexFormat.of().parseHex("a1a2a3a4a5a6a7a8"), packet);
            p1.send(c1, 27275, data);
            java.util.function.Predicate<String> fromJ1 = MmfdLab.recv(r -> r.source().equals("fe80::d1")
                    && new String(r.data(), StandardCharsets.UTF_8).equals("from-j1"));
            listener.expect("J1's packet out of mmfd0", fromJ1, WAIT);
            java.util.function.Predicate<String> isData = MmfdLab.recv(r -> Arrays.equals(r.data(), data));
            Recv forwarded = Recv.of(p2.expect("J1's DATA forwarded to J2", isData, WAIT));
            assertThat(forwarded.source()).isEqualTo(c2);
            assertThat(forwarded.data()).isEqualTo(data);
            assertThat(p1.next(isData, QUIET)).as("sent back to J1").isNull();

            // 4. the same nonce again, from J2: a duplicate, neither delivered nor forwarded
            p2.send(c2, 27275, data);
            assertThat(listener.next(fromJ1, QUIET)).as("a second delivery").isNull();
            assertThat(p1.next(isData, Duration.ofMillis(200))).as("forwarded again").isNull();

            // 5. a packet the kernel routes into mmfd0 goes to both neighbours under one nonce
            listener.send("ff05::2:1001", 1001, "from-c".getBytes(StandardCharsets.UTF_8));
            listener.expect("the listener's send into mmfd0", "sent"::equals, WAIT);
            // (the C mmfd also floods what the kernel itself sends into mmfd0: MLD reports, router solicitations)
            java.util.function.Predicate<String> fromC =
                    MmfdLab.recv(r -> MmfdLab.innerPayload(r.data()).equals("from-c"));
            byte[] d1 = Recv.of(p1.expect("C's packet at J1", fromC, WAIT)).data();
            byte[] d2 = Recv.of(p2.expect("C's packet at J2", fromC, WAIT)).data();
            assertThat(d1).isEqualTo(d2);
            assertThat(MmfdLab.innerPayload(d1)).isEqualTo("from-c");
            assertThat(d1[8] & 0xf0).as("IPv6").isEqualTo(0x60);
            assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(d1, 32, 48)))
                    .isEqualTo("ff050000000000000000000000021001");
            assertThat(Arrays.copyOfRange(d1, 0, 8)).as("a fresh nonce").isNotEqualTo(Arrays.copyOfRange(data, 0, 8));
        } finally {
            for (AutoCloseable p : processes.reversed()) {
                p.close();
            }
        }
    }

    private static Boolean exists(Lab lab, String ns, String ifname) {
        try {
            return lab.exec(ns, "ip", "link", "show", ifname) == 0 ? Boolean.TRUE : null;
        } catch (Exception e) {
            return null;
        }
    }

}
