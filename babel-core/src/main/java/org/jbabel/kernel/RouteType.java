package org.jbabel.kernel;

/** The kernel's route types (rtm_type) that matter to us; every other type reads as {@link #OTHER}. */
public enum RouteType {
    /** A route through a next hop or directly over an interface. */
    UNICAST,
    /** Packets are dropped with "network unreachable": what a retracted Babel route leaves behind. */
    UNREACHABLE,
    /** Packets are dropped silently. */
    BLACKHOLE,
    /** Packets are dropped with "administratively prohibited". */
    PROHIBIT,
    /** A local address (the local table). */
    LOCAL,
    /** Broadcast, multicast, anycast, throw, NAT and the rest: read, never written. */
    OTHER
}
