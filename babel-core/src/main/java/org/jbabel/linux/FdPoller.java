package org.jbabel.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.KernelException;

/**
 * One daemon thread, {@value #THREAD_NAME}, that waits in poll(2) on a set of non-blocking descriptors and an
 * eventfd that wakes it when the set changes. When a descriptor is readable it reads up to
 * {@value #MAX_READS_PER_WAKEUP} items (datagrams, packets, frames) into fresh byte arrays and hands each to the
 * executor (the daemon's event loop), so every receiver runs on the host's thread; the poller never runs user code.
 * Sends do not pass through here: the caller writes the descriptor itself, without blocking.
 *
 * <p>Closing a descriptor ({@link PolledFd#close}) is safe from any thread at any time: the read, the write and the
 * close of one descriptor hold its lock, a closed one is never touched again, and the poller forgets it before its
 * next wait.
 */
public final class FdPoller implements AutoCloseable {

    static final String THREAD_NAME = "jbabeld-io";
    /** Items read from one descriptor per wake-up before the others get their turn (poll is level-triggered). */
    static final int MAX_READS_PER_WAKEUP = 64;
    /**
     * Items of one descriptor handed to the executor and not yet run, beyond which the poller stops reading it until
     * the executor catches up: a flood waits in (and overflows) the kernel's socket buffer, where the kernel counts
     * it, instead of growing the loop's queue without bound.
     */
    static final int MAX_PENDING = 1024;
    /** The largest item read: any IPv6 datagram without jumbogram, any TUN packet or frame. */
    static final int MAX_ITEM = 65_536;
    private static final int EFD_NONBLOCK_CLOEXEC = Libc.O_NONBLOCK | Libc.O_CLOEXEC;

    private final Executor executor;
    private final IoCounters counters;
    private final Set<PolledFd> registered = new LinkedHashSet<>();
    private final Arena arena = Arena.ofShared();
    private final Libc.Errno wakeErrno = new Libc.Errno(arena);
    private final MemorySegment one = arena.allocate(JAVA_LONG);
    private final int wakeFd;
    private final Thread thread;
    private boolean changed = true;
    private volatile boolean closed;
    /** Guarded by {@link #one}: the eventfd is still open. */
    private boolean wakeOpen = true;

    /** Starts the poller thread; received items go to {@code executor}, drops are counted in {@code counters}. */
    public FdPoller(Executor executor, IoCounters counters) {
        this.executor = executor;
        this.counters = counters;
        int e = Libc.eventfd(wakeErrno, 0, EFD_NONBLOCK_CLOEXEC);
        if (e < 0) {
            int errno = wakeErrno.get();
            arena.close();
            throw new KernelException("cannot create the poller's eventfd", errno);
        }
        wakeFd = e;
        one.set(JAVA_LONG, 0, 1L);
        thread = Thread.ofPlatform().name(THREAD_NAME).daemon().start(this::run);
    }

    public IoCounters counters() {
        return counters;
    }

    Executor executor() {
        return executor;
    }

    /** Starts polling {@code fd}; refused once the poller is closed (the descriptor is closed then). */
    <T extends PolledFd> T register(T fd) {
        synchronized (registered) {
            if (closed) {
                fd.close();
                throw new IllegalStateException("the I/O poller is closed");
            }
            fd.attach(this);
            registered.add(fd);
            changed = true;
        }
        wake();
        return fd;
    }

    void deregister(PolledFd fd) {
        synchronized (registered) {
            if (!registered.remove(fd)) {
                return;
            }
            changed = true;
        }
        wake();
    }

    /** How many descriptors are polled now. */
    public int size() {
        synchronized (registered) {
            return registered.size();
        }
    }

    private void wake() {
        synchronized (one) {
            if (wakeOpen) {
                Libc.write(wakeErrno, wakeFd, one, 8);
            }
        }
    }

    /** The poller thread's buffers, used by {@link PolledFd#receive} on that thread only. */
    static final class Buffers {
        final Libc.Errno errno;
        final MemorySegment data;
        final MemorySegment name;
        final MemorySegment control;
        final MemorySegment msghdr;
        private final MemorySegment iovec;

        Buffers(Arena arena) {
            errno = new Libc.Errno(arena);
            data = arena.allocate(MAX_ITEM, 8);
            name = arena.allocate(128, 8);
            control = arena.allocate(512, 8);
            msghdr = arena.allocate(56, 8);
            iovec = arena.allocate(16, 8);
        }

        /**
         * recvmsg(2) without waiting, into {@link #data}, the sender's address into {@link #name} and ancillary data
         * into {@link #control}; afterwards {@link #nameLength}, {@link #controlLength} and {@link #flags} say what
         * came. At most {@code limit} bytes are taken; a longer datagram is cut and has MSG_TRUNC in the flags.
         * Returns the datagram's length or -1 (errno in {@link #errno}).
         */
        long recvmsg(int fd, int limit) {
            iovec.set(ADDRESS, 0, data);
            iovec.set(JAVA_LONG, 8, Math.min(limit, data.byteSize()));
            msghdr.set(ADDRESS, 0, name);
            msghdr.set(JAVA_INT, 8, (int) name.byteSize());
            msghdr.set(ADDRESS, 16, iovec);
            msghdr.set(JAVA_LONG, 24, 1L);
            msghdr.set(ADDRESS, 32, control);
            msghdr.set(JAVA_LONG, 40, control.byteSize());
            msghdr.set(JAVA_INT, 48, 0);
            return Libc.recvmsg(errno, fd, msghdr, Libc.MSG_DONTWAIT);
        }

        int nameLength() {
            return msghdr.get(JAVA_INT, 8);
        }

        int controlLength() {
            return (int) msghdr.get(JAVA_LONG, 40);
        }

        int flags() {
            return msghdr.get(JAVA_INT, 48);
        }

        /** read(2) of at most {@code limit} bytes into {@link #data}: the length, or -1 (errno in {@link #errno}). */
        long read(int fd, int limit) {
            return Libc.read(errno, fd, data, Math.min(limit, data.byteSize()));
        }

        /** A fresh copy of the first {@code length} bytes of {@link #data}. */
        byte[] copy(int length) {
            return data.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    private void run() {
        try (Arena local = Arena.ofConfined()) {
            Buffers buffers = new Buffers(local);
            Libc.Errno errno = new Libc.Errno(local);
            MemorySegment drain = local.allocate(JAVA_LONG);
            List<PolledFd> polled = new ArrayList<>();
            MemorySegment pollfds = MemorySegment.NULL;
            while (!closed) {
                synchronized (registered) {
                    if (changed) {
                        changed = false;
                        polled = new ArrayList<>(registered);
                        pollfds = Arena.ofAuto().allocate(8L * (polled.size() + 1), 4);
                        pollfds.set(JAVA_INT, 0, wakeFd);
                        for (int i = 0; i < polled.size(); i++) {
                            pollfds.set(JAVA_INT, 8L * (i + 1), polled.get(i).fd);
                        }
                    }
                }
                for (int i = 0; i <= polled.size(); i++) {
                    if (i > 0) {
                        PolledFd p = polled.get(i - 1);
                        // a negative descriptor is skipped by poll(2): the throttled one waits for the executor
                        pollfds.set(JAVA_INT, 8L * i, p.pending.get() >= p.maxPending() ? -1 : p.fd);
                    }
                    pollfds.set(JAVA_SHORT, 8L * i + 4, Libc.POLLIN);
                    pollfds.set(JAVA_SHORT, 8L * i + 6, (short) 0);
                }
                int ready = Libc.poll(errno, pollfds, polled.size() + 1, -1);
                if (ready < 0) {
                    if (errno.get() != Errno.EINTR) {
                        throw new KernelException("poll failed", errno.get());
                    }
                    continue;
                }
                if (pollfds.get(JAVA_SHORT, 6) != 0) {
                    Libc.read(errno, wakeFd, drain, 8);
                }
                for (int i = 0; i < polled.size(); i++) {
                    short revents = pollfds.get(JAVA_SHORT, 8L * (i + 1) + 6);
                    if (revents != 0) {
                        serve(polled.get(i), revents, buffers);
                    }
                }
            }
        } catch (RuntimeException e) {
            // The poller is gone: every descriptor is dead; the host learns of it when it closes them. Kept visible.
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
        }
    }

    private void serve(PolledFd fd, short revents, Buffers buffers) {
        for (int n = 0; n < MAX_READS_PER_WAKEUP && fd.pending.get() < fd.maxPending(); n++) {
            Runnable task;
            synchronized (fd) {
                if (fd.isClosed()) {
                    return;
                }
                task = fd.receive(buffers);
            }
            if (task == null) {
                boolean hungUp = (revents & (Libc.POLLHUP | Libc.POLLNVAL)) != 0 && (revents & Libc.POLLIN) == 0;
                if (hungUp || fd.errorsInRow >= PolledFd.MAX_ERRORS_IN_ROW) {
                    counters.count(IoCounters.Kind.POLL_HANGUP);
                    deregister(fd);
                }
                return;
            }
            if (task != PolledFd.DROPPED) {
                Runnable item = task;
                fd.pending.incrementAndGet();
                try {
                    executor.execute(() -> {
                        try {
                            item.run();
                        } finally {
                            done(fd);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    fd.pending.decrementAndGet();
                    counters.count(IoCounters.Kind.RECEIVE_REJECTED);
                }
            }
        }
    }

    /** An item of {@code fd} ran: when that ends its throttling, the poller polls it again. */
    private void done(PolledFd fd) {
        if (fd.pending.getAndDecrement() == fd.maxPending()) {
            wake();
        }
    }

    /** Stops the thread and closes every descriptor still registered. Any thread but the poller's. */
    @Override
    public void close() {
        List<PolledFd> left;
        synchronized (registered) {
            if (closed) {
                return;
            }
            closed = true;
            left = new ArrayList<>(registered);
            registered.clear();
        }
        wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        left.forEach(PolledFd::close);
        synchronized (one) {
            wakeOpen = false;
            Libc.close(wakeErrno, wakeFd);
        }
        if (!thread.isAlive()) {
            arena.close();
        }
    }
}
