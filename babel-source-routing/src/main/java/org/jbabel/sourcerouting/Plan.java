package org.jbabel.sourcerouting;

import java.util.List;
import java.util.Optional;
import org.jbabel.kernel.KernelChange;

/**
 * What a {@link Placement} asks of the kernel for one route change: route and rule changes, in the order they
 * must be applied ({@link org.jbabel.kernel.KernelChanges#applyAll}), or a refusal with its reason when the
 * route cannot be placed (the placement's state is then unchanged).
 *
 * @param changes the kernel changes, in order; empty when nothing changes in the kernel or the route was refused
 * @param refusal why the route was not placed, or empty
 */
public record Plan(List<KernelChange> changes, Optional<String> refusal) {

    public Plan {
        changes = List.copyOf(changes);
    }

    static Plan of(List<KernelChange> changes) {
        return new Plan(changes, Optional.empty());
    }

    static Plan refused(String reason) {
        return new Plan(List.of(), Optional.of(reason));
    }

    /** True unless the route was refused. */
    public boolean placed() {
        return refusal.isEmpty();
    }
}
