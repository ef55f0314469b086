package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * The node-client address of a client (spec roaming.md §1.3.2): the first 8 bytes of the node-client prefix, then the
 * modified EUI-64 of the client's MAC (first byte's universal/local bit flipped, {@code ff:fe} in the middle). The
 * node serving a client holds it on {@code lo} and announces it, so "who serves MAC m" is a route lookup everywhere.
 * Also the Gluon derivation of the node-client prefix from the domain seed (§1.3.3).
 */
public final class NodeClientAddress {

    /** l3roamd's default node-client prefix. */
    public static final Prefix DEFAULT_PREFIX = new Prefix(IpAddress.v6(0xfec0_0000_0000_0000L, 0), 64);

    /** The string Gluon hashes in front of the domain seed. */
    static final String GLUON_KEY = "gluon-l3roamd.node_client_prefix6";

    private NodeClientAddress() {}

    /**
     * The node-client address of {@code mac} under {@code prefix}. Only the prefix's first 64 bits count, as in
     * l3roamd (a longer or shorter prefix is not refused there; the caller checks /64 when reading the configuration).
     */
    public static IpAddress of(MacAddress mac, Prefix prefix) {
        if (prefix.family() != Family.V6) {
            throw new IllegalArgumentException("the node-client prefix must be IPv6, not " + prefix);
        }
        return IpAddress.v6(prefix.address().hi(), eui64(mac));
    }

    /** The modified EUI-64 interface identifier of {@code mac}: the low 64 bits of its addresses. */
    public static long eui64(MacAddress mac) {
        long m = mac.bits() ^ 0x0200_0000_0000L;
        return ((m >>> 24) << 40) | 0xff_fe00_0000L | (m & 0xff_ffffL);
    }

    /** The EUI-64 link-local address of {@code mac} ({@code fe80::/64}). */
    public static IpAddress linkLocal(MacAddress mac) {
        return IpAddress.v6(0xfe80_0000_0000_0000L, eui64(mac));
    }

    /**
     * Gluon's node-client prefix for a domain: {@code fd} followed by the first 14 hex digits of
     * MD5({@value #GLUON_KEY} + lowercase(seed) + "1"), as a /64.
     */
    public static Prefix gluonPrefix(String domainSeed) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("MD5").digest(
                    (GLUON_KEY + domainSeed.toLowerCase(Locale.ROOT) + "1").getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has MD5", e);
        }
        long hi = 0xfdL;
        for (int i = 0; i < 7; i++) {
            hi = (hi << 8) | (digest[i] & 0xff);
        }
        return new Prefix(IpAddress.v6(hi, 0), 64);
    }
}
