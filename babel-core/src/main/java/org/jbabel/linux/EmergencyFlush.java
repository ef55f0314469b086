package org.jbabel.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jbabel.kernel.KernelException;

/**
 * The last thing a dying daemon does: removes every route and rule of one protocol from the kernel, with as little
 * memory as possible, so that it can run after an {@link OutOfMemoryError}. Its two route sockets (one dumps, the
 * other deletes while the dump goes on) are opened in advance, in the daemon's namespace; a dumped route or rule of
 * the protocol is sent back as it came, as a delete request (as {@code ip route flush} does), without being parsed
 * into objects, and errors are not waited for. A delete during a dump may make the kernel skip entries, so dumps
 * are repeated until one finds nothing left (at most {@value #ROUNDS} times). Thread-safe: calls are serialised.
 */
public final class EmergencyFlush implements AutoCloseable {

    private static final int ROUNDS = 5;
    private static final int ANSWER_TIMEOUT_MILLIS = 2_000;
    private static final int BATCH_BYTES = 32 * 1024;

    private final NetlinkSocket dump;
    private final NetlinkSocket delete;
    private final ByteBuffer batch = ByteBuffer.allocate(BATCH_BYTES + 64 * 1024).order(ByteOrder.nativeOrder());

    /** Opens the sockets in the network namespace of the calling thread. */
    public EmergencyFlush() {
        this.dump = new NetlinkSocket(0, 0);
        try {
            this.delete = new NetlinkSocket(0, 0);
        } catch (RuntimeException e) {
            dump.close();
            throw e;
        }
    }

    /**
     * Removes the routes, then the rules, written with {@code protocol}; returns how many delete requests were sent
     * (the kernel refusing one is not waited for: the next dump shows what is left).
     *
     * @throws KernelException if the kernel cannot be talked to at all
     */
    public synchronized int flush(int protocol) {
        int sent = 0;
        for (int type : new int[] {Rtnl.RTM_GETROUTE, Rtnl.RTM_GETRULE}) {
            for (int round = 0; round < ROUNDS; round++) {
                int n = flushOnce(type, protocol);
                sent += n;
                if (n == 0) {
                    break;
                }
            }
        }
        return sent;
    }

    private int flushOnce(int type, int protocol) {
        int seq = (int) (System.nanoTime() & 0x7fff_ffff);
        MessageBuilder b = new MessageBuilder();
        RtnlCodec.writeDump(b, type, seq);
        dump.send(b.take());
        int sent = 0;
        batch.clear();
        while (true) {
            ByteBuffer answer = dump.receive(ANSWER_TIMEOUT_MILLIS);
            if (answer == null) {
                throw new KernelException("the kernel did not finish a dump", 0);
            }
            boolean done = false;
            int pos = 0;
            while (answer.limit() - pos >= Rtnl.NLMSG_HDRLEN) {
                int len = answer.getInt(pos);
                if (len < Rtnl.NLMSG_HDRLEN || len > answer.limit() - pos) {
                    break;
                }
                int msgType = Short.toUnsignedInt(answer.getShort(pos + 4));
                if (answer.getInt(pos + 8) == seq) {
                    if (msgType == Rtnl.NLMSG_DONE || msgType == Rtnl.NLMSG_ERROR) {
                        done = true;
                    } else if (ours(answer, pos, len, type, protocol)) {
                        if (batch.position() + Rtnl.align(len) > BATCH_BYTES) {
                            sendBatch();
                        }
                        int at = batch.position();
                        batch.put(answer.slice(pos, len));
                        batch.putShort(at + 4, (short) (type == Rtnl.RTM_GETROUTE ? Rtnl.RTM_DELROUTE
                                : Rtnl.RTM_DELRULE));
                        batch.putShort(at + 6, (short) Rtnl.NLM_F_REQUEST);
                        batch.putInt(at + 8, seq + 1 + sent);
                        while ((batch.position() & 3) != 0) {
                            batch.put((byte) 0);
                        }
                        sent++;
                    }
                }
                pos += Rtnl.align(len);
            }
            if (done) {
                break;
            }
        }
        sendBatch();
        return sent;
    }

    private void sendBatch() {
        if (batch.position() > 0) {
            batch.flip();
            delete.send(batch);
            batch.clear();
        }
        // Only errors come back (no ACKs were asked for): drop them so that the socket's buffer never fills.
        while (delete.receive(0) != null) {
            // discarded
        }
    }

    /** Whether the route or rule message at {@code pos} was written with {@code protocol} (and is no clone). */
    private static boolean ours(ByteBuffer m, int pos, int len, int dumpType, int protocol) {
        int body = pos + Rtnl.NLMSG_HDRLEN;
        if (dumpType == Rtnl.RTM_GETROUTE) {
            if (len < Rtnl.NLMSG_HDRLEN + Rtnl.RTMSG_LEN) {
                return false;
            }
            boolean cloned = (m.getInt(body + 8) & Rtnl.RTM_F_CLONED) != 0;
            return !cloned && Byte.toUnsignedInt(m.get(body + 5)) == protocol;
        }
        int at = body + Rtnl.FIB_RULE_HDR_LEN;
        int end = pos + len;
        while (end - at >= 4) {
            int alen = Short.toUnsignedInt(m.getShort(at));
            int atype = Short.toUnsignedInt(m.getShort(at + 2)) & 0x3fff;
            if (alen < 4 || alen > end - at) {
                return false;
            }
            if (atype == Rtnl.FRA_PROTOCOL && alen >= 5) {
                return Byte.toUnsignedInt(m.get(at + 4)) == protocol;
            }
            at += Rtnl.align(alen);
        }
        return false;
    }

    @Override
    public synchronized void close() {
        dump.close();
        delete.close();
    }
}
