package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.jbabel.engine.ChangeKind;
import org.jbabel.engine.RouteChange;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/**
 * The per-packet path allocates nothing: table lookups both ways, a frame refreshing a known pair, the exit of a
 * frame to a reachable exit, NCA → MAC. Measured with the JVM's per-thread allocation counter over 100,000 rounds:
 * one allocated object per round would show as megabytes.
 */
class PerPacketAllocationTest {

    @Test
    void lookupsAndRefreshesAllocateNothing() {
        var bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported(),
                "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        ClientTable table = new ClientTable(1024, n -> {});
        Exits exits = new Exits(ExitsTest.MP, ExitsTest.EXIT_RANGE, 16, n -> {});
        exits.changed(new RouteChange(ChangeKind.ADDED, ExitsTest.exitRoute(ExitsTest.E1, 100)));
        ArpResponder arp = new ArpResponder(IpAddress.parse("10.20.0.1").v4Bits(), ExitMac.DEFAULT, table, exits,
                n -> {});
        for (int i = 0; i < 512; i++) {
            table.learnFrame(0, 0x5254_0000_0000L + i, 0x0a14_0000 + i);
        }
        long ncpHi = AddressPlanTest.NCP.address().hi();
        IpAddress nca = NodeClients.of(0x5254_0000_0007L, AddressPlanTest.NCP);
        long sink = rounds(table, arp, ncpHi, nca, 200_000); // warm up, let the JIT settle
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += rounds(table, arp, ncpHi, nca, 100_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isNotZero();
        assertThat(allocated).isLessThan(10_000);
    }

    private static long rounds(ClientTable table, ArpResponder arp, long ncpHi, IpAddress nca, int n) {
        long sink = 0;
        for (int r = 0; r < n; r++) {
            int i = r & 511;
            long now = 1_000L * r;
            sink += table.macOf(now, 0x0a14_0000 + i);
            sink += table.ipOf(now, 0x5254_0000_0000L + i);
            table.learnFrame(now, 0x5254_0000_0000L + i, 0x0a14_0000 + i);
            sink += arp.exitForFrame(now, 0x5254_0000_0000L + i, 0x0a14_0000 + i, ExitsTest.E1, b -> {});
            sink += NodeClients.macOf(nca.hi(), nca.lo(), ncpHi);
        }
        return sink;
    }
}
