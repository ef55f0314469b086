package org.jbabel.ddhcp.dhcp;

import java.io.ByteArrayOutputStream;

/**
 * Writes DHCPv4 messages: the header with {@code sname} and {@code file} zero, the magic cookie, the options in the
 * message's order (a value over 255 bytes split into several options of its code, RFC 3396), END, and zero padding
 * up to 300 bytes, the smallest BOOTP message (RFC 1542 §2.1), which some clients still expect.
 */
public final class DhcpWriter {

    /** The smallest message written. */
    public static final int MINIMUM = 300;

    private DhcpWriter() {}

    public static byte[] write(DhcpMessage m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(MINIMUM);
        out.write(m.op());
        out.write(m.htype());
        out.write(m.hlen());
        out.write(m.hops());
        int32(out, m.xid());
        out.write(m.secs() >>> 8);
        out.write(m.secs());
        out.write(m.flags() >>> 8);
        out.write(m.flags());
        int32(out, m.ciaddr());
        int32(out, m.yiaddr());
        int32(out, m.siaddr());
        int32(out, m.giaddr());
        out.writeBytes(m.chaddr());
        out.writeBytes(new byte[64 + 128]);
        int32(out, DhcpReader.MAGIC_COOKIE);
        for (DhcpOption o : m.options()) {
            byte[] v = o.value();
            int at = 0;
            do {
                int n = Math.min(255, v.length - at);
                out.write(o.code());
                out.write(n);
                out.write(v, at, n);
                at += n;
            } while (at < v.length);
        }
        out.write(DhcpOptions.END);
        while (out.size() < MINIMUM) {
            out.write(0);
        }
        return out.toByteArray();
    }

    /** The length {@link #write} gives {@code m}. */
    public static int size(DhcpMessage m) {
        int n = DhcpReader.HEADER + 4 + 1;
        for (DhcpOption o : m.options()) {
            n += o.length() + 2 * Math.max(1, (o.length() + 254) / 255);
        }
        return Math.max(MINIMUM, n);
    }

    private static void int32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
