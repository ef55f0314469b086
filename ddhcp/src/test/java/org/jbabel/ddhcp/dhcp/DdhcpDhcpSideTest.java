package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.jbabel.ddhcp.DdhcpSettings;
import org.jbabel.ddhcp.block.BlockMessage.AddressOrder;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

class DdhcpDhcpSideTest {

    private static DdhcpSettings settings(String range, String router, List<String> dns) {
        return new DdhcpSettings("cli", Prefix.parse(range), 4, null, dns.stream().map(IpAddress::parse).toList(),
                router == null ? null : IpAddress.parse(router), Duration.ofSeconds(300), false, null, null, null,
                Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofSeconds(300), 2, true, AddressOrder.REVERSED,
                null);
    }

    private static int v4(String a) {
        return IpAddress.parse(a).v4Bits();
    }

    @Test
    void theNetworkAndBroadcastAddressesAndTheRouterDnsAndServerIdentifierInTheRangeAreReserved() {
        assertThat(DdhcpDhcpSide.reserved(settings("10.116.224.0/22", "10.116.224.1",
                List.of("10.116.224.1", "10.116.225.9", "9.9.9.9"))))
                .containsExactlyInAnyOrder(v4("10.116.224.0"), v4("10.116.227.255"), v4("10.116.224.1"),
                        v4("10.116.225.9"));
        // no router: the server identifier is the range's first three octets and .1
        assertThat(DdhcpDhcpSide.reserved(settings("10.116.224.0/22", null, List.of())))
                .containsExactlyInAnyOrder(v4("10.116.224.0"), v4("10.116.227.255"), v4("10.116.224.1"));
        // a router outside the range reserves nothing in it
        assertThat(DdhcpDhcpSide.reserved(settings("10.116.224.0/22", "10.116.254.254", List.of())))
                .containsExactlyInAnyOrder(v4("10.116.224.0"), v4("10.116.227.255"));
    }
}
