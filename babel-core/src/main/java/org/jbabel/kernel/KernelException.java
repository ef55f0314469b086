package org.jbabel.kernel;

/** The channel to the kernel failed (a socket call returned an error, or the kernel did not answer). */
public class KernelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public KernelException(String message, int errno) {
        super(message + (errno != 0 ? ": " + Errno.name(errno) : ""));
        this.errno = errno;
    }

    /** The errno of the failed call, 0 when there was none. */
    public int errno() {
        return errno;
    }
}
