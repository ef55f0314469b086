package org.jbabel.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PcapTest {
    private static final IpAddress SRC = IpAddress.parse("fe80::1");
    private static final byte[] PAYLOAD = {42, 2, 0, 0};
    private static final byte[] IPV6_UDP = PcapWriter.ipv6Udp(SRC, 6696, IpAddress.BABEL_GROUP, 6696, PAYLOAD);

    /** A classic pcap file with one record, written by hand in the given byte order and time resolution. */
    private static byte[] file(ByteOrder order, boolean nano, int linkType, byte[]... frames) {
        ByteBuffer b = ByteBuffer.allocate(24 + Arrays.stream(frames).mapToInt(f -> 16 + f.length).sum()).order(order);
        b.putInt(nano ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(65535).putInt(linkType);
        for (byte[] f : frames) {
            b.putInt(1_300_000_000).putInt(nano ? 123_456_789 : 123_456).putInt(f.length).putInt(f.length).put(f);
        }
        return b.array();
    }

    private static List<PcapRecord> readAll(byte[] file) throws IOException {
        List<PcapRecord> records = new ArrayList<>();
        try (PcapReader r = PcapReader.of(new ByteArrayInputStream(file))) {
            for (PcapRecord rec = r.next(); rec != null; rec = r.next()) {
                records.add(rec);
            }
        }
        return records;
    }

    @ParameterizedTest
    @CsvSource({"true, false", "false, false", "true, true", "false, true"})
    void readsBothByteOrdersAndBothTimeResolutions(boolean bigEndian, boolean nano) throws IOException {
        byte[] f = file(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, nano, LinkType.RAW, IPV6_UDP, IPV6_UDP);
        List<PcapRecord> records = readAll(f);
        assertThat(records).extracting(PcapRecord::number).containsExactly(1, 2);
        assertThat(records.getFirst().epochNanos())
                .isEqualTo(1_300_000_000_000_000_000L + (nano ? 123_456_789 : 123_456_000));
        assertThat(records.getFirst().data()).isEqualTo(IPV6_UDP);
    }

    @Test
    void findsUdpBehindEveryLinkType() {
        byte[] ethernet = concat(new byte[12], new byte[] {(byte) 0x86, (byte) 0xdd}, IPV6_UDP);
        byte[] vlan = concat(new byte[12], new byte[] {(byte) 0x81, 0, 0, 5, (byte) 0x86, (byte) 0xdd}, IPV6_UDP);
        byte[] sll = concat(new byte[14], new byte[] {(byte) 0x86, (byte) 0xdd}, IPV6_UDP);
        byte[] sll2 = concat(new byte[] {(byte) 0x86, (byte) 0xdd}, new byte[18], IPV6_UDP);
        byte[] loopback = concat(new byte[] {30, 0, 0, 0}, IPV6_UDP);
        int[][] cases = {{LinkType.ETHERNET}, {LinkType.ETHERNET}, {LinkType.LINUX_SLL}, {LinkType.LINUX_SLL2},
            {LinkType.NULL}, {LinkType.LOOP}, {LinkType.RAW}, {LinkType.IPV6}};
        byte[][] frames = {ethernet, vlan, sll, sll2, loopback, loopback, IPV6_UDP, IPV6_UDP};
        for (int i = 0; i < frames.length; i++) {
            UdpDatagram d = FrameDecoder.decode(cases[i][0], frames[i]);
            assertThat(d).as("case %d", i).isNotNull();
            assertThat(d.source()).isEqualTo(SRC);
            assertThat(d.destination()).isEqualTo(IpAddress.BABEL_GROUP);
            assertThat(d.isBabel()).isTrue();
            assertThat(d.payload()).isEqualTo(PAYLOAD);
            assertThat(d.truncated()).isFalse();
        }
    }

    @Test
    void findsUdpInIpv4AndSkipsIpv6ExtensionHeaders() {
        byte[] v4 = {0x45, 0, 0, 32, 0, 0, 0x40, 0, 1, 17, 0, 0, 10, 0, 0, 1, (byte) 224, 0, 0, 111,
            0x1a, 0x28, 0x1a, 0x29, 0, 12, 0, 0, 42, 2, 0, 0};
        UdpDatagram d = FrameDecoder.decode(LinkType.RAW, v4);
        assertThat(d.source()).isEqualTo(IpAddress.parse("10.0.0.1"));
        assertThat(d.destinationPort()).isEqualTo(UdpDatagram.HISTORIC_BABEL_PORT);
        assertThat(d.payload()).isEqualTo(PAYLOAD);
        byte[] hopByHop = IPV6_UDP.clone();
        hopByHop[6] = 0;
        byte[] withExt = concat(Arrays.copyOf(hopByHop, 40), new byte[] {17, 0, 5, 2, 0, 0, 1, 0},
                Arrays.copyOfRange(IPV6_UDP, 40, IPV6_UDP.length));
        assertThat(FrameDecoder.decode(LinkType.RAW, withExt).payload()).isEqualTo(PAYLOAD);
    }

    @Test
    void fragmentsAndNonUdpAreNotDatagramsAndShortCapturesAreMarkedTruncated() {
        byte[] fragment = IPV6_UDP.clone();
        fragment[6] = 44;
        assertThat(FrameDecoder.decode(LinkType.RAW, fragment)).isNull();
        assertThat(FrameDecoder.decode(LinkType.RAW, new byte[] {0x60, 0})).isNull();
        assertThat(FrameDecoder.decode(LinkType.ETHERNET, new byte[14])).isNull();
        UdpDatagram cut = FrameDecoder.decode(LinkType.RAW, Arrays.copyOf(IPV6_UDP, IPV6_UDP.length - 2));
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.payload()).hasSize(2);
    }

    @Test
    void writerOutputReadsBackWithAValidUdpChecksum() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, LinkType.RAW)) {
            w.writeUdp(1_500_000_000_123_456_000L, SRC, 6696, IpAddress.BABEL_GROUP, 6696, new byte[] {42, 2, 0, 1, 0});
        }
        List<PcapRecord> records = readAll(out.toByteArray());
        assertThat(records).hasSize(1);
        assertThat(records.getFirst().epochNanos()).isEqualTo(1_500_000_000_123_456_000L);
        byte[] ip = records.getFirst().data();
        // One's-complement sum over pseudo-header and UDP datagram (checksum included) must be 0xffff.
        long sum = 0;
        for (int i = 8; i < 40; i += 2) {
            sum += ((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff);
        }
        sum += (ip.length - 40) + 17;
        for (int i = 40; i < ip.length; i += 2) {
            sum += ((ip[i] & 0xff) << 8) | (i + 1 < ip.length ? ip[i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        assertThat(sum).isEqualTo(0xffff);
    }

    @Test
    void corruptOrForeignFilesAreClearErrors() {
        byte[] good = file(ByteOrder.BIG_ENDIAN, false, LinkType.RAW, IPV6_UDP);
        assertThatThrownBy(() -> readAll(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(PcapFormatException.class).hasMessageContaining("record 1: truncated");
        assertThatThrownBy(() -> readAll(Arrays.copyOf(good, 30)))
                .isInstanceOf(PcapFormatException.class).hasMessageContaining("record 1: truncated record header");
        assertThatThrownBy(() -> readAll(Arrays.copyOf(good, 10)))
                .isInstanceOf(PcapFormatException.class).hasMessageContaining("not a pcap file");
        assertThatThrownBy(() -> readAll(new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0}))
                .isInstanceOf(PcapFormatException.class).hasMessageContaining("pcapng");
        assertThatThrownBy(() -> readAll("GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes()))
                .isInstanceOf(PcapFormatException.class).hasMessageContaining("magic");
        assertThatThrownBy(() -> readAll(file(ByteOrder.BIG_ENDIAN, false, 147, IPV6_UDP)))
                .isInstanceOf(PcapFormatException.class).hasMessageContaining("link type 147");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).putInt(24 + 8, 0x7fff_ffff);
        assertThatThrownBy(() -> readAll(huge)).isInstanceOf(PcapFormatException.class).hasMessageContaining("corrupt");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
