package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class DaemonLogTest {

    @Test
    void timestampsAreZeroPaddedToMilliseconds() {
        assertThat(DaemonLog.timestamp(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6_000_000)))
                .isEqualTo("2026-01-02 03:04:05.006");
        assertThat(DaemonLog.timestamp(LocalDateTime.of(2026, 12, 31, 23, 59, 59, 999_999_999)))
                .isEqualTo("2026-12-31 23:59:59.999");
    }

    @Test
    void timestampsMatchTheFormatterPattern() {
        DateTimeFormatter pattern = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        LocalDateTime t = LocalDateTime.of(2026, 11, 28, 9, 7, 43, 120_456_789);
        assertThat(DaemonLog.timestamp(t)).isEqualTo(pattern.format(t));
    }
}
