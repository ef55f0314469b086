package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    @Test
    void eventsComeOutByTimeAndEqualTimesInSchedulingOrder() {
        EventQueue<String> q = new EventQueue<>();
        q.schedule(30, "c");
        q.schedule(10, "a1");
        q.schedule(20, "b");
        q.schedule(10, "a2");
        q.schedule(10, "a3");
        List<String> out = new ArrayList<>();
        while (!q.isEmpty()) {
            out.add(q.poll().event());
        }
        assertThat(out).containsExactly("a1", "a2", "a3", "b", "c");
        assertThat(q.nextTime()).isEqualTo(Long.MAX_VALUE);
        assertThat(q.poll()).isNull();
    }

    @Test
    void theSameSchedulingGivesTheSameOrderEveryTime() {
        assertThat(drain(42)).isEqualTo(drain(42)).isNotEqualTo(drain(43));
    }

    @Test
    void eventsScheduledWhileRunningKeepTheOrder() {
        EventQueue<Integer> q = new EventQueue<>();
        q.schedule(5, 1);
        List<Long> times = new ArrayList<>();
        while (!q.isEmpty()) {
            EventQueue.Scheduled<Integer> s = q.poll();
            times.add(s.time());
            if (s.event() < 5) {
                q.schedule(s.time() + 3, s.event() + 1);
                q.schedule(s.time(), 100);
            }
        }
        assertThat(times).isSorted();
        assertThat(times).hasSize(9);
    }

    private static List<String> drain(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        EventQueue<String> q = new EventQueue<>();
        for (int i = 0; i < 1000; i++) {
            q.schedule(r.nextInt(50), "e" + i);
        }
        List<String> out = new ArrayList<>();
        long last = -1;
        while (!q.isEmpty()) {
            EventQueue.Scheduled<String> s = q.poll();
            assertThat(s.time()).isGreaterThanOrEqualTo(last);
            last = s.time();
            out.add(s.event());
        }
        return out;
    }
}
