package org.jbabel.kernel;

/**
 * A change to the kernel's forwarding state: a route ({@link FibChange}) or a policy-routing rule
 * ({@link RuleChange}). A source-routing placement answers one route change with a list of these, in the order
 * they must be applied ({@link KernelChanges#applyAll}).
 */
public sealed interface KernelChange permits FibChange, RuleChange {}
