package org.jbabel.ddhcp.block;

import org.jbabel.wire.IpAddress;

/**
 * Where another node's lease messages go: the IPv6 source address of its block messages, and the interface they came
 * in on (the scope of a link-local address; 0 for an address the routing table reaches).
 */
public record Peer(IpAddress address, int ifindex) {
    public Peer {
        java.util.Objects.requireNonNull(address);
    }

    @Override
    public String toString() {
        return address.isLinkLocal() ? address + "%" + ifindex : address.toString();
    }
}
