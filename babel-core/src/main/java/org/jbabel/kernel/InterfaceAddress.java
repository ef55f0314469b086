package org.jbabel.kernel;

import java.util.Objects;
import org.jbabel.wire.IpAddress;

/**
 * An address configured on an interface.
 *
 * @param ifindex the interface it belongs to
 * @param address the address itself
 * @param prefixLength the length of the on-link prefix it was configured with
 * @param scope the kernel scope (0 universe, 200 site, 253 link, 254 host)
 * @param tentative true while IPv6 duplicate-address detection has not finished ({@code IFA_F_TENTATIVE})
 */
public record InterfaceAddress(int ifindex, IpAddress address, int prefixLength, int scope, boolean tentative) {

    /** The kernel's scope for link-local addresses. */
    public static final int SCOPE_LINK = 253;

    public InterfaceAddress {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > address.family().bits()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + address);
        }
    }

    public boolean linkLocal() {
        return address.isLinkLocal();
    }
}
