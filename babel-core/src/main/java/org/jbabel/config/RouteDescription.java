package org.jbabel.config;

import org.jbabel.wire.RouteKey;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouterId;

/**
 * What a filter rule looks at. Fields a filter kind does not know are null (0 for {@code kernelProtocol}), as in
 * babeld: {@code neighbour} only for {@code in}; {@code routerId} for {@code in}, {@code out} and {@code install};
 * {@code kernelProtocol} and {@code local} only for {@code redistribute}. {@code interfaceName} is the receiving
 * interface ({@code in}), the sending one ({@code out}), the kernel route's output interface ({@code redistribute})
 * or the next hop's interface ({@code install}).
 */
public record RouteDescription(
        RouteKey key,
        IpAddress neighbour,
        RouterId routerId,
        int kernelProtocol,
        boolean local,
        String interfaceName) {

    /** Linux's RTPROT_BOOT: routes of this protocol are never redistributed unless a rule names it. */
    public static final int PROTO_BOOT = 3;

    /** A route learned from {@code neighbour} on {@code interfaceName}, originated by {@code routerId}. */
    public static RouteDescription learned(RouteKey key, IpAddress neighbour, RouterId routerId, String interfaceName) {
        return new RouteDescription(key, neighbour, routerId, 0, false, interfaceName);
    }

    /** A route announced on {@code interfaceName}, originated by {@code routerId}. */
    public static RouteDescription announced(RouteKey key, RouterId routerId, String interfaceName) {
        return new RouteDescription(key, null, routerId, 0, false, interfaceName);
    }

    /** A kernel route of protocol {@code kernelProtocol} through {@code interfaceName}. */
    public static RouteDescription kernel(RouteKey key, int kernelProtocol, String interfaceName) {
        return new RouteDescription(key, null, null, kernelProtocol, false, interfaceName);
    }

    /** A local (non-link-local) address of this node, as a host route. */
    public static RouteDescription localAddress(RouteKey key, String interfaceName) {
        return new RouteDescription(key, null, null, 0, true, interfaceName);
    }

    /** A selected route about to be installed through {@code interfaceName}, originated by {@code routerId}. */
    public static RouteDescription toInstall(RouteKey key, RouterId routerId, String interfaceName) {
        return new RouteDescription(key, null, routerId, 0, false, interfaceName);
    }
}
