package org.jbabel.sim;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The simulator's discrete-event queue: events come out in order of time, and events for the same time in the
 * order they were scheduled, so a run depends on nothing but its inputs and its seed.
 *
 * @param <E> the event type
 */
public final class EventQueue<E> {

    /** An event with its time and its insertion sequence number (the tie-breaker). */
    public record Scheduled<E>(long time, long sequence, E event) {}

    /** By time, then by sequence (written out: the queue compares on every insertion and removal). */
    private static final Comparator<Scheduled<?>> ORDER = (a, b) -> a.time() != b.time()
            ? Long.compare(a.time(), b.time()) : Long.compare(a.sequence(), b.sequence());

    private final PriorityQueue<Scheduled<E>> queue = new PriorityQueue<>(ORDER);
    private long nextSequence;

    public void schedule(long time, E event) {
        queue.add(new Scheduled<>(time, nextSequence++, event));
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public int size() {
        return queue.size();
    }

    /** The time of the next event, or {@link Long#MAX_VALUE} when there is none. */
    public long nextTime() {
        Scheduled<E> head = queue.peek();
        return head == null ? Long.MAX_VALUE : head.time();
    }

    /** The next event without removing it, or null when there is none. */
    public E peek() {
        Scheduled<E> head = queue.peek();
        return head == null ? null : head.event();
    }

    /** Removes and returns the next event, or null when there is none. */
    public Scheduled<E> poll() {
        return queue.poll();
    }
}
