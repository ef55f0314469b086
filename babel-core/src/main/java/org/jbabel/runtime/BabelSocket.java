package org.jbabel.runtime;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jbabel.linux.SocketOptions;
import org.jbabel.wire.IpAddress;

/**
 * Babel's UDP sockets, on netty's epoll transport when its native library loads and on NIO otherwise.
 *
 * <ul>
 *   <li>The <b>multicast socket</b> is bound to [::]:6696 with {@code SO_REUSEADDR} and joins the Babel group on
 *       every interface Babel runs on; multicast loop off, multicast hop limit 1, traffic class 0xC0 (CS6). Every
 *       datagram is sent through it.</li>
 *   <li>A <b>unicast socket</b> per interface is bound to [link-local%interface]:6696. The kernel hands a
 *       datagram to the most specific bound socket, so unicast datagrams to our link-local address arrive there,
 *       while datagrams to the group only match the wildcard socket. That is how the engine learns whether a
 *       packet was unicast (the JDK has no IPV6_PKTINFO, and netty's epoll transport does not report IPv6
 *       destinations).</li>
 * </ul>
 *
 * <p>The receiving interface of a datagram is the scope id of its (link-local) sender, which both transports fill
 * in with the index of the interface the datagram came in on. A datagram leaves through a chosen interface by
 * giving that interface as the scope of its destination.
 *
 * <p>Receive buffers are {@value #RECEIVE_BUFFER} bytes: on epoll they are forced with {@code SO_RCVBUFFORCE}
 * (root, or CAP_NET_ADMIN), which ignores {@code net.core.rmem_max}; on NIO, or without the capability, the kernel
 * caps the request at {@code net.core.rmem_max}. Each read drains up to {@value #MAX_READS_PER_TURN} datagrams
 * before the loop turns to its other work, and goes on at once when more are queued. Every method runs on the
 * sockets' event loop except {@link #open} and {@link #close}.
 */
public final class BabelSocket implements AutoCloseable {

    /** Where received datagrams go. */
    public interface Receiver {
        /**
         * A datagram arrived.
         *
         * @param ifindex the interface it came in on (0 when the sender was not link-local)
         * @param source the sender's address
         * @param destination our link-local address for a unicast datagram, the group for one sent to the group
         *     (and for one sent to another address of ours)
         * @param data the UDP payload
         */
        void received(int ifindex, IpAddress source, IpAddress destination, byte[] data);
    }

    /** netty's transport for the daemon's event loop. */
    public enum Transport {
        /** Linux epoll through netty's native library. */
        EPOLL,
        /** The JDK's selector. */
        NIO;

        /** Epoll when its native library is available here, NIO otherwise. */
        public static Transport best() {
            return Epoll.isAvailable() ? EPOLL : NIO;
        }

        /** The I/O handler of an event loop that serves this transport's channels. */
        public IoHandlerFactory ioHandlerFactory() {
            return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        }

        DatagramChannel newChannel() {
            return this == EPOLL ? new EpollDatagramChannel(SocketProtocolFamily.INET6)
                    : new NioDatagramChannel(SocketProtocolFamily.INET6);
        }
    }

    /** The receive buffer of every socket. */
    static final int RECEIVE_BUFFER = 8 << 20;
    private static final int MAX_DATAGRAM = 65_536;
    /** Datagrams taken in one read before other work of the loop runs (reading resumes right after). */
    static final int MAX_READS_PER_TURN = 1024;
    private static final int TRAFFIC_CLASS = 0xC0;

    private record Unicast(IpAddress address, Channel channel) {}

    private final Transport transport;
    private final EventLoopGroup loop;
    private final DatagramChannel multicast;
    private final InetAddress group;
    private final int port;
    private final Receiver receiver;
    private final Set<Integer> joined = new HashSet<>();
    private final Map<Integer, Unicast> unicast = new HashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private ChannelFuture lastWrite;

    private BabelSocket(Transport transport, EventLoopGroup loop, DatagramChannel multicast, InetAddress group,
            int port, Receiver receiver) {
        this.transport = transport;
        this.loop = loop;
        this.multicast = multicast;
        this.group = group;
        this.port = port;
        this.receiver = receiver;
    }

    /**
     * Binds the multicast socket. Datagrams are handed to {@code receiver} on the event loop of {@code loop},
     * whose I/O handler must be {@code transport}'s. Not to be called on that loop.
     *
     * @throws IOException when the port cannot be bound
     */
    public static BabelSocket open(EventLoopGroup loop, Transport transport, IpAddress protocolGroup, int port,
            Receiver receiver) throws IOException {
        ChannelFuture f = bootstrap(loop, transport, receiver, protocolGroup)
                .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, true)
                .option(ChannelOption.IP_MULTICAST_TTL, 1)
                .bind(new InetSocketAddress(InetAddress.getByName("::"), port)).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot bind UDP port " + port + ": " + f.cause().getMessage(), f.cause());
        }
        return new BabelSocket(transport, loop, (DatagramChannel) f.channel(), protocolGroup.toInetAddress(), port,
                receiver);
    }

    private static Bootstrap bootstrap(EventLoopGroup loop, Transport transport, Receiver receiver,
            IpAddress destination) {
        return new Bootstrap()
                .group(loop)
                .channelFactory(() -> withLargeReceiveBuffer(transport.newChannel()))
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.IP_TOS, TRAFFIC_CLASS)
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(MAX_DATAGRAM).maxMessagesPerRead(MAX_READS_PER_TURN))
                .handler(new Inbound(receiver, destination));
    }

    /** Forces the receive buffer past rmem_max where the descriptor is reachable (epoll), else asks for it. */
    private static DatagramChannel withLargeReceiveBuffer(DatagramChannel ch) {
        if (!(ch instanceof UnixChannel u && SocketOptions.forceReceiveBuffer(u.fd().intValue(), RECEIVE_BUFFER))) {
            ch.config().setReceiveBufferSize(RECEIVE_BUFFER);
        }
        return ch;
    }

    /** Hands datagrams of one socket to the receiver, with that socket's destination. */
    private static final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Receiver receiver;
        private final IpAddress destination;

        Inbound(Receiver receiver, IpAddress destination) {
            this.receiver = receiver;
            this.destination = destination;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            InetSocketAddress sender = p.sender();
            int ifindex = sender.getAddress() instanceof Inet6Address a6 ? a6.getScopeId() : 0;
            receiver.received(ifindex, IpAddress.of(sender.getAddress()), destination,
                    ByteBufUtil.getBytes(p.content()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A read error (an ICMP error reported on the socket, say) loses one datagram at most; an Error (in the
            // daemon's handling of a datagram) is fatal.
            if (FatalErrors.isFatal(cause)) {
                FatalErrors.report(Thread.currentThread(), cause);
            }
        }
    }

    /** The transport in use. */
    public Transport transport() {
        return transport;
    }

    /** The multicast socket's receive buffer as the kernel reports it (twice what was set, for its bookkeeping). */
    public int receiveBufferSize() {
        return multicast.config().getReceiveBufferSize();
    }

    /**
     * Babel runs on an interface with this link-local address: joins the group there and binds the interface's
     * unicast socket (again when the address changed). The bind completes in the background; until then unicast
     * datagrams arrive on the multicast socket and are taken as sent to the group.
     */
    public void interfaceUp(int ifindex, IpAddress linkLocal) {
        join(ifindex);
        Unicast u = unicast.get(ifindex);
        if (u != null && u.address().equals(linkLocal)) {
            return;
        }
        closeUnicast(ifindex);
        InetAddress local;
        try {
            local = Inet6Address.getByAddress(null, linkLocal.toBytes16(), ifindex);
        } catch (UnknownHostException e) {
            count("unicast_bind_failed");
            return;
        }
        ChannelFuture f = bootstrap(loop, transport, receiver, linkLocal).bind(new InetSocketAddress(local, port));
        Unicast fresh = new Unicast(linkLocal, f.channel());
        unicast.put(ifindex, fresh);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                count("unicast_bind_failed");
                unicast.remove(ifindex, fresh);
            }
        });
    }

    /** Babel stops on an interface: leaves the group there (the kernel may have done so already), closes its unicast socket. */
    public void interfaceDown(int ifindex) {
        closeUnicast(ifindex);
        if (!joined.remove(ifindex)) {
            return;
        }
        try {
            NetworkInterface ni = NetworkInterface.getByIndex(ifindex);
            if (ni != null) {
                multicast.leaveGroup(new InetSocketAddress(group, port), ni);
            }
        } catch (SocketException e) {
            count("leave_failed");
        }
    }

    /** Forgets an interface the kernel deleted. */
    public void forget(int ifindex) {
        joined.remove(ifindex);
        closeUnicast(ifindex);
    }

    /**
     * Joins ff02::1:6 on an interface. A link that went down and up again may still be a member (the kernel keeps the
     * membership of a socket across a link flap): the join then fails with "address already in use", which means
     * joined. Any other failure is counted; it never escapes, so the interface still runs (unicast keeps working).
     */
    private void join(int ifindex) {
        if (joined.contains(ifindex)) {
            return;
        }
        Throwable failure;
        try {
            NetworkInterface ni = NetworkInterface.getByIndex(ifindex);
            if (ni == null) {
                count("join_failed");
                return;
            }
            // On the loop, both transports carry the join out before returning.
            ChannelFuture f = multicast.joinGroup(new InetSocketAddress(group, port), ni);
            failure = f.isDone() ? f.cause() : null;
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        if (failure == null || alreadyMember(failure)) {
            joined.add(ifindex);
        } else {
            count("join_failed");
        }
    }

    private static boolean alreadyMember(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private void closeUnicast(int ifindex) {
        Unicast u = unicast.remove(ifindex);
        if (u != null) {
            u.channel().close();
        }
    }

    /** Queues one datagram to {@code destination} out of interface {@code ifindex}; {@link #flush()} sends. */
    public void send(int ifindex, IpAddress destination, byte[] payload) {
        InetAddress to;
        try {
            to = Inet6Address.getByAddress(null, destination.toBytes16(), ifindex);
        } catch (UnknownHostException e) {
            count("send_bad_address");
            return;
        }
        lastWrite = multicast.write(new DatagramPacket(Unpooled.wrappedBuffer(payload), new InetSocketAddress(to, port)));
        lastWrite.addListener(f -> {
            if (!f.isSuccess()) {
                count("send_error");
            }
        });
    }

    /** Sends what was queued. */
    public void flush() {
        multicast.flush();
    }

    /**
     * The completion of the latest datagram queued, for waiting (from another thread) until the goodbye packets
     * are out at exit.
     */
    public Future<?> lastWrite() {
        return lastWrite == null ? multicast.newSucceededFuture() : lastWrite;
    }

    /** Socket errors by kind ({@code send_error}, {@code join_failed} ...). */
    public Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    @Override
    public void close() {
        loop.submit(() -> unicast.keySet().stream().toList().forEach(this::closeUnicast))
                .awaitUninterruptibly(2, TimeUnit.SECONDS);
        multicast.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
