package org.jbabel.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jbabel.conformance.MmfdLab.Proc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: two jbabelds with {@code mmfd} (J1, J2) and the C mmfd next to babeld (C) in a triangle (a cycle):
 * J1-C, C-J2, J2-J1. A packet sent into mmfd0 on any of them comes out of both others' mmfd0 exactly once, in both
 * directions between the implementations, and each side lists the other as an mmfd neighbour.
 */
class JbabeldWithCMmfdTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration QUIET = Duration.ofSeconds(3);

    @Test
    void jbabelAndCMmfdDeliverEachOthersPacketsExactlyOnce(@TempDir Path dir) throws Exception {
        Path cMmfd = MmfdLab.cMmfd();
        Lab.tool("babeld", "babeld");
        List<AutoCloseable> processes = new ArrayList<>();
        try (Lab lab = new Lab(dir)) {
            String j1 = lab.ns("mi1");
            String c = lab.ns("mic");
            String j2 = lab.ns("mi2");
            for (String ns : List.of(j1, c, j2)) {
                MmfdLab.noDad(lab, ns);
            }
            lab.link(j1, "tc", c, "t1");
            lab.link(c, "t2", j2, "tc");
            lab.link(j2, "t1", j1, "t2");
            List<String> fast = List.of("-C", "default hello-interval 1 update-interval 4");
            lab.babeld(c, "c", concat(fast, List.of("t1", "t2")));
            Path cSocket = dir.resolve("cmmfd.sock");
            Proc cm = new Proc(List.of("ip", "netns", "exec", c, cMmfd.toString(), "-D", "mmfd0", "-i", "t1", "-i",
                    "t2", "-s", cSocket.toString()));
            processes.add(cm);
            Lab.Daemon d1 = lab.jbabeld(j1, "j1", concat(fast, List.of("-C", "mmfd", "tc", "t2")));
            Lab.Daemon d2 = lab.jbabeld(j2, "j2", concat(fast, List.of("-C", "mmfd", "tc", "t1")));
            List<String> all = List.of(j1, c, j2);
            List<Proc> started = MmfdLab.mmfd0Listeners(lab, all, START);
            processes.addAll(started);
            Map<String, Proc> listeners = new LinkedHashMap<>();
            for (int i = 0; i < all.size(); i++) {
                listeners.put(all.get(i), started.get(i));
            }

            // everyone sees everyone: the C mmfd lists both jbabelds, each jbabeld lists C and the other
            String j1c = MmfdLab.linkLocal(lab, j1, "tc");
            String j2c = MmfdLab.linkLocal(lab, j2, "tc");
            String c1 = MmfdLab.linkLocal(lab, c, "t1");
            String c2 = MmfdLab.linkLocal(lab, c, "t2");
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            lab.await("the jbabelds in the C mmfd's neighbours", START, () -> {
                try {
                    List<String> got = new ArrayList<>();
                    json.readTree(MmfdLab.cControl(cSocket, "get_neighbours")).get("mmfd_neighbours")
                            .forEach(e -> got.add(MmfdLab.norm(e.get("address").asText())));
                    return got.containsAll(List.of(j1c, j2c)) ? got : null;
                } catch (Exception e) {
                    return null;
                }
            });
            lab.await("C in J1's mmfd neighbours", START, () -> {
                List<String> got = MmfdLab.jbabelMmfdNeighbours(d1.socket());
                return got != null && got.contains(c1) && got.size() == 2 ? got : null;
            });
            lab.await("C in J2's mmfd neighbours", START, () -> {
                List<String> got = MmfdLab.jbabelMmfdNeighbours(d2.socket());
                return got != null && got.contains(c2) && got.size() == 2 ? got : null;
            });

            for (String origin : List.of(c, j1, j2)) {
                MmfdLab.deliveredExactlyOnce(listeners, origin, "from-" + origin, Duration.ofSeconds(10), QUIET);
            }
        } finally {
            for (AutoCloseable p : processes.reversed()) {
                p.close();
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> c = new ArrayList<>(a);
        c.addAll(b);
        return c;
    }
}
