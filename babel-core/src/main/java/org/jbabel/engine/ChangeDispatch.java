package org.jbabel.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jbabel.engine.EngineCounters.Counter;

/**
 * The engine's observers and what they are told: route and neighbour changes are queued during an event and
 * delivered when it ends ({@link #deliver}), so that an observer sees the tables consistent and may call the engine
 * back (its changes queue behind). Errors the engine survives (an observer that threw, a TLV whose handling threw)
 * go to the {@link BabelEngine.ErrorReporter} with their exception.
 */
final class ChangeDispatch {
    private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
    private final Deque<Object> events = new ArrayDeque<>();
    private final EngineCounters counters;
    private BabelEngine.ErrorReporter errorReporter = (what, error) -> {};
    private boolean dispatching;

    ChangeDispatch(EngineCounters counters) {
        this.counters = counters;
    }

    void setErrorReporter(BabelEngine.ErrorReporter reporter) {
        this.errorReporter = Objects.requireNonNull(reporter);
    }

    void addListener(EngineListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    void removeListener(EngineListener listener) {
        listeners.remove(listener);
    }

    /** Reports an error the engine survived, with the exception that says what happened. */
    void report(String what, RuntimeException error) {
        errorReporter.report(what, error);
    }

    /** Queues a change for the listeners, if there are any (nothing is kept for nobody). */
    void emit(Object event) {
        if (!listeners.isEmpty()) {
            events.add(event);
        }
    }

    /** Delivers the changes of this event to the listeners; re-entrant calls queue theirs behind. */
    void deliver() {
        if (dispatching) {
            return;
        }
        if (listeners.isEmpty()) {
            events.clear();
            return;
        }
        dispatching = true;
        try {
            while (!events.isEmpty()) {
                Object event = events.poll();
                for (EngineListener l : listeners) {
                    try {
                        switch (event) {
                            case RouteChange c -> l.routeChanged(c);
                            case NeighbourChange c -> l.neighbourChanged(c);
                            default -> throw new IllegalStateException("unknown event " + event);
                        }
                    } catch (RuntimeException e) {
                        counters.increment(Counter.OBSERVER_ERROR);
                        errorReporter.report("observer " + l + " on " + event, e);
                    }
                }
            }
        } finally {
            dispatching = false;
        }
    }
}
