package org.jbabel.config;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The four first-match rule lists in file order, including the rules babeld appends at the end
 * ({@code redistribute local allow} and {@code install allow}).
 */
public final class Filters {

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
