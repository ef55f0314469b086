package org.jbabel.kernel;

import java.util.ArrayList;
import java.util.List;

/** Applies mixed route and rule changes in order, batching each run of changes of one kind. */
public final class KernelChanges {

    /** The kernel's answer to one {@link KernelChange}: errno 0 for success, else the positive errno. */
    public record Result(KernelChange change, int errno) {
        public boolean ok() {
            return errno == 0;
        }

        @Override
        public String toString() {
            return change + ": " + Errno.name(errno);
        }
    }

    private KernelChanges() {}

    /**
     * The changes that turn the kernel route {@code old} into {@code now} at the same destination (either may be
     * null for "none"): nothing when equal; ADD or REMOVE when one side is absent; REPLACE when the kernel
     * identifies both as one route (same table, source and priority); else REMOVE then ADD, babeld's order.
     */
    public static List<KernelChange> transition(KernelRoute old, KernelRoute now) {
        if (old == null) {
            return now == null ? List.of() : List.of(FibChange.add(now));
        }
        if (now == null) {
            return List.of(FibChange.remove(old));
        }
        if (old.equals(now)) {
            return List.of();
        }
        if (old.table() == now.table() && old.priority() == now.priority() && old.source().equals(now.source())
                && old.destination().equals(now.destination())) {
            return List.of(FibChange.replace(now));
        }
        return List.of(FibChange.remove(old), FibChange.add(now));
    }

    /**
     * Applies {@code changes} in order: consecutive route changes go to {@code fib} in one
     * {@link Fib#applyAll} call, consecutive rule changes to {@code rules} in one {@link Rules#applyRules}
     * call. A failed change does not stop the ones after it. Returns one result per change, in order.
     */
    public static List<Result> applyAll(Fib fib, Rules rules, List<? extends KernelChange> changes) {
        List<Result> out = new ArrayList<>(changes.size());
        int i = 0;
        while (i < changes.size()) {
            int j = i;
            if (changes.get(i) instanceof FibChange) {
                List<FibChange> run = new ArrayList<>();
                while (j < changes.size() && changes.get(j) instanceof FibChange f) {
                    run.add(f);
                    j++;
                }
                fib.applyAll(run).forEach(r -> out.add(new Result(r.change(), r.errno())));
            } else {
                List<RuleChange> run = new ArrayList<>();
                while (j < changes.size() && changes.get(j) instanceof RuleChange r) {
                    run.add(r);
                    j++;
                }
                rules.applyRules(run).forEach(r -> out.add(new Result(r.change(), r.errno())));
            }
            i = j;
        }
        return out;
    }
}
