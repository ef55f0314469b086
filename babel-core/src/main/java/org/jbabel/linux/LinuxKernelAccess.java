package org.jbabel.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.jbabel.extension.BabelApi;
import org.jbabel.extension.KernelAccess;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.FibResult;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelException;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.KernelRule;
import org.jbabel.kernel.RuleChange;
import org.jbabel.kernel.RuleResult;

/**
 * The daemon's {@link KernelAccess} over rtnetlink: a request socket for the neighbour table and addresses (answers
 * awaited, at most {@value #ANSWER_TIMEOUT_MILLIS} ms), a socket subscribed to neighbour and address notifications
 * that the {@link FdPoller} reads (observers are called on its executor, the daemon's loop), and the daemon's
 * {@link LinuxFib} for the extensions' own routes and rules. Opened in the namespace of the calling thread.
 */
public final class LinuxKernelAccess implements KernelAccess, AutoCloseable {

    private static final int ANSWER_TIMEOUT_MILLIS = 5_000;
    private static final int EADDRNOTAVAIL = 99;
    private static final int GROUPS = Rtnl.RTMGRP_NEIGH | Rtnl.RTMGRP_IPV4_IFADDR | Rtnl.RTMGRP_IPV6_IFADDR;
    private static final int EVENT_BUFFER = 1 << 20;
    /** Protocol numbers an extension may not take: unspec, redirect, kernel, boot, static, and Babel's own. */
    private static final IntPredicate RESERVED = p -> p <= 4 || p == KernelRoute.PROTOCOL_BABEL;

    private final FdPoller poller;
    private final LinuxFib fib;
    private final NetlinkCounters counters;
    private final RtnlCodec codec;
    private final NetlinkSocket requests;
    private final Events events;
    private final List<Consumer<Neighbour>> neighbourObservers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Station>> stationObservers = new CopyOnWriteArrayList<>();
    private final List<AddressObserver> addressObservers = new CopyOnWriteArrayList<>();
    private final Set<Integer> ownProtocols = new TreeSet<>();
    private final Set<String> ownLinks = new TreeSet<>();
    private PolledFd wireless;
    private boolean wirelessTried;
    private int seq = (int) (System.nanoTime() & 0x3fff_ffff);

    /**
     * Opens the sockets in the calling thread's namespace and starts listening for notifications on {@code poller}.
     * Routes and rules of {@link #ownRoutes} are written through {@code fib} (the daemon's); bad netlink input is
     * counted in {@code counters}.
     */
    public LinuxKernelAccess(FdPoller poller, LinuxFib fib, NetlinkCounters counters) {
        this.poller = poller;
        this.fib = fib;
        this.counters = counters;
        this.codec = new RtnlCodec(counters, name -> false);
        this.requests = new NetlinkSocket(0, 0);
        try {
            this.events = poller.register(new Events(new NetlinkSocket(GROUPS, EVENT_BUFFER)));
        } catch (RuntimeException e) {
            requests.close();
            throw e;
        }
    }

    /** The notification socket, read by the poller thread; observers run on the executor. */
    private final class Events extends PolledFd {
        private final NetlinkSocket socket;

        Events(NetlinkSocket socket) {
            super(socket.fd(), poller.counters());
            this.socket = socket;
        }

        @Override
        Runnable receive(FdPoller.Buffers buffers) {
            ByteBuffer datagram;
            try {
                datagram = socket.receive(0);
            } catch (KernelException e) {
                if (e.errno() == Errno.ENOBUFS) {
                    // notifications were lost; observers see the next ones (a dump tells the whole table)
                    LinuxKernelAccess.this.counters.count(NetlinkCounters.Kind.OVERRUN);
                    return DROPPED;
                }
                return failed(e.errno());
            }
            if (datagram == null) {
                return null;
            }
            errorsInRow = 0;
            List<Neighbour> neighbours = new ArrayList<>();
            List<Station> stations = new ArrayList<>();
            List<InterfaceAddress> added = new ArrayList<>();
            List<InterfaceAddress> removed = new ArrayList<>();
            for (NetlinkMessage m : NetlinkMessage.split(datagram, LinuxKernelAccess.this.counters)) {
                switch (m.type()) {
                    case Rtnl.RTM_NEWNEIGH, Rtnl.RTM_DELNEIGH -> {
                        addIfNotNull(neighbours, codec.neighbour(m));
                        addIfNotNull(stations, codec.station(m));
                    }
                    case Rtnl.RTM_NEWADDR -> addIfNotNull(added, codec.address(m));
                    case Rtnl.RTM_DELADDR -> addIfNotNull(removed, codec.address(m));
                    default -> { }
                }
            }
            if (neighbours.isEmpty() && stations.isEmpty() && added.isEmpty() && removed.isEmpty()) {
                return DROPPED;
            }
            return () -> {
                for (Neighbour n : neighbours) {
                    neighbourObservers.forEach(o -> o.accept(n));
                }
                for (Station st : stations) {
                    stationObservers.forEach(o -> o.accept(st));
                }
                for (InterfaceAddress a : added) {
                    addressObservers.forEach(o -> o.changed(a, true));
                }
                for (InterfaceAddress a : removed) {
                    addressObservers.forEach(o -> o.changed(a, false));
                }
            };
        }

        @Override
        void closeDescriptor() {
            socket.close();
        }
    }

    private static <T> void addIfNotNull(List<T> list, T item) {
        if (item != null) {
            list.add(item);
        }
    }

    // ---- neighbours ----

    @Override
    public synchronized List<Neighbour> neighbours(int ifindex) throws IOException {
        try {
            return LinuxFib.dump(Rtnl.RTM_GETNEIGH, requests, counters, codec::neighbour).stream()
                    .filter(n -> ifindex == 0 || n.ifindex() == ifindex).toList();
        } catch (KernelException e) {
            throw new IOException("cannot read the neighbour table: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<Station> stations(int bridge) throws IOException {
        try {
            return LinuxFib.dump(Rtnl.RTM_GETNEIGH, Rtnl.AF_BRIDGE, requests, counters, codec::station).stream()
                    .filter(st -> st.bridge() == bridge && !st.removed()).toList();
        } catch (KernelException e) {
            throw new IOException("cannot read the bridge's stations: " + e.getMessage(), e);
        }
    }

    @Override
    public BabelApi.Subscription onNeighbour(Consumer<Neighbour> observer) {
        neighbourObservers.add(observer);
        return () -> neighbourObservers.remove(observer);
    }

    @Override
    public BabelApi.Subscription onStation(Consumer<Station> observer) {
        stationObservers.add(observer);
        startWireless();
        return () -> stationObservers.remove(observer);
    }

    /**
     * The first station observer also hears the stations of wireless access points (nl80211's NEW_STATION and
     * DEL_STATION on the {@code mlme} group), as stations of the bridge the wireless interface is a port of. Where
     * the kernel has no nl80211 (no wireless drivers, as in containers and on these test machines) there is nothing
     * to hear: logged once by the caller's counters, not an error.
     */
    private synchronized void startWireless() {
        if (wireless != null || wirelessTried) {
            return;
        }
        wirelessTried = true;
        NetlinkSocket genl = new NetlinkSocket(Nl80211.NETLINK_GENERIC, 0, EVENT_BUFFER);
        try {
            int s = nextSeq();
            MessageBuilder b = new MessageBuilder();
            Nl80211.writeGetFamily(b, Nl80211.FAMILY, s);
            genl.send(b.take());
            Nl80211.Family family = null;
            for (ByteBuffer answer = genl.receive(ANSWER_TIMEOUT_MILLIS); answer != null && family == null;
                    answer = genl.receive(ANSWER_TIMEOUT_MILLIS)) {
                for (NetlinkMessage m : NetlinkMessage.split(answer, counters)) {
                    if (m.type() == Rtnl.NLMSG_ERROR && m.seq() == s && m.errno() != 0) {
                        throw new KernelException("no nl80211", m.errno());
                    }
                    Nl80211.Family f = Nl80211.family(m);
                    if (f != null) {
                        family = f;
                    }
                }
            }
            Integer mlme = family == null ? null : family.groups().get(Nl80211.GROUP_MLME);
            if (mlme == null) {
                throw new KernelException("nl80211 has no mlme group", Errno.ENOENT);
            }
            genl.join(mlme);
            wireless = poller.register(new WirelessEvents(genl, family.id()));
        } catch (RuntimeException e) { // KernelException among them: no nl80211 here
            genl.close();
            counters.count(NetlinkCounters.Kind.NO_WIRELESS);
        }
    }

    /** The interface {@code ifindex} is a port of, by RTM_GETLINK (IFLA_MASTER); 0 when none or unknown. */
    private synchronized int masterOf(int ifindex) {
        int s = nextSeq();
        MessageBuilder b = new MessageBuilder();
        b.begin(Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST, s).u8(Rtnl.AF_UNSPEC).u8(0).u16(0).u32(ifindex).u32(0).u32(0)
                .end();
        try {
            requests.send(b.take());
            ByteBuffer answer = requests.receive(ANSWER_TIMEOUT_MILLIS);
            if (answer == null) {
                return 0;
            }
            for (NetlinkMessage m : NetlinkMessage.split(answer, counters)) {
                if (m.seq() == s && m.type() == Rtnl.RTM_NEWLINK && m.body().remaining() >= Rtnl.IFINFOMSG_LEN) {
                    Attributes a = Attributes.parse(m.body(), Rtnl.IFINFOMSG_LEN);
                    return a == null ? 0 : (int) Math.max(0, a.u32(Rtnl.IFLA_MASTER, 0));
                }
            }
        } catch (KernelException e) {
            return 0;
        }
        return 0;
    }

    /** nl80211's station events, read by the poller thread; observers run on the executor. */
    private final class WirelessEvents extends PolledFd {
        private final NetlinkSocket socket;
        private final int family;

        WirelessEvents(NetlinkSocket socket, int family) {
            super(socket.fd(), poller.counters());
            this.socket = socket;
            this.family = family;
        }

        @Override
        Runnable receive(FdPoller.Buffers buffers) {
            ByteBuffer datagram;
            try {
                datagram = socket.receive(0);
            } catch (KernelException e) {
                return e.errno() == Errno.ENOBUFS ? DROPPED : failed(e.errno());
            }
            if (datagram == null) {
                return null;
            }
            List<Nl80211.StationEvent> events = new ArrayList<>();
            for (NetlinkMessage m : NetlinkMessage.split(datagram, LinuxKernelAccess.this.counters)) {
                addIfNotNull(events, Nl80211.station(m, family));
            }
            if (events.isEmpty()) {
                return DROPPED;
            }
            return () -> {
                for (Nl80211.StationEvent e : events) {
                    Station st = Nl80211.toStation(e, masterOf(e.ifindex()));
                    stationObservers.forEach(o -> o.accept(st));
                }
            };
        }

        @Override
        void closeDescriptor() {
            socket.close();
        }
    }

    @Override
    public void putNeighbour(Neighbour neighbour) throws IOException {
        request("put neighbour " + neighbour.address() + " on " + neighbour.ifindex(),
                (b, s) -> RtnlCodec.writeNeighbour(b, neighbour, false, s), e -> false);
    }

    @Override
    public void removeNeighbour(int ifindex, org.jbabel.wire.IpAddress address) throws IOException {
        request("remove neighbour " + address + " on " + ifindex,
                (b, s) -> RtnlCodec.writeNeighbour(b, new Neighbour(ifindex, address, null, 0, true), true, s),
                e -> e == Errno.ENOENT);
    }

    @Override
    public void putProxyNeighbour(int ifindex, org.jbabel.wire.IpAddress address) throws IOException {
        request("put proxy neighbour " + address + " on " + ifindex,
                (b, s) -> RtnlCodec.writeProxyNeighbour(b, ifindex, address, false, s), e -> false);
    }

    @Override
    public void removeProxyNeighbour(int ifindex, org.jbabel.wire.IpAddress address) throws IOException {
        request("remove proxy neighbour " + address + " on " + ifindex,
                (b, s) -> RtnlCodec.writeProxyNeighbour(b, ifindex, address, true, s), e -> e == Errno.ENOENT);
    }

    // ---- addresses ----

    @Override
    public int ifindex(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int index = Libc.ifNameToIndex(new Libc.Errno(arena), arena.allocateFrom(name));
            if (index == 0) {
                throw new IOException("no interface " + name);
            }
            return index;
        }
    }

    @Override
    public synchronized List<InterfaceAddress> addresses() {
        return LinuxFib.dump(Rtnl.RTM_GETADDR, requests, counters, codec::address);
    }

    @Override
    public BabelApi.Subscription onAddress(AddressObserver observer) {
        addressObservers.add(observer);
        return () -> addressObservers.remove(observer);
    }

    @Override
    public void addAddress(InterfaceAddress address) throws IOException {
        request("add address " + address.address() + "/" + address.prefixLength() + " on " + address.ifindex(),
                (b, s) -> RtnlCodec.writeAddress(b, address, false, s), e -> e == Errno.EEXIST);
    }

    @Override
    public void removeAddress(InterfaceAddress address) throws IOException {
        request("remove address " + address.address() + " on " + address.ifindex(),
                (b, s) -> RtnlCodec.writeAddress(b, address, true, s),
                e -> e == EADDRNOTAVAIL || e == Errno.ENOENT || e == Errno.ENODEV);
    }

    // ---- links ----

    @Override
    public int addMacvlan(String name, String parent, byte[] mac) throws IOException {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("a macvlan needs a hardware address of 6 bytes");
        }
        int lower = ifindex(parent);
        deleteLink(name);
        request("create macvlan " + name + " on " + parent,
                (b, s) -> RtnlCodec.writeNewMacvlan(b, name, lower, mac, s), e -> false);
        synchronized (ownLinks) {
            ownLinks.add(name);
        }
        int index = ifindex(name);
        request("turn address generation off on " + name,
                (b, s) -> RtnlCodec.writeAddressGenerationOff(b, index, s), e -> false);
        request("bring " + name + " up", (b, s) -> RtnlCodec.writeLinkUp(b, index, s), e -> false);
        return index;
    }

    @Override
    public void joinBridge(int ifindex, String bridge) throws IOException {
        int master = ifindex(bridge);
        request("make " + ifindex + " a port of " + bridge, (b, s) -> RtnlCodec.writeMaster(b, ifindex, master, s),
                e -> false);
    }

    private void deleteLink(String name) throws IOException {
        request("delete interface " + name, (b, s) -> RtnlCodec.writeDeleteLink(b, name, s),
                e -> e == Errno.ENODEV);
    }

    private interface Request {
        void write(MessageBuilder b, int seq);
    }

    /** Sends one request and waits for its ACK; an error the predicate accepts is taken as success. */
    private synchronized void request(String what, Request r, IntPredicate fine) throws IOException {
        int s = nextSeq();
        MessageBuilder b = new MessageBuilder();
        r.write(b, s);
        requests.request(what, b.take(), s, fine, counters, ANSWER_TIMEOUT_MILLIS);
    }

    private int nextSeq() {
        seq = (seq + 1) & 0x7fff_ffff;
        return seq == 0 ? ++seq : seq;
    }

    // ---- own routes ----

    /**
     * Removes every route and rule of {@code protocol} first (what a crashed run left, the routes kept for
     * {@link OwnRoutes#leftBehind}), then returns the handle.
     *
     * @throws IllegalArgumentException for a protocol number of the kernel's (0 to 4), or Babel's 42
     */
    @Override
    public OwnRoutes ownRoutes(int protocol) throws IOException {
        if (protocol < 0 || protocol > 255 || RESERVED.test(protocol)) {
            throw new IllegalArgumentException("protocol " + protocol
                    + " is not for an extension (0-4 are the kernel's, 42 is Babel's; take one of 5-255)");
        }
        List<KernelRoute> left;
        try {
            left = fib.routes(protocol);
        } catch (KernelException e) {
            throw new IOException("cannot read the routes of protocol " + protocol + ": " + e.getMessage(), e);
        }
        flush(protocol);
        synchronized (ownProtocols) {
            ownProtocols.add(protocol);
        }
        return new Own(protocol, left);
    }

    /** Removes every route and rule of one protocol. */
    private void flush(int protocol) throws IOException {
        try {
            fib.flush(protocol);
            fib.flushRules(protocol);
        } catch (KernelException e) {
            throw new IOException("cannot flush the routes of protocol " + protocol + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the routes and rules of every protocol {@link #ownRoutes} was opened with, and the interfaces
     * {@link #addMacvlan} created (after the extensions stopped); returns the protocols that could not be flushed.
     */
    public List<Integer> flushOwnRoutes() {
        List<Integer> protocols;
        synchronized (ownProtocols) {
            protocols = List.copyOf(ownProtocols);
        }
        List<Integer> failed = new ArrayList<>();
        for (int p : protocols) {
            try {
                flush(p);
            } catch (IOException e) {
                failed.add(p);
            }
        }
        List<String> links;
        synchronized (ownLinks) {
            links = List.copyOf(ownLinks);
            ownLinks.clear();
        }
        for (String name : links) {
            try {
                deleteLink(name);
            } catch (IOException e) {
                // gone with its parent, or the kernel did not answer: nothing more to do at shutdown
            }
        }
        return failed;
    }

    private final class Own implements OwnRoutes {
        private final int protocol;
        private final List<KernelRoute> leftBehind;

        Own(int protocol, List<KernelRoute> leftBehind) {
            this.protocol = protocol;
            this.leftBehind = List.copyOf(leftBehind);
        }

        @Override
        public List<KernelRoute> leftBehind() {
            return leftBehind;
        }

        private KernelRoute ours(KernelRoute r) {
            return new KernelRoute(r.destination(), r.source(), r.nextHop(), r.ifindex(), r.priority(), r.table(),
                    protocol, r.type(), r.preferredSource());
        }

        private KernelRule ours(KernelRule r) {
            return new KernelRule(r.family(), r.priority(), r.source(), r.table(), protocol);
        }

        @Override
        public void add(KernelRoute route) throws IOException {
            check(fib.apply(FibChange.replace(ours(route))));
        }

        @Override
        public void remove(KernelRoute route) throws IOException {
            FibResult r = fib.apply(FibChange.remove(ours(route)));
            if (r.errno() != Errno.ESRCH && r.errno() != Errno.ENOENT) {
                check(r);
            }
        }

        @Override
        public void add(KernelRule rule) throws IOException {
            RuleResult r = fib.applyRule(RuleChange.add(ours(rule)));
            if (!r.ok() && r.errno() != Errno.EEXIST) {
                throw new IOException(r.toString());
            }
        }

        @Override
        public void remove(KernelRule rule) throws IOException {
            RuleResult r = fib.applyRule(RuleChange.remove(ours(rule)));
            if (!r.ok() && r.errno() != Errno.ENOENT) {
                throw new IOException(r.toString());
            }
        }

        @Override
        public List<KernelRoute> routes() throws IOException {
            try {
                return fib.routes(protocol);
            } catch (KernelException e) {
                throw new IOException("cannot read the routes of protocol " + protocol + ": " + e.getMessage(), e);
            }
        }

        private static void check(FibResult r) throws IOException {
            if (!r.ok()) {
                throw new IOException(r.toString());
            }
        }
    }

    /** Stops listening and closes the request socket; the routes of {@link #ownRoutes} stay (see flushOwnRoutes). */
    @Override
    public void close() {
        events.close();
        synchronized (this) {
            if (wireless != null) {
                wireless.close();
            }
            requests.close();
        }
    }
}
