package org.jbabel.xlat.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jbabel.wire.IpAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 6052 §2.4's examples (spec §3) both ways, and the u-octet and suffix rules of extraction. */
class Rfc6052Test {

    static final IpAddress V4 = IpAddress.parse("192.0.2.33");

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2001:db8::/32, 2001:db8:c000:221::",
        "2001:db8:100::/40, 2001:db8:1c0:2:21::",
        "2001:db8:122::/48, 2001:db8:122:c000:2:2100::",
        "2001:db8:122:300::/56, 2001:db8:122:3c0:0:221::",
        "2001:db8:122:344::/64, 2001:db8:122:344:c0:2:2100:0",
        "2001:db8:122:344::/96, 2001:db8:122:344::c000:221",
        "64:ff9b::/96, 64:ff9b::c000:221",
        "fd7a:1:2:3:aff:1::/96, fd7a:1:2:3:aff:1:c000:221"})
    void embedsAndExtractsTheRfcExamples(String prefix, String expected) {
        Rfc6052 p = Rfc6052.parse(prefix);
        IpAddress embedded = p.embed(V4);
        assertThat(embedded).isEqualTo(IpAddress.parse(expected));
        assertThat(p.extract(embedded.toBytes16(), 0)).isEqualTo(V4.v4Bits() & 0xffffffffL);
    }

    @ParameterizedTest(name = "/{0}")
    @CsvSource({"32", "40", "48", "56", "64"})
    void aSetUOctetIsReportedNotExtracted(int length) {
        Rfc6052 p = Rfc6052.of(IpAddress.parse("2001:db8:122:344::"), length);
        byte[] a = p.embed(V4).toBytes16();
        a[8] = 1;
        assertThat(p.extract(a, 0)).isEqualTo(Rfc6052.U_OCTET);
    }

    @ParameterizedTest(name = "/{0}")
    @CsvSource({"32", "40", "48", "56", "64"})
    void aNonZeroSuffixIsReported(int length) {
        Rfc6052 p = Rfc6052.of(IpAddress.parse("2001:db8:122:344::"), length);
        byte[] a = p.embed(V4).toBytes16();
        a[15] = 1;
        assertThat(p.extract(a, 0)).isEqualTo(Rfc6052.SUFFIX);
    }

    @Test
    void addressesOutsideThePrefixAreReported() {
        assertThat(Rfc6052.WELL_KNOWN.extract(IpAddress.parse("64:ff9c::c000:221").toBytes16(), 0))
                .isEqualTo(Rfc6052.NOT_IN_PREFIX);
        // a /96 has no u-octet rule: XP(E) of docs/XLAT.md decision 2 carries E's first byte there
        assertThat(Packets.PREFIX.extract(Packets.R6, 0)).isEqualTo(Packets.R4 & 0xffffffffL);
    }

    @Test
    void onlyTheSixLengthsAreAccepted() {
        assertThatThrownBy(() -> Rfc6052.parse("2001:db8::/80")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rfc6052.parse("10.0.0.0/32")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Rfc6052.parse("2001:db8::ffff/32")).isEqualTo(Rfc6052.parse("2001:db8::/32"));
    }
}
