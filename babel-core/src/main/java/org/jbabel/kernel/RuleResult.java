package org.jbabel.kernel;

/** The kernel's answer to one {@link RuleChange}: errno 0 for success, else the positive errno it reported. */
public record RuleResult(RuleChange change, int errno) {

    public boolean ok() {
        return errno == 0;
    }

    /** The errno's C name, {@code OK} on success. */
    public String errorName() {
        return Errno.name(errno);
    }

    @Override
    public String toString() {
        return change + ": " + errorName();
    }
}
