package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Which client frames NAT426 hands to the node's DHCP server instead of translating them: UDP to the gateway G's port
 * 67 in an unfragmented IPv4 packet (a client renewing by unicast to its server identifier, G).
 */
class DhcpToGatewayTest {

    static final int G = ArpFrameTest.v4("10.116.0.1");

    /** An Ethernet frame: IPv4 from 10.116.1.52:68 to {@code to}:{@code port}, UDP payload {@code payload}. */
    static byte[] frame(int to, int protocol, int port, int flagsAndOffset, byte[] payload) {
        byte[] f = new byte[14 + 20 + 8 + payload.length];
        f[12] = 0x08;
        f[14] = 0x45;
        int total = 20 + 8 + payload.length;
        f[16] = (byte) (total >> 8);
        f[17] = (byte) total;
        f[20] = (byte) (flagsAndOffset >> 8);
        f[21] = (byte) flagsAndOffset;
        f[22] = 64;
        f[23] = (byte) protocol;
        int from = ArpFrameTest.v4("10.116.1.52");
        for (int i = 0; i < 4; i++) {
            f[26 + i] = (byte) (from >>> (24 - 8 * i));
            f[30 + i] = (byte) (to >>> (24 - 8 * i));
        }
        f[34] = 0;
        f[35] = 68;
        f[36] = (byte) (port >> 8);
        f[37] = (byte) port;
        int udp = 8 + payload.length;
        f[38] = (byte) (udp >> 8);
        f[39] = (byte) udp;
        System.arraycopy(payload, 0, f, 42, payload.length);
        return f;
    }

    @Test
    void aUnicastDatagramToTheGatewaysPort67IsTheDhcpServersMessage() {
        byte[] message = "a DHCPREQUEST".getBytes();
        byte[] f = frame(G, 17, 67, 0x4000, message); // DF set: still unfragmented
        assertThat(Nat426.dhcpMessageTo(f, f.length - 14, G)).isEqualTo(message);
    }

    @Test
    void anythingElseIsTranslatedAsBefore() {
        byte[] m = "x".getBytes();
        assertThat(Nat426.dhcpMessageTo(frame(ArpFrameTest.v4("198.51.100.7"), 17, 67, 0, m), 29, G))
                .as("another destination").isNull();
        assertThat(Nat426.dhcpMessageTo(frame(G, 6, 67, 0, m), 29, G)).as("TCP").isNull();
        assertThat(Nat426.dhcpMessageTo(frame(G, 17, 53, 0, m), 29, G)).as("another port").isNull();
        assertThat(Nat426.dhcpMessageTo(frame(G, 17, 67, 0x2000, m), 29, G)).as("a first fragment").isNull();
        assertThat(Nat426.dhcpMessageTo(frame(G, 17, 67, 0x0010, m), 29, G)).as("a later fragment").isNull();
    }

    @Test
    void aUdpLengthBeyondThePacketIsMalformed() {
        byte[] f = frame(G, 17, 67, 0, "abc".getBytes());
        f[39] = 100;
        assertThat(Nat426.dhcpMessageTo(f, f.length - 14, G)).isEmpty();
        f[39] = 8; // no payload at all
        assertThat(Nat426.dhcpMessageTo(f, f.length - 14, G)).isEmpty();
    }

    @Property
    void noFrameThrows(@ForAll @Size(max = 80) byte[] f, @ForAll int length) {
        byte[] copy = Arrays.copyOf(f, f.length);
        Nat426.dhcpMessageTo(copy, length, G);
        Nat426.dhcpMessageTo(copy, Math.max(0, copy.length - 14), ArpFrameTest.v4("0.0.0.0"));
    }
}
