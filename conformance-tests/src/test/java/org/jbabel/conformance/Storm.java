package org.jbabel.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/**
 * Bad datagrams for the malformed-packet storm of {@link HostileNeighbourTest}, drawn from a seeded {@link Random}:
 * random bytes, valid headers over random bodies, a wrong version, valid packets cut short, with flipped bytes, with
 * a TLV length run past the body, and Updates with unknown AEs, prefix lengths over 128 or more omitted bytes than
 * the prefix has. {@link Bad#certainlyCounted()} marks the kinds every parser must count as a dropped packet (no
 * Babel magic, a wrong version, a body longer than the datagram): the test's lower bound.
 */
final class Storm {

    record Bad(byte[] bytes, boolean certainlyCounted) {}

    private Storm() {}

    static Bad next(Random r, IpAddress victim) {
        byte[] valid = valid(r, victim);
        return switch (r.nextInt(7)) {
            case 0 -> {
                byte[] b = bytes(r, 1 + r.nextInt(1400));
                b[0] = (byte) (b[0] == 42 ? 43 : b[0]);
                yield new Bad(b, true);
            }
            case 1 -> {
                byte[] body = bytes(r, 1 + r.nextInt(1400));
                yield new Bad(packet(2, body), false);
            }
            case 2 -> {
                byte[] b = valid.clone();
                b[1] = (byte) (3 + r.nextInt(250));
                yield new Bad(b, true);
            }
            case 3 -> new Bad(Arrays.copyOf(valid, 4 + r.nextInt(valid.length - 4)), true);
            case 4 -> {
                byte[] b = valid.clone();
                for (int i = 1 + r.nextInt(5); i > 0; i--) {
                    b[4 + r.nextInt(b.length - 4)] = (byte) r.nextInt(256);
                }
                yield new Bad(b, false);
            }
            case 5 -> {
                byte[] b = valid.clone();
                b[5] = (byte) 0xFF; // the first TLV's length, past the body
                yield new Bad(b, false);
            }
            default -> {
                HostileNeighbourTest.Hand h = new HostileNeighbourTest.Hand().routerId(r.nextLong() | 1);
                for (int i = 1 + r.nextInt(20); i > 0; i--) {
                    switch (r.nextInt(3)) {
                        case 0 -> h.rawUpdate(5 + r.nextInt(251), 0, 64, 0, bytes(r, 8));
                        case 1 -> h.rawUpdate(2, 0, 129 + r.nextInt(127), 0, bytes(r, 16));
                        default -> h.rawUpdate(2, 0, 8 * (1 + r.nextInt(4)), 8 + r.nextInt(8), bytes(r, 4));
                    }
                }
                yield new Bad(packet(2, h.body()), false);
            }
        };
    }

    /** A well-formed packet: Hello, IHU, and a few updates for random prefixes under 2001:db8:ee::/48. */
    private static byte[] valid(Random r, IpAddress victim) {
        List<Tlv> tlvs = new ArrayList<>();
        tlvs.add(RawBabel.hello(r.nextInt(0x10000), 50));
        tlvs.add(RawBabel.ihu(victim, 50));
        RouterId id = new RouterId(0x0266_0000_0000_1000L + r.nextInt(16));
        for (int i = 1 + r.nextInt(8); i > 0; i--) {
            IpAddress a = IpAddress.v6(0x2001_0db8_00ee_0000L | r.nextInt(0x10000), 0);
            tlvs.add(RawBabel.update(new Prefix(a, 64), id, r.nextInt(0x10000), r.nextInt(0x1000), 400));
        }
        return RawBabel.WRITER.write(tlvs).getFirst();
    }

    private static byte[] packet(int version, byte[] body) {
        byte[] p = new byte[4 + body.length];
        p[0] = 42;
        p[1] = (byte) version;
        p[2] = (byte) (body.length >> 8);
        p[3] = (byte) body.length;
        System.arraycopy(body, 0, p, 4, body.length);
        return p;
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
