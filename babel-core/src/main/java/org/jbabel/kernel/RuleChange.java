package org.jbabel.kernel;

import java.util.Objects;

/** One change to the policy-routing rules: add or remove a rule. */
public record RuleChange(Op op, KernelRule rule) implements KernelChange {

    /** What to do with the rule. */
    public enum Op {
        /** Create; fails with EEXIST when an equal rule exists. */
        ADD,
        /** Delete; fails with ENOENT when no such rule exists. */
        REMOVE
    }

    public RuleChange {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(rule, "rule");
    }

    public static RuleChange add(KernelRule rule) {
        return new RuleChange(Op.ADD, rule);
    }

    public static RuleChange remove(KernelRule rule) {
        return new RuleChange(Op.REMOVE, rule);
    }

    @Override
    public String toString() {
        return "rule " + op + " " + rule;
    }
}
