package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * How IPv4 addresses travel in the intercom (spec roaming.md §1.10): as the first 12 bytes of an IPv6 /96 (l3roamd's
 * {@code -4}, default {@code ::ffff:0:0/96}) followed by the 4 IPv4 bytes. Every node of a mesh must use the same /96.
 * Inside the engine an IPv4 address is an {@link IpAddress} of family V4, as everywhere in jbabel; only the wire
 * carries the mapped form.
 *
 * @param prefix an IPv6 /96 (built with {@link IpAddress#v6}: {@link IpAddress#parse} reads ::ffff:a.b.c.d as IPv4)
 */
public record Ipv4Mapping(Prefix prefix) {

    /** {@code ::ffff:0:0/96}, l3roamd's default. */
    public static final Ipv4Mapping DEFAULT = new Ipv4Mapping(new Prefix(IpAddress.v6(0, 0xffff_0000_0000L), 96));

    public Ipv4Mapping {
        if (prefix.family() != Family.V6 || prefix.length() != 96) {
            throw new IllegalArgumentException("the IPv4 mapping prefix must be an IPv6 /96, not " + prefix);
        }
    }

    /** The wire form of an address: IPv6 as it is, IPv4 inside the /96. */
    public IpAddress toWire(IpAddress address) {
        if (address.family() == Family.V6) {
            return address;
        }
        return IpAddress.v6(prefix.address().hi(), (prefix.address().lo() & 0xffff_ffff_0000_0000L)
                | (address.v4Bits() & 0xffff_ffffL));
    }

    /** An address read from the wire: inside the /96 it is IPv4, otherwise IPv6 as it is. */
    public IpAddress fromWire(IpAddress wire) {
        if (wire.family() == Family.V6 && prefix.contains(wire)) {
            return IpAddress.v4((int) wire.lo());
        }
        return wire;
    }

    /** An IPv4 prefix as l3roamd lists it: {@code a.b.c.d/n} becomes {@code <mapping>:a.b.c.d/(n+96)}. */
    public Prefix toWire(Prefix v4) {
        if (v4.family() == Family.V6) {
            return v4;
        }
        return new Prefix(toWire(v4.address()), v4.length() + 96);
    }
}
