package org.jbabel.xlat.nat64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** {@link KeyTable} against a {@link HashMap}: puts, replacements and removals in any order, growth included. */
class KeyTableTest {

    record Key(long a, long b, long c) {}

    @Property(tries = 200)
    void behavesAsAMap(@ForAll @Size(max = 2000) List<@IntRange(min = 0, max = 299) Integer> ops,
            @ForAll @IntRange(min = 1, max = 64) int expected) {
        KeyTable table = new KeyTable(expected);
        Map<Key, Integer> oracle = new HashMap<>();
        int step = 0;
        for (int op : ops) {
            // few distinct keys, so that puts, replacements and removals meet; some differ in one long only
            long n = op % 100;
            Key k = new Key(n / 10, n % 10, n % 3 == 0 ? -1 : n);
            switch (op / 100) {
                case 0, 1 -> {
                    table.put(k.a(), k.b(), k.c(), step);
                    oracle.put(k, step);
                }
                default -> assertThat(table.remove(k.a(), k.b(), k.c()))
                        .isEqualTo(oracle.containsKey(k) ? oracle.remove(k) : KeyTable.ABSENT);
            }
            step++;
            assertThat(table.size()).isEqualTo(oracle.size());
        }
        for (long n = 0; n < 100; n++) {
            Key k = new Key(n / 10, n % 10, n % 3 == 0 ? -1 : n);
            assertThat(table.get(k.a(), k.b(), k.c())).isEqualTo(oracle.getOrDefault(k, KeyTable.ABSENT));
        }
    }
}
