package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkersTest {

    @Test
    void everyItemOfEveryJobRunsOnceAndTheJobIsDoneWhenRunReturns() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (Workers workers = new Workers(3)) {
            for (int job = 0; job < 2_000; job++) {
                int count = job % 7; // empty jobs too
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                int[] seen = new int[count]; // plain writes: run must make them visible to the caller
                workers.run(count, i -> {
                    runs.incrementAndGet(i);
                    seen[i] = i + 1;
                    threads.add(Thread.currentThread().getName());
                    for (long spin = 0; spin < 2_000; spin++) {
                        Thread.onSpinWait();
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertThat(runs.get(i)).as("job %d item %d", job, i).isEqualTo(1);
                    assertThat(seen[i]).isEqualTo(i + 1);
                }
            }
        }
        assertThat(threads).as("helpers took items").hasSizeGreaterThan(1);
    }

    @Test
    void oneThreadRunsEverythingOnTheCaller() {
        try (Workers workers = new Workers(1)) {
            Thread caller = Thread.currentThread();
            boolean[] onCaller = {true};
            workers.run(10, i -> onCaller[0] &= Thread.currentThread() == caller);
            assertThat(onCaller[0]).isTrue();
        }
    }
}
