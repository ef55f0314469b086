package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PrefixTest {

    @Test
    void parsesAndPrintsBothFamiliesCanonically() {
        assertThat(Prefix.parse("2001:db8:0:0:1::/80").toString()).isEqualTo("2001:db8:0:0:1::/80");
        assertThat(Prefix.parse("2001:0db8::ff/32").toString()).isEqualTo("2001:db8::/32");
        assertThat(Prefix.parse("10.1.2.3/16").toString()).isEqualTo("10.1.0.0/16");
        assertThat(Prefix.parse("192.0.2.1").length()).isEqualTo(32);
        assertThat(IpAddress.parse("::").toString()).isEqualTo("::");
        assertThat(IpAddress.parse("1:0:0:1:0:0:0:1").toString()).isEqualTo("1:0:0:1::1");
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> Prefix.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Prefix.parse("example.org/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Prefix.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void knowsMartians() {
        assertThat(Prefix.parse("ff02::/16").isMartian()).isTrue();
        assertThat(Prefix.parse("fe80::/64").isMartian()).isTrue();
        assertThat(Prefix.parse("::1/128").isMartian()).isTrue();
        assertThat(Prefix.parse("127.0.0.0/8").isMartian()).isTrue();
        assertThat(Prefix.parse("224.0.0.0/4").isMartian()).isTrue();
        assertThat(Prefix.parse("2001:db8::/32").isMartian()).isFalse();
        assertThat(Prefix.parse("::/0").isMartian()).isFalse();
        assertThat(Prefix.parse("0.0.0.0/0").isMartian()).isFalse();
    }

    @Test
    void martianPrefixesAreBabeldsAndEveryV4MappedIpv6Prefix() {
        for (String martian : List.of("ff00::/8", "ff02::1:6/128", "fe80::/10", "febf::/16", "::/128", "::1/128",
                "0.0.0.0/8", "0.1.2.0/24", "127.0.0.0/8", "127.0.0.1/32", "224.0.0.0/4", "239.1.0.0/16",
                "255.255.255.255/32")) {
            assertThat(Prefix.parse(martian).isMartian()).as(martian).isTrue();
        }
        // (Text parsing turns ::ffff:a.b.c.d into IPv4, so the v4-mapped IPv6 prefixes are built from bits.)
        assertThat(v4Mapped(0, 96).isMartian()).isTrue();
        assertThat(v4Mapped(0, 128).isMartian()).isTrue();
        assertThat(v4Mapped(0x0a00_0000, 104).isMartian()).isTrue();
        assertThat(v4Mapped(0x7f00_0001, 128).isMartian()).isTrue();
        assertThat(v4Mapped(0, 96).family()).isEqualTo(Family.V6);
        assertThat(v4Mapped(0, 95).isMartian()).isFalse();
        // babeld's rule is about the prefix as written: shorter prefixes that merely contain martians are fine, and
        // babeld does not count 240/4 (class E) as martian.
        for (String fine : List.of("fe00::/7", "::/127", "::2/128", "0.0.0.0/7", "192.0.0.0/2",
                "240.0.0.0/4", "255.255.255.254/32", "10.0.0.0/8", "2001:db8::/32", "::/0", "0.0.0.0/0")) {
            assertThat(Prefix.parse(fine).isMartian()).as(fine).isFalse();
        }
    }

    @Test
    void nextHopsThatCanNeverBeValid() {
        assertThat(v4Mapped(0x0a00_0001, 128).address().canBeNextHop()).isFalse();
        for (String never : List.of("::", "::1", "ff02::1", "ff02::1:6", "0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.1", "239.255.255.255", "240.0.0.1", "255.255.0.3",
                "255.255.255.255")) {
            assertThat(IpAddress.parse(never).canBeNextHop()).as(never).isFalse();
        }
        for (String fine : List.of("fe80::1", "2001:db8::1", "::2", "10.0.0.1", "1.0.0.1", "223.255.255.254",
                "169.254.1.1")) {
            assertThat(IpAddress.parse(fine).canBeNextHop()).as(fine).isTrue();
        }
    }

    /** The IPv6 prefix ::ffff:a.b.c.d/length (v4-mapped, family IPv6). */
    static Prefix v4Mapped(int v4, int length) {
        return new Prefix(IpAddress.v6(0, 0x0000_ffff_0000_0000L | (v4 & 0xffff_ffffL)), length);
    }

    @Property
    void containmentFollowsTheMask(@ForAll int addr, @ForAll @IntRange(max = 32) int len) {
        IpAddress a = IpAddress.v4(addr);
        Prefix p = new Prefix(a, len);
        assertThat(p.contains(a)).isTrue();
        assertThat(Prefix.zero(Family.V4).contains(p)).isTrue();
        assertThat(Prefix.parse(p.toString())).isEqualTo(p);
    }

    @Property
    void v6TextRoundTrips(@ForAll long hi, @ForAll long lo, @ForAll @IntRange(max = 128) int len) {
        Prefix p = new Prefix(IpAddress.v6(hi, lo), len);
        assertThat(Prefix.parse(p.toString())).isEqualTo(p);
        assertThat(IpAddress.parse(IpAddress.v6(hi, lo).toString())).isEqualTo(IpAddress.v6(hi, lo));
    }
}
