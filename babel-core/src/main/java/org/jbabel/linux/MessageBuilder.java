package org.jbabel.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes netlink messages one after another into a growing buffer in native byte order. */
final class MessageBuilder {
    private ByteBuffer buf = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
    private int start = -1;

    /** Starts a message; its length is filled in by {@link #end()}. */
    MessageBuilder begin(int type, int flags, int seq) {
        ensure(Rtnl.NLMSG_HDRLEN);
        start = buf.position();
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        return this;
    }

    MessageBuilder u8(int v) {
        ensure(1);
        buf.put((byte) v);
        return this;
    }

    MessageBuilder u16(int v) {
        ensure(2);
        buf.putShort((short) v);
        return this;
    }

    MessageBuilder u32(int v) {
        ensure(4);
        buf.putInt(v);
        return this;
    }

    MessageBuilder attr(int type, byte[] data) {
        int len = 4 + data.length;
        ensure(Rtnl.align(len));
        buf.putShort((short) len).putShort((short) type).put(data);
        pad();
        return this;
    }

    MessageBuilder attrU32(int type, int value) {
        ensure(8);
        buf.putShort((short) 8).putShort((short) type).putInt(value);
        return this;
    }

    /** Opens a nested attribute; {@link #endNest} with the returned position closes it. */
    int beginNest(int type) {
        ensure(4);
        int at = buf.position();
        buf.putShort((short) 0).putShort((short) type);
        return at;
    }

    /** Closes the nested attribute opened at {@code at}: writes its length. */
    MessageBuilder endNest(int at) {
        pad();
        buf.putShort(at, (short) (buf.position() - at));
        return this;
    }

    /** Ends the current message: pads it to 4 bytes and writes its length. */
    MessageBuilder end() {
        pad();
        buf.putInt(start, buf.position() - start);
        start = -1;
        return this;
    }

    /** Bytes written so far. */
    int size() {
        return buf.position();
    }

    /** The finished messages, ready to send; the builder is empty again afterwards. */
    ByteBuffer take() {
        ByteBuffer out = ByteBuffer.allocate(buf.position()).order(ByteOrder.nativeOrder());
        out.put(0, buf, 0, buf.position());
        buf.clear();
        return out;
    }

    private void pad() {
        while ((buf.position() & 3) != 0) {
            ensure(1);
            buf.put((byte) 0);
        }
    }

    private void ensure(int n) {
        if (buf.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                    .order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }
}
