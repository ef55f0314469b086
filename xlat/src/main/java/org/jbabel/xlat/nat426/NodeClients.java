package org.jbabel.xlat.nat426;

import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * NCA(mac) and its inverse: the node-client address l3roamd gives a client (the node-client prefix's first 64 bits,
 * then the modified EUI-64 of the MAC, as roaming's {@code NodeClientAddress} computes it) is the IPv6 source of the client's translated traffic,
 * and replies come back to it, so the client's MAC is read back from the interface identifier. An identifier without
 * {@code ff:fe} in its middle is not one.
 */
public final class NodeClients {

    /** Returned by {@link #macOf} for an address that is not a node-client address. */
    public static final long NOT_A_CLIENT = -1;

    private NodeClients() {}

    /** NCA(mac) under the node-client prefix {@code ncp}. */
    public static IpAddress of(long mac, Prefix ncp) {
        return IpAddress.v6(ncp.address().hi(), lo(mac));
    }

    /** The interface identifier of NCA(mac): the modified EUI-64 of {@code mac} (RFC 4291 §2.5.1). */
    public static long lo(long mac) {
        long flipped = mac ^ 0x0200_0000_0000L;
        return ((flipped >>> 24) << 40) | (0xfffeL << 24) | (flipped & 0xff_ffffL);
    }

    /**
     * The MAC of the node-client address {@code hi}:{@code lo} (the two halves of an IPv6 address, as read from a
     * packet) under the prefix whose first 64 bits are {@code ncpHi}, or {@link #NOT_A_CLIENT}. Allocates nothing.
     */
    public static long macOf(long hi, long lo, long ncpHi) {
        if (hi != ncpHi || ((lo >>> 24) & 0xffff) != 0xfffe) {
            return NOT_A_CLIENT;
        }
        return (((lo >>> 40) << 24) | (lo & 0xff_ffffL)) ^ 0x0200_0000_0000L;
    }

    /** The MAC of {@code address} under {@code ncp} (a /64), or {@link #NOT_A_CLIENT}. */
    public static long macOf(IpAddress address, Prefix ncp) {
        if (address.family() != Family.V6) {
            return NOT_A_CLIENT;
        }
        return macOf(address.hi(), address.lo(), ncp.address().hi());
    }
}
