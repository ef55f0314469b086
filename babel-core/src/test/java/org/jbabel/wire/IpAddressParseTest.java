package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IpAddress#parse} accepts what glibc's {@code inet_pton} accepts, and nothing else; it never resolves. */
class IpAddressParseTest {

    @Test
    void parsesDottedQuads() {
        assertThat(IpAddress.parse("192.0.2.1")).isEqualTo(IpAddress.v4(0xc0000201));
        assertThat(IpAddress.parse("0.0.0.0")).isEqualTo(IpAddress.V4_UNSPECIFIED);
        assertThat(IpAddress.parse("255.255.255.255")).isEqualTo(IpAddress.v4(-1));
        assertThat(IpAddress.parse("10.0.100.0").toString()).isEqualTo("10.0.100.0");
    }

    @Test
    void parsesIpv6InEveryForm() {
        assertThat(IpAddress.parse("::")).isEqualTo(IpAddress.V6_UNSPECIFIED);
        assertThat(IpAddress.parse("::1")).isEqualTo(IpAddress.v6(0, 1));
        assertThat(IpAddress.parse("fe80::")).isEqualTo(IpAddress.v6(0xfe80_0000_0000_0000L, 0));
        assertThat(IpAddress.parse("2001:DB8:0:0:1:0:0:1")).isEqualTo(IpAddress.parse("2001:db8::1:0:0:1"));
        assertThat(IpAddress.parse("2001:0db8:0000:0000:0000:0000:0000:0001")).isEqualTo(IpAddress.parse("2001:db8::1"));
        assertThat(IpAddress.parse("1:2:3:4:5:6:7::")).isEqualTo(IpAddress.parse("1:2:3:4:5:6:7:0"));
        assertThat(IpAddress.parse("::2:3:4:5:6:7:8")).isEqualTo(IpAddress.parse("0:2:3:4:5:6:7:8"));
        assertThat(IpAddress.parse("64:ff9b::192.0.2.33")).isEqualTo(IpAddress.v6(0x0064_ff9b_0000_0000L, 0xc000_0221L));
        assertThat(IpAddress.parse("1:2:3:4:5:6:1.2.3.4")).isEqualTo(IpAddress.parse("1:2:3:4:5:6:102:304"));
        assertThat(IpAddress.parse("ff02::1:6")).isEqualTo(IpAddress.BABEL_GROUP);
    }

    @Test
    void aV4MappedLiteralIsTheIpv4Address() {
        assertThat(IpAddress.parse("::ffff:192.0.2.1")).isEqualTo(IpAddress.parse("192.0.2.1"));
        assertThat(IpAddress.parse("::ffff:c000:201").family()).isEqualTo(Family.V4);
    }

    /** inet_pton(AF_INET) wants exactly four decimal parts without leading zeros; inet_aton's forms are refused. */
    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "00.0.0.0", "1.2.3.256", "1.2.3.",
        ".1.2.3", "1..2.3", "0x1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "16909060", "1.2.3.1000"})
    void refusesMalformedIpv4(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a numeric IPv4 address: '" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {":", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::", "1::2:", "1:",
        "12345::", "g::1", "1:2:3:4:5:6:7::8", "::1.2.3", "::01.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5",
        "[::1]", "::1/128", "1.2.3.4::", "::ffff:1.2.3.4.5", "fe80::١"})
    void refusesMalformedIpv6(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void refusesZoneIds() {
        assertThatThrownBy(() -> IpAddress.parse("fe80::1%eth0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zone id");
        assertThatThrownBy(() -> IpAddress.parse("fe80::1%2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTheEmptyString() {
        assertThatThrownBy(() -> IpAddress.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    /** Names are never looked up: a name is an error at once, whether or not it would resolve. */
    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.org", "ip6-localhost", "a.b.c.d", "router.local"})
    void refusesHostNamesWithoutResolvingThem(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host names are not resolved");
    }

    @Property(tries = 500)
    void printedAddressesParseBack(@ForAll long hi, @ForAll long lo, @ForAll int v4) {
        IpAddress a = IpAddress.v6(hi, lo);
        if (!a.isV4Mapped()) {
            assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
        }
        assertThat(IpAddress.parse(IpAddress.v4(v4).toString())).isEqualTo(IpAddress.v4(v4));
    }

    @Property(tries = 500)
    void theFullFormParsesLikeTheJdk(@ForAll long hi, @ForAll long lo) {
        IpAddress a = IpAddress.v6(hi, lo);
        StringBuilder full = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            long w = g < 4 ? hi : lo;
            full.append(g == 0 ? "" : ":").append(Integer.toHexString((int) (w >>> (48 - 16 * (g & 3))) & 0xffff));
        }
        IpAddress expected = IpAddress.of(java.net.InetAddress.ofLiteral(full.toString()).getAddress());
        assertThat(IpAddress.parse(full.toString())).isEqualTo(expected);
        assertThat(a.isV4Mapped() ? expected.family() : a).isEqualTo(a.isV4Mapped() ? Family.V4 : expected);
    }
}
