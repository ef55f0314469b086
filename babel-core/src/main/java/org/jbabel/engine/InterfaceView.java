package org.jbabel.engine;

import org.jbabel.wire.IpAddress;

/**
 * A read-only snapshot of an interface as the engine knows it. Intervals are engine time (nanoseconds). The
 * interface's name is its identity in dumps.
 *
 * @param rxcost the nominal rxcost
 * @param unicastOnly whether TLVs other than Hellos are sent unicast to each neighbour
 */
public record InterfaceView(
        String name,
        boolean up,
        IpAddress linkLocal,
        IpAddress ipv4,
        InterfaceType type,
        int helloSeqno,
        long helloInterval,
        long updateInterval,
        int ifindex,
        int mtu,
        int rxcost,
        boolean linkQuality,
        boolean splitHorizon,
        boolean unicastOnly) {}
