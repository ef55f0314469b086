package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The C reference daemons that ../shared/peers/build.sh builds (mmfd, l3roamd, ddhcpd), for the interop tests.
 */
final class CPeers {

    private CPeers() {}

    /**
     * {@code $JBABEL_PEERS/bin/NAME}, else /tmp/jbabel-peers/bin/NAME. Missing: the test fails when {@code CI=true},
     * else it is skipped with the way to build it.
     */
    static Path binary(String name) {
        String dir = System.getenv("JBABEL_PEERS");
        Path bin = Path.of(dir != null && !dir.isEmpty() ? dir : "/tmp/jbabel-peers", "bin", name);
        if (!Files.isExecutable(bin)) {
            String message = "the C " + name + " is not at " + bin + ": build it with /work/shared/peers/build.sh "
                    + bin.getParent().getParent() + " (or set JBABEL_PEERS)";
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        return bin;
    }
}
