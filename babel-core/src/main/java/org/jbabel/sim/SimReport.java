package org.jbabel.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a simulation run. Times are simulated seconds from the start unless named {@code wall}.
 *
 * @param components the connected components (islands) of the topology; each converges on its own
 * @param convergenceSeconds when the mesh first converged, or null if it never did
 * @param convergedAtEnd whether it was converged when the run ended
 * @param reconvergenceSeconds time from the last scripted event (link failure, restart…) to the convergence that
 *     followed it, or null when there was no such event or no convergence after it
 * @param loopsObserved forwarding loops found by the walks after FIB changes (each route change that led into a
 *     loop counts once)
 * @param blackholesObserved walks after FIB changes that ended at a node without a usable route
 * @param packetsSent datagrams the engines sent (UDP payloads); {@code bytesSent} is their total size
 * @param problemsCounted problems the packet reader reported on received datagrams
 * @param fibEntries FIB entries over all nodes at the end
 * @param fibCompleteness share of the node × other-node-prefix entries present at the end (0..1)
 * @param firstLoops descriptions of the first few loops
 * @param refusals what the engines refused because a table limit was reached, by counter name (only those that
 *     happened; the engines' current incarnations)
 * @param refusingNodes how many nodes refused anything
 * @param refusingNodesNamed the nodes with the most refusals (at most ten): node id → refusals
 * @param handovers for a walking client ({@link ClientWalk}), the hand-over time of each move in simulated seconds
 *     (null where no probe reached the client at its new node); empty without a walk
 * @param checks what the extensions' own checks found (DDHCP: {@code org.jbabel.ddhcp.DdhcpSimCheck}), added by the
 *     caller with {@link #withChecks}; empty when none ran
 */
public record SimReport(
        String topology,
        int nodes,
        int links,
        int components,
        long seed,
        boolean converged,
        Double convergenceSeconds,
        boolean convergedAtEnd,
        Double reconvergenceSeconds,
        long loopsObserved,
        long blackholesObserved,
        long packetsSent,
        long bytesSent,
        long packetsLost,
        long packetsDelivered,
        long problemsCounted,
        long fibUpdates,
        long fibEntries,
        double fibCompleteness,
        long events,
        int linkFailures,
        int nodeRestarts,
        int selfLoopsIgnored,
        int duplicateLinksIgnored,
        double durationSeconds,
        double wallSeconds,
        List<String> firstLoops,
        Map<String, Long> refusals,
        int refusingNodes,
        Map<String, Long> refusingNodesNamed,
        List<Double> handovers,
        List<Check> checks) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One extension's check of the run: its figures (JSON names, in order), whether they are right, and its line of
     * the summary.
     */
    public record Check(String name, Map<String, Long> figures, boolean ok, String summary) {
        public Check {
            figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
        }
    }

    public SimReport {
        firstLoops = List.copyOf(firstLoops);
        checks = List.copyOf(checks);
        handovers = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(handovers));
        refusals = Collections.unmodifiableMap(new LinkedHashMap<>(refusals));
        refusingNodesNamed = Collections.unmodifiableMap(new LinkedHashMap<>(refusingNodesNamed));
    }

    /** A report without extension checks. */
    public SimReport(String topology, int nodes, int links, int components, long seed, boolean converged,
            Double convergenceSeconds, boolean convergedAtEnd, Double reconvergenceSeconds, long loopsObserved,
            long blackholesObserved, long packetsSent, long bytesSent, long packetsLost, long packetsDelivered,
            long problemsCounted, long fibUpdates, long fibEntries, double fibCompleteness, long events,
            int linkFailures, int nodeRestarts, int selfLoopsIgnored, int duplicateLinksIgnored, double durationSeconds,
            double wallSeconds, List<String> firstLoops, Map<String, Long> refusals, int refusingNodes,
            Map<String, Long> refusingNodesNamed, List<Double> handovers) {
        this(topology, nodes, links, components, seed, converged, convergenceSeconds, convergedAtEnd,
                reconvergenceSeconds, loopsObserved, blackholesObserved, packetsSent, bytesSent, packetsLost,
                packetsDelivered, problemsCounted, fibUpdates, fibEntries, fibCompleteness, events, linkFailures,
                nodeRestarts, selfLoopsIgnored, duplicateLinksIgnored, durationSeconds, wallSeconds, firstLoops,
                refusals, refusingNodes, refusingNodesNamed, handovers, List.of());
    }

    /** This report with {@code more} checks after its own. */
    public SimReport withChecks(List<Check> more) {
        List<Check> all = new java.util.ArrayList<>(checks);
        all.addAll(more);
        return new SimReport(topology, nodes, links, components, seed, converged, convergenceSeconds, convergedAtEnd,
                reconvergenceSeconds, loopsObserved, blackholesObserved, packetsSent, bytesSent, packetsLost,
                packetsDelivered, problemsCounted, fibUpdates, fibEntries, fibCompleteness, events, linkFailures,
                nodeRestarts, selfLoopsIgnored, duplicateLinksIgnored, durationSeconds, wallSeconds, firstLoops,
                refusals, refusingNodes, refusingNodesNamed, handovers, all);
    }

    /** True when every check found its figures right (also when there is none). */
    public boolean checksOk() {
        return checks.stream().allMatch(Check::ok);
    }

    /** The median of the hand-over times of the moves that had one, or null. */
    public Double handoverMedian() {
        List<Double> h = handovers.stream().filter(java.util.Objects::nonNull).sorted().toList();
        if (h.isEmpty()) {
            return null;
        }
        int n = h.size();
        return n % 2 == 1 ? h.get(n / 2) : (h.get(n / 2 - 1) + h.get(n / 2)) / 2;
    }

    /** The longest hand-over time, or null when no move had one. */
    public Double handoverWorst() {
        return handovers.stream().filter(java.util.Objects::nonNull).max(Double::compare).orElse(null);
    }

    /** The moves after which no probe reached the client. */
    public long handoversFailed() {
        return handovers.stream().filter(java.util.Objects::isNull).count();
    }

    /** The report as one line of JSON, fields in a stable order. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topology", topology);
        m.put("nodes", nodes);
        m.put("links", links);
        m.put("components", components);
        m.put("seed", seed);
        m.put("converged", converged);
        m.put("convergenceSeconds", round(convergenceSeconds));
        m.put("convergedAtEnd", convergedAtEnd);
        m.put("reconvergenceSeconds", round(reconvergenceSeconds));
        m.put("loopsObserved", loopsObserved);
        m.put("blackholesObserved", blackholesObserved);
        m.put("packetsSent", packetsSent);
        m.put("bytesSent", bytesSent);
        m.put("packetsLost", packetsLost);
        m.put("packetsDelivered", packetsDelivered);
        m.put("problemsCounted", problemsCounted);
        m.put("fibUpdates", fibUpdates);
        m.put("fibEntries", fibEntries);
        m.put("fibCompleteness", round(fibCompleteness));
        m.put("events", events);
        m.put("linkFailures", linkFailures);
        m.put("nodeRestarts", nodeRestarts);
        m.put("selfLoopsIgnored", selfLoopsIgnored);
        m.put("duplicateLinksIgnored", duplicateLinksIgnored);
        m.put("durationSeconds", round(durationSeconds));
        m.put("wallSeconds", round(wallSeconds));
        m.put("firstLoops", firstLoops);
        m.put("refusals", refusals);
        m.put("refusingNodes", refusingNodes);
        m.put("refusingNodesNamed", refusingNodesNamed);
        if (!handovers.isEmpty()) {
            m.put("handovers", handovers.stream().map(SimReport::round).toList());
            m.put("handoverMedianSeconds", round(handoverMedian()));
            m.put("handoverWorstSeconds", round(handoverWorst()));
            m.put("handoversFailed", handoversFailed());
        }
        if (!checks.isEmpty()) {
            Map<String, Object> c = new LinkedHashMap<>();
            for (Check check : checks) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("ok", check.ok());
                f.putAll(check.figures());
                c.put(check.name(), f);
            }
            m.put("checks", c);
        }
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report not serialisable", e);
        }
    }

    /** A few lines for people. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "topology %s: %d nodes, %d links%s, seed %d%n", topology, nodes, links,
                components == 1 ? "" : ", " + components + " islands (each converges on its own)", seed));
        if (converged) {
            sb.append(String.format(Locale.ROOT, "converged after %.2f s simulated%s%n", convergenceSeconds,
                    convergedAtEnd ? "" : " (but NOT converged at the end)"));
        } else {
            sb.append(String.format(Locale.ROOT, "NOT converged (FIBs %.1f %% complete)%n", 100 * fibCompleteness));
        }
        if (reconvergenceSeconds != null) {
            sb.append(String.format(Locale.ROOT, "re-converged %.2f s after the last of %d link failures and %d restarts%n",
                    reconvergenceSeconds, linkFailures, nodeRestarts));
        }
        sb.append(String.format(Locale.ROOT, "loops observed: %d, black holes observed: %d%n", loopsObserved,
                blackholesObserved));
        sb.append(String.format(Locale.ROOT, "packets: %d sent (%d bytes), %d lost, %d reader problems%n", packetsSent,
                bytesSent, packetsLost, problemsCounted));
        sb.append(String.format(Locale.ROOT, "ran %.1f s simulated in %.2f s wall time (%d events)%n", durationSeconds,
                wallSeconds, events));
        if (!refusals.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "REFUSED for full tables (engine limits): %s at %d nodes, most at %s%n",
                    refusals, refusingNodes, refusingNodesNamed));
        }
        if (!handovers.isEmpty()) {
            Double median = handoverMedian();
            sb.append(median == null
                    ? String.format(Locale.ROOT, "hand-over: %d moves, the client was never reached after one%n",
                            handovers.size())
                    : String.format(Locale.ROOT, "hand-over: %d moves, median %.3f s, worst %.3f s simulated%s%n",
                            handovers.size(), median, handoverWorst(), handoversFailed() == 0 ? ""
                                    : ", " + handoversFailed() + " moves after which it was NOT reached"));
        }
        for (Check check : checks) {
            sb.append(check.name()).append(": ").append(check.summary()).append(check.ok() ? "" : " (WRONG)")
                    .append(System.lineSeparator());
        }
        for (String loop : firstLoops) {
            sb.append("loop: ").append(loop).append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 1000) / 1000.0;
    }
}
