package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100 link flaps in 60 s in a ring of four jbabelds, then, once the mesh is stable, each node's kernel holds exactly
 * what its control socket says the protocol selected (issue 15, "Faults"): a route of protocol babel for every
 * installed route, through the same next hop and interface, none for anything else, and an unreachable route only
 * for a prefix whose every route is retracted (the hold time, docs/ENGINE.md). Nothing left behind, nothing missing.
 */
class JbabeldLinkFlapsTest {

    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final List<String> FAST = List.of("-C", "default hello-interval 0.5 update-interval 4");
    private static final int FLAPS = 100;
    private static final long FLAP_WINDOW_MILLIS = 60_000;

    @TempDir
    Path dir;

    /** One end of a ring link: the namespace and interface that is taken down and up. */
    private record End(String ns, String ifname) {}

    @Test
    void afterAHundredFlapsInAMinuteEveryKernelHoldsExactlyTheSelectedRoutes() throws Exception {
        try (Lab lab = new Lab(dir)) {
            String[] names = {"a", "b", "c", "d"};
            String[] ns = new String[4];
            for (int i = 0; i < 4; i++) {
                ns[i] = lab.ns(names[i]);
                lab.ip(ns[i], "-6", "addr", "add", address(i) + "/128", "dev", "lo");
            }
            List<End> ends = new ArrayList<>();
            Map<Integer, List<String>> ifaces = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                int j = (i + 1) % 4;
                String ifi = "r" + names[i] + names[j];
                String ifj = "r" + names[j] + names[i];
                lab.link(ns[i], ifi, ns[j], ifj);
                ifaces.computeIfAbsent(i, k -> new ArrayList<>()).add(ifi);
                ifaces.computeIfAbsent(j, k -> new ArrayList<>()).add(ifj);
                ends.add(new End(ns[i], ifi));
            }
            List<Lab.Daemon> daemons = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                daemons.add(lab.jbabeld(ns[i], names[i], Lab.with(FAST, ifaces.get(i).toArray(String[]::new))));
            }
            lab.await("every node's route to every other", CONVERGE, () -> allRoutesPresent(lab, ns) ? true : null);

            Random random = new Random(15);
            long start = System.nanoTime();
            for (int f = 0; f < FLAPS; f++) {
                End e = ends.get(random.nextInt(ends.size()));
                lab.ip(e.ns(), "link", "set", e.ifname(), "down");
                Thread.sleep(50 + random.nextInt(250));
                lab.ip(e.ns(), "link", "set", e.ifname(), "up");
                long due = start + (f + 1) * FLAP_WINDOW_MILLIS / FLAPS * 1_000_000;
                long wait = (due - System.nanoTime()) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            long flapping = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("%d flaps in %d ms%n", FLAPS, flapping);

            lab.await("every node's route to every other after the flaps", CONVERGE,
                    () -> allRoutesPresent(lab, ns) ? true : null);
            // Stable: the kernel matches the control socket on every node, twice a few seconds apart.
            for (int round = 0; round < 2; round++) {
                if (round > 0) {
                    Thread.sleep(3000);
                }
                for (int i = 0; i < 4; i++) {
                    long end = System.nanoTime() + CONVERGE.toNanos();
                    String mismatch = lab.kernelMismatch(ns[i], daemons.get(i));
                    while (mismatch != null && System.nanoTime() < end) {
                        Thread.sleep(200);
                        mismatch = lab.kernelMismatch(ns[i], daemons.get(i));
                    }
                    assertThat(mismatch).as("node %s: kernel against control socket", names[i]).isNull();
                }
            }
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    if (i != j) {
                        assertThat(lab.exec(ns[i], "ping", "-6", "-c", "1", "-W", "2", "-I", address(i), address(j)))
                                .as("ping %s -> %s", names[i], names[j]).isZero();
                    }
                }
            }
        }
    }

    private static String address(int i) {
        return "2001:db8:" + (0xa + i) + "::1";
    }

    private static boolean allRoutesPresent(Lab lab, String[] ns) {
        for (int i = 0; i < ns.length; i++) {
            String routes = lab.babelRoutes(ns[i], "-6");
            for (int j = 0; j < ns.length; j++) {
                if (i != j && !routes.contains(address(j) + " via fe80:")) {
                    return false;
                }
            }
        }
        return true;
    }
}
