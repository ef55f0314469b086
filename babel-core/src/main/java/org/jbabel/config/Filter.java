package org.jbabel.config;

import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;

/**
 * One filter rule: selectors (all must match) and an action.
 *
 * <p>{@code family} restricts the rule to one address family; it is set by an {@code ip}, {@code src-ip},
 * {@code src-prefix} or {@code pref-src} of that family, and, when none of these is given, a rule whose length
 * bounds are not the trivial 0..128 is IPv6-only (babeld's rule). {@code minLength}/{@code maxLength} are the
 * effective {@code ge}/{@code le}/{@code eq} bounds (0 and 128 when not given) in the family's own bits: with an
 * IPv4 family they are IPv4 lengths. The same holds for the source bounds. {@code kernelProtocol} ({@code proto})
 * and {@code local} are mutually exclusive; when neither is given the rule matches no local address and no route
 * of protocol {@code boot} (3). {@code statement} is the rule as written, for error messages and dumps.
 */
public record Filter(
        FilterKind kind,
        Family family,
        Prefix prefix,
        int minLength,
        int maxLength,
        Prefix sourcePrefix,
        int minSourceLength,
        int maxSourceLength,
        IpAddress neighbour,
        RouterId routerId,
        Integer kernelProtocol,
        boolean local,
        String interfaceName,
        FilterAction action,
        Position position,
        String statement) {

    /** The largest length bound: no constraint. */
    public static final int NO_MAX = 128;

    /** A rule with no selectors and the given action ({@code install allow}). */
    static Filter implicit(FilterKind kind, boolean local, String statement) {
        return new Filter(kind, null, null, 0, NO_MAX, null, 0, NO_MAX, null, null, null, local, null,
                FilterAction.ALLOW, Position.IMPLICIT, statement);
    }

    public boolean lengthConstrained() {
        return minLength > 0 || maxLength < NO_MAX;
    }

    public boolean sourceLengthConstrained() {
        return minSourceLength > 0 || maxSourceLength < NO_MAX;
    }

    /** Whether every selector of this rule matches the route, with babeld's semantics. */
    public boolean matches(RouteDescription route) {
        Prefix p = route.key().prefix();
        Prefix s = route.key().source();
        if (family != null && p.family() != family) {
            return false;
        }
        if (routerId != null && !routerId.equals(route.routerId())) {
            return false;
        }
        if (prefix != null && !prefix.contains(p)) {
            return false;
        }
        if (sourcePrefix != null && !sourcePrefix.contains(s)) {
            return false;
        }
        if (lengthConstrained() && (p.length() < minLength || p.length() > maxLength)) {
            return false;
        }
        if (sourceLengthConstrained() && (s.length() < minSourceLength || s.length() > maxSourceLength)) {
            return false;
        }
        if (neighbour != null && !neighbour.equals(route.neighbour())) {
            return false;
        }
        if (interfaceName != null && !interfaceName.equals(route.interfaceName())) {
            return false;
        }
        if (local) {
            return route.local();
        }
        if (kernelProtocol != null) {
            return !route.local() && route.kernelProtocol() == kernelProtocol;
        }
        return !route.local() && route.kernelProtocol() != RouteDescription.PROTO_BOOT;
    }
}
