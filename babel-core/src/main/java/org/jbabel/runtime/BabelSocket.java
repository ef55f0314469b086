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
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jbabel.wire.IpAddress;

/**
 * Babel's UDP socket, on netty's NIO transport: one IPv6 socket bound to [::]:6696 with {@code SO_REUSEADDR},
 * the Babel group joined on every interface Babel runs on, multicast loop off, multicast hop limit 1 and traffic
 * class 0xC0 (CS6), a large receive buffer and reads of up to 64 datagrams per turn of the event loop.
 *
 * <p>The receiving interface of a datagram is the scope id of its (link-local) sender address, which the JDK fills
 * in with the index of the interface the datagram came in on. A datagram is sent out of a chosen interface by
 * giving that interface as the scope of the destination, for the group as for a neighbour's link-local address.
 *
 * <p>Not available through the JDK's socket API: the datagram's destination address (IPV6_PKTINFO), so the
 * engine is told every packet was sent to the group, and the unicast hop limit, which stays the system's
 * default. Every method runs on the socket's event loop.
 */
public final class BabelSocket implements AutoCloseable {

    /** Where received datagrams go. */
    public interface Receiver {
        /**
         * A datagram arrived.
         *
         * @param ifindex the interface it came in on (0 when the sender was not link-local)
         * @param source the sender's address
         * @param data the UDP payload
         */
        void received(int ifindex, IpAddress source, byte[] data);
    }

    /** The receive buffer we ask for; the kernel caps it at net.core.rmem_max. */
    static final int RECEIVE_BUFFER = 8 << 20;
    private static final int MAX_DATAGRAM = 65_536;
    /** Datagrams read before the loop turns to its other work: a neighbour's full table arrives in one go. */
    private static final int MAX_READS_PER_TURN = 64;
    private static final int TRAFFIC_CLASS = 0xC0;

    private final Channel channel;
    private final InetAddress group;
    private final int port;
    private final Set<Integer> joined = new HashSet<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private ChannelFuture lastWrite;

    private BabelSocket(Channel channel, InetAddress group, int port) {
        this.channel = channel;
        this.group = group;
        this.port = port;
    }

    /**
     * Binds the socket. Datagrams are handed to {@code receiver} on the event loop of {@code group}.
     *
     * @throws IOException when the port cannot be bound
     */
    public static BabelSocket open(EventLoopGroup loop, IpAddress protocolGroup, int port, Receiver receiver)
            throws IOException {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channelFactory(() -> new NioDatagramChannel(SocketProtocolFamily.INET6))
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, true)
                .option(ChannelOption.IP_MULTICAST_TTL, 1)
                .option(ChannelOption.IP_TOS, TRAFFIC_CLASS)
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(MAX_DATAGRAM).maxMessagesPerRead(MAX_READS_PER_TURN))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        InetSocketAddress sender = p.sender();
                        int ifindex = sender.getAddress() instanceof Inet6Address a6 ? a6.getScopeId() : 0;
                        receiver.received(ifindex, IpAddress.of(sender.getAddress()),
                                ByteBufUtil.getBytes(p.content()));
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // A read error (an ICMP error reported on the socket, say) loses one datagram at most.
                    }
                });
        ChannelFuture f = b.bind(new InetSocketAddress(InetAddress.getByName("::"), port)).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot bind UDP port " + port + ": " + f.cause().getMessage(), f.cause());
        }
        return new BabelSocket(f.channel(), protocolGroup.toInetAddress(), port);
    }

    /** Joins the Babel group on an interface (again after the interface came back). */
    public void join(int ifindex) {
        if (joined.contains(ifindex)) {
            return;
        }
        try {
            NetworkInterface ni = NetworkInterface.getByIndex(ifindex);
            if (ni == null) {
                count("join_failed");
                return;
            }
            ChannelFuture f = ((NioDatagramChannel) channel).joinGroup(new InetSocketAddress(group, port), ni).awaitUninterruptibly();
            if (f.isSuccess()) {
                joined.add(ifindex);
            } else {
                count("join_failed");
            }
        } catch (SocketException e) {
            count("join_failed");
        }
    }

    /** Leaves the group on an interface that Babel no longer runs on (the kernel may have done so already). */
    public void leave(int ifindex) {
        if (!joined.remove(ifindex)) {
            return;
        }
        try {
            NetworkInterface ni = NetworkInterface.getByIndex(ifindex);
            if (ni != null) {
                ((NioDatagramChannel) channel).leaveGroup(new InetSocketAddress(group, port), ni).awaitUninterruptibly();
            }
        } catch (SocketException e) {
            count("leave_failed");
        }
    }

    /** Forgets the memberships of an interface the kernel deleted. */
    public void forget(int ifindex) {
        joined.remove(ifindex);
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
        lastWrite = channel.write(new DatagramPacket(Unpooled.wrappedBuffer(payload), new InetSocketAddress(to, port)));
        lastWrite.addListener(f -> {
            if (!f.isSuccess()) {
                count("send_error");
            }
        });
    }

    /** Sends what was queued. */
    public void flush() {
        channel.flush();
    }

    /**
     * The completion of the latest datagram queued, for waiting (from another thread) until the goodbye packets
     * are out at exit.
     */
    public Future<?> lastWrite() {
        return lastWrite == null ? channel.newSucceededFuture() : lastWrite;
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
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
