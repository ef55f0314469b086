package org.jbabel.runtime;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The daemon's event loop: ONE thread, {@value #THREAD_NAME}, that runs the tasks handed to it in the order they came
 * and the timers when they are due, one at a time. Everything that touches the engine, the kernel writer, the
 * extensions or the control socket's view runs here; the I/O threads (the {@code FdPoller} that reads Babel's and the
 * extensions' sockets, the netlink reader, the control server's netty thread) only hand it tasks.
 *
 * <p>A task that throws a RuntimeException is logged and the loop goes on; an Error is fatal ({@link FatalErrors}).
 * After {@link #shutdown} new tasks are refused ({@link RejectedExecutionException}); the tasks already queued run,
 * timers not yet due never do.
 */
final class DaemonLoop implements Executor {

    static final String THREAD_NAME = "jbabeld";

    /** A scheduled task; cancelling it from any thread keeps it from running again. */
    interface Timer {
        void cancel();
    }

    private final DaemonLog log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    /** Guarded by {@link #lock}: by deadline, then in the order they were scheduled. */
    private final PriorityQueue<Scheduled> timers = new PriorityQueue<>();
    /** Guarded by {@link #lock}. */
    private long scheduled;
    /** Guarded by {@link #lock}. */
    private boolean shutdown;
    /** Guarded by {@link #lock}: the thread starts with the first task or timer. */
    private boolean started;
    private final Thread thread;

    DaemonLoop(DaemonLog log) {
        this.log = log;
        // not a daemon thread: the JVM lives while the loop does (so it starts only once there is work for it)
        this.thread = Thread.ofPlatform().name(THREAD_NAME).unstarted(this::run);
    }

    /** Whether the calling thread is the loop's. */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void execute(Runnable task) {
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("the daemon's loop has stopped");
            }
            tasks.add(task);
            startOrWake();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code task} on the loop; the future completes with its result or what it threw. */
    <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
                if (e instanceof Error error) {
                    throw error;
                }
            }
        });
        return result;
    }

    /** Runs {@code task} once after {@code delay}. */
    Timer schedule(Runnable task, long delay, TimeUnit unit) {
        return add(new Scheduled(task, System.nanoTime() + unit.toNanos(delay), 0));
    }

    /** Runs {@code task} after {@code initialDelay}, then every {@code period} (at a fixed rate). */
    Timer scheduleAtFixedRate(Runnable task, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period " + period);
        }
        return add(new Scheduled(task, System.nanoTime() + unit.toNanos(initialDelay), unit.toNanos(period)));
    }

    private Scheduled add(Scheduled s) {
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("the daemon's loop has stopped");
            }
            s.order = scheduled++;
            timers.add(s);
            startOrWake();
        } finally {
            lock.unlock();
        }
        return s;
    }

    /** Under {@link #lock}. */
    private void startOrWake() {
        if (!started) {
            started = true;
            thread.start();
        } else {
            wake.signal();
        }
    }

    /**
     * Refuses new tasks, lets the queued ones run and waits at most {@code timeoutMillis} for the thread to end.
     * Callable from any thread; on the loop's own it does not wait.
     */
    void shutdown(long timeoutMillis) {
        lock.lock();
        try {
            shutdown = true;
            timers.clear();
            wake.signal();
        } finally {
            lock.unlock();
        }
        if (!inLoop() && thread.isAlive()) {
            try {
                thread.join(timeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (true) {
            Runnable next = take();
            if (next == null) {
                return;
            }
            try {
                next.run();
            } catch (Error e) {
                FatalErrors.report(Thread.currentThread(), e);
            } catch (RuntimeException e) {
                log.error("a task of the daemon's loop failed", e);
            }
        }
    }

    /** The next task, waiting for one or for a timer; null once shut down with nothing queued. */
    private Runnable take() {
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                Scheduled due;
                while ((due = timers.peek()) != null && due.deadline - now <= 0) {
                    tasks.add(timers.poll());
                }
                Runnable next = tasks.poll();
                if (next != null) {
                    return next;
                }
                if (shutdown) {
                    return null;
                }
                try {
                    if (due == null) {
                        wake.await();
                    } else {
                        wake.awaitNanos(due.deadline - now);
                    }
                } catch (InterruptedException e) {
                    // nobody interrupts the loop on purpose; it goes on
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private final class Scheduled implements Timer, Runnable, Comparable<Scheduled> {
        private final Runnable task;
        private final long period;
        /** Guarded by {@link #lock}. */
        long deadline;
        /** Guarded by {@link #lock}. */
        long order;
        private volatile boolean cancelled;

        Scheduled(Runnable task, long deadline, long period) {
            this.task = task;
            this.deadline = deadline;
            this.period = period;
        }

        @Override
        public void cancel() {
            cancelled = true;
            lock.lock();
            try {
                timers.remove(this);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void run() {
            if (cancelled) {
                return;
            }
            try {
                task.run();
            } finally {
                if (period > 0 && !cancelled) {
                    lock.lock();
                    try {
                        if (!shutdown && !cancelled) {
                            deadline += period;
                            order = scheduled++;
                            timers.add(this);
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
        }

        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }
}
