package org.jbabel.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random valid TLVs for property tests. Addresses and router-ids come from small pools so that prefixes share
 * leading bytes (compression), router-ids and next hops repeat (state reuse) and sometimes change (state switches).
 */
final class RandomTlvs {
    private static final long[] V6_HI = {0x2001_0db8_0000_0000L, 0x2001_0db8_000a_0000L, 0x2001_0db8_000a_0001L,
        0xfd00_0000_0000_0000L, 0x2001_0db8_00ff_0000L, 0L};
    private static final long[] ROUTER_IDS = {0x0200_00ff_fe00_000aL, 0x0200_00ff_fe00_000bL, 0x48ff_0826_dc36_6dadL};
    private static final int[] V4 = {0x0a01_0002, 0xc000_0201, 0xc633_6400, 0x0a00_0000, 0};

    private RandomTlvs() {}

    static List<Tlv> list(Random r) {
        int n = r.nextInt(40);
        List<Tlv> tlvs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tlvs.add(tlv(r));
        }
        return tlvs;
    }

    static Tlv tlv(Random r) {
        return switch (r.nextInt(16)) {
            case 0 -> new Tlv.Pad1();
            case 1 -> new Tlv.PadN(r.nextInt(6));
            case 2 -> new Tlv.AckRequest(u16(r), u16(r));
            case 3 -> new Tlv.Ack(u16(r));
            case 4 -> new Tlv.Hello(r.nextBoolean() ? 0 : Tlv.Hello.FLAG_UNICAST, u16(r), u16(r),
                    subTlvs(r, r.nextBoolean() ? new SubTlv.HelloTimestamp(u32(r)) : null));
            case 5 -> ihu(r);
            case 6, 7, 8, 9, 10 -> update(r);
            case 11 -> routeRequest(r);
            case 12 -> seqnoRequest(r);
            case 13 -> new Tlv.Pc(u32(r), bytes(r, r.nextInt(33)));
            case 14 -> r.nextBoolean()
                    ? new Tlv.ChallengeRequest(bytes(r, r.nextInt(20)))
                    : new Tlv.ChallengeReply(bytes(r, r.nextInt(20)));
            default -> new Tlv.Unknown(11 + r.nextInt(5), bytes(r, r.nextInt(12)));
        };
    }

    static Tlv.Ihu ihu(Random r) {
        AddressEncoding ae = AddressEncoding.fromCode(r.nextInt(4));
        IpAddress a = switch (ae) {
            case WILDCARD -> null;
            case IPV4 -> v4(r);
            case IPV6 -> v6(r);
            default -> IpAddress.v6(0xfe80_0000_0000_0000L, r.nextLong());
        };
        return new Tlv.Ihu(ae, u16(r), u16(r), a, subTlvs(r, r.nextBoolean() ? new SubTlv.IhuTimestamp(u32(r), u32(r)) : null));
    }

    static Tlv.Update update(Random r) {
        int metric = r.nextInt(4) == 0 ? Tlv.INFINITY : r.nextInt(0xFFFF);
        if (metric == Tlv.INFINITY && r.nextInt(6) == 0) {
            return new Tlv.Update(AddressEncoding.WILDCARD, 0, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, u16(r), u16(r),
                    metric, null, null, subTlvs(r, null));
        }
        AddressEncoding ae = switch (r.nextInt(4)) {
            case 0 -> AddressEncoding.IPV4;
            case 1 -> AddressEncoding.IPV4_VIA_IPV6;
            default -> AddressEncoding.IPV6;
        };
        boolean retraction = metric == Tlv.INFINITY;
        RouterId id = retraction && r.nextInt(3) == 0 ? null : new RouterId(ROUTER_IDS[r.nextInt(ROUTER_IDS.length)]);
        Prefix prefix;
        Prefix source;
        IpAddress nextHop;
        if (ae == AddressEncoding.IPV6) {
            IpAddress a = r.nextInt(4) == 0 && id != null ? IpAddress.v6(V6_HI[r.nextInt(V6_HI.length)], id.value()) : v6(r);
            prefix = new Prefix(a, r.nextInt(4) == 0 ? 128 : r.nextInt(129));
            source = r.nextInt(4) == 0 ? new Prefix(v6(r), 1 + r.nextInt(128)) : Prefix.V6_DEFAULT;
            nextHop = r.nextInt(3) == 0 ? v6NextHop(r) : null;
        } else {
            prefix = new Prefix(v4(r), r.nextInt(33));
            source = r.nextInt(4) == 0 ? new Prefix(v4(r), 1 + r.nextInt(32)) : Prefix.V4_DEFAULT;
            if (ae == AddressEncoding.IPV4) {
                nextHop = retraction && r.nextBoolean() ? null : IpAddress.v4(0x0a00_0000 | r.nextInt(3));
            } else {
                nextHop = r.nextInt(3) == 0 ? v6NextHop(r) : null;
            }
        }
        Tlv.Update u = new Tlv.Update(ae, 0, prefix, source, u16(r), u16(r), metric, id, nextHop, subTlvs(r, null));
        // The writer leaves martian prefixes out; a valid list has none.
        return PacketWriter.isMartian(u) ? update(r) : u;
    }

    static Tlv.RouteRequest routeRequest(Random r) {
        if (r.nextInt(4) == 0) {
            return new Tlv.RouteRequest(AddressEncoding.WILDCARD, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, subTlvs(r, null));
        }
        if (r.nextBoolean()) {
            Prefix p = new Prefix(v4(r), r.nextInt(33));
            return new Tlv.RouteRequest(AddressEncoding.IPV4, p,
                    r.nextBoolean() ? new Prefix(v4(r), 1 + r.nextInt(32)) : Prefix.V4_DEFAULT, subTlvs(r, null));
        }
        return new Tlv.RouteRequest(AddressEncoding.IPV6, new Prefix(v6(r), r.nextInt(129)),
                r.nextBoolean() ? new Prefix(v6(r), 1 + r.nextInt(128)) : Prefix.V6_DEFAULT, subTlvs(r, null));
    }

    static Tlv.SeqnoRequest seqnoRequest(Random r) {
        RouterId id = new RouterId(ROUTER_IDS[r.nextInt(ROUTER_IDS.length)]);
        if (r.nextBoolean()) {
            return new Tlv.SeqnoRequest(AddressEncoding.IPV4, u16(r), r.nextInt(256), id, new Prefix(v4(r), r.nextInt(33)),
                    r.nextBoolean() ? new Prefix(v4(r), 1 + r.nextInt(32)) : Prefix.V4_DEFAULT, subTlvs(r, null));
        }
        return new Tlv.SeqnoRequest(AddressEncoding.IPV6, u16(r), r.nextInt(256), id, new Prefix(v6(r), r.nextInt(129)),
                r.nextBoolean() ? new Prefix(v6(r), 1 + r.nextInt(128)) : Prefix.V6_DEFAULT, subTlvs(r, null));
    }

    /** Optional padding and non-mandatory unknown sub-TLVs around {@code main} (when not null). */
    private static List<SubTlv> subTlvs(Random r, SubTlv main) {
        List<SubTlv> subs = new ArrayList<>();
        if (r.nextInt(4) == 0) {
            subs.add(new SubTlv.Pad1());
        }
        if (main != null) {
            subs.add(main);
        }
        if (r.nextInt(4) == 0) {
            subs.add(new SubTlv.PadN(r.nextInt(4)));
        }
        if (r.nextInt(5) == 0) {
            subs.add(new SubTlv.Unknown(r.nextBoolean() ? SubTlv.DIVERSITY : 4 + r.nextInt(124), bytes(r, r.nextInt(4))));
        }
        return subs;
    }

    private static IpAddress v6(Random r) {
        long hi = V6_HI[r.nextInt(V6_HI.length)];
        long lo = switch (r.nextInt(3)) {
            case 0 -> 1;
            case 1 -> r.nextLong();
            default -> 0;
        };
        return IpAddress.v6(hi | (r.nextInt(4) == 0 ? r.nextInt(0x10000) : 0), lo);
    }

    private static IpAddress v6NextHop(Random r) {
        return r.nextBoolean() ? IpAddress.v6(0xfe80_0000_0000_0000L, r.nextInt(3) + 1) : IpAddress.v6(V6_HI[1], r.nextInt(3) + 1);
    }

    private static IpAddress v4(Random r) {
        return IpAddress.v4(V4[r.nextInt(V4.length)] | (r.nextBoolean() ? r.nextInt(256) : 0));
    }

    private static Bytes bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return Bytes.of(b);
    }

    private static int u16(Random r) {
        return r.nextInt(0x10000);
    }

    private static long u32(Random r) {
        return r.nextLong() & 0xFFFF_FFFFL;
    }
}
