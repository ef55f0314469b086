package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.jbabel.wire.RouterId;
import org.junit.jupiter.api.Test;

class RouterIdsTest {

    private static final byte[] UNIVERSAL = {0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e};
    private static final byte[] LOCAL = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

    @Test
    void universalMacBecomesModifiedEui64() {
        assertThat(RouterIds.fromMac(UNIVERSAL)).contains(RouterId.parse("02:1b:21:ff:fe:3c:4d:5e"));
    }

    @Test
    void locallyAdministeredMulticastAndZeroMacsGiveNoId() {
        assertThat(RouterIds.fromMac(LOCAL)).isEmpty();
        assertThat(RouterIds.fromMac(new byte[] {0x01, 0, 0x5e, 0, 0, 1})).isEmpty();
        assertThat(RouterIds.fromMac(new byte[6])).isEmpty();
        assertThat(RouterIds.fromMac(new byte[8])).isEmpty();
    }

    @Test
    void configuredIdWinsThenStateFileThenFirstUniversalMacWithBabeldsStateFile() {
        RouterId configured = RouterId.parse("00:00:00:00:00:00:00:2a");
        RouterId savedId = RouterId.parse("00:00:00:00:00:00:00:07");
        StateFile saved = new StateFile(savedId, 9);
        StateFile babelds = new StateFile(null, 9);
        Random r = new Random(1);
        assertThat(RouterIds.choose(configured, true, saved, List.of(UNIVERSAL), r)).isEqualTo(configured);
        assertThat(RouterIds.choose(null, false, saved, List.of(UNIVERSAL), r)).isEqualTo(savedId);
        assertThat(RouterIds.choose(null, false, babelds, List.of(LOCAL, UNIVERSAL), r))
                .isEqualTo(RouterId.parse("02:1b:21:ff:fe:3c:4d:5e"));
    }

    @Test
    void withoutAKnownSeqnoTheMacIsNotUsedAndEachStartDrawsANewId() {
        RouterId first = RouterIds.choose(null, false, null, List.of(UNIVERSAL), new Random(1));
        RouterId second = RouterIds.choose(null, false, null, List.of(UNIVERSAL), new Random(2));
        assertThat(first).isNotEqualTo(RouterId.parse("02:1b:21:ff:fe:3c:4d:5e")).isNotEqualTo(second);
        assertThat(first.isValid()).isTrue();
    }

    @Test
    void randomIdIgnoresStateFileAndMacs() {
        RouterId saved = RouterId.parse("00:00:00:00:00:00:00:07");
        RouterId id = RouterIds.choose(null, true, new StateFile(saved, 3), List.of(UNIVERSAL), new Random(3));
        assertThat(id).isNotEqualTo(saved).isNotEqualTo(RouterId.parse("02:1b:21:ff:fe:3c:4d:5e"));
        assertThat(id.isValid()).isTrue();
    }

    @Test
    void withoutUniversalMacTheIdIsRandomAndValid() {
        assertThat(RouterIds.choose(null, false, new StateFile(null, 1), List.of(LOCAL), new Random(5)).isValid())
                .isTrue();
    }
}
