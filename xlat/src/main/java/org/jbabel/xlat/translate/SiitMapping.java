package org.jbabel.xlat.translate;

import java.util.Arrays;
import java.util.Map;
import org.jbabel.wire.IpAddress;

/**
 * A stateless SIIT mapping as tayga's static configuration has it (spec §7.5): explicit 1:1 pairs first, then an
 * RFC 6052 prefix for every other address. IPv4 addresses always map (through the prefix); an IPv6 address maps
 * when it is a pair's or lies in the prefix with a zero u-octet and suffix. The source of an ICMPv6 error that
 * does not map (a router of the IPv6 side) becomes {@code errorSource4}, as RFC 6791 allows. Pairs are searched
 * one by one (tests and small static maps); nothing is allocated per packet.
 */
public final class SiitMapping implements AddressMapper {

    private final Rfc6052 prefix;
    private final int[] pairs4;
    private final byte[][] pairs6;
    private final int errorSource4;

    /** {@code pairs}: IPv4 address → IPv6 address. */
    public SiitMapping(Rfc6052 prefix, Map<IpAddress, IpAddress> pairs, IpAddress errorSource4) {
        this.prefix = prefix;
        this.errorSource4 = errorSource4.v4Bits();
        this.pairs4 = new int[pairs.size()];
        this.pairs6 = new byte[pairs.size()][];
        int i = 0;
        for (Map.Entry<IpAddress, IpAddress> e : pairs.entrySet()) {
            pairs4[i] = e.getKey().v4Bits();
            pairs6[i] = e.getValue().toBytes16();
            i++;
        }
    }

    @Override
    public Mapping map4to6(Flow flow) {
        to6(flow.src4, flow.src6);
        to6(flow.dst4, flow.dst6);
        return Mapping.MAPPED;
    }

    private void to6(int v4, byte[] out) {
        for (int i = 0; i < pairs4.length; i++) {
            if (pairs4[i] == v4) {
                System.arraycopy(pairs6[i], 0, out, 0, 16);
                return;
            }
        }
        prefix.embed(v4, out, 0);
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
        for (int i = 0; i < pairs6.length; i++) {
            if (Arrays.equals(pairs6[i], a)) {
                return pairs4[i] & 0xffffffffL;
            }
        }
        return prefix.extract(a, 0);
    }

    @Override
    public String toString() {
        return "SiitMapping[" + prefix + ", " + pairs4.length + " pairs]";
    }
}
