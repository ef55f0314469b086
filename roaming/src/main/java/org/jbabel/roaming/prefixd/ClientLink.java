package org.jbabel.roaming.prefixd;

import java.util.List;
import org.jbabel.wire.Prefix;

/**
 * What prefixd needs from the node's client side (the {@code roaming} extension), connected by {@code cli} when both
 * are configured: where Router Advertisements go, with which hardware address, which prefixes are always offered,
 * and whom to tell when an uplink prefix starts or stops being offered (it is a client prefix meanwhile).
 */
public interface ClientLink {

    /** The interface RAs are sent on (the next-node interface, up by the time prefixd starts). */
    String interfaceName();

    /** The next-node hardware address (the RAs' source link-layer address option). */
    byte[] routerMac();

    /** The static client prefixes (IPv6 /64s), offered always. */
    List<Prefix> staticPrefixes();

    /** {@code prefix} is now offered to clients ({@code true}), or no longer at all ({@code false}). */
    void prefixOffered(Prefix prefix, boolean offered);
}
