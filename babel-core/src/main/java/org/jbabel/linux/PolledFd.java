package org.jbabel.linux;

import java.lang.foreign.Arena;

/**
 * A non-blocking file descriptor served by an {@link FdPoller}: the poller thread reads it through
 * {@link #receive}, any thread writes it, and {@link #close} closes it. The three are serialised on this object's
 * lock, and a closed descriptor is never touched again, so a descriptor number the kernel hands out anew after the
 * close can never be read or written in the old one's name.
 */
abstract class PolledFd implements AutoCloseable {

    /** What {@link #receive} returns for an item it read and dropped (counted): go on reading. */
    static final Runnable DROPPED = () -> { };

    /** Receive errors in a row after which the descriptor is taken as dead and no longer polled. */
    static final int MAX_ERRORS_IN_ROW = 100;

    final int fd;
    /** Native memory of this descriptor's sends, freed at close. */
    final Arena arena = Arena.ofShared();
    final Libc.Errno errno = new Libc.Errno(arena);
    final IoCounters counters;
    private FdPoller poller;
    /** Items handed to the executor and not yet run (see {@link FdPoller#MAX_PENDING}). */
    final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    /** Receive errors since the last item read; the poller thread's only. */
    int errorsInRow;
    private boolean closed;

    PolledFd(int fd, IoCounters counters) {
        this.fd = fd;
        this.counters = counters;
    }

    /**
     * On the poller thread, under this object's lock, the descriptor open: reads one item into {@code buffers}.
     *
     * @return the task that hands the item to its receiver (run on the executor), {@link #DROPPED} for an item read
     *     but dropped, or null when there is nothing more to read now
     */
    abstract Runnable receive(FdPoller.Buffers buffers);

    /**
     * For {@link #receive} after a failed read: nothing more now when it is EAGAIN, try again after EINTR, and
     * any other error counted.
     */
    final Runnable failed(int e) {
        if (e == org.jbabel.kernel.Errno.EAGAIN) {
            return null;
        }
        if (e == org.jbabel.kernel.Errno.EINTR) {
            return DROPPED;
        }
        counters.count(IoCounters.Kind.RECEIVE_ERROR);
        errorsInRow++;
        return null;
    }

    /**
     * Items handed to the executor and not yet run beyond which the poller stops reading this descriptor: {@link
     * FdPoller#MAX_PENDING} unless an item holds many packets.
     */
    int maxPending() {
        return FdPoller.MAX_PENDING;
    }

    /** Closes the descriptor itself, once, under the lock. */
    void closeDescriptor() {
        Libc.close(errno, fd);
    }

    final void attach(FdPoller p) {
        this.poller = p;
    }

    final synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the descriptor and stops polling it; a second call does nothing. Any thread. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeDescriptor();
            arena.close();
        }
        if (poller != null) {
            poller.deregister(this);
        }
    }
}
