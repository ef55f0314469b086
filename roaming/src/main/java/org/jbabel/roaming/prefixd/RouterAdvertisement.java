package org.jbabel.roaming.prefixd;

import java.nio.ByteBuffer;
import java.util.List;
import org.jbabel.wire.Family;
import org.jbabel.wire.Prefix;

/**
 * An ICMPv6 Router Advertisement (RFC 4861 §4.2) as prefixd sends it: no managed or other-configuration flag, the
 * source link-layer address option and one Prefix Information option (§4.6.2) per prefix. The checksum is left 0:
 * the kernel fills it in on a raw ICMPv6 socket.
 *
 * @param hopLimit the hop limit clients should use (64)
 * @param routerLifetime seconds clients keep us as their default router (0: not a default router)
 * @param sourceMac the router's link-layer address (6 bytes), or null for none
 * @param prefixes the prefixes
 */
public record RouterAdvertisement(int hopLimit, int routerLifetime, byte[] sourceMac, List<PrefixInfo> prefixes) {

    /** ICMPv6 type of a Router Solicitation. */
    public static final int ROUTER_SOLICITATION = 133;
    /** ICMPv6 type of a Router Advertisement. */
    public static final int TYPE = 134;
    private static final int OPTION_SOURCE_LINK_LAYER = 1;
    private static final int OPTION_PREFIX_INFORMATION = 3;
    private static final int FLAG_ON_LINK = 0x80;
    private static final int FLAG_AUTONOMOUS = 0x40;

    /**
     * A Prefix Information option.
     *
     * @param onLink the L flag: addresses in the prefix are on this link (prefixd says no, so that clients send
     *     everything through the router and per-host routes work)
     * @param autonomous the A flag: clients may form addresses in it (SLAAC)
     * @param validLifetime seconds the prefix stays valid
     * @param preferredLifetime seconds addresses in it stay preferred (0: deprecated)
     */
    public record PrefixInfo(Prefix prefix, boolean onLink, boolean autonomous, long validLifetime,
            long preferredLifetime) {
        public PrefixInfo {
            if (prefix.family() != Family.V6) {
                throw new IllegalArgumentException("an RA announces IPv6 prefixes, not " + prefix);
            }
            if (validLifetime < 0 || validLifetime > 0xffff_ffffL || preferredLifetime < 0
                    || preferredLifetime > validLifetime) {
                throw new IllegalArgumentException("lifetimes must satisfy 0 <= preferred <= valid < 2^32");
            }
        }
    }

    public RouterAdvertisement {
        if (hopLimit < 0 || hopLimit > 255 || routerLifetime < 0 || routerLifetime > 9000) {
            throw new IllegalArgumentException("hop limit 0-255 and router lifetime 0-9000 s (RFC 4861 §6.2.1)");
        }
        if (sourceMac != null && sourceMac.length != 6) {
            throw new IllegalArgumentException("a link-layer address of 6 bytes");
        }
        sourceMac = sourceMac == null ? null : sourceMac.clone();
        prefixes = List.copyOf(prefixes);
    }

    @Override
    public byte[] sourceMac() {
        return sourceMac == null ? null : sourceMac.clone();
    }

    /** The message, ICMPv6 type first. */
    public byte[] toBytes() {
        int length = 16 + (sourceMac == null ? 0 : 8) + 32 * prefixes.size();
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) TYPE).put((byte) 0).putShort((short) 0); // type, code, checksum (the kernel's)
        b.put((byte) hopLimit).put((byte) 0).putShort((short) routerLifetime); // no M, no O flag
        b.putInt(0).putInt(0); // reachable time, retransmission timer: unspecified
        if (sourceMac != null) {
            b.put((byte) OPTION_SOURCE_LINK_LAYER).put((byte) 1).put(sourceMac);
        }
        for (PrefixInfo p : prefixes) {
            b.put((byte) OPTION_PREFIX_INFORMATION).put((byte) 4).put((byte) p.prefix().length());
            b.put((byte) ((p.onLink() ? FLAG_ON_LINK : 0) | (p.autonomous() ? FLAG_AUTONOMOUS : 0)));
            b.putInt((int) p.validLifetime()).putInt((int) p.preferredLifetime()).putInt(0);
            b.put(p.prefix().address().toBytes());
        }
        return b.array();
    }
}
