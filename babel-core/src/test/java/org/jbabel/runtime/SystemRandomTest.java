package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class SystemRandomTest {

    @Test
    void drawsFromTheKernelAcrossItsBufferAndKeepsBoundsOfTheDerivedMethods() {
        RandomGenerator random = SystemRandom.open();
        assertThat(random).isInstanceOf(SystemRandom.class); // /dev/urandom exists on every Linux
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) { // 1,600 bytes: several refills of the 256-byte buffer
            seen.add(random.nextLong());
            assertThat(random.nextInt(0x10000)).isBetween(0, 0xFFFF);
        }
        assertThat(seen).hasSize(200);
    }
}
