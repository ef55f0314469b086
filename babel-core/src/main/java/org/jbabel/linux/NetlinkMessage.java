package org.jbabel.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One netlink message: the header fields and the body (a read-only buffer in native byte order, position 0).
 */
record NetlinkMessage(int type, int flags, int seq, ByteBuffer body) {

    /** The messages in one received datagram; a malformed header is counted and ends the datagram. */
    static List<NetlinkMessage> split(ByteBuffer datagram, NetlinkCounters counters) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>();
        int pos = b.position();
        int end = b.limit();
        while (end - pos >= Rtnl.NLMSG_HDRLEN) {
            int len = b.getInt(pos);
            if (len < Rtnl.NLMSG_HDRLEN || len > end - pos) {
                counters.count(NetlinkCounters.Kind.MALFORMED_MESSAGE);
                return out;
            }
            int type = Short.toUnsignedInt(b.getShort(pos + 4));
            int flags = Short.toUnsignedInt(b.getShort(pos + 6));
            int seq = b.getInt(pos + 8);
            ByteBuffer body = b.slice(pos + Rtnl.NLMSG_HDRLEN, len - Rtnl.NLMSG_HDRLEN)
                    .asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            out.add(new NetlinkMessage(type, flags, seq, body));
            pos += Rtnl.align(len);
        }
        if (pos < end) {
            counters.count(NetlinkCounters.Kind.MALFORMED_MESSAGE);
        }
        return out;
    }

    /** For an NLMSG_ERROR message: the positive errno, 0 for an ACK, -1 when the body is too short. */
    int errno() {
        return body.remaining() >= 4 ? -body.getInt(0) : -1;
    }
}
