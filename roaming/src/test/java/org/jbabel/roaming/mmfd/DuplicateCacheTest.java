package org.jbabel.roaming.mmfd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class DuplicateCacheTest {

    /** Against a FIFO oracle; small nonce ranges make collisions, repeats and probe chains that wrap. */
    @Property(tries = 300)
    void behavesLikeAFifoOfTheLastCapacityDistinctNonces(
            @ForAll @IntRange(min = 1, max = 40) int capacity,
            @ForAll @Size(max = 400) List<@LongRange(min = -20, max = 60) Long> nonces) {
        DuplicateCache cache = new DuplicateCache(capacity);
        ArrayDeque<Long> fifo = new ArrayDeque<>();
        Set<Long> oracle = new HashSet<>();
        for (long n : nonces) {
            boolean known = oracle.contains(n);
            assertThat(cache.contains(n)).isEqualTo(known);
            assertThat(cache.add(n)).isEqualTo(!known);
            if (!known) {
                if (fifo.size() == capacity) {
                    oracle.remove(fifo.removeFirst());
                }
                fifo.addLast(n);
                oracle.add(n);
            }
            assertThat(cache.size()).isEqualTo(fifo.size()).isLessThanOrEqualTo(capacity);
        }
        for (long n = -25; n <= 65; n++) {
            assertThat(cache.contains(n)).as("nonce %d", n).isEqualTo(oracle.contains(n));
        }
    }

    @Property(tries = 50)
    void holdsExactlyTheLastTwoThousandOfManyRandomNonces(@ForAll @Size(min = 2001, max = 5000) List<Long> nonces) {
        DuplicateCache cache = new DuplicateCache(MmfdEngine.CACHE_SIZE);
        List<Long> distinct = nonces.stream().distinct().toList();
        distinct.forEach(cache::add);
        assertThat(cache.size()).isEqualTo(Math.min(distinct.size(), MmfdEngine.CACHE_SIZE));
        int cut = Math.max(0, distinct.size() - MmfdEngine.CACHE_SIZE);
        for (int i = 0; i < distinct.size(); i++) {
            assertThat(cache.contains(distinct.get(i))).isEqualTo(i >= cut);
        }
    }
}
