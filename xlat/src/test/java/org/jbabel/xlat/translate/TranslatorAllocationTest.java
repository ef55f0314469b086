package org.jbabel.xlat.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.xlat.translate.Packets.C4;
import static org.jbabel.xlat.translate.Packets.C6;
import static org.jbabel.xlat.translate.Packets.R4;
import static org.jbabel.xlat.translate.Packets.R6;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The fast path allocates nothing: a loop of translations (UDP, TCP, echo both ways, an ICMP error, fragments) into
 * one reused {@link Result} leaves the thread's allocated bytes as they were. This is also the shape of a
 * throughput benchmark: one translator and one result per thread, packets in a loop.
 */
class TranslatorAllocationTest {

    @Test
    void translatingAllocatesNothingPerPacket() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Translator t = new Translator(Packets.taygaConfig().withMssClamp(1220), Packets.taygaMapping());
        Result r = new Result();
        byte[][] v4 = {
            Packets.withChecksum(Packets.ipv4(0, 1, 0x4000, 64, 17, C4, R4, Packets.udp(40000, 53, new byte[100]))),
            Packets.withChecksum(Packets.ipv4(0, 1, 0x4000, 64, 6, C4, R4, Packets.tcp(40000, 80, 1, 0x02,
                    new byte[] {2, 4, 5, (byte) 0xb4}, new byte[0]))),
            Packets.withChecksum(Packets.ipv4(0, 1, 0, 64, 1, C4, R4, Packets.icmp(8, 0, 0x10001, new byte[56]))),
            Packets.withChecksum(Packets.ipv4(0, 1, 0, 64, 1, C4, R4, Packets.icmp(3, 3, 0, IcmpTablesTest.QUOTED4))),
            Packets.withChecksum(Packets.ipv4(0, 1, 0, 64, 17, C4, R4, Packets.udp(40000, 53, new byte[3000]))),
        };
        byte[][] v6 = {
            Packets.withChecksum(Packets.ipv6(0, 17, 64, R6, C6, Packets.udp(53, 40000, new byte[100]))),
            Packets.withChecksum(Packets.ipv6(0, 58, 64, R6, C6, Packets.icmp(129, 0, 0x10001, new byte[56]))),
            Packets.withChecksum(Packets.ipv6(0, 58, 64, R6, C6, Packets.icmp(2, 0, 1400, IcmpTablesTest.QUOTED6))),
        };
        long sink = loop(t, r, v4, v6, 20_000);
        long before = bean.getCurrentThreadAllocatedBytes();
        sink += loop(t, r, v4, v6, 20_000);
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 160,000 translations").isLessThan(4096);
    }

    private static long loop(Translator t, Result r, byte[][] v4, byte[][] v6, int rounds) {
        long sink = 0;
        for (int i = 0; i < rounds; i++) {
            for (byte[] p : v4) {
                sink += t.translate4to6(p, 0, p.length, r).count();
            }
            for (byte[] p : v6) {
                sink += t.translate6to4(p, 0, p.length, r).count();
            }
        }
        return sink;
    }
}
