package org.jbabel.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The backoff of {@link LinuxEvents} after failed reads. */
class LinuxEventsTest {

    @Test
    void failedReadsInARowWaitLongerEachTimeUpToTheCap() {
        assertThat(LinuxEvents.backoffMillis(0)).isZero();
        assertThat(LinuxEvents.backoffMillis(1)).isEqualTo(LinuxEvents.FIRST_BACKOFF_MILLIS);
        assertThat(LinuxEvents.backoffMillis(2)).isEqualTo(2 * LinuxEvents.FIRST_BACKOFF_MILLIS);
        assertThat(LinuxEvents.backoffMillis(5)).isEqualTo(16 * LinuxEvents.FIRST_BACKOFF_MILLIS);
        assertThat(LinuxEvents.backoffMillis(40)).isEqualTo(LinuxEvents.MAX_BACKOFF_MILLIS);
        assertThat(LinuxEvents.backoffMillis(Integer.MAX_VALUE)).isEqualTo(LinuxEvents.MAX_BACKOFF_MILLIS);
    }
}
