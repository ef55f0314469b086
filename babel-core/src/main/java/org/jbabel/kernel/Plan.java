package org.jbabel.kernel;

import java.util.List;
import java.util.Optional;

/**
 * What a {@link Placement} asks of the kernel for one route change: route and rule changes, in the order they
 * must be applied ({@link KernelChanges#applyAll}), or a refusal with its reason when the
 * route cannot be placed (the placement's state is then unchanged).
 *
 * @param changes the kernel changes, in order; empty when nothing changes in the kernel or the route was refused
 * @param refusal why the route was not placed, or empty
 */
public record Plan(List<KernelChange> changes, Optional<String> refusal) {

    public Plan {
        changes = List.copyOf(changes);
    }

    /** A plan that places the route with {@code changes}. */
    public static Plan of(List<? extends KernelChange> changes) {
        return new Plan(List.copyOf(changes), Optional.empty());
    }

    /** A refusal: nothing changes, for {@code reason}. */
    public static Plan refused(String reason) {
        return new Plan(List.of(), Optional.of(reason));
    }

    /** True unless the route was refused. */
    public boolean placed() {
        return refusal.isEmpty();
    }
}
