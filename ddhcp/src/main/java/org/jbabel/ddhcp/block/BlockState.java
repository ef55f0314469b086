package org.jbabel.ddhcp.block;

/** A block's state in the local view, with ddhcpd's numbers (spec ddhcp.md §4; {@code ddhcpdctl -b} shows them). */
public enum BlockState {
    /** Nobody is known to own it. */
    FREE,
    /** Someone inquired about it: not ours to pick until the tentative timeout. */
    TENTATIVE,
    /** Another node owns it (its id and address are recorded). */
    CLAIMED,
    /** We are inquiring about it. */
    CLAIMING,
    /** We own it and serve DHCP from it. */
    OURS,
    /** Never used (ddhcpd neither). */
    BLOCKED;

    /** ddhcpd's number of the state. */
    public int code() {
        return ordinal();
    }
}
