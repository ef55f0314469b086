package org.jbabel.kernel;

import java.time.Duration;
import java.util.List;

/** A subscription to kernel notifications, read by polling; close it to unsubscribe. */
public interface KernelEvents extends AutoCloseable {

    /**
     * The events that are ready, waiting at most {@code timeout} for the first one; an empty list when none
     * came in time. Never throws for malformed notifications: they are counted and skipped.
     */
    List<KernelEvent> poll(Duration timeout);

    @Override
    void close();
}
