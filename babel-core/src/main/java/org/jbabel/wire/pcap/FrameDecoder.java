package org.jbabel.wire.pcap;

import java.util.Arrays;
import org.jbabel.wire.IpAddress;

/**
 * Finds the UDP datagram in a captured frame: link layer ({@link LinkType}), then IPv4 or IPv6 (IPv6 extension
 * headers skipped), then UDP. Fragments and anything that is not UDP are not datagrams (null).
 */
public final class FrameDecoder {
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int UDP = 17;

    private FrameDecoder() {}

    /** The UDP datagram in {@code frame}, or null when there is none. */
    public static UdpDatagram decode(int linkType, byte[] frame) {
        int ip = switch (linkType) {
            case LinkType.ETHERNET -> ethernet(frame);
            case LinkType.LINUX_SLL -> frame.length >= 16 && isIp(u16(frame, 14)) ? 16 : -1;
            case LinkType.LINUX_SLL2 -> frame.length >= 20 && isIp(u16(frame, 0)) ? 20 : -1;
            case LinkType.NULL, LinkType.LOOP -> 4;
            case LinkType.RAW, LinkType.RAW_BSD, LinkType.RAW_OPENBSD, LinkType.IPV4, LinkType.IPV6 -> 0;
            default -> -1;
        };
        if (ip < 0 || ip >= frame.length) {
            return null;
        }
        return switch ((frame[ip] & 0xff) >>> 4) {
            case 4 -> ipv4(frame, ip);
            case 6 -> ipv6(frame, ip);
            default -> null;
        };
    }

    private static boolean isIp(int ethertype) {
        return ethertype == ETHERTYPE_IPV4 || ethertype == ETHERTYPE_IPV6;
    }

    private static int ethernet(byte[] f) {
        int off = 12;
        while (off + 2 <= f.length && (u16(f, off) == 0x8100 || u16(f, off) == 0x88a8)) {
            off += 4;
        }
        return off + 2 <= f.length && isIp(u16(f, off)) ? off + 2 : -1;
    }

    private static UdpDatagram ipv4(byte[] f, int off) {
        if (off + 20 > f.length) {
            return null;
        }
        int ihl = (f[off] & 0x0f) * 4;
        int fragment = u16(f, off + 6);
        if (ihl < 20 || f[off + 9] != UDP || (fragment & 0x3fff) != 0) {
            return null;
        }
        IpAddress src = IpAddress.of(Arrays.copyOfRange(f, off + 12, off + 16));
        IpAddress dst = IpAddress.of(Arrays.copyOfRange(f, off + 16, off + 20));
        return udp(f, off + ihl, src, dst);
    }

    private static UdpDatagram ipv6(byte[] f, int off) {
        if (off + 40 > f.length) {
            return null;
        }
        IpAddress src = IpAddress.of(Arrays.copyOfRange(f, off + 8, off + 24));
        IpAddress dst = IpAddress.of(Arrays.copyOfRange(f, off + 24, off + 40));
        int next = f[off + 6] & 0xff;
        int pos = off + 40;
        while (next != UDP) {
            if (pos + 8 > f.length) {
                return null;
            }
            switch (next) {
                case 0, 43, 60 -> {
                    next = f[pos] & 0xff;
                    pos += ((f[pos + 1] & 0xff) + 1) * 8;
                }
                default -> {
                    return null; // fragment (44), no next header, or another protocol
                }
            }
        }
        return udp(f, pos, src, dst);
    }

    private static UdpDatagram udp(byte[] f, int off, IpAddress src, IpAddress dst) {
        if (off + 8 > f.length) {
            return null;
        }
        int length = u16(f, off + 4);
        if (length < 8) {
            return null;
        }
        int announced = length - 8;
        int available = f.length - off - 8;
        int take = Math.min(announced, available);
        byte[] payload = Arrays.copyOfRange(f, off + 8, off + 8 + take);
        return new UdpDatagram(src, u16(f, off), dst, u16(f, off + 2), payload, take < announced);
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
