package org.jbabel.kernel;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * The kernel's forwarding table. Implementations never throw for a refused change: each change gets a
 * {@link FibResult} with the kernel's errno. An {@link KernelException} means the channel to the kernel itself
 * failed (socket error, no answer).
 */
public interface Fib extends AutoCloseable {

    /** Applies one change. */
    default FibResult apply(FibChange change) {
        return applyAll(List.of(change)).getFirst();
    }

    /**
     * Applies the changes in order, as few kernel messages as the implementation can manage, and returns one
     * result per change in the same order. A failed change does not stop the ones after it.
     */
    List<FibResult> applyAll(List<FibChange> changes);

    /** Every route of every table and family the kernel holds, cached clones excluded. */
    List<KernelRoute> routes();

    /**
     * The routes (as {@link #routes()}) written with a protocol that {@code protocol} accepts; an implementation may
     * skip the others without decoding them, so that reading the kernel's routes other than ours costs nothing for
     * the (possibly many) routes we installed ourselves.
     */
    default List<KernelRoute> routes(IntPredicate protocol) {
        return routes().stream().filter(r -> protocol.test(r.protocol())).toList();
    }

    /** The routes written with {@code protocol}. */
    default List<KernelRoute> routes(int protocol) {
        return routes(p -> p == protocol);
    }

    /**
     * Removes every route written with {@code protocol} (at start, the stale routes a crashed run left; at a
     * clean exit, ours) and returns how many were removed.
     */
    default int flush(int protocol) {
        List<FibChange> removals = routes(protocol).stream().map(FibChange::remove).toList();
        return (int) applyAll(removals).stream().filter(FibResult::ok).count();
    }

    @Override
    void close();
}
