package org.jbabel.xlat.translate;

import java.util.HashMap;
import java.util.Map;
import org.jbabel.wire.IpAddress;

/**
 * A stateless SIIT mapping as tayga's static configuration has it (spec §7.5): explicit 1:1 pairs first, then an
 * RFC 6052 prefix for every other address. IPv4 addresses always map (through the prefix); an IPv6 address maps
 * when it is a pair's or lies in the prefix with a zero u-octet and suffix. The source of an ICMPv6 error that
 * does not map (a router of the IPv6 side) becomes {@code errorSource4}, as RFC 6791 allows. Lookups allocate
 * nothing after construction except the boxed key of the pair table.
 */
public final class SiitMapping implements AddressMapper {

    private final Rfc6052 prefix;
    private final Map<Integer, byte[]> fourToSix = new HashMap<>();
    private final Map<Key, Integer> sixToFour = new HashMap<>();
    private final int errorSource4;

    /** {@code pairs}: IPv4 address → IPv6 address. */
    public SiitMapping(Rfc6052 prefix, Map<IpAddress, IpAddress> pairs, IpAddress errorSource4) {
        this.prefix = prefix;
        this.errorSource4 = errorSource4.v4Bits();
        pairs.forEach((v4, v6) -> {
            fourToSix.put(v4.v4Bits(), v6.toBytes16());
            sixToFour.put(new Key(v6.hi(), v6.lo()), v4.v4Bits());
        });
    }

    private record Key(long hi, long lo) {}

    @Override
    public Mapping map4to6(Flow flow) {
        to6(flow.src4, flow.src6);
        to6(flow.dst4, flow.dst6);
        return Mapping.MAPPED;
    }

    private void to6(int v4, byte[] out) {
        byte[] pair = fourToSix.get(v4);
        if (pair != null) {
            System.arraycopy(pair, 0, out, 0, 16);
        } else {
            prefix.embed(v4, out, 0);
        }
    }

    @Override
    public Mapping map6to4(Flow flow) {
        long dst = to4(flow.dst6);
        if (dst < 0) {
            return Mapping.DESTINATION_UNMAPPABLE;
        }
        long src = to4(flow.src6);
        if (src < 0) {
            if (!flow.icmpError) {
                return Mapping.SOURCE_UNMAPPABLE;
            }
            src = errorSource4 & 0xffffffffL;
        }
        flow.src4 = (int) src;
        flow.dst4 = (int) dst;
        return Mapping.MAPPED;
    }

    private long to4(byte[] a) {
        Integer pair = sixToFour.get(new Key(hi(a), lo(a)));
        return pair != null ? pair & 0xffffffffL : prefix.extract(a, 0);
    }

    private static long hi(byte[] a) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (a[i] & 0xff);
        }
        return v;
    }

    private static long lo(byte[] a) {
        long v = 0;
        for (int i = 8; i < 16; i++) {
            v = v << 8 | (a[i] & 0xff);
        }
        return v;
    }

    @Override
    public String toString() {
        return "SiitMapping[" + prefix + ", " + fourToSix.size() + " pairs]";
    }
}
