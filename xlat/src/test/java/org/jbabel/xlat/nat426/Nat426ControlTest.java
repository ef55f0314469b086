package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.Test;

/** {@code nat426 clients [--json]}. */
class Nat426ControlTest {

    static final long S = 1_000_000_000L;
    static final Prefix NCP = Prefix.parse("fd7a:aaaa:bbbb:cccc::/64");

    @Test
    void clientsShowsEveryFieldAsTextAndJson() {
        ClientTable table = new ClientTable(8, n -> {});
        table.learnFrame(0, 0x5254_0012_3456L, IpAddress.parse("10.20.0.5").v4Bits());
        table.setExit(table.slotOfMac(0, 0x5254_0012_3456L), IpAddress.parse("10.255.0.1").v4Bits() & 0xffff_ffffL);
        table.learnResolver(0, 0x5254_0012_3457L, IpAddress.parse("10.20.0.4").v4Bits());
        ControlRegistry.Answer a = Nat426Control.clients(table, 30 * S, NCP, List.of());
        assertThat(a.text()).isEqualTo("""
                client 52:54:00:12:34:57 ipv4 10.20.0.4 nca fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3457 source resolver \
                remote age 30 expires 570
                client 52:54:00:12:34:56 ipv4 10.20.0.5 nca fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456 source frame \
                local age 30 expires 570 exit 10.255.0.1
                """);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) a.json();
        assertThat(json).containsEntry("clients", 2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) json.get("clientlist");
        assertThat(list.get(1)).containsExactly(Map.entry("mac", "52:54:00:12:34:56"), Map.entry("ipv4", "10.20.0.5"),
                Map.entry("nca", "fd7a:aaaa:bbbb:cccc:5054:ff:fe12:3456"), Map.entry("source", "frame"),
                Map.entry("where", "local"), Map.entry("age", 30L), Map.entry("expires", 570L),
                Map.entry("exit", "10.255.0.1"));
        assertThat(list.get(0)).doesNotContainKey("exit");
    }

    @Test
    void argumentsAreRefused() {
        assertThatThrownBy(() -> Nat426Control.clients(new ClientTable(1, n -> {}), 0, NCP, List.of("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
