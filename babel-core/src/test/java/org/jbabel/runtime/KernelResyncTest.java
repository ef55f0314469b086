package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jbabel.engine.Action;
import org.jbabel.engine.Action.FibOp;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.LinkKind;
import org.jbabel.kernel.MemoryKernel;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch whose answers the kernel lost (ENOBUFS, ETIMEDOUT) or that failed as a whole leaves the kernel's routes
 * unknown: the next turn reads them back and makes them what the placements want ({@link KernelWriter}, docs/KERNEL.md
 * "Lost answers"), with {@link MemoryKernel}'s fault injection.
 */
class KernelResyncTest {

    private static final IpAddress GW = IpAddress.parse("fe80::2");

    @TempDir
    Path dir;

    private MemoryKernel kernel;
    private KernelWriter writer;
    private int eth0;

    @BeforeEach
    void start() throws IOException {
        kernel = new MemoryKernel();
        eth0 = kernel.addLink("eth0", LinkKind.WIRED, 1500);
        kernel.setLinkState(eth0, true, true);
        writer = new KernelWriter(kernel, kernel, new DaemonLog(dir.resolve("log").toString(), 0),
                KernelMetric.DEFAULT, KernelRoute.TABLE_MAIN, name -> kernel.links().stream()
                        .filter(l -> l.name().equals(name)).mapToInt(Link::ifindex).findFirst().orElse(0),
                fib -> PlacementChoice.plain());
        writer.start();
    }

    private void update(FibOp op, String prefix, int metric) {
        writer.update(new Action.FibUpdate(op, RouteKey.of(Prefix.parse(prefix)), GW, "eth0", metric));
    }

    private List<String> ours() {
        return kernel.routes(KernelRoute.PROTOCOL_BABEL).stream()
                .map(r -> r.destination() + " " + r.priority()).sorted().toList();
    }

    @Test
    void requestsThatNeverArrivedAreMadeAtTheNextTurn() throws IOException {
        kernel.failNext(3, Errno.ENOBUFS, false);
        update(FibOp.ADD, "2001:db8:1::/48", 96);
        update(FibOp.ADD, "2001:db8:2::/48", 96);
        update(FibOp.ADD, "2001:db8:3::/48", 96);
        writer.flush();
        assertThat(ours()).isEmpty();
        assertThat(writer.takeRefused()).as("a lost answer is not a refusal").isEmpty();

        update(FibOp.ADD, "2001:db8:4::/48", 96); // an update of the turn that resyncs
        update(FibOp.REMOVE, "2001:db8:1::/48", 96);
        writer.flush();
        assertThat(ours()).hasSize(3).noneMatch(r -> r.startsWith("2001:db8:1::/48"))
                .anyMatch(r -> r.startsWith("2001:db8:4::/48"));
        assertThat(writer.counters()).containsEntry("fib_resync", 1L).containsEntry("fib_add_ENOBUFS", 3L);
        assertThat(Files.readString(dir.resolve("log"))).contains("kernel routes resynced after a lost answer: 3 routes");
        assertThat(writer.counters()).as("nothing of that turn applied twice").doesNotContainKey("fib_add_EEXIST");
    }

    @Test
    void whatALostRemovalLeftIsRemovedAndOtherProtocolsAreLeftAlone() {
        update(FibOp.ADD, "2001:db8:1::/48", 96);
        update(FibOp.ADD, "2001:db8:2::/48", 96);
        writer.flush();
        KernelRoute foreign = new KernelRoute(Prefix.parse("2001:db8:9::/48"), null, GW, eth0, 0,
                KernelRoute.TABLE_MAIN, 4, RouteType.UNICAST, null);
        kernel.applyAll(List.of(FibChange.add(foreign)));
        kernel.failNext(1, Errno.ETIMEDOUT, false);
        update(FibOp.REMOVE, "2001:db8:2::/48", 96);
        writer.flush();
        assertThat(ours()).hasSize(2);

        writer.flush();
        assertThat(ours()).as("the removal made, the kept route as wanted").hasSize(1)
                .allSatisfy(r -> assertThat(r).startsWith("2001:db8:1::/48"));
        assertThat(kernel.routes(4)).singleElement().extracting(KernelRoute::destination)
                .isEqualTo(foreign.destination());
        assertThat(writer.installed().keySet()).containsExactly(RouteKey.of(Prefix.parse("2001:db8:1::/48")));

        update(FibOp.REMOVE, "2001:db8:1::/48", 96);
        writer.flush();
        assertThat(ours()).as("changes after the resync apply to the resynced view").isEmpty();
        assertThat(writer.counters()).containsEntry("fib_resync", 1L);
    }

    @Test
    void aChannelThatFailedIsResyncedAndAResyncWhoseAnswersAreLostIsTriedAgain() {
        kernel.failChannelOnce();
        update(FibOp.ADD, "2001:db8:1::/48", 96);
        writer.flush();
        assertThat(ours()).isEmpty();
        assertThat(writer.counters()).containsEntry("fib_channel_error", 1L);

        kernel.failNext(1, Errno.ENOBUFS, false);
        writer.flush();
        assertThat(ours()).as("the resync's own answer lost").isEmpty();
        writer.flush();
        assertThat(ours()).hasSize(1);
        assertThat(writer.counters()).containsEntry("fib_resync", 2L);
        writer.flush();
        assertThat(writer.counters()).as("nothing more once the kernel answered").containsEntry("fib_resync", 2L);
    }
}
