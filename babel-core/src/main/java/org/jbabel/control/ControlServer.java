package org.jbabel.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jbabel.config.LocalServer;

/**
 * The control socket server: babeld's local interface over TCP on [::1] and over UNIX domain sockets, with netty's
 * epoll or NIO transport: the one of the event loop group it is given, so that the daemon needs one loop only.
 *
 * <p>Sockets are served on the given netty event loop group; every call into the {@link ControlTarget} and every
 * {@link ControlProtocol} step runs on the given executor, which must run tasks one at a time in submission order
 * (the daemon's event loop), so the daemon's state is never touched from another thread.
 *
 * <p>At most {@value #MAX_CLIENTS} clients are served at once, over all endpoints together, as in babeld; a
 * further connection is accepted but waits, without banner and unread, until a served client leaves.
 *
 * <p>A client that leaves more than {@link #MAX_PENDING_OUTPUT} bytes unread is disconnected.
 *
 * <p>Monitor events: the daemon calls {@link #stateChanged()} whenever its state may have changed; the server
 * then takes one snapshot on the executor (coalescing calls that arrive before it runs) and each monitoring
 * session sends the differences to the snapshot it showed last.
 */
public final class ControlServer implements AutoCloseable {

    /** babeld's limit of simultaneous local clients. */
    public static final int MAX_CLIENTS = 4;

    /**
     * Output bytes a client may leave unread before it is disconnected (a monitoring client that stopped reading
     * must not make the daemon buffer without bound). One dump of any size is always written whole.
     */
    public static final int MAX_PENDING_OUTPUT = 64 << 20;

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final ControlTarget target;
    private final Executor loop;
    private final ControlCounters counters = new ControlCounters();
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();
    private final Set<Client> served = new LinkedHashSet<>(); // on the executor only
    private final Object admission = new Object();
    private final Set<Channel> all = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<Client> waiting = new ArrayDeque<>(); // under admission
    private int admitted; // under admission
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final int maxPendingOutput;
    private volatile boolean closed;

    private ControlServer(ControlTarget target, Executor loop, int maxPendingOutput) {
        this.target = target;
        this.loop = loop;
        this.maxPendingOutput = maxPendingOutput;
    }

    /**
     * Binds every endpoint: a TCP port on [::1] (0 picks a free port, see {@link #tcpAddresses()}) or a UNIX
     * socket path (a stale socket file there is removed first; a live one is an error).
     *
     * @param endpoints where to listen, each read-only or read-write
     * @param target the daemon
     * @param loop the daemon's serial executor, on which {@code target} is called
     * @param group the netty event loop group for the sockets, on epoll or NIO; the caller owns it
     * @throws IOException if an endpoint cannot be bound; endpoints bound before are released
     */
    public static ControlServer start(List<LocalServer> endpoints, ControlTarget target, Executor loop,
            EventLoopGroup group) throws IOException {
        return start(endpoints, target, loop, group, MAX_PENDING_OUTPUT);
    }

    /** As {@link #start(List, ControlTarget, Executor, EventLoopGroup)}, with another bound on unread output. */
    static ControlServer start(List<LocalServer> endpoints, ControlTarget target, Executor loop, EventLoopGroup group,
            int maxPendingOutput) throws IOException {
        ControlServer server = new ControlServer(target, loop, maxPendingOutput);
        boolean epoll = group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
        try {
            for (LocalServer e : endpoints) {
                server.bind(e, group, epoll);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bind(LocalServer endpoint, EventLoopGroup group, boolean epoll) throws IOException {
        SocketAddress address;
        Class<? extends ServerChannel> type;
        Path file = null;
        if (endpoint.isUnix()) {
            file = Path.of(endpoint.path());
            removeStaleSocket(file);
            address = epoll ? new DomainSocketAddress(file.toString()) : UnixDomainSocketAddress.of(file);
            type = epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
        } else {
            address = new InetSocketAddress(InetAddress.getByName("::1"), endpoint.port());
            type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        }
        boolean readWrite = endpoint.readWrite();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(type)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(maxPendingOutput / 2, maxPendingOutput))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Set on the config itself: netty's NIO domain-socket channel supports half-closure but
                        // does not accept ALLOW_HALF_CLOSURE as a channel option (it would log a warning).
                        ((DuplexChannelConfig) ch.config()).setAllowHalfClosure(true);
                        ch.pipeline().addLast(new Client(readWrite));
                    }
                });
        var future = b.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen on " + describe(endpoint) + ": " + future.cause().getMessage(),
                    future.cause());
        }
        listeners.add(future.channel());
        if (file != null) {
            socketFiles.add(file);
        }
    }

    private static String describe(LocalServer e) {
        return e.isUnix() ? e.path() : "[::1]:" + e.port();
    }

    private static void removeStaleSocket(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(file + " exists and is not a socket");
        }
        boolean live;
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(file));
            live = true;
        } catch (IOException e) {
            live = false;
        }
        if (live) {
            throw new IOException("another server is listening on " + file);
        }
        Files.deleteIfExists(file);
    }

    /** The bound TCP addresses, in endpoint order (useful when port 0 was asked for). */
    public List<InetSocketAddress> tcpAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : listeners) {
            if (c.localAddress() instanceof InetSocketAddress a) {
                out.add(a);
            }
        }
        return out;
    }

    /** The control socket's own counters (bad requests, overlong lines, ...). */
    public ControlCounters counters() {
        return counters;
    }

    /**
     * Tells the server that the daemon's state may have changed: monitoring clients get the differences. Cheap
     * when nobody monitors; calls made before the refresh runs are coalesced. Callable from any thread.
     */
    public void stateChanged() {
        if (!closed && refreshQueued.compareAndSet(false, true)) {
            loop.execute(this::refresh);
        }
    }

    private void refresh() {
        refreshQueued.set(false);
        List<Client> monitors = new ArrayList<>();
        for (Client c : served) {
            if (c.session.monitoring()) {
                monitors.add(c);
            }
        }
        if (monitors.isEmpty()) {
            return;
        }
        StateSnapshot now;
        try {
            now = target.snapshot();
        } catch (RuntimeException e) {
            counters.increment(ControlCounters.INTERNAL_ERRORS);
            return;
        }
        for (Client c : monitors) {
            c.run(() -> c.send(c.session.refresh(now)));
        }
    }

    /** Stops listening, disconnects every client and removes the UNIX socket files. */
    @Override
    public void close() {
        closed = true;
        for (Channel l : listeners) {
            l.close().awaitUninterruptibly();
        }
        for (Channel c : all) {
            c.close().awaitUninterruptibly();
        }
        for (Path f : socketFiles) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // the file is gone or its directory is not ours any more: nothing left to clean
            }
        }
    }

    private void admit(Client c) {
        synchronized (admission) {
            if (admitted < MAX_CLIENTS) {
                admitted++;
                c.admitted = true;
            } else {
                waiting.add(c);
                counters.increment(ControlCounters.CLIENTS_WAITED);
                return;
            }
        }
        c.start();
    }

    private void leave(Client c) {
        Client next = null;
        synchronized (admission) {
            if (waiting.remove(c)) {
                return;
            }
            if (!c.admitted) {
                return;
            }
            while (next == null && !waiting.isEmpty()) {
                Client w = waiting.poll();
                if (w.channel.isActive()) {
                    next = w;
                    next.admitted = true;
                }
            }
            if (next == null) {
                admitted--;
            }
        }
        if (next != null) {
            next.start();
        }
    }

    /** One connection: bytes to its session on the executor, lines back to the socket. */
    private final class Client extends ChannelInboundHandlerAdapter {
        private final boolean readWrite;
        private Channel channel;
        private ControlProtocol session; // on the executor only
        /** Disconnected for leaving too much unread: the close runs later on the channel's loop. On the executor. */
        private boolean dropped;
        private boolean admitted; // under admission

        Client(boolean readWrite) {
            this.readWrite = readWrite;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            all.add(channel);
            if (closed) {
                channel.close();
                return;
            }
            admit(this);
        }

        void start() {
            run(() -> {
                session = new ControlProtocol(target, readWrite, counters);
                served.add(this);
                send(session.open());
            });
            channel.config().setAutoRead(true);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes;
            try {
                bytes = ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
            run(() -> {
                if (!session.ended()) {
                    send(session.receive(bytes));
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                // the client sent everything: answer what came, then close, as babeld does on end of input
                run(() -> closeAfterWrites(ChannelFutureListener.CLOSE));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            all.remove(channel);
            try {
                loop.execute(() -> served.remove(this));
            } catch (RejectedExecutionException e) {
                // the daemon's loop has stopped: nothing is served any more
            }
            leave(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        /** Runs a session step on the executor; an unexpected failure is counted and ends this connection. */
        void run(Runnable step) {
            try {
                loop.execute(() -> {
                    try {
                        step.run();
                    } catch (RuntimeException e) {
                        counters.increment(ControlCounters.INTERNAL_ERRORS);
                        channel.close();
                    }
                });
            } catch (RejectedExecutionException e) {
                channel.close();
            }
        }

        void send(ControlProtocol.Output out) {
            if (dropped) {
                return;
            }
            if (!channel.isWritable() && channel.isActive()) {
                dropped = true;
                counters.increment(ControlCounters.SLOW_CLIENTS);
                channel.close();
                return;
            }
            if (!out.lines().isEmpty()) {
                StringBuilder sb = new StringBuilder();
                for (String line : out.lines()) {
                    sb.append(line).append('\n');
                }
                channel.writeAndFlush(Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.UTF_8)));
            }
            switch (out.close()) {
                case NONE -> {}
                case HALF -> closeAfterWrites(f -> ((DuplexChannel) channel).shutdownOutput());
                case FULL -> closeAfterWrites(ChannelFutureListener.CLOSE);
            }
        }

        private void closeAfterWrites(ChannelFutureListener then) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(then);
        }
    }
}
