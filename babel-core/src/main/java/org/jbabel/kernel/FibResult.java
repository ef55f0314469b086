package org.jbabel.kernel;

/** The kernel's answer to one {@link FibChange}: errno 0 for success, else the positive errno it reported. */
public record FibResult(FibChange change, int errno) {

    public static FibResult ok(FibChange change) {
        return new FibResult(change, 0);
    }

    public boolean ok() {
        return errno == 0;
    }

    /** The errno's C name, {@code OK} on success. */
    public String errorName() {
        return Errno.name(errno);
    }

    @Override
    public String toString() {
        return change.op() + " " + change.route() + ": " + errorName();
    }
}
