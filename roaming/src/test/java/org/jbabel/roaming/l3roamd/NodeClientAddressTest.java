package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class NodeClientAddressTest {

    static final MacAddress MAC = MacAddress.parse("00:11:22:33:44:55");

    @Test
    void theSpecsExampleUnderTheDefaultPrefix() {
        assertThat(NodeClientAddress.of(MAC, NodeClientAddress.DEFAULT_PREFIX))
                .isEqualTo(IpAddress.parse("fec0::211:22ff:fe33:4455"));
    }

    @Test
    void onlyTheFirst64BitsOfThePrefixCount() {
        assertThat(NodeClientAddress.of(MAC, Prefix.parse("2001:db8:1:2::/48")))
                .isEqualTo(IpAddress.parse("2001:db8:1::211:22ff:fe33:4455"));
        assertThat(NodeClientAddress.of(MacAddress.parse("02:ff:ff:ff:ff:ff"), NodeClientAddress.DEFAULT_PREFIX))
                .isEqualTo(IpAddress.parse("fec0::ff:ffff:feff:ffff"));
        assertThatThrownBy(() -> NodeClientAddress.of(MAC, Prefix.parse("10.0.0.0/8")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gluonDerivesThePrefixFromTheDomainSeed() {
        String seed = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        Prefix p = NodeClientAddress.gluonPrefix(seed);
        assertThat(p).isEqualTo(Prefix.parse("fd1c:8b9e:1882:4eef::/64"));
        assertThat(NodeClientAddress.gluonPrefix(seed.toUpperCase())).isEqualTo(p);
        assertThat(NodeClientAddress.of(MAC, p)).isEqualTo(IpAddress.parse("fd1c:8b9e:1882:4eef:211:22ff:fe33:4455"));
    }

    @Test
    void linkLocalIsTheEui64() {
        assertThat(NodeClientAddress.linkLocal(MAC)).isEqualTo(IpAddress.parse("fe80::211:22ff:fe33:4455"));
    }

    @Test
    void macAddressesParseAndPrint() {
        assertThat(MAC.toString()).isEqualTo("00:11:22:33:44:55");
        assertThat(MacAddress.parse("AA-bb-CC-dd-EE-ff").toString()).isEqualTo("aa:bb:cc:dd:ee:ff");
        assertThat(MacAddress.of(MAC.toBytes())).isEqualTo(MAC);
        for (String bad : new String[] {"", "00:11:22:33:44", "00:11:22:33:44:55:66", "00:11:22:33:44:5g",
            "000:11:22:33:44:55", "00::22:33:44:55"}) {
            assertThatThrownBy(() -> MacAddress.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void ipv4TravelsInTheMappingPrefix() {
        Ipv4Mapping m = Ipv4Mapping.DEFAULT;
        IpAddress v4 = IpAddress.parse("10.1.2.3");
        assertThat(v4.family()).isEqualTo(Family.V4);
        IpAddress wire = m.toWire(v4);
        assertThat(wire.family()).isEqualTo(Family.V6);
        assertThat(wire.toBytes16()).isEqualTo(v4.toBytes16()); // ::ffff:10.1.2.3
        assertThat(m.fromWire(wire)).isEqualTo(v4);
        IpAddress v6 = IpAddress.parse("2001:db8::1");
        assertThat(m.toWire(v6)).isEqualTo(v6);
        assertThat(m.fromWire(v6)).isEqualTo(v6);
        assertThat(m.toWire(Prefix.parse("10.0.0.0/8"))).isEqualTo(new Prefix(m.toWire(IpAddress.parse("10.0.0.0")), 104));

        Ipv4Mapping other = new Ipv4Mapping(new Prefix(IpAddress.v6(0x0064_ff9b_0000_0000L, 0), 96));
        assertThat(other.toWire(v4)).isEqualTo(IpAddress.v6(0x0064_ff9b_0000_0000L, 0x0a01_0203L));
        assertThat(other.fromWire(IpAddress.v6(0x0064_ff9b_0000_0000L, 0x0a01_0203L))).isEqualTo(v4);
        // under another mapping, ::ffff:a.b.c.d is just an IPv6 address
        assertThat(other.fromWire(wire)).isEqualTo(wire);
        assertThatThrownBy(() -> new Ipv4Mapping(Prefix.parse("2001:db8::/64")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
