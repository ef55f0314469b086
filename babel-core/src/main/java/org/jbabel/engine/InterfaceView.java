package org.jbabel.engine;

import org.jbabel.wire.IpAddress;

/** A read-only snapshot of an interface as the engine knows it. Intervals are engine time (nanoseconds). */
public record InterfaceView(
        String name,
        boolean up,
        IpAddress linkLocal,
        IpAddress ipv4,
        InterfaceType type,
        int helloSeqno,
        long helloInterval,
        long updateInterval) {}
