package org.jbabel.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jbabel.ddhcp.Ddhcp;
import org.jbabel.sim.SimReport;

/**
 * DDHCP's check of a simulator run ({@code jbabel sim} with {@code --extension 'ddhcp ...'}, docs/SIMULATOR.md): no
 * block owned by two nodes at the end, and, with simulated DHCP clients ({@link DdhcpSimClients}), every client
 * bound and no address acknowledged to two clients.
 */
final class DdhcpSimCheck {

    private DdhcpSimCheck() {}

    /** The check of the nodes' {@code ddhcp} instances now, and of the clients when there are any (else null). */
    static SimReport.Check check(Map<Integer, Ddhcp> nodes, DdhcpSimClients clients) {
        long owned = nodes.values().stream().mapToLong(d -> d.engine().ownBlocks().length).sum();
        int twice = Ddhcp.ownedTwice(nodes.values()).size();
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("nodes", (long) nodes.size());
        f.put("blocksOwned", owned);
        f.put("blocksOwnedTwice", (long) twice);
        String summary = String.format(Locale.ROOT, "%d nodes own %d blocks, %d of them owned twice", nodes.size(),
                owned, twice);
        boolean ok = twice == 0;
        if (clients != null) {
            int count = clients.clients().size();
            int bound = clients.bound();
            int ackedTwice = clients.acknowledgedTwice().size();
            f.put("clients", (long) count);
            f.put("clientsBound", (long) bound);
            f.put("acks", clients.acks());
            f.put("naks", clients.naks());
            f.put("discovers", clients.discovers());
            f.put("addressesAcknowledgedTwice", (long) ackedTwice);
            long[] latency = clients.latencies();
            if (latency.length > 0) {
                f.put("ackMedianMillis", latency[latency.length / 2] / 1_000_000);
                f.put("ackP99Millis", latency[latency.length * 99 / 100] / 1_000_000);
            }
            summary += String.format(Locale.ROOT, "; %d of %d DHCP clients bound (%d ACKs, %d NAKs), %d addresses"
                    + " acknowledged to two clients", bound, count, clients.acks(), clients.naks(), ackedTwice);
            if (latency.length > 0) {
                summary += String.format(Locale.ROOT, ", arrival to ACK median %.1f s, p99 %.1f s simulated",
                        latency[latency.length / 2] / 1e9, latency[latency.length * 99 / 100] / 1e9);
            }
            ok &= bound == count && ackedTwice == 0;
        }
        return new SimReport.Check("ddhcp", f, ok, summary);
    }
}
