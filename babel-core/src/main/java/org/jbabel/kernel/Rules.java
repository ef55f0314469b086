package org.jbabel.kernel;

import java.util.List;

/**
 * The kernel's policy-routing rules ({@code ip rule}), the sibling of {@link Fib}: same style, a result with
 * the kernel's errno per change, never an exception for a refused change.
 */
public interface Rules {

    /** Applies one rule change. */
    default RuleResult applyRule(RuleChange change) {
        return applyRules(List.of(change)).getFirst();
    }

    /** Applies the changes in order and returns one result per change; a failure does not stop the rest. */
    List<RuleResult> applyRules(List<RuleChange> changes);

    /**
     * Every rule of both families that has the shape of {@link KernelRule} (a source selector and a table
     * lookup), in the kernel's order: by priority, then as they were added. Rules with other selectors or
     * actions are not listed.
     */
    List<KernelRule> rules();

    /** The rules written with {@code protocol}. */
    default List<KernelRule> rules(int protocol) {
        return rules().stream().filter(r -> r.protocol() == protocol).toList();
    }

    /** Removes every rule written with {@code protocol} and returns how many were removed. */
    default int flushRules(int protocol) {
        List<RuleChange> removals = rules(protocol).stream().map(RuleChange::remove).toList();
        return (int) applyRules(removals).stream().filter(RuleResult::ok).count();
    }
}
