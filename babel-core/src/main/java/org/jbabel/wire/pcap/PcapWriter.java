package org.jbabel.wire.pcap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * Writes a classic libpcap file (big-endian, microsecond time stamps). {@link #writeUdp} frames a UDP payload in
 * IPv6 (hop limit 1, traffic class 0xC0, as Babel sends) with a correct UDP checksum, for link type
 * {@link LinkType#RAW}.
 */
public final class PcapWriter implements Closeable {
    private static final int SNAPLEN = 262144;

    private final OutputStream out;
    private final int linkType;

    public PcapWriter(OutputStream out, int linkType) throws IOException {
        this.out = out;
        this.linkType = linkType;
        ByteBuffer h = ByteBuffer.allocate(24);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN).putInt(linkType);
        out.write(h.array());
    }

    /** A new file of raw IP frames. */
    public static PcapWriter create(Path file) throws IOException {
        return new PcapWriter(new BufferedOutputStream(Files.newOutputStream(file)), LinkType.RAW);
    }

    /** Writes one frame, captured whole, at {@code epochNanos} (truncated to microseconds). */
    public void write(long epochNanos, byte[] frame) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(16);
        h.putInt((int) Math.floorDiv(epochNanos, 1_000_000_000L));
        h.putInt((int) (Math.floorMod(epochNanos, 1_000_000_000L) / 1000));
        h.putInt(frame.length).putInt(frame.length);
        out.write(h.array());
        out.write(frame);
    }

    /** Writes a UDP datagram between two IPv6 addresses as one raw IPv6 frame. */
    public void writeUdp(long epochNanos, IpAddress src, int srcPort, IpAddress dst, int dstPort, byte[] payload)
            throws IOException {
        if (linkType != LinkType.RAW) {
            throw new IllegalStateException("writeUdp needs link type RAW, not " + linkType);
        }
        write(epochNanos, ipv6Udp(src, srcPort, dst, dstPort, payload));
    }

    /** An IPv6 packet (hop limit 1, traffic class 0xC0) carrying one UDP datagram with its checksum. */
    public static byte[] ipv6Udp(IpAddress src, int srcPort, IpAddress dst, int dstPort, byte[] payload) {
        if (src.family() != Family.V6 || dst.family() != Family.V6) {
            throw new IllegalArgumentException("IPv6 addresses needed: " + src + " > " + dst);
        }
        int udpLength = 8 + payload.length;
        if (udpLength > 0xffff) {
            throw new IllegalArgumentException("UDP payload of " + payload.length + " bytes");
        }
        ByteBuffer p = ByteBuffer.allocate(40 + udpLength);
        p.putInt(0x6000_0000 | (0xc0 << 20));
        p.putShort((short) udpLength).put((byte) 17).put((byte) 1);
        p.put(src.toBytes()).put(dst.toBytes());
        p.putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLength).putShort((short) 0);
        p.put(payload);
        byte[] packet = p.array();
        long sum = 0;
        for (int i = 8; i < 40; i += 2) {
            sum += ((packet[i] & 0xff) << 8) | (packet[i + 1] & 0xff);
        }
        sum += udpLength + 17;
        for (int i = 40; i < packet.length; i += 2) {
            int hi = packet[i] & 0xff;
            int lo = i + 1 < packet.length ? packet[i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        int checksum = (int) (~sum & 0xffff);
        if (checksum == 0) {
            checksum = 0xffff;
        }
        packet[46] = (byte) (checksum >>> 8);
        packet[47] = (byte) checksum;
        return packet;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
