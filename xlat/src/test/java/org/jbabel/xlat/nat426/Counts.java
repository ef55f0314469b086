package org.jbabel.xlat.nat426;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Counters recorded by name, for tests. */
final class Counts implements Consumer<String> {

    final Map<String, Integer> counts = new TreeMap<>();

    @Override
    public void accept(String name) {
        counts.merge(name, 1, Integer::sum);
    }

    int get(String name) {
        return counts.getOrDefault(name, 0);
    }
}
