package org.jbabel.roaming.prefixd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class PrefixChoiceTest {

    private static final long S = 1_000_000_000L;
    private static final Prefix P1 = Prefix.parse("2001:db8:1::/64");
    private static final Prefix P2 = Prefix.parse("2001:db8:2::/64");
    private static final Prefix P3 = Prefix.parse("2001:db8:3::/64");
    private static final Prefix WIDE = Prefix.parse("2001:db8::/48");

    private final PrefixChoice choice = new PrefixChoice(2, 1000, 256, 100 * S);

    private String offers() {
        return choice.offers().stream().map(o -> o.prefix() + (o.deprecated() ? "(deprecated)" : "")).toList()
                .toString();
    }

    @Test
    void theNearestUpToTheMaximumOnlySlash64sUnderTheMaximumMetric() {
        assertThat(choice.update(0, Map.of(P1, 300, P2, 100, P3, 200, WIDE, 0))).isTrue();
        assertThat(offers()).isEqualTo("[2001:db8:2::/64, 2001:db8:3::/64]");
        assertThat(choice.update(0, Map.of(P1, 300, P2, 100, P3, 200))).isFalse();
        PrefixChoice strict = new PrefixChoice(3, 150, 256, 100 * S);
        strict.update(0, Map.of(P1, 300, P2, 100, P3, 151));
        assertThat(strict.offers()).extracting(PrefixChoice.Offer::prefix).containsExactly(P2);
    }

    @Test
    void aPrefixIsReplacedOnlyByOneAtLeastTheHysteresisNearer() {
        choice.update(0, Map.of(P1, 100, P2, 500));
        choice.update(1, Map.of(P1, 100, P2, 500, P3, 300)); // 200 nearer than P2: not enough
        assertThat(offers()).isEqualTo("[2001:db8:1::/64, 2001:db8:2::/64]");
        assertThat(choice.update(2, Map.of(P1, 100, P2, 500, P3, 244))).isTrue(); // 256 nearer: replaces it
        assertThat(offers()).isEqualTo("[2001:db8:1::/64, 2001:db8:3::/64, 2001:db8:2::/64(deprecated)]");
    }

    @Test
    void aLostRouteIsDeprecatedAtOnceAndDroppedAfterTheValidLifetimeUnlessItComesBack() {
        choice.update(0, Map.of(P1, 100, P2, 200));
        assertThat(choice.update(10 * S, Map.of(P1, 100))).isTrue();
        assertThat(offers()).isEqualTo("[2001:db8:1::/64, 2001:db8:2::/64(deprecated)]");
        assertThat(choice.nextExpiry()).isEqualTo(110 * S);
        assertThat(choice.update(50 * S, Map.of(P1, 100, P2, 200))).isTrue(); // back: offered again
        assertThat(offers()).isEqualTo("[2001:db8:1::/64, 2001:db8:2::/64]");
        assertThat(choice.nextExpiry()).isEqualTo(-1);
        choice.update(60 * S, Map.of(P1, 100));
        assertThat(choice.update(159 * S, Map.of(P1, 100))).isFalse();
        assertThat(choice.update(160 * S, Map.of(P1, 100))).isTrue();
        assertThat(offers()).isEqualTo("[2001:db8:1::/64]");
    }
}
