package org.jbabel.xlat.nat64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class ExitPrefixTest {

    private static final ExitPrefix MP64 = new ExitPrefix(Prefix.parse("fd7a:1:2:3::/64"));
    /** RFC 6052 §2.4's /56 example prefix. */
    private static final ExitPrefix MP56 = new ExitPrefix(Prefix.parse("2001:db8:122:300::/56"));
    private static final int E = v4("10.255.0.1");
    private static final int R4 = v4("198.51.100.7");

    private static int v4(String s) {
        return IpAddress.parse(s).v4Bits();
    }

    @Test
    void aSlash64MetaprefixAppendsTheExitAddress() {
        // spec §3 and §9: MP fd7a:1:2:3::/64, E 10.255.0.1
        assertThat(MP64.exitPrefix(E)).isEqualTo(Prefix.parse("fd7a:1:2:3:aff:1::/96"));
        assertThat(MP64.exitPrefix(IpAddress.parse("10.255.0.1"))).isEqualTo(MP64.exitPrefix(E));
        assertThat(MP64.address(E, R4)).isEqualTo(IpAddress.parse("fd7a:1:2:3:aff:1:c633:6407"));
        assertThat(MP64.rfc6052()).isFalse();
    }

    @Test
    void aSlash56MetaprefixLaysTheExitOutAsRfc6052Does() {
        // RFC 6052 §2.4: 192.0.2.33 under 2001:db8:122:300::/56 is 2001:db8:122:3c0:0:221::
        int e = v4("192.0.2.33");
        assertThat(MP56.exitPrefix(e)).isEqualTo(Prefix.parse("2001:db8:122:3c0:0:221::/96"));
        assertThat(MP56.address(e, R4)).isEqualTo(IpAddress.parse("2001:db8:122:3c0:0:221:c633:6407"));
        assertThat(MP56.exit(MP56.address(e, R4))).isEqualTo(e);
        assertThat(MP56.rfc6052()).isTrue();
    }

    @Test
    void theExitAndTheIpv4AreReadBackFromAnAddress() {
        IpAddress r6 = IpAddress.parse("fd7a:1:2:3:aff:1:c633:6407");
        assertThat(MP64.contains(r6)).isTrue();
        assertThat(MP64.exit(r6)).isEqualTo(E);
        assertThat(ExitPrefix.ipv4(r6)).isEqualTo(R4);
        assertThat(MP64.inExit(E, r6.hi(), r6.lo())).isTrue();
        assertThat(MP64.inExit(E + 1, r6.hi(), r6.lo())).isFalse();
    }

    @Test
    void theBytesOfTaygasPacketCarryTheSameAddress() {
        // spec §8 V1 output: the IPv6 destination (offset 24) is R6 = XP(10.255.0.1) ‖ 198.51.100.7
        byte[] v1 = HexFormat.of().parseHex("6000000000103a3ffd7aaaaabbbbcccc505400fffe123456"
                + "fd7a0001000200030aff0001c63364078000a2bf000100014e41543432362121");
        assertThat(MP64.contains(v1, 24)).isTrue();
        assertThat(MP64.exit(v1, 24)).isEqualTo(E);
        assertThat(ExitPrefix.ipv4(v1, 24)).isEqualTo(R4);
        assertThat(MP64.contains(v1, 8)).as("the source, a node-client address").isFalse();
        byte[] written = new byte[40];
        MP64.write(written, 24, E, R4);
        assertThat(HexFormat.of().formatHex(written, 24, 40)).isEqualTo("fd7a0001000200030aff0001c6336407");
    }

    @Test
    void addressesOutsideThePlanAreNotContained() {
        assertThat(MP64.contains(IpAddress.parse("fd7a:1:2:4::1"))).isFalse();
        assertThat(MP64.contains(IpAddress.parse("10.255.0.1"))).isFalse();
        // under a /56 the u-octet (byte 8) must be zero
        assertThat(MP56.contains(IpAddress.parse("2001:db8:122:3c0:100:221:c633:6407"))).isFalse();
        assertThat(MP56.contains(IpAddress.parse("2001:db8:122:3ff:0:221:c633:6407"))).isTrue();
        assertThatThrownBy(() -> MP64.exit(IpAddress.parse("fd7a:1:2:4::1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyIpv6Slash64AndSlash56AreMetaprefixes() {
        for (String p : new String[] {"fd7a:1:2::/48", "fd7a:1:2:3::/96", "fd7a:1:2:3:4::/80", "10.0.0.0/8"}) {
            assertThatThrownBy(() -> new ExitPrefix(Prefix.parse(p))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("/64 or /56");
        }
    }

    @Property
    void everyExitAndIpv4ComeBackInBothLayouts(@ForAll int e, @ForAll int v4, @ForAll boolean slash56) {
        ExitPrefix plan = slash56 ? MP56 : MP64;
        IpAddress a = plan.address(e, v4);
        assertThat(plan.contains(a)).isTrue();
        assertThat(plan.exit(a)).isEqualTo(e);
        assertThat(ExitPrefix.ipv4(a)).isEqualTo(v4);
        assertThat(plan.exitPrefix(e).contains(a)).isTrue();
        assertThat(plan.inExit(e, a.hi(), a.lo())).isTrue();
        byte[] b = new byte[16];
        plan.write(b, 0, e, v4);
        assertThat(IpAddress.of(b)).isEqualTo(a);
        assertThat(plan.exit(b, 0)).isEqualTo(e);
    }
}
