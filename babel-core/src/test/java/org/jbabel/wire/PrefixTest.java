package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(IpAddress.parse("fe80::1%eth0").toString()).isEqualTo("fe80::1");
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
