package org.jbabel.kernel;

import java.util.Objects;

/** One change to the forwarding table: add, replace or remove a route. */
public record FibChange(Op op, KernelRoute route) implements KernelChange {

    /** What to do with the route. */
    public enum Op {
        /** Create; fails with EEXIST when an equal route (same table, destination, source, priority) exists. */
        ADD,
        /** Create, or overwrite an equal route in place. */
        REPLACE,
        /** Delete; fails with ESRCH (Linux's "no such process") when no such route exists. */
        REMOVE
    }

    public FibChange {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(route, "route");
    }

    public static FibChange add(KernelRoute route) {
        return new FibChange(Op.ADD, route);
    }

    public static FibChange replace(KernelRoute route) {
        return new FibChange(Op.REPLACE, route);
    }

    public static FibChange remove(KernelRoute route) {
        return new FibChange(Op.REMOVE, route);
    }
}
