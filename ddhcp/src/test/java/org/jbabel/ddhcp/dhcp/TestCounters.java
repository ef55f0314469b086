package org.jbabel.ddhcp.dhcp;

import java.util.Map;
import java.util.TreeMap;
import org.jbabel.extension.ExtensionContext;

final class TestCounters implements ExtensionContext.Counters {
    final Map<String, Long> values = new TreeMap<>();

    @Override
    public void increment(String name) {
        add(name, 1);
    }

    @Override
    public void add(String name, long delta) {
        values.merge(name, delta, Long::sum);
    }

    long get(String name) {
        return values.getOrDefault(name, 0L);
    }
}
