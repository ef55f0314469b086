package org.jbabel.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.ScheduledFuture;
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
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jbabel.config.LocalServer;
import org.jbabel.linux.StreamListeners;

/**
 * The control socket server: babeld's local interface over TCP on [::1] and over UNIX domain sockets, with netty's
 * epoll or NIO transport: the one of the event loop group it is given ({@link #newGroup()} for the daemon's).
 *
 * <p>Sockets are served on the given netty event loop group; every call into the {@link ControlTarget} and every
 * {@link ControlProtocol} step runs on the given executor, which must run tasks one at a time in submission order
 * (the daemon's event loop), so the daemon's state is never touched from another thread.
 *
 * <p>At most {@value #MAX_CLIENTS} clients are served at once, over all endpoints together, as in babeld; up to
 * {@value #MAX_WAITING} further connections are accepted but wait, without banner and unread, until a served client
 * leaves; more are closed at once (counted).
 *
 * <p>Answers are streamed ({@link Answer}): the next chunk of {@value #CHUNK} bytes is produced only while the
 * connection is writable, that is while less than {@link Limits#maxPendingOutput} bytes of the client's output wait
 * in the server, and at most {@value #CHUNKS_PER_TASK} chunks in a row before the executor runs other work. A client's
 * next request is read only once the answer to the previous one is sent (reads are asked for, never automatic), so a
 * client that pipelines requests and does not read its answers costs the server one read buffer, one answer in
 * progress and its unread output: nothing grows with what it sends.
 *
 * <p>A client that neither sends nor receives anything for {@link Limits#idleTimeout} is disconnected, unless it
 * monitors and keeps up (a monitoring client may wait for changes as long as it likes). A monitoring client whose
 * output stays at the bound for longer than {@link Limits#monitorStall} while changes wait for it is disconnected:
 * it has fallen too far behind. Both are counted.
 *
 * <p>Monitor events: the daemon calls {@link #stateChanged()} whenever its state may have changed; the server
 * then takes one snapshot on the executor (coalescing calls that arrive before it runs) and each monitoring
 * session sends the differences to the snapshot it showed last.
 *
 * <p>Snapshots are bounded: at most {@value #MAX_SNAPSHOTS} distinct snapshots are held for the clients at once
 * (the newest, and the ones that answers in progress are written from or that monitoring sessions showed last).
 * Every snapshot a session uses comes from the server: the newest is shared as long as the state did not change
 * since it was taken; a new one is taken only when fewer than {@value #MAX_SNAPSHOTS} are held. Otherwise the
 * client's next request waits (monitoring clients meanwhile catch up with the newest snapshot, releasing older
 * ones); a client that holds an older snapshot and whose output stays at its bound for {@link Limits#monitorStall}
 * while another waits is disconnected ({@code control.slow-clients}). docs/DAEMON.md gives the heap this bounds.
 */
public final class ControlServer implements AutoCloseable {

    /** babeld's limit of simultaneous local clients. */
    public static final int MAX_CLIENTS = 4;
    /** Connections that may wait for one of the {@value #MAX_CLIENTS} places; more are closed. */
    public static final int MAX_WAITING = 16;
    /** The bytes of an answer produced at a time. */
    static final int CHUNK = 16 << 10;
    /** Chunks produced in a row before other tasks of the executor get their turn. */
    static final int CHUNKS_PER_TASK = 4;
    /** The largest read of a client's requests at a time. */
    static final int READ_BUFFER = 16 << 10;
    /**
     * The most distinct snapshots held for the clients at once: the newest and one older (being written to a
     * client, or the one a monitoring session showed last). docs/DAEMON.md, "Table limits and the heap".
     */
    static final int MAX_SNAPSHOTS = 2;

    /**
     * The bounds on each client.
     *
     * @param maxPendingOutput output bytes that may wait in the server for a client before no more is produced
     * @param idleTimeout how long a client may neither send nor receive anything
     * @param monitorStall how long a monitoring client's output may stay at the bound while changes wait
     * @param httpTimeout how long a client of the status page may neither send nor receive anything
     */
    public record Limits(int maxPendingOutput, Duration idleTimeout, Duration monitorStall, Duration httpTimeout) {
        /**
         * 256 KiB of output, 30 minutes idle, 60 seconds behind, 10 seconds for an HTTP client: docs/CONTROL.md
         * explains the choice.
         */
        public static final Limits DEFAULT = new Limits(256 << 10, Duration.ofMinutes(30), Duration.ofSeconds(60));

        /** With the default HTTP timeout. */
        public Limits(int maxPendingOutput, Duration idleTimeout, Duration monitorStall) {
            this(maxPendingOutput, idleTimeout, monitorStall, Duration.ofSeconds(10));
        }
    }

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
    private final Set<Client> connected = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> idleCheck;
    private final ArrayDeque<Client> waiting = new ArrayDeque<>(); // under admission
    private int admitted; // under admission
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final Limits limits;
    /** The newest snapshot taken, which the monitoring clients are brought to and new answers share. On the executor. */
    private StateSnapshot latest;
    /** The state may have changed since {@link #latest} was taken. */
    private volatile boolean changed = true;
    /** The client whose request is being answered, to which a granted snapshot is charged. On the executor. */
    private Client serving;
    /** A refresh for the monitoring clients could not take a snapshot: retried when one is released. On the executor. */
    private boolean refreshWanted;
    /** A task to wake the clients waiting for a snapshot is queued. On the executor. */
    private boolean wakeQueued;
    /** The most output bytes seen waiting for one client (for tests of the bound). */
    private final AtomicLong peakPendingOutput = new AtomicLong();
    private volatile boolean closed;
    /** Guards the hand-over of the sockets bound on demand to netty against {@link #close()}. */
    private final Object adoption = new Object();
    /** Sockets bound on demand and not yet netty's (under {@link #adoption}); see {@link #startOnDemand}. */
    private final List<Listening> unserved = new ArrayList<>();
    /** The wait for the first client of the sockets bound on demand, or null. */
    private AutoCloseable firstClient;

    /** A socket bound and listening before netty serves it: its descriptor and endpoint. */
    private record Listening(int fd, LocalServer endpoint) {}

    private ControlServer(ControlTarget target, Executor loop, Limits limits) {
        this.target = target;
        this.loop = loop;
        this.limits = limits;
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
        return start(endpoints, target, loop, group, Limits.DEFAULT);
    }

    /** As {@link #start(List, ControlTarget, Executor, EventLoopGroup)}, with other bounds. */
    static ControlServer start(List<LocalServer> endpoints, ControlTarget target, Executor loop, EventLoopGroup group,
            Limits limits) throws IOException {
        ControlServer server = new ControlServer(target, loop, limits);
        boolean epoll = group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
        try {
            for (LocalServer e : endpoints) {
                server.bind(e, group, epoll);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        server.scheduleIdleCheck(group);
        return server;
    }

    /**
     * As {@link #start(List, ControlTarget, Executor, EventLoopGroup)}, but netty is loaded only when the first client
     * connects (docs/DAEMON.md, "Start-up"): every endpoint is bound and listening when this returns (over FFM,
     * {@link StreamListeners}), and a thread of its own waits for the first connection. Then {@code groups} makes
     * the group and netty's epoll transport takes the sockets over, the waiting client included. Where netty has no
     * epoll, the sockets are bound again with NIO: the clients that knocked first are refused once.
     *
     * @param groups makes the netty event loop group the first time a client connects; the caller owns it
     */
    public static ControlServer startOnDemand(List<LocalServer> endpoints, ControlTarget target, Executor loop,
            java.util.function.Supplier<EventLoopGroup> groups) throws IOException {
        ControlServer server = new ControlServer(target, loop, Limits.DEFAULT);
        try {
            for (LocalServer e : endpoints) {
                if (e.isUnix()) {
                    Path file = Path.of(e.path());
                    removeStaleSocket(file);
                    int[] fd = new int[1];
                    bindPrivately(file, at -> fd[0] = StreamListeners.unix(at.toString()));
                    server.unserved.add(new Listening(fd[0], e));
                    server.socketFiles.add(file);
                } else {
                    server.unserved.add(new Listening(StreamListeners.tcpLoopback(e.port()), e));
                }
            }
            int[] fds = server.unserved.stream().mapToInt(Listening::fd).toArray();
            server.firstClient = StreamListeners.awaitConnection(fds, "jbabeld-control",
                    () -> server.serve(groups));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** On the waiting thread, when the first client connects: netty takes the sockets bound on demand over. */
    private void serve(java.util.function.Supplier<EventLoopGroup> groups) {
        synchronized (adoption) {
            if (closed) {
                return;
            }
            EventLoopGroup group = groups.get();
            boolean epoll = group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
            try {
                for (Listening l : List.copyOf(unserved)) {
                    unserved.remove(l);
                    if (epoll) {
                        // already listening: active (netty takes a domain socket given as a descriptor for one
                        // that still has to be bound unless told)
                        ServerChannel ch = l.endpoint().isUnix() ? new EpollServerDomainSocketChannel(l.fd(), true)
                                : new EpollServerSocketChannel(l.fd());
                        var future = bootstrap(group, l.endpoint()).channelFactory(() -> ch).register()
                                .awaitUninterruptibly();
                        if (!future.isSuccess()) {
                            ch.close();
                            throw new IOException("cannot serve " + describe(l.endpoint()), future.cause());
                        }
                        listeners.add(ch);
                    } else {
                        StreamListeners.close(l.fd());
                        if (l.endpoint().isUnix()) {
                            Files.deleteIfExists(Path.of(l.endpoint().path()));
                        }
                        bind(l.endpoint(), group, false);
                    }
                }
            } catch (IOException | RuntimeException e) {
                internalError("serving the control sockets", e instanceof RuntimeException r ? r
                        : new java.io.UncheckedIOException((IOException) e));
            }
            scheduleIdleCheck(group);
        }
    }

    private void scheduleIdleCheck(EventLoopGroup group) {
        long period = Math.max(10, Math.min(Math.min(limits.idleTimeout().toMillis() / 8,
                limits.monitorStall().toMillis() / 4), limits.httpTimeout().toMillis() / 4));
        idleCheck = group.next().scheduleAtFixedRate(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * A netty event loop group of one daemon thread, {@code jbabeld-control}, for the control sockets' I/O: epoll
     * where netty has it, else NIO. The caller owns it.
     */
    public static EventLoopGroup newGroup() {
        java.util.concurrent.ThreadFactory threads = Thread.ofPlatform().name("jbabeld-control").daemon().factory();
        return new MultiThreadIoEventLoopGroup(1, threads,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** A bug in the server's own work: counted, and reported to the daemon for its log. */
    private void internalError(String what, RuntimeException e) {
        counters.increment(ControlCounters.INTERNAL_ERRORS);
        try {
            target.internalError("control socket: " + what, e);
        } catch (RuntimeException ignored) {
            // counted already
        }
    }

    private void bind(LocalServer endpoint, EventLoopGroup group, boolean epoll) throws IOException {
        if (!endpoint.isUnix()) {
            var type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
            listeners.add(bound(bootstrap(group, endpoint).channel(type),
                    new InetSocketAddress(InetAddress.getByName("::1"), endpoint.port()), endpoint));
            return;
        }
        Path file = Path.of(endpoint.path());
        removeStaleSocket(file);
        var type = epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
        ServerBootstrap bootstrap = bootstrap(group, endpoint).channel(type);
        bindPrivately(file, at -> listeners.add(bound(bootstrap,
                epoll ? new DomainSocketAddress(at.toString()) : UnixDomainSocketAddress.of(at), endpoint)));
        socketFiles.add(file);
    }

    private static Channel bound(ServerBootstrap bootstrap, SocketAddress address, LocalServer endpoint)
            throws IOException {
        var future = bootstrap.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen on " + describe(endpoint) + ": " + future.cause().getMessage(),
                    future.cause());
        }
        return future.channel();
    }

    /** Binds a UNIX socket at the path it is given. */
    private interface SocketBinder {
        void bind(Path at) throws IOException;
    }

    /**
     * Creates the UNIX socket {@code file} readable and writable by its owner only (0600), whatever the umask: it is
     * bound in a fresh directory of mode 0700 beside {@code file}, where nobody else can reach it, given mode 0600
     * there, and renamed into place.
     */
    static void bindPrivately(Path file, SocketBinder binder) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Path dir = Files.createTempDirectory(parent, "." + file.getFileName() + ".",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path inside = dir.resolve("s");
        try {
            binder.bind(inside);
            Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rw-------"));
            Files.move(inside, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(inside);
            Files.deleteIfExists(dir);
        }
    }

    /** The server's bootstrap: its group, and its clients' options and handler. */
    private ServerBootstrap bootstrap(EventLoopGroup group, LocalServer endpoint) {
        return new ServerBootstrap()
                .group(group)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(64, 1024, READ_BUFFER).maxMessagesPerRead(1))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(limits.maxPendingOutput() / 2, limits.maxPendingOutput()))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Set on the config itself: netty's NIO domain-socket channel supports half-closure but
                        // does not accept ALLOW_HALF_CLOSURE as a channel option (it would log a warning).
                        ((DuplexChannelConfig) ch.config()).setAllowHalfClosure(true);
                        ch.pipeline().addLast(new Client(endpoint));
                    }
                });
    }

    private static String describe(LocalServer e) {
        return e.isUnix() ? e.path() : (e.http() ? "http://" : "") + "[::1]:" + e.port();
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
        synchronized (adoption) {
            for (Listening l : unserved) {
                if (!l.endpoint().isUnix()) {
                    try {
                        out.add(new InetSocketAddress(InetAddress.getByName("::1"), StreamListeners.port(l.fd())));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        }
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

    /** The most output bytes that ever waited in the server for one client. */
    long peakPendingOutput() {
        return peakPendingOutput.get();
    }

    /**
     * Tells the server that the daemon's state may have changed: monitoring clients get the differences. Cheap
     * when nobody monitors; calls made before the refresh runs are coalesced. Callable from any thread.
     */
    public void stateChanged() {
        changed = true;
        if (!closed && refreshQueued.compareAndSet(false, true)) {
            loop.execute(this::refresh);
        }
    }

    /**
     * Takes one snapshot for every monitoring client; each gets the differences when its previous answer is sent
     * (a client still busy gets the differences to the latest snapshot then, coalesced).
     */
    private void refresh() {
        refreshQueued.set(false);
        refreshWanted = false;
        List<Client> monitors = new ArrayList<>();
        for (Client c : served) {
            if (c.session.monitoring()) {
                monitors.add(c);
            }
        }
        if (monitors.isEmpty()) {
            if (changed && !isHeld(latest)) {
                latest = null;
            }
            return;
        }
        if (changed || latest == null) {
            if (held() < MAX_SNAPSHOTS) {
                try {
                    take();
                } catch (RuntimeException e) {
                    internalError("taking a snapshot", e);
                    return;
                }
            } else {
                // as many snapshots as allowed are held: the monitors catch up with the newest, releasing older
                // ones, and the refresh is retried then
                refreshWanted = true;
            }
        }
        if (latest == null) {
            return;
        }
        long now = System.nanoTime();
        for (Client c : monitors) {
            if (c.session.monitored() == latest) {
                continue;
            }
            long since = c.unwritableSince;
            if (since != 0 && now - since > limits.monitorStall().toNanos()) {
                c.drop(ControlCounters.SLOW_CLIENTS);
                continue;
            }
            c.pump();
        }
    }

    /** Takes a new snapshot as the newest. On the executor. */
    private void take() {
        changed = false;
        latest = null; // released before the next is built, if nobody holds it
        latest = ControlProtocol.state(target); // Babel's state with the extensions' sections
    }

    /**
     * The snapshot for a session's {@code dump} or {@code monitor}: the newest when nothing changed since it was
     * taken, otherwise a new one (the server answers a request only when {@link #canServe} said so). On the
     * executor.
     */
    private StateSnapshot grant() {
        if (latest == null || changed) {
            take();
        }
        if (serving != null) {
            serving.sending = latest;
        }
        return latest;
    }

    /** Whether a request that needs a snapshot could get one now without exceeding {@link #MAX_SNAPSHOTS}. */
    private boolean canServe() {
        return latest != null && !changed || held() < MAX_SNAPSHOTS;
    }

    /** The distinct snapshots the clients hold (answers in progress, what monitors showed last). On the executor. */
    private int held() {
        Set<StateSnapshot> s = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Client c : served) {
            c.holdings(s);
        }
        return s.size();
    }

    private boolean isHeld(StateSnapshot snapshot) {
        if (snapshot == null) {
            return false;
        }
        Set<StateSnapshot> s = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Client c : served) {
            c.holdings(s);
        }
        return s.contains(snapshot);
    }

    /** The distinct snapshots alive for the clients: those held and the newest (for tests of the bound). */
    int snapshotsAlive() {
        Set<StateSnapshot> s = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Client c : served) {
            c.holdings(s);
        }
        if (latest != null) {
            s.add(latest);
        }
        return s.size();
    }

    /** A snapshot was released: the clients waiting for one are served (in a task of their own). On the executor. */
    private void released() {
        if (wakeQueued || closed) {
            return;
        }
        boolean waiting = refreshWanted;
        for (Client c : served) {
            waiting |= c.waitingForSnapshot;
        }
        if (!waiting) {
            return;
        }
        wakeQueued = true;
        try {
            loop.execute(() -> {
                wakeQueued = false;
                if (refreshWanted) {
                    refresh();
                }
                for (Client c : new ArrayList<>(served)) {
                    if (c.waitingForSnapshot) {
                        c.waitingForSnapshot = false;
                        c.pump();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            wakeQueued = false; // the daemon's loop has stopped
        }
    }

    /**
     * While a client waits for a snapshot, or monitors cannot get a new one: disconnects the clients that hold an
     * older snapshot than the newest and whose output has stayed at its bound for the stall limit. On the executor.
     */
    private void checkStalledHolders() {
        boolean waiting = refreshWanted;
        for (Client c : served) {
            waiting |= c.waitingForSnapshot;
        }
        if (!waiting) {
            return;
        }
        long now = System.nanoTime();
        for (Client c : new ArrayList<>(served)) {
            long since = c.unwritableSince;
            if (since != 0 && now - since > limits.monitorStall().toNanos() && c.holdsOlderThan(latest)) {
                c.drop(ControlCounters.SLOW_CLIENTS);
            }
        }
        released();
    }

    /**
     * Disconnects the clients that neither sent nor received anything for the idle timeout (a monitoring client
     * that keeps up with its output may wait for changes as long as it likes). On a thread of the group.
     */
    private void checkIdle() {
        try {
            loop.execute(this::checkStalledHolders);
        } catch (RejectedExecutionException e) {
            return; // the daemon's loop has stopped
        }
        long now = System.nanoTime();
        for (Client c : connected) {
            long limit = c.idleTimeout().toNanos();
            if (now - c.lastActivity > limit || c.endpoint.http() && !c.requestRead && now - c.connectedAt > limit) {
                c.run(() -> {
                    boolean keepingUp = c.session != null && c.session.monitoring() && c.channel.isWritable();
                    if (keepingUp) {
                        c.lastActivity = System.nanoTime();
                    } else {
                        c.drop(ControlCounters.IDLE_CLIENTS);
                    }
                });
            }
        }
    }

    /** Stops listening, disconnects every client and removes the UNIX socket files. */
    @Override
    public void close() {
        synchronized (adoption) {
            closed = true;
            unserved.forEach(l -> StreamListeners.close(l.fd()));
            unserved.clear();
        }
        if (firstClient != null) {
            try {
                firstClient.close();
            } catch (Exception e) {
                // the wait ends with the process
            }
        }
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
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
            } else if (waiting.size() < MAX_WAITING) {
                waiting.add(c);
                counters.increment(ControlCounters.CLIENTS_WAITED);
                return;
            } else {
                counters.increment(ControlCounters.CLIENTS_REFUSED);
                c.channel.close();
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

    /**
     * One connection: bytes to its session on the executor, answers back to the socket a chunk at a time while it
     * is writable; the next request is read when the previous answer is sent.
     */
    private final class Client extends ChannelInboundHandlerAdapter {
        private final LocalServer endpoint;
        private Channel channel;
        private Session session; // on the executor only
        /** The answer being sent, or null. On the executor. */
        private ControlProtocol.Output current;
        /** The snapshot the answer being sent is written from (for events: the one shown before), or null. */
        private StateSnapshot sending;
        /** A request of this client waits until a snapshot can be had. On the executor. */
        private boolean waitingForSnapshot;
        /** A read was asked for and its bytes have not come yet. On the executor. */
        private boolean reading;
        /** The client sent all it will send. On the executor. */
        private boolean inputEnded;
        /** Closing: nothing more is produced. On the executor. */
        private boolean closing;
        /** Since when (System.nanoTime) the output waits at its bound; 0 while writable. */
        private volatile long unwritableSince;
        /** When (System.nanoTime) bytes last came from the client or went to it. */
        private volatile long lastActivity = System.nanoTime();
        /** When (System.nanoTime) the client connected: an HTTP client's whole request must come within its timeout. */
        private final long connectedAt = lastActivity;
        /** A whole request was read (HTTP: the only one). */
        private volatile boolean requestRead;
        private boolean admitted; // under admission

        Client(LocalServer endpoint) {
            this.endpoint = endpoint;
        }

        /** How long this client may neither send nor receive anything. */
        Duration idleTimeout() {
            return endpoint.http() ? limits.httpTimeout() : limits.idleTimeout();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            all.add(channel);
            connected.add(this);
            if (closed) {
                channel.close();
                return;
            }
            admit(this);
        }

        void start() {
            run(() -> {
                session = endpoint.http() ? new StatusHttp(target, counters, ControlServer.this::grant)
                        : new ControlProtocol(target, endpoint.readWrite(), counters, ControlServer.this::grant);
                served.add(this);
                current = session.open();
                pump();
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(endpoint.http() && requestRead)) { // what an HTTP client sends after its request keeps nothing open
                lastActivity = System.nanoTime();
            }
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes;
            try {
                bytes = ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
            run(() -> {
                reading = false;
                session.accept(bytes);
                pump();
            });
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // A read that brought no bytes (nothing was there) still ends: ask again when the answers are out.
            run(() -> {
                if (reading) {
                    reading = false;
                    pump();
                }
            });
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                unwritableSince = 0;
                run(this::pump);
            } else {
                unwritableSince = System.nanoTime();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                // the client sent everything: answer what came, then close, as babeld does on end of input
                run(() -> {
                    inputEnded = true;
                    reading = false;
                    if (closing) {
                        closeAfterWrites(ChannelFutureListener.CLOSE); // after quit: the client closed too
                    } else {
                        pump();
                    }
                });
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            all.remove(channel);
            connected.remove(this);
            try {
                loop.execute(() -> {
                    served.remove(this);
                    closing = true;
                    current = null;
                    sending = null;
                    released();
                });
            } catch (RejectedExecutionException e) {
                // the daemon's loop has stopped: nothing is served any more
            }
            leave(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof Error) {
                ctx.fireExceptionCaught(cause); // netty logs it, and the daemon treats an Error as fatal
            }
            ctx.close();
        }

        /** Runs a session step on the executor; an unexpected failure is counted and ends this connection. */
        void run(Runnable step) {
            try {
                loop.execute(() -> {
                    try {
                        step.run();
                    } catch (RuntimeException e) {
                        internalError("serving a client", e);
                        closing = true;
                        channel.close();
                    }
                });
            } catch (RejectedExecutionException e) {
                channel.close();
            }
        }

        /** Disconnects this client, counted under {@code counter}. On the executor. */
        void drop(String counter) {
            if (!closing) {
                closing = true;
                current = null;
                sending = null;
                served.remove(this);
                counters.increment(counter);
                channel.close();
                released();
            }
        }

        /** Adds the snapshots this client holds to {@code into}. On the executor. */
        void holdings(Set<StateSnapshot> into) {
            if (sending != null) {
                into.add(sending);
            }
            StateSnapshot shown = session == null ? null : session.monitored();
            if (shown != null) {
                into.add(shown);
            }
        }

        /** Whether this client holds a snapshot other than {@code newest}. On the executor. */
        boolean holdsOlderThan(StateSnapshot newest) {
            StateSnapshot shown = session == null ? null : session.monitored();
            return sending != null && sending != newest || shown != null && shown != newest;
        }

        /**
         * On the executor: sends more of the current answer while the connection is writable, takes the next
         * answer (pending monitor events first, then the next request) when one is sent, and asks for more
         * request bytes when none are left.
         */
        void pump() {
            for (int chunks = 0; !closing && channel.isActive(); ) {
                if (current == null) {
                    current = nextAnswer();
                    if (current == null) {
                        return;
                    }
                }
                if (!channel.isWritable()) {
                    return; // channelWritabilityChanged pumps again
                }
                if (chunks++ == CHUNKS_PER_TASK) {
                    run(this::pump);
                    return;
                }
                ByteBuf chunk = channel.alloc().heapBuffer(CHUNK + 1024);
                boolean done;
                try {
                    done = current.answer().writeTo(new ByteBufOutputStream(chunk), CHUNK);
                } catch (IOException | RuntimeException e) {
                    chunk.release();
                    throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
                }
                if (chunk.isReadable()) {
                    channel.writeAndFlush(chunk).addListener(f -> lastActivity = System.nanoTime());
                    notePending();
                } else {
                    chunk.release();
                }
                if (done) {
                    ControlProtocol.Close close = current.close();
                    current = null;
                    if (sending != null) {
                        sending = null;
                        released();
                    }
                    switch (close) {
                        case NONE -> {}
                        case HALF -> {
                            // quit: our side is done; what the client still sends is read and ignored until it
                            // closes, so that its close is seen and its place freed
                            closing = true;
                            closeAfterWrites(f -> ((DuplexChannel) channel).shutdownOutput());
                            channel.config().setAutoRead(true);
                        }
                        case FULL -> {
                            closing = true;
                            closeAfterWrites(ChannelFutureListener.CLOSE);
                        }
                    }
                }
            }
        }

        /** The next answer to send, or null (after asking for more input, or closing at its end). */
        private ControlProtocol.Output nextAnswer() {
            StateSnapshot shown = session.monitored();
            if (shown != null && latest != null && shown != latest) {
                ControlProtocol.Output events = session.refresh(latest);
                if (!events.answer().done()) {
                    sending = shown; // the events' flushes hold entries of the snapshot shown before
                    return events;
                }
                released();
            }
            if (session.hasInput() && !canServe()) {
                waitingForSnapshot = true; // served when a snapshot is released
                return null;
            }
            ControlProtocol.Output next;
            serving = this;
            try {
                next = session.next();
            } finally {
                serving = null;
            }
            if (next != null) {
                requestRead = true;
                if (sending != null && next.answer().done()) {
                    sending = null;
                    released();
                }
                return next;
            }
            if (inputEnded) {
                closing = true;
                closeAfterWrites(ChannelFutureListener.CLOSE);
            } else if (!reading) {
                reading = true;
                channel.read();
            }
            return null;
        }

        private void notePending() {
            ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
            if (out != null) {
                long pending = out.totalPendingWriteBytes();
                peakPendingOutput.accumulateAndGet(pending, Math::max);
            }
        }

        private void closeAfterWrites(ChannelFutureListener then) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(then);
        }
    }
}
