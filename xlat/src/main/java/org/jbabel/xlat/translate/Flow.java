package org.jbabel.xlat.translate;

import org.jbabel.wire.IpAddress;

/**
 * The parsed tuple of one packet, handed to the {@link AddressMapper} and filled in by it. The translator owns and
 * reuses two instances (the packet and, for ICMP errors, the packet quoted inside), so a mapper must not keep a
 * reference past its call.
 *
 * <p>Going 4→6 the translator fills {@link #src4}, {@link #dst4} and the mapper writes {@link #src6},
 * {@link #dst6}; going 6→4 the reverse. {@link #protocol} is the transport as IPv4 numbers it ({@link #TCP},
 * {@link #UDP}, {@link #ICMP} for ICMP and ICMPv6 alike, anything else as found). Ports are set for TCP and UDP in
 * a first fragment or an unfragmented packet ({@link #hasPorts}); {@link #queryId} for ICMP echo. The mapper may
 * change {@link #srcPort}, {@link #dstPort} or {@link #queryId} (a NAT64's port translation); the translator then
 * rewrites them and adjusts the checksum.
 *
 * <p>For the packet quoted in an ICMP error ({@link #inner}) the translator swaps source and destination (and the
 * ports) before the call and back after it, so that the tuple reads like a packet of the same flow travelling in
 * the direction being translated: the mapper applies its ordinary rule. It should not create state for it. The
 * error itself ({@link #icmpError}) is mapped after its quoted packet, which it can read as {@link #quoted}.
 */
public final class Flow {

    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;

    public int src4;
    public int dst4;
    public final byte[] src6 = new byte[16];
    public final byte[] dst6 = new byte[16];
    public int protocol;
    public boolean hasPorts;
    public int srcPort;
    public int dstPort;
    /** The ICMP echo identifier, -1 when the packet is no echo. */
    public int queryId = -1;
    /** TCP flags (byte 13 of the header: FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10), 0 for other protocols. */
    public int tcpFlags;
    /** A fragment (MF set or offset not 0); a non-first one has no ports. */
    public boolean fragment;
    /** This is the packet quoted inside an ICMP error, roles swapped (see above). */
    public boolean inner;
    /** This is an ICMP error; its {@link #quoted} packet has been mapped already. */
    public boolean icmpError;
    /**
     * The quoted packet's tuple when {@link #icmpError}, else null: mapped, and back in the packet's own order, so
     * its source is where the error goes ({@code dst6 = quoted.src6} going 4→6, {@code dst4 = quoted.src4} 6→4).
     */
    public Flow quoted;

    void reset() {
        src4 = 0;
        dst4 = 0;
        protocol = 0;
        hasPorts = false;
        srcPort = 0;
        dstPort = 0;
        queryId = -1;
        tcpFlags = 0;
        fragment = false;
        inner = false;
        icmpError = false;
        quoted = null;
    }

    void swap() {
        int a = src4;
        src4 = dst4;
        dst4 = a;
        for (int i = 0; i < 16; i++) {
            byte b = src6[i];
            src6[i] = dst6[i];
            dst6[i] = b;
        }
        int p = srcPort;
        srcPort = dstPort;
        dstPort = p;
    }

    @Override
    public String toString() {
        return "Flow[" + IpAddress.v4(src4) + " " + IpAddress.of(src6) + " -> " + IpAddress.v4(dst4) + " "
                + IpAddress.of(dst6) + " proto " + protocol + (hasPorts ? " ports " + srcPort + ">" + dstPort : "")
                + (queryId >= 0 ? " id " + queryId : "") + (inner ? " inner" : "") + (icmpError ? " error" : "") + "]";
    }
}
