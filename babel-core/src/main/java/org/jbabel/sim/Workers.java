package org.jbabel.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Helper threads that share the items of a job with the thread that runs it: {@link #run} returns when every item
 * is done. Jobs are small (the receives of one instant, tens of microseconds each), so a helper spins a little before
 * it parks, and the caller takes whatever items no helper has claimed yet: a helper that the machine does not
 * schedule in time delays nothing but the items it already holds. Made for one {@link Simulation#advance} and
 * {@link #close() closed} after it.
 */
final class Workers implements AutoCloseable {

    /** Spins of an idle helper before it parks (a few microseconds; jobs follow each other closely). */
    private static final int IDLE_SPINS = 2_000;

    /** One job: items 0 .. count - 1, handed out by {@code next}; {@code done} counts the finished ones. */
    private record Job(int count, IntConsumer item, AtomicInteger next, AtomicInteger done) {
        /** Runs items until none is left to claim. */
        void work() {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    item.accept(i);
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final Thread[] helpers;
    private volatile Job current;
    private volatile boolean closed;

    /** {@code threads} threads in all: the caller's and {@code threads - 1} helpers. */
    Workers(int threads) {
        helpers = new Thread[Math.max(0, threads - 1)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = Thread.ofPlatform().daemon().name("jbabel-sim-" + (i + 1)).start(this::help);
        }
    }

    /**
     * Runs {@code item} for 0 .. {@code count} - 1 on this thread and the helpers, and returns when all are done.
     * {@code item} must not throw (an item records its own failure).
     */
    void run(int count, IntConsumer item) {
        Job job = new Job(count, item, new AtomicInteger(), new AtomicInteger());
        current = job;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
        job.work();
        for (int spins = 0; job.done().get() < count; spins++) {
            if (spins < IDLE_SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a helper holds an item but is not running: give it the core
            }
        }
    }

    private void help() {
        Job seen = null;
        while (!closed) {
            Job job = current;
            if (job == seen) {
                for (int spins = 0; current == seen && !closed; spins++) {
                    if (spins < IDLE_SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
                continue;
            }
            seen = job;
            job.work();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
    }
}
