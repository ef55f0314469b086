package org.jbabel.linux;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.Fib;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.FibResult;
import org.jbabel.kernel.KernelException;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.RouteType;
import org.jbabel.kernel.RuleChange;
import org.jbabel.kernel.RuleResult;
import org.jbabel.kernel.Rules;

/**
 * The Linux forwarding table and policy-routing rules over one rtnetlink socket. Changes are packed many to a
 * datagram (up to {@value #BATCH_BYTES} bytes), each with its own sequence number and ACK flag; the ACKs of one datagram are
 * collected before the next is sent, and each change gets the errno of its own ACK (ETIMEDOUT or ENOBUFS
 * when its ACK never came or was dropped). Thread-safe: calls are serialised.
 */
public final class LinuxFib implements Fib, Rules {

    /** The most bytes of requests sent in one datagram: about 300 route changes. */
    static final int BATCH_BYTES = 32 * 1024;
    /** How long to wait for the kernel to answer a datagram of requests or one part of a dump. */
    private static final int ANSWER_TIMEOUT_MILLIS = 5_000;
    private static final int DUMP_ATTEMPTS = 3;
    /**
     * The socket buffer for ACKs: the kernel accounts each ACK at about a kilobyte whatever its size, so a
     * datagram of 300 changes needs about 300 KiB, more than the usual default. When the buffer is smaller
     * anyway (no CAP_NET_ADMIN), changes whose ACK was dropped report ENOBUFS.
     */
    private static final int ACK_BUFFER = 4 * 1024 * 1024;

    private final NetlinkSocket socket;
    private final NetlinkCounters counters;
    private final RtnlCodec codec;
    private int seq = (int) (System.nanoTime() & 0x3fff_ffff);
    private long datagramsSent;

    /** Opens a route socket in the network namespace of the calling thread. */
    public LinuxFib() {
        this(new NetlinkCounters());
    }

    /** As {@link #LinuxFib()}, counting bad netlink input in {@code counters}. */
    public LinuxFib(NetlinkCounters counters) {
        this.counters = counters;
        this.codec = new RtnlCodec(counters, name -> false);
        this.socket = new NetlinkSocket(0, ACK_BUFFER);
    }

    public NetlinkCounters counters() {
        return counters;
    }

    /** How many request datagrams this FIB has sent: shows how well changes were batched. */
    public synchronized long datagramsSent() {
        return datagramsSent;
    }

    @Override
    public synchronized List<FibResult> applyAll(List<FibChange> changes) {
        int[] errnos = send(changes, i -> changes.get(i).route().type() == RouteType.OTHER, RtnlCodec::writeChange);
        List<FibResult> results = new ArrayList<>(changes.size());
        for (int i = 0; i < errnos.length; i++) {
            results.add(new FibResult(changes.get(i), errnos[i]));
        }
        return results;
    }

    @Override
    public synchronized List<RuleResult> applyRules(List<RuleChange> changes) {
        int[] errnos = send(changes, i -> false, RtnlCodec::writeRuleChange);
        List<RuleResult> results = new ArrayList<>(changes.size());
        for (int i = 0; i < errnos.length; i++) {
            results.add(new RuleResult(changes.get(i), errnos[i]));
        }
        return results;
    }

    @Override
    public synchronized List<KernelRule> rules() {
        return dump(Rtnl.RTM_GETRULE, socket, counters, codec::rule);
    }

    /** A request writer: appends the request for one change under a sequence number. */
    private interface Writer<C> {
        void write(MessageBuilder b, C change, int seq);
    }

    /**
     * Sends {@code changes} in as few datagrams as fit, each request with its own sequence number and ACK, and
     * returns the errno of each; those {@code invalid} says are refused with EINVAL without being sent.
     */
    private <C> int[] send(List<C> changes, IntPredicate invalid, Writer<C> writer) {
        int[] errnos = new int[changes.size()];
        MessageBuilder b = new MessageBuilder();
        Map<Integer, Integer> pending = new HashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            if (invalid.test(i)) {
                errnos[i] = Errno.EINVAL;
                continue;
            }
            int s = nextSeq();
            writer.write(b, changes.get(i), s);
            pending.put(s, i);
            if (b.size() >= BATCH_BYTES - 512) {
                sendAndCollect(b.take(), pending, errnos);
            }
        }
        if (!pending.isEmpty()) {
            sendAndCollect(b.take(), pending, errnos);
        }
        return errnos;
    }

    private void sendAndCollect(ByteBuffer datagram, Map<Integer, Integer> pending, int[] errnos) {
        socket.send(datagram);
        datagramsSent++;
        boolean overrun = false;
        while (!pending.isEmpty()) {
            ByteBuffer answer;
            try {
                // The kernel handles the requests while sendto runs: after an overrun every answer that was
                // not dropped is already queued, so there is nothing more to wait for.
                answer = socket.receive(overrun ? 0 : ANSWER_TIMEOUT_MILLIS);
            } catch (KernelException e) {
                if (e.errno() != Errno.ENOBUFS) {
                    throw e;
                }
                counters.count(NetlinkCounters.Kind.OVERRUN);
                overrun = true;
                continue;
            }
            if (answer == null) {
                int errno = overrun ? Errno.ENOBUFS : Errno.ETIMEDOUT;
                counters.count(NetlinkCounters.Kind.UNANSWERED, pending.size());
                pending.values().forEach(i -> errnos[i] = errno);
                pending.clear();
                return;
            }
            for (NetlinkMessage m : NetlinkMessage.split(answer, counters)) {
                Integer index = m.type() == Rtnl.NLMSG_ERROR ? pending.remove(m.seq()) : null;
                if (index != null) {
                    int errno = m.errno();
                    errnos[index] = errno < 0 ? Errno.EINVAL : errno;
                }
            }
        }
    }

    @Override
    public List<KernelRoute> routes() {
        return routes(p -> true);
    }

    @Override
    public synchronized List<KernelRoute> routes(IntPredicate protocol) {
        return dump(Rtnl.RTM_GETROUTE, socket, counters, m -> {
            int p = RtnlCodec.routeProtocol(m);
            return p < 0 || protocol.test(p) ? codec.route(m) : null; // a short one is decoded to be counted
        });
    }

    @Override
    public synchronized void close() {
        socket.close();
    }

    private int nextSeq() {
        seq = (seq + 1) & 0x7fff_ffff;
        return seq == 0 ? ++seq : seq;
    }

    /** Runs one dump request on {@code socket}, retrying a dump the kernel marks as interrupted. */
    static <T> List<T> dump(int type, NetlinkSocket socket, NetlinkCounters counters,
            Function<NetlinkMessage, T> parse) {
        return dump(type, 0, socket, counters, parse);
    }

    /** As {@link #dump(int, NetlinkSocket, NetlinkCounters, Function)}, for one address family. */
    static <T> List<T> dump(int type, int family, NetlinkSocket socket, NetlinkCounters counters,
            Function<NetlinkMessage, T> parse) {
        for (int attempt = 1; ; attempt++) {
            int s = (int) (System.nanoTime() & 0x7fff_ffff);
            MessageBuilder b = new MessageBuilder();
            RtnlCodec.writeDump(b, type, s, family);
            socket.send(b.take());
            List<T> out = new ArrayList<>();
            boolean interrupted = false;
            boolean done = false;
            while (!done) {
                ByteBuffer answer = socket.receive(ANSWER_TIMEOUT_MILLIS);
                if (answer == null) {
                    counters.count(NetlinkCounters.Kind.UNANSWERED);
                    throw new KernelException("the kernel did not finish a dump", Errno.ETIMEDOUT);
                }
                for (NetlinkMessage m : NetlinkMessage.split(answer, counters)) {
                    if (m.seq() != s) {
                        continue;
                    }
                    interrupted |= (m.flags() & Rtnl.NLM_F_DUMP_INTR) != 0;
                    switch (m.type()) {
                        case Rtnl.NLMSG_DONE -> done = true;
                        case Rtnl.NLMSG_ERROR -> throw new KernelException("dump refused", Math.max(m.errno(), 0));
                        case Rtnl.NLMSG_NOOP, Rtnl.NLMSG_OVERRUN -> { }
                        default -> {
                            T item = parse.apply(m);
                            if (item != null) {
                                out.add(item);
                            }
                        }
                    }
                }
            }
            if (!interrupted || attempt == DUMP_ATTEMPTS) {
                return out;
            }
            counters.count(NetlinkCounters.Kind.DUMP_INTERRUPTED);
        }
    }
}
