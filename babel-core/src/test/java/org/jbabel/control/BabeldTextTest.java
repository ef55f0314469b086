package org.jbabel.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

class BabeldTextTest {

    @Test
    void dumpPrintsBabeldsLinesFieldForField() {
        assertThat(BabeldText.dump(Fixtures.full())).containsExactlyElementsOf(Fixtures.DUMP);
    }

    @Test
    void everyObservedLineParsesAndPrintsBackIdentically() {
        for (String line : concat(Fixtures.DUMP, Fixtures.EVENTS)) {
            assertThat(BabeldText.format(BabeldText.parse(line))).isEqualTo(line);
        }
    }

    @Test
    void parsedLinesAreTheRecordsTheyDescribe() {
        assertThat(BabeldText.parse(Fixtures.DUMP.get(1)))
                .isEqualTo(new ChangeEvent(ChangeEvent.Kind.ADD, Fixtures.NEIGHBOUR));
        assertThat(BabeldText.parse(Fixtures.DUMP.get(4)))
                .isEqualTo(new ChangeEvent(ChangeEvent.Kind.ADD, Fixtures.ROUTE_SS));
        assertThat(BabeldText.parse(Fixtures.EVENTS.get(3)).kind()).isEqualTo(ChangeEvent.Kind.FLUSH);
    }

    @Test
    void wirelessNeighbourWithoutRttHasNoRttFields() {
        NeighbourEntry n = new NeighbourEntry("1a2b", Fixtures.PEER, "wlan0", 0xff00, 0, 258, 96, null, 258);
        assertThat(BabeldText.format(new ChangeEvent(ChangeEvent.Kind.ADD, n))).isEqualTo(
                "add neighbour 1a2b address fe80::404a:ceff:fe06:d2ca if wlan0 reach ff00 ureach 0000 rxcost 258 "
                        + "txcost 96 cost 258");
    }

    @Test
    void rttIsPrintedInMillisecondsWithThreeDecimals() {
        NeighbourEntry n = new NeighbourEntry(
                "1", Fixtures.PEER, "vb", 0xffff, 0, 96, 96, new NeighbourEntry.Rtt(12_005, 40), 136);
        assertThat(BabeldText.format(new ChangeEvent(ChangeEvent.Kind.CHANGE, n))).contains(" rtt 12.005 rttcost 40 ");
    }

    @Test
    void interfacesShowOnlyTheAddressesTheyHave() {
        assertThat(BabeldText.format(new ChangeEvent(ChangeEvent.Kind.ADD, InterfaceEntry.down("wg0"))))
                .isEqualTo("add interface wg0 up false");
        assertThat(BabeldText.format(new ChangeEvent(ChangeEvent.Kind.ADD,
                new InterfaceEntry("eth0", true, IpAddress.parse("fe80::1"), null))))
                .isEqualTo("add interface eth0 up true ipv6 fe80::1");
        assertThat(BabeldText.format(new ChangeEvent(ChangeEvent.Kind.ADD,
                new InterfaceEntry("tun0", true, null, IpAddress.parse("10.0.0.1")))))
                .isEqualTo("add interface tun0 up true ipv4 10.0.0.1");
    }

    @Test
    void bannerHasBabeldsFourLines() {
        assertThat(BabeldText.banner(Fixtures.NODE))
                .containsExactly("BABEL 1.0", "version jbabel-0.1.0", "host node-b", "my-id 02:00:00:ff:fe:00:00:0b");
    }

    @Test
    void generatedIdsAreStableLowercaseHexTokens() {
        String a = NeighbourEntry.idOf(Fixtures.PEER, "vb");
        assertThat(a).matches("[0-9a-f]{12}").isEqualTo(NeighbourEntry.idOf(Fixtures.PEER, "vb"));
        assertThat(NeighbourEntry.idOf(Fixtures.PEER, "vc")).isNotEqualTo(a);
        assertThat(RouteEntry.idOf(Fixtures.ROUTE_V4.prefix(), Fixtures.ROUTE_V4.source(), Fixtures.PEER, "vb"))
                .matches("[0-9a-f]{12}");
    }

    @Test
    void malformedLinesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> BabeldText.parse("add interface vb up maybe"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> BabeldText.parse("add nexthop x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown table");
        assertThatThrownBy(() -> BabeldText.parse("ok"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BabeldText.parse(Fixtures.DUMP.get(2).replace("metric 0", "metric 0 extra")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unexpected 'extra'");
        assertThatThrownBy(() -> BabeldText.parse(Fixtures.DUMP.get(2).replace("10.1.0.2/32-", "10.1.0.3/32-")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xroute id");
        assertThatThrownBy(() -> BabeldText.parse(Fixtures.DUMP.get(5).replace("metric 96", "metric 70000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> BabeldText.parse(Fixtures.DUMP.get(1).replace("rtt 0.451", "rtt 0.45")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("three decimals");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
