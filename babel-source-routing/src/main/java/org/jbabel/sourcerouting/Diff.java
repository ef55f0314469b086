package org.jbabel.sourcerouting;

import java.util.List;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelChange;
import org.jbabel.kernel.KernelRoute;

/** The kernel changes that turn one kernel route into another at the same table and destination. */
final class Diff {
    private Diff() {}

    /**
     * Nothing when equal; ADD or REMOVE when one side is absent; REPLACE when the kernel identifies both as one
     * route (same table, destination, source and priority); else REMOVE then ADD, as babeld changes routes.
     */
    static List<KernelChange> transition(KernelRoute old, KernelRoute now) {
        if (old == null) {
            return now == null ? List.of() : List.of(FibChange.add(now));
        }
        if (now == null) {
            return List.of(FibChange.remove(old));
        }
        if (old.equals(now)) {
            return List.of();
        }
        if (old.table() == now.table() && old.priority() == now.priority() && old.source().equals(now.source())) {
            return List.of(FibChange.replace(now));
        }
        return List.of(FibChange.remove(old), FibChange.add(now));
    }
}
