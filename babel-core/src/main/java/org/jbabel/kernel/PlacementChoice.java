package org.jbabel.kernel;

import java.util.Objects;
import org.jbabel.wire.Family;

/**
 * The placement of each address family that the daemon uses, chosen once at start, and the line that tells which
 * (logged, and shown on the control socket).
 *
 * @param ipv4 the placement of IPv4 routes
 * @param ipv6 the placement of IPv6 routes
 * @param description what was chosen and why, in one line
 */
public record PlacementChoice(Placement ipv4, Placement ipv6, String description) {

    public PlacementChoice {
        Objects.requireNonNull(description, "description");
        if (ipv4.family() != Family.V4 || ipv6.family() != Family.V6) {
            throw new IllegalArgumentException("placements of the wrong family: " + ipv4.family() + ", "
                    + ipv6.family());
        }
    }

    /** Without source-specific routing: {@link PlainPlacement} for both families. */
    public static PlacementChoice plain() {
        return new PlacementChoice(new PlainPlacement(Family.V4), new PlainPlacement(Family.V6),
                "source-specific routes: not installed (no placement chosen)");
    }

    /** The placement of {@code family}. */
    public Placement of(Family family) {
        return family == Family.V4 ? ipv4 : ipv6;
    }
}
