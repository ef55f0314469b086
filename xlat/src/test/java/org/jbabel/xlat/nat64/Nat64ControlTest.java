package org.jbabel.xlat.nat64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.wire.IpAddress;
import org.jbabel.xlat.nat64.Nat64Sessions.Protocol;
import org.junit.jupiter.api.Test;

class Nat64ControlTest {

    private static final IpAddress NCA = IpAddress.parse("fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456");
    private static final IpAddress A4 = IpAddress.parse("10.255.0.1");
    private static final IpAddress R4 = IpAddress.parse("198.51.100.7");
    private static final long S = 1_000_000_000L;

    private static Nat64Sessions tables() {
        Nat64Sessions t = new Nat64Sessions(100, 1024, 65535);
        t.outbound(0, Protocol.UDP, NCA, 40000, R4, 53, 0);
        t.outbound(0, Protocol.TCP, NCA, 40001, R4, 80, Nat64Sessions.SYN);
        t.inbound(S, Protocol.TCP, R4, 80, 40001, Nat64Sessions.SYN | Nat64Sessions.ACK);
        t.outbound(0, Protocol.ICMP, NCA, 7, R4, 0, 0);
        return t;
    }

    @Test
    void theLinesShowEverySessionWithItsStateAndTheSecondsLeft() {
        assertThat(Nat64Control.lines(tables().sessions(), A4, 10 * S)).containsExactly(
                "tcp inside [fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456]:40001 outside 10.255.0.1:40001"
                        + " remote 198.51.100.7:80 state established expires 7431",
                "udp inside [fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456]:40000 outside 10.255.0.1:40000"
                        + " remote 198.51.100.7:53 expires 290",
                "icmp inside [fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456]:7 outside 10.255.0.1:1025"
                        + " remote 198.51.100.7 expires 50");
    }

    @Test
    void theJsonHasTheSameFields() {
        List<Map<String, Object>> json = Nat64Control.json(tables().sessions(), A4, 10 * S);
        assertThat(json).hasSize(3);
        assertThat(json.get(0)).containsExactly(Map.entry("protocol", "tcp"),
                Map.entry("inside", "fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456"), Map.entry("inside_port", 40001),
                Map.entry("outside", "10.255.0.1"), Map.entry("outside_port", 40001),
                Map.entry("remote", "198.51.100.7"), Map.entry("remote_port", 80), Map.entry("state", "established"),
                Map.entry("expires", 7431L));
        assertThat(json.get(1)).doesNotContainKey("state").containsEntry("protocol", "udp");
        assertThat(json.get(2)).containsEntry("outside_port", 1025).containsEntry("remote_port", 0);
    }

    @Test
    void theCommandAnswersInTextAndJsonAndTakesNoArguments() {
        ControlRegistry.Answer a = Nat64Control.sessions(tables(), A4, 10 * S, List.of());
        assertThat(a.text()).hasLineCount(3);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) a.json();
        assertThat(json).containsEntry("sessions", 3).containsEntry("sessions_max", 100);
        assertThat((List<?>) json.get("nat64_sessions")).hasSize(3);
        assertThat(Nat64Control.sessions(new Nat64Sessions(1, 1024, 1024), A4, 0, List.of()).text()).isEmpty();
        assertThatThrownBy(() -> Nat64Control.sessions(tables(), A4, 0, List.of("tcp")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAnswerListsAtMostItsBoundAndCountsTheRest() {
        Nat64Sessions t = new Nat64Sessions(10_000, 1024, 65535);
        for (int i = 0; i < 5_000; i++) {
            t.outbound(0, Protocol.UDP, NCA, 40000, IpAddress.v4(0xcb007100 + (i & 0xff)), 1024 + (i >>> 8), 0);
        }
        ControlRegistry.Answer a = Nat64Control.sessions(t, A4, S, List.of());
        assertThat(a.text()).hasLineCount(Nat64Control.LISTED_MAX + 1)
                .endsWith((5_000 - Nat64Control.LISTED_MAX) + " more sessions not listed\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) a.json();
        assertThat(json).containsEntry("sessions", 5_000).containsEntry("listed", Nat64Control.LISTED_MAX);
        assertThat((List<?>) json.get("nat64_sessions")).hasSize(Nat64Control.LISTED_MAX);
    }
}
