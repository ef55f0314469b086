package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jbabel.wire.MacAddress;
import org.jbabel.wire.IpAddress;
import org.jbabel.xlat.nat426.ArpFrame.Reason;
import org.junit.jupiter.api.Test;

/** The Ethernet/ARP codec: the bytes of a request and a reply, padding, and every refusal. */
class ArpFrameTest {

    static final long CLIENT = MacAddress.parse("52:54:00:12:34:56").bits();
    static final String REQUEST = "ffffffffffff 525400123456 0806 0001 0800 06 04 0001 525400123456 0a140005"
            + " 000000000000 0a140001";

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static int v4(String s) {
        return IpAddress.parse(s).v4Bits();
    }

    static Reason refused(byte[] b) {
        ArpFrame.Result r = ArpFrame.decode(b, b.length);
        assertThat(r.frame()).isNull();
        return r.reason();
    }

    @Test
    void requestIsTheBytesOfRfc826() {
        ArpFrame request = ArpFrame.request(CLIENT, v4("10.20.0.5"), v4("10.20.0.1"));
        assertThat(request.encode()).isEqualTo(hex(REQUEST));
        ArpFrame.Result r = ArpFrame.decode(hex(REQUEST), 42);
        assertThat(r.reason()).isNull();
        assertThat(r.frame()).isEqualTo(request);
        assertThat(r.frame().isRequest()).isTrue();
        assertThat(r.frame().isAnnouncementOrProbe()).isFalse();
        assertThat(r.frame()).hasToString("who-has 10.20.0.1 tell 10.20.0.5 (52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff)");
    }

    @Test
    void replyIsUnicastToTheAsker() {
        long xmac = ExitMac.DEFAULT.of(v4("10.255.0.1"));
        ArpFrame reply = ArpFrame.reply(xmac, v4("10.20.0.1"), CLIENT, v4("10.20.0.5"));
        assertThat(reply.encode()).isEqualTo(hex("525400123456 02260aff0001 0806 0001 0800 06 04 0002 02260aff0001"
                + " 0a140001 525400123456 0a140005"));
        assertThat(ArpFrame.decode(reply.encode(), 42).frame()).isEqualTo(reply);
    }

    @Test
    void paddingToTheEthernetMinimumIsAcceptedAndOnlyLengthBytesAreRead() {
        byte[] padded = Arrays.copyOf(hex(REQUEST), 60);
        assertThat(ArpFrame.decode(padded, 60).frame()).isNotNull();
        assertThat(ArpFrame.decode(padded, 41).reason()).isEqualTo(Reason.SHORT);
        assertThat(ArpFrame.decode(hex(REQUEST), 43).reason()).isEqualTo(Reason.SHORT);
    }

    @Test
    void gratuitousAndProbeAreAnnouncements() {
        assertThat(ArpFrame.request(CLIENT, v4("10.20.0.5"), v4("10.20.0.5")).isAnnouncementOrProbe()).isTrue();
        assertThat(ArpFrame.request(CLIENT, 0, v4("10.20.0.5")).isAnnouncementOrProbe()).isTrue();
    }

    @Test
    void everyMalformedFrameHasItsReason() {
        byte[] ipv4 = hex(REQUEST);
        ipv4[13] = 0x00;
        assertThat(refused(ipv4)).isEqualTo(Reason.NOT_ARP);
        assertThat(refused(Arrays.copyOf(hex(REQUEST), 13))).isEqualTo(Reason.SHORT);
        assertThat(refused(Arrays.copyOf(hex(REQUEST), 41))).isEqualTo(Reason.SHORT);
        assertThat(refused(patch(15, 6))).isEqualTo(Reason.HARDWARE);
        assertThat(refused(patch(18, 8))).isEqualTo(Reason.HARDWARE);
        assertThat(refused(patch(16, 0x86))).isEqualTo(Reason.PROTOCOL);
        assertThat(refused(patch(19, 16))).isEqualTo(Reason.PROTOCOL);
        assertThat(refused(patch(21, 3))).isEqualTo(Reason.OPERATION);
        assertThat(refused(patch(20, 1))).isEqualTo(Reason.OPERATION);
        assertThat(refused(patch(22, 0x01))).isEqualTo(Reason.SENDER_MAC);
        byte[] zero = hex(REQUEST);
        Arrays.fill(zero, 22, 28, (byte) 0);
        assertThat(refused(zero)).isEqualTo(Reason.SENDER_MAC);
        assertThat(refused(patch(28, 127))).isEqualTo(Reason.SENDER_IP);
        assertThat(refused(patch(28, 224))).isEqualTo(Reason.SENDER_IP);
        byte[] broadcast = hex(REQUEST);
        Arrays.fill(broadcast, 28, 32, (byte) 0xff);
        assertThat(refused(broadcast)).isEqualTo(Reason.SENDER_IP);
        assertThat(Reason.SENDER_IP.counter()).isEqualTo("arp_malformed_sender_ip");
    }

    private static byte[] patch(int offset, int value) {
        byte[] b = hex(REQUEST);
        b[offset] = (byte) value;
        return b;
    }

    @Property
    void randomBytesNeverThrow(@ForAll @Size(max = 80) byte[] bytes, @ForAll @IntRange(min = -4, max = 90) int length) {
        ArpFrame.Result r = ArpFrame.decode(bytes, length);
        assertThat(r.frame() == null).isNotEqualTo(r.reason() == null);
    }

    @Property
    void randomFramesWithAnArpHeaderRoundTrip(@ForAll @Size(value = 28) byte[] arp) {
        byte[] b = new byte[42];
        System.arraycopy(hex(REQUEST), 0, b, 0, 22);
        System.arraycopy(arp, 6, b, 22, 20);
        ArpFrame.Result r = ArpFrame.decode(b, 42);
        if (r.frame() != null) {
            assertThat(r.frame().encode()).isEqualTo(b);
        }
    }
}
