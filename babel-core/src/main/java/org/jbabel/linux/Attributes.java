package org.jbabel.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The rtattr list of a message body, indexed by attribute type (types above 63 are skipped). */
final class Attributes {
    private static final int MAX_TYPE = 63;
    private static final int TYPE_MASK = 0x3fff;

    private final ByteBuffer[] values = new ByteBuffer[MAX_TYPE + 1];

    private Attributes() {}

    /** Parses the attributes of {@code body} from {@code offset} to its end; null when one is malformed. */
    static Attributes parse(ByteBuffer body, int offset) {
        Attributes a = new Attributes();
        int pos = offset;
        int end = body.limit();
        if (pos > end) {
            return null;
        }
        while (end - pos >= 4) {
            int len = Short.toUnsignedInt(body.getShort(pos));
            int type = Short.toUnsignedInt(body.getShort(pos + 2)) & TYPE_MASK;
            if (len < 4 || len > end - pos) {
                return null;
            }
            if (type <= MAX_TYPE) {
                a.values[type] = body.slice(pos + 4, len - 4).order(ByteOrder.nativeOrder());
            }
            pos += Rtnl.align(len);
        }
        return a;
    }

    boolean has(int type) {
        return values[type] != null;
    }

    ByteBuffer get(int type) {
        return values[type];
    }

    int length(int type) {
        return values[type] == null ? -1 : values[type].remaining();
    }

    /** A 32-bit attribute, or {@code otherwise} when it is absent; -1 when it has the wrong length. */
    long u32(int type, long otherwise) {
        ByteBuffer v = values[type];
        if (v == null) {
            return otherwise;
        }
        return v.remaining() == 4 ? Integer.toUnsignedLong(v.getInt(0)) : -1;
    }

    /** The bytes of an attribute, or null when absent. */
    byte[] bytes(int type) {
        ByteBuffer v = values[type];
        if (v == null) {
            return null;
        }
        byte[] b = new byte[v.remaining()];
        v.get(0, b);
        return b;
    }

    /** A NUL-terminated string attribute, or null when absent. */
    String string(int type) {
        byte[] b = bytes(type);
        if (b == null) {
            return null;
        }
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
