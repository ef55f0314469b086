package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.jbabel.wire.MacAddress;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/** XMAC(E), NCA(mac) and its inverse (docs/XLAT.md decision 1, spec §1.2). XP(E) is nat64's {@code ExitPrefixTest}. */
class AddressPlanTest {

    static final Prefix NCP = Prefix.parse("fd7a:aaaa:bbbb:cccc::/64");

    static int v4(String s) {
        return IpAddress.parse(s).v4Bits();
    }

    @Test
    void exitMacSpellsTheExitAfterTheDefaultPrefix() {
        long xmac = ExitMac.DEFAULT.of(v4("10.255.0.1"));
        assertThat(new MacAddress(xmac)).isEqualTo(MacAddress.parse("02:26:0a:ff:00:01"));
        assertThat(ExitMac.DEFAULT.matches(xmac)).isTrue();
        assertThat(ExitMac.exitOf(xmac)).isEqualTo(v4("10.255.0.1"));
        assertThat(ExitMac.DEFAULT.matches(MacAddress.parse("02:27:0a:ff:00:01").bits())).isFalse();
        assertThat(ExitMac.parse("0aBc").prefix()).isEqualTo(0x0abc);
        assertThat(ExitMac.parse("fe00").address(v4("192.0.2.1"))).hasToString("fe:00:c0:00:02:01");
    }

    @Test
    void exitMacPrefixMustBeFourHexDigitsLocallyAdministeredUnicast() {
        assertThatThrownBy(() -> ExitMac.parse("226")).hasMessageContaining("4 hex digits");
        assertThatThrownBy(() -> ExitMac.parse("02266")).hasMessageContaining("4 hex digits");
        assertThatThrownBy(() -> ExitMac.parse("02g6")).hasMessageContaining("4 hex digits");
        assertThatThrownBy(() -> ExitMac.parse("0326")).hasMessageContaining("multicast");
        assertThatThrownBy(() -> ExitMac.parse("0026")).hasMessageContaining("not locally administered");
        assertThatThrownBy(() -> new ExitMac(0x10000)).hasMessageContaining("16 bits");
    }

    @Test
    void nodeClientAddressIsTheSpecsVectorAndReadsBack() {
        long mac = MacAddress.parse("52:54:00:12:34:56").bits();
        IpAddress nca = NodeClients.of(mac, NCP);
        // spec xlat.md §1.2 / §9
        assertThat(nca).isEqualTo(IpAddress.parse("fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456"));
        assertThat(NodeClients.macOf(nca, NCP)).isEqualTo(mac);
        assertThat(NodeClients.macOf(nca.hi(), nca.lo(), NCP.address().hi())).isEqualTo(mac);
    }

    @Test
    void anIdentifierWithoutFffeOrUnderAnotherPrefixIsNotAClient() {
        assertThat(NodeClients.macOf(IpAddress.parse("fd7a:aaaa:bbbb:cccc:5054:ff:fd12:3456"), NCP))
                .isEqualTo(NodeClients.NOT_A_CLIENT);
        assertThat(NodeClients.macOf(IpAddress.parse("fd7a:aaaa:bbbb:cccc::99"), NCP))
                .isEqualTo(NodeClients.NOT_A_CLIENT);
        assertThat(NodeClients.macOf(IpAddress.parse("fd7a:aaaa:bbbb:cccd:5054:ff:fe12:3456"), NCP))
                .isEqualTo(NodeClients.NOT_A_CLIENT);
        assertThat(NodeClients.macOf(IpAddress.parse("10.0.0.1"), NCP)).isEqualTo(NodeClients.NOT_A_CLIENT);
    }

    @Property
    void nodeClientAddressRoundTrips(@ForAll @LongRange(min = 0, max = 0xffff_ffff_ffffL) long mac) {
        assertThat(NodeClients.macOf(NodeClients.of(mac, NCP), NCP)).isEqualTo(mac);
    }
}
