package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jbabeld's {@code ddhcp} across a routed mesh in namespaces: three nodes on a line (n0-n1-n2), each with mmfd and
 * ddhcp and its own address on lo (redistributed). The block messages travel into mmfd0 and are flooded by mmfd;
 * they leave from the loopback address, so each node records every other's routable address, and a RENEWLEASE from
 * n0 reaches n2's block two hops away and is acknowledged.
 */
class JbabeldDdhcpMeshTest {

    private static final Duration CLAIM = Duration.ofSeconds(60);

    @Test
    void blocksAreKnownAcrossTheMeshAndForwardingReachesAnOwnerTwoHopsAway(@TempDir Path dir) throws Exception {
        try (Lab lab = new Lab(dir)) {
            List<String> ns = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String n = lab.ns("dm" + i);
                MmfdLab.noDad(lab, n);
                lab.ip(n, "addr", "add", "fd00::" + (i + 1) + "/128", "dev", "lo");
                ns.add(n);
            }
            lab.link(ns.get(0), "a0", ns.get(1), "a1");
            lab.link(ns.get(1), "b1", ns.get(2), "b2");
            List<List<String>> ifs = List.of(List.of("a0"), List.of("a1", "b1"), List.of("b2"));
            List<Lab.Daemon> daemons = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                // claims of 20 s, refreshed every 5 s: the first go out before mmfd has neighbours (its first HELLO
                // comes 10 s after the start), so the others hear a claim at a refresh
                List<String> args = new ArrayList<>(List.of("-C", "default hello-interval 1 update-interval 4",
                        "-C", "redistribute local ip fd00::/64 ge 128", "-C", "redistribute local deny", "-C", "mmfd",
                        "-C", "ddhcp range 10.116.224.0/22 block-size 4", "-C", "ddhcp learning false",
                        "-C", "ddhcp tentative-timeout 3", "-C", "ddhcp spare-leases 1",
                        "-C", "ddhcp block-timeout 20"));
                args.addAll(ifs.get(i));
                daemons.add(lab.jbabeld(ns.get(i), "n" + i, args));
            }
            // every node owns one block and records the other two's with their loopback addresses
            Map<Integer, Map<Integer, String[]>> views = lab.await("every block known everywhere", CLAIM, () -> {
                Map<Integer, Map<Integer, String[]>> all = new HashMap<>();
                Map<Integer, Integer> owners = new HashMap<>();
                for (int i = 0; i < 3; i++) {
                    Map<Integer, String[]> rows = rows(daemons.get(i).socket());
                    if (rows == null) {
                        return null;
                    }
                    all.put(i, rows);
                    rows.forEach((block, r) -> {
                        if (r[0].equals("OURS")) {
                            owners.merge(block, 1, Integer::sum);
                        }
                    });
                }
                if (owners.size() != 3 || owners.values().stream().anyMatch(c -> c != 1)) {
                    return null;
                }
                for (int i = 0; i < 3; i++) {
                    for (int block : owners.keySet()) {
                        String[] r = all.get(i).get(block);
                        if (r == null || !(r[0].equals("OURS") || r[0].equals("CLAIMED"))) {
                            return null;
                        }
                    }
                }
                return all;
            });
            int n2Block = -1;
            for (Map.Entry<Integer, String[]> e : views.get(2).entrySet()) {
                if (e.getValue()[0].equals("OURS")) {
                    n2Block = e.getKey();
                }
            }
            assertThat(views.get(0).get(n2Block)[1]).as("n2's routable address at n0").isEqualTo("fd00::3");
            int a = (10 << 24 | 116 << 16 | 224 << 8) + n2Block * 4 + 1;
            String address = (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
            // Babel has the route to fd00::3 by now (the claim came from there through mmfd, which rides on it)
            lab.await("n0's route to fd00::3", Duration.ofSeconds(20),
                    () -> lab.babelRoutes(ns.get(0), "-6").contains("fd00::3") ? true : null);
            String sent = MmfdLab.ctl(daemons.get(0).socket(), "ddhcp", "renew", address, "52:54:00:aa:bb:cc", "--text");
            assertThat(sent).startsWith("sent RENEWLEASE").contains("fd00::3");
            lab.await("n2's LEASEACK at n0", Duration.ofSeconds(5), () -> {
                try {
                    return MmfdLab.counter(daemons.get(0).socket(), "ddhcp.received_leaseack") == 1 ? true : null;
                } catch (Exception e) {
                    return null;
                }
            });
            assertThat(MmfdLab.counter(daemons.get(2).socket(), "ddhcp.sent_leaseack")).isEqualTo(1);
            assertThat(MmfdLab.counter(daemons.get(0).socket(), "ddhcp.forward_no_route")).isZero();
        }
    }

    /** {@code ddhcp blocks}: block to {state, owner address}; null when it fails. */
    private static Map<Integer, String[]> rows(Path socket) {
        List<JsonNode> blocks = MmfdLab.ddhcpBlocks(socket);
        if (blocks == null) {
            return null;
        }
        Map<Integer, String[]> rows = new HashMap<>();
        for (JsonNode r : blocks) {
            rows.put(r.get("index").asInt(), new String[] {r.get("state").asText(),
                    r.get("address").isNull() ? "-" : r.get("address").asText()});
        }
        return rows;
    }
}
