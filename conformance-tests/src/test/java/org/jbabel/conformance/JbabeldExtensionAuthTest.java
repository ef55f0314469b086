package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.jbabel.conformance.MmfdLab.Proc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extensions on an authenticated interface (issue 15, "Access"; docs/AUTH.md "Extensions on authenticated
 * interfaces"): A and B run Babel with a key on one shared link and mmfd; X, a stranger on the same link without the
 * key, speaks mmfd to A. A takes B as an mmfd neighbour and floods B's multicast (B proved the key), and drops and
 * counts everything X sends: X never becomes A's mmfd neighbour and nothing of it comes out of A's mmfd0. Without
 * the key on the link, the same HELLOs make X A's neighbour (the control step, which shows the drop is the key's).
 */
class JbabeldExtensionAuthTest {

    private static final Duration START = Duration.ofSeconds(40);
    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    @Test
    void aStrangerWithoutTheKeyCannotSpeakToTheExtensionsOfAnAuthenticatedLink() throws Exception {
        try (Lab lab = new Lab(dir)) {
            Lab.Daemon[] ab = shared(lab, true);
            String a = ab[0].ns();
            String x = lab.ns("x");
            MmfdLab.noDad(lab, x);
            lab.link(x, "vx", switchNs, "sx");
            lab.ip(switchNs, "link", "set", "sx", "master", "sw0");
            Proc stranger = MmfdLab.probe(x, "vx", 27275, "ff02::6a8b");
            try (Proc listenerA = MmfdLab.mmfd0Listener(lab, a, START);
                    Proc listenerB = MmfdLab.mmfd0Listener(lab, ab[1].ns(), START)) {
                String bAddress = MmfdLab.linkLocal(lab, ab[1].ns(), "vb");
                String xAddress = MmfdLab.linkLocal(lab, x, "vx");
                String aLinkLocal = MmfdLab.linkLocal(lab, a, "va");
                lab.await("B, which proved the key, among A's mmfd neighbours, and A among B's", START, () -> {
                    List<String> n = MmfdLab.jbabelMmfdNeighbours(ab[0].socket());
                    List<String> m = MmfdLab.jbabelMmfdNeighbours(ab[1].socket());
                    return n != null && n.contains(bAddress) && m != null && m.contains(aLinkLocal) ? n : null;
                });
                listenerB.send("ff05::2:1001", 1001, "from B".getBytes(StandardCharsets.UTF_8));
                listenerA.expect("B's multicast out of A's mmfd0", MmfdLab.payload("from B"), Duration.ofSeconds(10));

                long before = MmfdLab.counter(ab[0].socket(), "mmfd.unauthenticated_dropped");
                byte[] data = MmfdLab.data(new byte[] {7, 7, 7, 7, 7, 7, 7, 7}, MmfdLab.udp(xAddress, "ff05::2:1001",
                        1001, "from X".getBytes(StandardCharsets.UTF_8)));
                for (int i = 0; i < 5; i++) {
                    stranger.send("ff02::6a8b", 27275, new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) i}); // HELLO
                    stranger.send(aLinkLocal, 27275, data); // DATA
                    Thread.sleep(200);
                }
                lab.await("X's ten datagrams counted as unauthenticated at A", Duration.ofSeconds(10), () -> {
                    try {
                        long now = MmfdLab.counter(ab[0].socket(), "mmfd.unauthenticated_dropped");
                        return now >= before + 10 ? now : null;
                    } catch (Exception e) {
                        return null;
                    }
                });
                assertThat(MmfdLab.jbabelMmfdNeighbours(ab[0].socket())).as("A's mmfd neighbours")
                        .contains(bAddress).doesNotContain(xAddress);
                assertThat(listenerA.next(MmfdLab.payload("from X"), Duration.ofMillis(500)))
                        .as("X's multicast out of A's mmfd0").isNull();
            } finally {
                stranger.close();
            }
        }
    }

    @Test
    void withoutTheKeyTheSameHellosMakeTheStrangerANeighbour() throws Exception {
        try (Lab lab = new Lab(dir)) {
            Lab.Daemon[] ab = shared(lab, false);
            String x = lab.ns("x");
            MmfdLab.noDad(lab, x);
            lab.link(x, "vx", switchNs, "sx");
            lab.ip(switchNs, "link", "set", "sx", "master", "sw0");
            Proc stranger = MmfdLab.probe(x, "vx", 27275, "ff02::6a8b");
            try {
                String xAddress = MmfdLab.linkLocal(lab, x, "vx");
                lab.await("X among A's mmfd neighbours", START, () -> {
                    try {
                        stranger.send("ff02::6a8b", 27275, HexFormat.of().parseHex("0102030405060708"));
                    } catch (java.io.IOException e) {
                        return null;
                    }
                    List<String> n = MmfdLab.jbabelMmfdNeighbours(ab[0].socket());
                    return n != null && n.contains(xAddress) ? n : null;
                });
                assertThat(MmfdLab.counter(ab[0].socket(), "mmfd.unauthenticated_dropped")).isZero();
            } finally {
                stranger.close();
            }
        }
    }

    private String switchNs;

    /** A and B on one bridged link (in a switch namespace), with mmfd, with or without the key on it. */
    private Lab.Daemon[] shared(Lab lab, boolean key) throws Exception {
        switchNs = lab.ns("sw");
        lab.ip(switchNs, "link", "add", "sw0", "type", "bridge");
        lab.ip(switchNs, "link", "set", "sw0", "up");
        Lab.Daemon[] d = new Lab.Daemon[2];
        String[] names = {"a", "b"};
        for (int i = 0; i < 2; i++) {
            String ns = lab.ns(names[i]);
            MmfdLab.noDad(lab, ns);
            String ifname = "v" + names[i];
            lab.link(ns, ifname, switchNs, "s" + names[i]);
            lab.ip(switchNs, "link", "set", "s" + names[i], "master", "sw0");
            List<String> args = new java.util.ArrayList<>(List.of("-C", "default hello-interval 1 update-interval 4",
                    "-C", "mmfd"));
            if (key) {
                args.addAll(List.of("-C", "key id k type hmac-sha256 value " + KEY, "-C",
                        "interface " + ifname + " key k"));
            }
            args.add(ifname);
            d[i] = lab.jbabeld(ns, names[i], args);
        }
        return d;
    }
}
