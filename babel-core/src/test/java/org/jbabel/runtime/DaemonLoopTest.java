package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's own event loop: one thread, tasks in order, timers by deadline, failures contained or fatal. */
class DaemonLoopTest {

    @TempDir
    Path dir;
    private DaemonLoop loop;

    private DaemonLoop loop() throws java.io.IOException {
        loop = new DaemonLoop(new DaemonLog(dir.resolve("log").toString(), 0));
        return loop;
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.shutdown(5_000);
        }
    }

    @Test
    void runsTasksInOrderOnOneThreadOfItsOwn() throws Exception {
        DaemonLoop l = loop();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            l.execute(() -> {
                seen.add(n);
                threads.add(Thread.currentThread());
            });
        }
        assertThat(l.submit(l::inLoop).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(l.inLoop()).isFalse();
        assertThat(seen).hasSize(100).isSorted();
        assertThat(threads).allMatch(t -> t == threads.get(0));
        assertThat(threads.get(0).getName()).isEqualTo(DaemonLoop.THREAD_NAME);
        assertThat(threads.get(0).isDaemon()).isFalse();
    }

    @Test
    void itsThreadStartsWithTheFirstTaskSoThatALoopNeverUsedHoldsNoJvm() throws Exception {
        long before = loopThreads();
        DaemonLoop l = loop();
        assertThat(loopThreads()).as("no thread before any work").isEqualTo(before);
        l.shutdown(5_000);
        assertThatThrownBy(() -> l.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThat(loopThreads()).isEqualTo(before);
    }

    private static long loopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(DaemonLoop.THREAD_NAME) && t.isAlive()).count();
    }

    @Test
    void timersRunByDeadlineAndACancelledOneNever() throws Exception {
        DaemonLoop l = loop();
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        l.schedule(() -> {
            seen.add("late");
            done.countDown();
        }, 300, TimeUnit.MILLISECONDS);
        // deadlines far apart: a slow machine may take milliseconds between two of these calls
        DaemonLoop.Timer cancelled = l.schedule(() -> seen.add("cancelled"), 200, TimeUnit.MILLISECONDS);
        l.schedule(() -> seen.add("early"), 100, TimeUnit.MILLISECONDS);
        l.schedule(() -> seen.add("now"), 0, TimeUnit.MILLISECONDS);
        cancelled.cancel();
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly("now", "early", "late");
    }

    @Test
    void aFixedRateTimerRepeatsUntilCancelled() throws Exception {
        DaemonLoop l = loop();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        DaemonLoop.Timer t = l.scheduleAtFixedRate(() -> {
            runs.incrementAndGet();
            three.countDown();
        }, 0, 5, TimeUnit.MILLISECONDS);
        assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
        l.submit(() -> {
            t.cancel();
            return null;
        }).get(5, TimeUnit.SECONDS);
        int after = runs.get();
        // later timers run after the cancelled one would have: it did not
        CountDownLatch later = new CountDownLatch(1);
        l.schedule(later::countDown, 30, TimeUnit.MILLISECONDS);
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(runs.get()).isEqualTo(after);
    }

    @Test
    void aTaskThatThrowsIsLoggedAndTheLoopGoesOn() throws Exception {
        DaemonLoop l = loop();
        l.execute(() -> {
            throw new IllegalStateException("task failed on purpose");
        });
        assertThat(l.submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(Files.readString(dir.resolve("log"))).contains("task failed on purpose");
        assertThatThrownBy(() -> l.submit(() -> {
            throw new IllegalArgumentException("in a future");
        }).get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasRootCauseMessage("in a future");
    }

    @Test
    void anErrorOnTheLoopIsFatal() throws Exception {
        DaemonLoop l = loop();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        FatalErrors.onFatal(new DaemonLog(dir.resolve("fatal").toString(), 0), cleanedUp::countDown);
        l.execute(() -> {
            throw new OutOfMemoryError("on purpose");
        });
        assertThat(cleanedUp.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void afterShutdownQueuedTasksHaveRunAndNewOnesAreRefused() throws Exception {
        DaemonLoop l = loop();
        AtomicInteger runs = new AtomicInteger();
        l.execute(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runs.incrementAndGet();
        });
        l.execute(runs::incrementAndGet);
        l.schedule(runs::incrementAndGet, 1, TimeUnit.HOURS);
        l.shutdown(5_000);
        assertThat(runs.get()).isEqualTo(2);
        assertThatThrownBy(() -> l.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> l.schedule(() -> {}, 0, TimeUnit.SECONDS))
                .isInstanceOf(RejectedExecutionException.class);
    }
}
