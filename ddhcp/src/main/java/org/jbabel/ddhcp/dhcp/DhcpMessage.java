package org.jbabel.ddhcp.dhcp;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A DHCPv4 message (RFC 2131 §2) as a value: the fixed header without {@code sname} and {@code file} (options an
 * overload put there are among {@link #options}), and the options in the order they came, same-code parts joined
 * (RFC 3396). Addresses are IPv4 addresses as {@code int}s in network order (10.0.0.1 is {@code 0x0a000001}).
 *
 * @param op 1 BOOTREQUEST, 2 BOOTREPLY
 * @param chaddr the client hardware address field, always 16 bytes (the first {@code hlen} are the address)
 */
public record DhcpMessage(int op, int htype, int hlen, int hops, int xid, int secs, int flags, int ciaddr,
        int yiaddr, int siaddr, int giaddr, byte[] chaddr, List<DhcpOption> options) {

    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    /** The broadcast bit of {@code flags}. */
    public static final int FLAG_BROADCAST = 0x8000;

    public DhcpMessage {
        if (chaddr.length != 16) {
            throw new IllegalArgumentException("chaddr has 16 bytes, not " + chaddr.length);
        }
        if (hlen < 0 || hlen > 16) {
            throw new IllegalArgumentException("hlen must be 0..16, not " + hlen);
        }
        chaddr = chaddr.clone();
        options = List.copyOf(options);
    }

    @Override
    public byte[] chaddr() {
        return chaddr.clone();
    }

    /** The client's hardware address: the first {@code hlen} bytes of {@code chaddr}. */
    public byte[] hardwareAddress() {
        return Arrays.copyOf(chaddr, hlen);
    }

    /** The value of option {@code code}, or null when absent. */
    public byte[] option(int code) {
        for (DhcpOption o : options) {
            if (o.code() == code) {
                return o.value();
            }
        }
        return null;
    }

    /** The message type of option 53 (the reader refuses messages without a valid one). */
    public MessageType messageType() {
        byte[] v = option(DhcpOptions.MESSAGE_TYPE);
        return v == null || v.length != 1 ? null : MessageType.of(v[0] & 0xff);
    }

    /** Whether the client asked for broadcast replies. */
    public boolean broadcast() {
        return (flags & FLAG_BROADCAST) != 0;
    }

    /** A 4-byte option as an address, or 0 when absent or of another length. */
    public int addressOption(int code) {
        byte[] v = option(code);
        return v == null || v.length != 4 ? 0 : DhcpOptions.address(v, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DhcpMessage m && m.op == op && m.htype == htype && m.hlen == hlen && m.hops == hops
                && m.xid == xid && m.secs == secs && m.flags == flags && m.ciaddr == ciaddr && m.yiaddr == yiaddr
                && m.siaddr == siaddr && m.giaddr == giaddr && Arrays.equals(m.chaddr, chaddr)
                && m.options.equals(options);
    }

    @Override
    public int hashCode() {
        return (31 * xid + Arrays.hashCode(chaddr)) * 31 + options.hashCode();
    }

    @Override
    public String toString() {
        return "DhcpMessage[" + messageType() + " op " + op + " xid " + Integer.toHexString(xid) + " chaddr "
                + HexFormat.ofDelimiter(":").formatHex(hardwareAddress()) + " ciaddr " + DhcpOptions.format(ciaddr)
                + " yiaddr " + DhcpOptions.format(yiaddr) + " flags " + Integer.toHexString(flags) + " options "
                + options + "]";
    }
}
