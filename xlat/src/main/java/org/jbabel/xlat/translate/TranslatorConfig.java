package org.jbabel.xlat.translate;

import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * How the translator behaves (spec §4, docs/XLAT.md decisions 6, 7, 10).
 *
 * @param lowestIpv6Mtu the smallest MTU of any IPv6 path (1280..ipv6Mtu): IPv4 packets without DF that would
 *     translate to more are cut into IPv6 fragments of at most this size (RFC 7915 §4, "lowest-ipv6-mtu")
 * @param ipv4Mtu the MTU towards IPv4 (6→4 output): bigger results earn ICMPv6 Packet Too Big
 * @param ipv6Mtu the MTU towards IPv6 (4→6 output): bigger DF packets earn ICMPv4 Fragmentation Needed
 * @param ipv4ErrorSource the source of the ICMPv4 errors the translator generates (TTL expired, too big, ...)
 * @param ipv6ErrorSource the source of the ICMPv6 errors it generates
 * @param udpZeroChecksum what to do with an IPv4 UDP datagram whose checksum is 0
 * @param mssClamp the largest TCP MSS a SYN may announce, in both directions; 0: SYNs are left alone
 * @param copyTrafficClass copy TOS to Traffic Class and back (else write 0)
 * @param unmappableErrors answer an unmappable or prohibited packet with an ICMP error (else drop it silently)
 */
public record TranslatorConfig(int lowestIpv6Mtu, int ipv4Mtu, int ipv6Mtu, IpAddress ipv4ErrorSource,
        IpAddress ipv6ErrorSource, UdpZeroChecksum udpZeroChecksum, int mssClamp, boolean copyTrafficClass,
        boolean unmappableErrors) {

    /** IPv4 UDP checksum 0 (no checksum): RFC 7915 §4.5 leaves the choice to the translator. */
    public enum UdpZeroChecksum {
        /** Compute the checksum (unfragmented datagrams; fragments are dropped). */
        COMPUTE,
        /** Drop every such datagram, as tayga 0.9.2 does. */
        DROP
    }

    public TranslatorConfig {
        if (ipv6Mtu < 1280 || ipv6Mtu > 65_575) {
            throw new IllegalArgumentException("the IPv6 MTU is 1280..65575, not " + ipv6Mtu);
        }
        if (lowestIpv6Mtu < 1280 || lowestIpv6Mtu > ipv6Mtu) {
            throw new IllegalArgumentException("the lowest IPv6 MTU is 1280.." + ipv6Mtu + ", not " + lowestIpv6Mtu);
        }
        if (ipv4Mtu < 68 || ipv4Mtu > 65_535) {
            throw new IllegalArgumentException("the IPv4 MTU is 68..65535, not " + ipv4Mtu);
        }
        if (ipv4ErrorSource.family() != Family.V4 || ipv6ErrorSource.family() != Family.V6) {
            throw new IllegalArgumentException("error sources are one IPv4 and one IPv6 address: " + ipv4ErrorSource
                    + ", " + ipv6ErrorSource);
        }
        if (mssClamp != 0 && (mssClamp < 536 || mssClamp > 65_535)) {
            throw new IllegalArgumentException("the MSS clamp is 0 (off) or 536..65535, not " + mssClamp);
        }
    }

    /**
     * Defaults: lowest IPv6 MTU 1280, 1500 both ways, UDP zero checksums computed, no MSS clamp, traffic class
     * copied, errors for unmappable packets.
     */
    public static TranslatorConfig of(IpAddress ipv4ErrorSource, IpAddress ipv6ErrorSource) {
        return new TranslatorConfig(1280, 1500, 1500, ipv4ErrorSource, ipv6ErrorSource, UdpZeroChecksum.COMPUTE, 0,
                true, true);
    }

    public TranslatorConfig withMtus(int lowestIpv6, int ipv4, int ipv6) {
        return new TranslatorConfig(lowestIpv6, ipv4, ipv6, ipv4ErrorSource, ipv6ErrorSource, udpZeroChecksum,
                mssClamp, copyTrafficClass, unmappableErrors);
    }

    public TranslatorConfig withUdpZeroChecksum(UdpZeroChecksum u) {
        return new TranslatorConfig(lowestIpv6Mtu, ipv4Mtu, ipv6Mtu, ipv4ErrorSource, ipv6ErrorSource, u, mssClamp,
                copyTrafficClass, unmappableErrors);
    }

    public TranslatorConfig withMssClamp(int mss) {
        return new TranslatorConfig(lowestIpv6Mtu, ipv4Mtu, ipv6Mtu, ipv4ErrorSource, ipv6ErrorSource, udpZeroChecksum,
                mss, copyTrafficClass, unmappableErrors);
    }

    public TranslatorConfig withCopyTrafficClass(boolean copy) {
        return new TranslatorConfig(lowestIpv6Mtu, ipv4Mtu, ipv6Mtu, ipv4ErrorSource, ipv6ErrorSource, udpZeroChecksum,
                mssClamp, copy, unmappableErrors);
    }

    public TranslatorConfig withUnmappableErrors(boolean errors) {
        return new TranslatorConfig(lowestIpv6Mtu, ipv4Mtu, ipv6Mtu, ipv4ErrorSource, ipv6ErrorSource, udpZeroChecksum,
                mssClamp, copyTrafficClass, errors);
    }
}
