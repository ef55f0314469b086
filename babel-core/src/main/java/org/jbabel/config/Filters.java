package org.jbabel.config;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jbabel.engine.InstallOptions;
import org.jbabel.engine.RouteFilters;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.RouterId;

/**
 * The four first-match rule lists in file order, including the rules babeld appends at the end
 * ({@code redistribute local allow} and {@code install allow}). As {@link RouteFilters} they are the engine's
 * {@code in}, {@code out} and {@code install} filters ({@code BabelEngine.setFilters}); the daemon evaluates
 * {@code redistribute} itself with {@link #evaluate}.
 */
public final class Filters implements RouteFilters {

    private final Map<FilterKind, List<Filter>> rules;

    Filters(Map<FilterKind, List<Filter>> rules) {
        EnumMap<FilterKind, List<Filter>> copy = new EnumMap<>(FilterKind.class);
        for (FilterKind k : FilterKind.values()) {
            copy.put(k, List.copyOf(rules.getOrDefault(k, List.of())));
        }
        this.rules = copy;
    }

    /** The rules of one kind, in order. */
    public List<Filter> rules(FilterKind kind) {
        return rules.get(kind);
    }

    /** The first rule of the list that matches the route. */
    public Optional<Filter> firstMatch(FilterKind kind, RouteDescription route) {
        for (Filter f : rules.get(kind)) {
            if (f.matches(route)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The action of the first matching rule, or the kind's default when none matches. */
    public FilterAction evaluate(FilterKind kind, RouteDescription route) {
        return firstMatch(kind, route).map(Filter::action).orElse(kind.defaultAction());
    }

    /** The {@code in} rules: 0 for allow, the {@code metric} to add, or 65535 for deny. */
    @Override
    public int input(RouteKey key, RouterId origin, IpAddress neighbour, String ifname) {
        return evaluate(FilterKind.IN, RouteDescription.learned(key, neighbour, origin, ifname)).metric();
    }

    /** The {@code out} rules: 0 for allow, the {@code metric} to add, or 65535 for deny. */
    @Override
    public int output(RouteKey key, RouterId origin, String ifname) {
        return evaluate(FilterKind.OUT, RouteDescription.announced(key, origin, ifname)).metric();
    }

    /** The {@code install} rules: deny, or install with the rule's {@code table} and {@code pref-src}. */
    @Override
    public InstallOptions install(RouteKey key, RouterId origin, String ifname) {
        FilterAction a = evaluate(FilterKind.INSTALL, RouteDescription.toInstall(key, origin, ifname));
        if (a.denies()) {
            return InstallOptions.DENY;
        }
        if (a.table() == null && a.preferredSource() == null) {
            return InstallOptions.DEFAULT;
        }
        return new InstallOptions(true, a.table() == null ? 0 : a.table(), a.preferredSource());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Filters other && rules.equals(other.rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }

    @Override
    public String toString() {
        return rules.toString();
    }
}
