package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jbabel.engine.ChangeKind;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.NetInterface;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.RouteType;
import org.jbabel.roaming.prefixd.ClientLink;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;

/**
 * l3roamd as a jbabel extension (docs/ROAMING.md): feeds what the client interface, the kernel, the intercom socket,
 * the TUN device and Babel say into the sans-IO {@link L3roamdEngine} and carries out its effects. Client host routes
 * and node-client addresses are originated in Babel through this extension's own handle.
 */
public final class L3roamd implements Extension, ClientLink {

    /** The kernel protocol number of the routes l3roamd writes (as the C l3roamd). */
    public static final int PROTOCOL = 158;
    /** The TUN device's MTU (as the C l3roamd). */
    static final int TUN_MTU = 9000;
    /** The catch-all routes into the TUN device lose against any other route to the same prefix. */
    static final long CATCH_ALL_PRIORITY = 1_000_000;
    /**
     * A queued packet goes back into the TUN device this long after its host route appeared in Babel: the daemon
     * writes the kernel route at the end of the engine's turn, after the observers ran.
     */
    static final long REINJECT_DELAY = 10_000_000L;
    private static final int NUD_REACHABLE = 0x02;
    private static final int NUD_PROBE = 0x10;
    private static final int NUD_FAILED = 0x20;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ICMPV6_NA = 136;

    private final RoamingSettings settings;
    private final RandomGenerator random;
    private ExtensionContext c;
    private L3roamdEngine engine;
    private KernelAccess.OwnRoutes own;
    private UdpSocket intercom;
    private UdpSocket nd;
    private Network.LinkSocket arp;
    private Network.PacketDevice tun;
    private MacAddress ownMac;
    private int clientIndex;
    private int nextNodeIndex;
    private int loIndex;
    private final Map<String, Integer> joined = new HashMap<>();
    private final Map<Prefix, KernelRoute> catchAll = new LinkedHashMap<>();
    private ExtensionContext.Timer timer;
    private long timerAt = Long.MAX_VALUE;
    /** Where packets to the node-client addresses held here go, when not to the kernel's own stack (null). */
    private Consumer<byte[]> nodeClientTraffic;
    /** The node-client addresses routed into the TUN device (only with {@link #nodeClientTraffic}). */
    private final Map<IpAddress, KernelRoute> nodeClientRoutes = new HashMap<>();
    /** Bridge ports whose stations are not clients ({@link #ignoreStationsOn}). */
    private final Set<String> foreignPorts = new java.util.HashSet<>();

    public L3roamd(RoamingSettings settings, RandomGenerator random) {
        this.settings = settings;
        this.random = random;
    }

    /**
     * Routes the node-client addresses this node holds into the TUN device instead of adding them to {@code lo}, and
     * hands {@code consumer} every packet to one of them that is not an intercom datagram (UDP port 5523, read here
     * as from the socket). NAT426 needs this: a node-client address stands for its client there, the replies to the
     * client's translated packets (echo replies and requests included) are addressed to it, and the kernel would
     * deliver them to its own stack (docs/XLAT.md). Called before {@link #start}.
     */
    public void deliverNodeClientTraffic(Consumer<byte[]> consumer) {
        if (c != null) {
            throw new IllegalStateException("node-client traffic is set before the extension starts");
        }
        this.nodeClientTraffic = Objects.requireNonNull(consumer);
    }

    /** The settings of the {@code roaming} statements. */
    public RoamingSettings settings() {
        return settings;
    }

    /** The node-client prefix: configured, else derived from the domain seed (Gluon), else l3roamd's default. */
    public Prefix nodeClientPrefix() {
        return settings.nodeClientPrefix() != null ? settings.nodeClientPrefix()
                : settings.domainSeed() != null ? NodeClientAddress.gluonPrefix(settings.domainSeed())
                : NodeClientAddress.DEFAULT_PREFIX;
    }

    @Override
    public void start(ExtensionContext context) throws IOException {
        this.c = context;
        if (settings.clientInterface() == null) {
            throw new IOException("roaming needs a client-interface");
        }
        KernelAccess kernel = c.kernel();
        clientIndex = kernel.ifindex(settings.clientInterface());
        loIndex = kernel.ifindex("lo");
        IpAddress nodeAddress = nodeAddress(kernel);
        Prefix nodeClientPrefix = nodeClientPrefix();
        ownMac = MacAddress.of(settings.nextNodeMac());

        // What a run that ended without cleaning up (kill -9) left: its routes, among them one per client address it
        // served (on its next-node interface, made anew below, which takes them with it), and its node-client
        // addresses on lo, which Babel would announce as local addresses. Its clients may have gone meanwhile.
        own = kernel.ownRoutes(PROTOCOL);
        List<IpAddress> servedBefore = own.leftBehind().stream().map(KernelRoute::destination)
                .filter(L3roamd::isHost).map(Prefix::address).distinct().toList();
        for (InterfaceAddress a : kernel.addresses()) {
            if (a.ifindex() == loIndex && a.prefixLength() == 128 && nodeClientPrefix.contains(a.address())
                    && !a.address().equals(nodeAddress)) {
                kernel.removeAddress(a);
                c.counters().increment("stale_node_client_removed");
            }
        }

        // The anycast gateway: the same address and MAC on every node.
        nextNodeIndex = kernel.addMacvlan(settings.nextNodeInterface(), settings.clientInterface(),
                settings.nextNodeMac());
        kernel.addAddress(new InterfaceAddress(nextNodeIndex, settings.nextNode(),
                settings.nextNode().isLinkLocal() ? 64 : 128,
                settings.nextNode().isLinkLocal() ? InterfaceAddress.SCOPE_LINK : 0, false));

        if (settings.nextNodeIpv4() != null) {
            // link scope: on every node, so never announced (babeld's users write "redistribute ip ... deny" for it)
            kernel.addAddress(new InterfaceAddress(nextNodeIndex, settings.nextNodeIpv4(), 32,
                    InterfaceAddress.SCOPE_LINK, false));
        }
        // ICMP errors for IPv4 packets that expire in the queue come from the next-node's IPv4 address, if any
        L3roamdSettings engineSettings = new L3roamdSettings(settings.clientPrefixes(), nodeClientPrefix, nodeAddress,
                settings.nextNodeIpv4(), Ipv4Mapping.DEFAULT, ownMac, L3roamdSettings.Bounds.DEFAULT);
        engineSettings.bounds().refusals().forEach(c.counters()::limit);
        engine = new L3roamdEngine(engineSettings, random, new Effects());

        intercom = c.network().udp(new UdpSocket.Options(IpAddress.V6_UNSPECIFIED, Intercom.PORT, null, 1, false),
                d -> input(now -> engine.datagram(now, d.data())));
        c.interfaces().forEach(this::follow);
        c.onInterfaceChange(this::follow);
        String ifname = settings.nextNodeInterface();
        nd = c.network().icmp6(ifname, Set.of(ICMPV6_NA), this::advertisement);
        c.network().packet(ifname, ETHERTYPE_IPV6, NdpPackets.solicitationFilter(), this::solicitation);
        arp = c.network().packet(ifname, ETHERTYPE_ARP, null, this::arpFrame);
        tun = c.network().tun(settings.device(), TUN_MTU, this::fromTun);
        for (Prefix p : settings.clientPrefixes()) {
            addCatchAll(p);
        }

        // Babel itself carries this node's address to the mesh: replies to our intercom packets come there.
        c.babel().originate(Prefix.host(nodeAddress), 0);
        c.babel().onRouteChange(change -> {
            RouteKey k = change.route().key();
            if (change.kind() != ChangeKind.REMOVED && !k.sourceSpecific() && isHost(k.prefix())) {
                IpAddress a = k.prefix().address();
                input(now -> engine.hostRouteAppeared(now, a));
            }
        });
        kernel.onNeighbour(this::neighbour);
        kernel.onStation(this::station);
        kernel.stations(clientIndex).forEach(this::station); // clients attached before the start
        for (int index : new int[] {clientIndex, nextNodeIndex}) {
            for (KernelAccess.Neighbour n : kernel.neighbours(index)) {
                neighbour(n);
            }
        }
        // served again only once they answer a probe here
        servedBefore.forEach(a -> input(now -> engine.servedBeforeRestart(now, a)));
        controls();
        c.log().info("client interface " + settings.clientInterface() + " (next-node " + settings.nextNode() + " on "
                + ifname + "), node address " + nodeAddress + ", node-client prefix " + nodeClientPrefix
                + ", client prefixes " + settings.clientPrefixes());
    }

    /** The configured node address, or the first routable IPv6 /128 on lo. */
    private IpAddress nodeAddress(KernelAccess kernel) throws IOException {
        if (settings.nodeAddress() != null) {
            IpAddress a = settings.nodeAddress();
            if (kernel.addresses().stream().noneMatch(ia -> ia.address().equals(a))) {
                kernel.addAddress(new InterfaceAddress(loIndex, a, 128, 0, false));
            }
            return a;
        }
        return kernel.addresses().stream()
                .filter(ia -> ia.ifindex() == loIndex && ia.prefixLength() == 128)
                .map(InterfaceAddress::address)
                .filter(a -> a.family() == Family.V6 && !a.isLinkLocal() && a.canBeNextHop())
                .findFirst()
                .orElseThrow(() -> new IOException("roaming needs a node address: give node-address, or put a "
                        + "routable IPv6 /128 on lo"));
    }

    private static boolean isHost(Prefix p) {
        return p.length() == (p.family() == Family.V4 ? 32 : 128);
    }

    // ---- inputs ----

    private interface Input {
        void at(long now);
    }

    /** Runs one input into the engine at the host's time, then keeps the timer at the engine's next deadline. */
    private void input(Input in) {
        in.at(c.now());
        arm();
    }

    private void arm() {
        long next = engine.nextDeadline();
        if (next == Long.MAX_VALUE || (timer != null && timerAt <= next)) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timerAt = next;
        timer = c.schedule(Math.max(0, next - c.now()), () -> {
            timer = null;
            timerAt = Long.MAX_VALUE;
            input(engine::tick);
        });
    }

    /** Joins the intercom group on every Babel interface that is up; leaves it where one went down. */
    private void follow(NetInterface i) {
        Integer had = joined.get(i.name());
        if (i.up() && had != null && had == i.ifindex()) {
            return;
        }
        if (had != null) {
            intercom.leave(Intercom.GROUP, had);
            joined.remove(i.name());
        }
        if (i.up()) {
            intercom.join(Intercom.GROUP, i.ifindex());
            joined.put(i.name(), i.ifindex());
        }
    }

    private void solicitation(Network.LinkFrame f) {
        Optional<NdpPackets.Solicitation> s = NdpPackets.parseSolicitation(f.payload());
        if (s.isEmpty()) {
            c.counters().increment("malformed_solicitation");
            return;
        }
        NdpPackets.Solicitation ns = s.get();
        if (ns.dad()) {
            input(now -> engine.dadSeen(now, ns.target()));
        } else {
            MacAddress mac = MacAddress.of(f.senderHardwareAddress());
            input(now -> engine.addressSeen(now, mac, ns.source()));
        }
    }

    /**
     * A Neighbour Advertisement on the client interface. Linux answers a unicast solicitation (ours, once a client's
     * link-local address is known) without the target link-layer address option (RFC 4861 §7.2.4 allows it): then
     * the address's current holder is who answered.
     */
    private void advertisement(Network.Datagram d) {
        Optional<NdpPackets.Advertisement> a = NdpPackets.parseAdvertisement(d.data());
        if (a.isEmpty()) {
            c.counters().increment("malformed_advertisement");
            return;
        }
        IpAddress target = a.get().target();
        Optional<MacAddress> mac = a.get().mac().or(() -> engine.owner(target));
        if (mac.isEmpty()) {
            c.counters().increment("advertisement_unknown");
            return;
        }
        input(now -> engine.addressSeen(now, mac.get(), target));
    }

    private void arpFrame(Network.LinkFrame f) {
        Optional<NdpPackets.ArpReply> r = NdpPackets.parseArpReply(f.payload());
        if (r.isEmpty()) {
            return; // requests and our own frames are not replies: nothing to learn
        }
        input(now -> engine.addressSeen(now, r.get().senderMac(), r.get().senderAddress()));
    }

    /**
     * The client bridge learned a station: a client arrived on a port (or spoke again after its entry aged out). A
     * station the bridge forgets is not taken as gone: entries age out while a client is merely quiet; when it went
     * to another node, that node's CLAIM hands it over, and when it went away for good, its neighbour entries fail.
     */
    private void station(KernelAccess.Station st) {
        if (st.removed() || (st.bridge() != clientIndex && st.port() != clientIndex) || foreignPort(st.port())) {
            return;
        }
        MacAddress mac = MacAddress.of(st.mac());
        if (!mac.equals(ownMac)) {
            c.counters().increment("stations");
            input(now -> engine.macSeen(now, mac));
        }
    }

    private void neighbour(KernelAccess.Neighbour n) {
        if (n.ifindex() != clientIndex && n.ifindex() != nextNodeIndex) {
            return;
        }
        if (n.removed()) {
            input(now -> engine.neighbourGone(now, n.address()));
        } else if ((n.state() & (NUD_PROBE | NUD_FAILED)) != 0) {
            input(now -> engine.neighbourProbeFailed(now, n.address()));
        } else if ((n.state() & NUD_REACHABLE) != 0 && n.hardwareAddress() != null
                && n.hardwareAddress().length == 6) {
            MacAddress mac = MacAddress.of(n.hardwareAddress());
            if (!mac.equals(ownMac)) {
                input(now -> engine.addressSeen(now, mac, n.address()));
            }
        }
    }

    /**
     * Stations the bridge learns on the port named {@code port} are not clients: NAT426's TAP port, which sends frames
     * from exit MACs and from other nodes' clients (docs/XLAT.md). Called before {@link #start}.
     */
    public void ignoreStationsOn(String port) {
        foreignPorts.add(port);
    }

    /** Whether interface {@code ifindex} is one of the ports of {@link #ignoreStationsOn} (looked up by name). */
    private boolean foreignPort(int ifindex) {
        for (String name : foreignPorts) {
            try {
                if (c.kernel().ifindex(name) == ifindex) {
                    return true;
                }
            } catch (IOException e) {
                // not there (yet): not that port
            }
        }
        return false;
    }

    /** A packet the kernel routed into the TUN device: to a node-client address held here, or to seek its client. */
    private void fromTun(byte[] packet) {
        if (nodeClientTraffic != null && packet.length >= 40 && (packet[0] & 0xf0) == 0x60
                && nodeClientRoutes.containsKey(Intercom.address(packet, 24))) {
            Optional<byte[]> intercomData = NdpPackets.udpPayload(packet, Intercom.PORT);
            if (intercomData.isPresent()) {
                c.counters().increment("node_client_intercom");
                input(now -> engine.datagram(now, intercomData.get()));
            } else {
                c.counters().increment("node_client_traffic");
                nodeClientTraffic.accept(packet);
            }
            return;
        }
        input(now -> engine.tunPacket(now, packet));
    }

    private void count(boolean written, String counter) {
        c.counters().increment(written ? counter : counter + "_failed");
    }

    // ---- catch-all routes into the TUN device ----

    private void addCatchAll(Prefix p) {
        KernelRoute r = new KernelRoute(p, null, null, tun.ifindex(), CATCH_ALL_PRIORITY, KernelRoute.TABLE_MAIN,
                PROTOCOL, RouteType.UNICAST, null);
        try {
            own.add(r);
            catchAll.put(p, r);
        } catch (IOException e) {
            kernelError("route " + p + " into " + settings.device(), e);
        }
        // Packets for a client nobody has announced yet come to the nearest roaming node, which seeks it.
        c.babel().originate(p, 0);
    }

    private void removeCatchAll(Prefix p) {
        KernelRoute r = catchAll.remove(p);
        c.babel().withdraw(p);
        if (r != null) {
            try {
                own.remove(r);
            } catch (IOException e) {
                kernelError("remove route " + p, e);
            }
        }
    }

    private void kernelError(String what, IOException e) {
        c.counters().increment("kernel_error");
        c.log().info("kernel: " + what + ": " + e.getMessage());
    }

    // ---- prefixd's view of the client side ----

    @Override
    public String interfaceName() {
        return settings.nextNodeInterface();
    }

    @Override
    public byte[] routerMac() {
        return settings.nextNodeMac();
    }

    @Override
    public List<Prefix> staticPrefixes() {
        return settings.clientPrefixes().stream().filter(p -> p.family() == Family.V6).toList();
    }

    @Override
    public void prefixOffered(Prefix prefix, boolean offered) {
        if (offered ? engine.addPrefix(prefix) : engine.removePrefix(prefix)) {
            if (offered) {
                addCatchAll(prefix);
            } else {
                removeCatchAll(prefix);
            }
        }
    }

    // ---- control ----

    private void controls() {
        c.control().section("roaming-client", () -> engine.clients().stream().map(v -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("mac", v.mac().toString());
            fields.put("node-client", v.nodeClientAddress().toString());
            fields.put("claiming", v.claiming());
            fields.put("addresses", v.addresses().keySet().stream().map(IpAddress::toString).toList());
            return new ControlRegistry.Item(v.mac().toString(), fields);
        }).toList());
        c.control().command("clients", "the clients (l3roamd's get_clients)", this::clientsCommand);
        c.control().command("prefixes", "the client prefixes (l3roamd's get_prefixes)", args -> {
            noArguments("prefixes", args);
            List<String> prefixes = engine.prefixes().stream().map(Prefix::toString).toList();
            return new ControlRegistry.Answer(String.join("\n", prefixes) + "\n", Map.of("prefixes", prefixes));
        });
        c.control().changingCommand("add-prefix", "add-prefix PREFIX: a client prefix more (l3roamd's add_prefix)",
                args -> prefixCommand(args, true));
        c.control().changingCommand("del-prefix", "del-prefix PREFIX: a client prefix less (l3roamd's del_prefix)",
                args -> prefixCommand(args, false));
        c.control().changingCommand("add-address", "add-address ADDRESS MAC: a client's address (l3roamd's "
                + "add_address)", args -> {
                    if (args.size() != 2) {
                        throw new IllegalArgumentException("add-address needs ADDRESS MAC");
                    }
                    IpAddress a = parseAddress(args.get(0));
                    MacAddress mac = parseMac(args.get(1));
                    boolean ok = engine.addressSeen(c.now(), mac, a);
                    arm();
                    return new ControlRegistry.Answer(ok ? "OK\n" : "NOT OK\n", Map.of("ok", ok));
                });
    }

    private ControlRegistry.Answer clientsCommand(List<String> args) {
        noArguments("clients", args);
        Map<String, Object> list = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        for (L3roamdEngine.ClientView v : engine.clients()) {
            Map<String, Object> addresses = new LinkedHashMap<>();
            v.addresses().forEach((a, s) -> addresses.put(a.toString(), Map.of("state", s.code())));
            Map<String, Object> client = new LinkedHashMap<>();
            client.put("interface", settings.nextNodeInterface());
            if (!addresses.isEmpty()) {
                client.put("addresses", addresses);
            }
            list.put(v.mac().toString(), client);
            text.append("client ").append(v.mac()).append(" addresses ").append(addresses.keySet()).append('\n');
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("clients", list.size());
        if (!list.isEmpty()) {
            json.put("clientlist", list);
        }
        return new ControlRegistry.Answer(text.toString(), json);
    }

    private ControlRegistry.Answer prefixCommand(List<String> args, boolean add) {
        if (args.size() != 1) {
            throw new IllegalArgumentException((add ? "add" : "del") + "-prefix needs one PREFIX");
        }
        Prefix p;
        try {
            p = Prefix.parse(args.get(0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + args.get(0) + "' is not a prefix");
        }
        boolean changed = add ? engine.addPrefix(p) : engine.removePrefix(p);
        if (changed && add) {
            addCatchAll(p);
        } else if (changed) {
            removeCatchAll(p);
        }
        String text = (add ? "Added prefix: " : "Deleted prefix: ") + p + "\n";
        return new ControlRegistry.Answer(text, Map.of("changed", changed));
    }

    private static IpAddress parseAddress(String text) {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address");
        }
    }

    private static MacAddress parseMac(String text) {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address");
        }
    }

    private static void noArguments(String command, List<String> args) {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException(command + " takes no arguments");
        }
    }

    /** The engine, for tests and the simulator's report. */
    public L3roamdEngine engine() {
        return engine;
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.cancel();
        }
        if (engine != null) {
            engine.stop(c.now()); // withdraws and removes what it put in place; the host closes sockets and links
        }
    }

    // ---- effects ----

    private final class Effects implements L3roamdOutput {
        @Override
        public void originate(Prefix hostPrefix) {
            c.babel().originate(hostPrefix, 0);
        }

        @Override
        public void withdraw(Prefix hostPrefix) {
            c.babel().withdraw(hostPrefix);
        }

        @Override
        public void installClientRoute(IpAddress address, byte[] mac) {
            try {
                own.add(hostRoute(address));
                c.kernel().putNeighbour(new KernelAccess.Neighbour(nextNodeIndex, address, mac, NUD_REACHABLE,
                        false));
            } catch (IOException e) {
                kernelError("route to client " + address, e);
            }
        }

        @Override
        public void removeClientRoute(IpAddress address) {
            try {
                own.remove(hostRoute(address));
                c.kernel().removeNeighbour(nextNodeIndex, address);
            } catch (IOException e) {
                kernelError("remove route to client " + address, e);
            }
        }

        private KernelRoute hostRoute(IpAddress address) {
            return new KernelRoute(Prefix.host(address), null, null, nextNodeIndex, 0, KernelRoute.TABLE_MAIN,
                    PROTOCOL, RouteType.UNICAST, null);
        }

        @Override
        public void addNodeClientAddress(IpAddress address) {
            try {
                if (nodeClientTraffic != null) {
                    KernelRoute r = new KernelRoute(Prefix.host(address), null, null, tun.ifindex(), 0,
                            KernelRoute.TABLE_MAIN, PROTOCOL, RouteType.UNICAST, null);
                    own.add(r);
                    nodeClientRoutes.put(address, r);
                    return;
                }
                c.kernel().addAddress(new InterfaceAddress(loIndex, address, 128, 0, false));
            } catch (IOException e) {
                kernelError("node-client address " + address, e);
            }
        }

        @Override
        public void removeNodeClientAddress(IpAddress address) {
            try {
                KernelRoute r = nodeClientRoutes.remove(address);
                if (r != null) {
                    own.remove(r);
                    return;
                }
                c.kernel().removeAddress(new InterfaceAddress(loIndex, address, 128, 0, false));
            } catch (IOException e) {
                kernelError("remove node-client address " + address, e);
            }
        }

        @Override
        public void sendNeighbourSolicitation(IpAddress target, IpAddress destination) {
            count(nd.send(destination, 0, nextNodeIndex, NdpPackets.neighbourSolicitation(target, ownMac)),
                    "ns_sent");
        }

        @Override
        public void sendArpRequest(IpAddress v4Target) {
            count(arp.send(MacAddress.BROADCAST.toBytes(), NdpPackets.arpRequest(ownMac, v4Target)), "arp_sent");
        }

        @Override
        public void sendMulticast(byte[] datagram) {
            for (int ifindex : new ArrayList<>(joined.values())) {
                count(intercom.send(Intercom.GROUP, Intercom.PORT, ifindex, datagram), "intercom_sent");
            }
        }

        @Override
        public void sendUnicast(IpAddress destination, byte[] datagram) {
            count(intercom.send(destination, Intercom.PORT, 0, datagram), "intercom_sent");
        }

        @Override
        public void reinject(byte[] packet) {
            c.schedule(REINJECT_DELAY, () -> count(tun.write(packet), "reinjected"));
        }

        @Override
        public void sendToTun(byte[] icmpError) {
            count(tun.write(icmpError), "icmp_errors");
        }

        @Override
        public boolean servedElsewhere(IpAddress nodeClientAddress) {
            return c.babel().route(RouteKey.of(Prefix.host(nodeClientAddress))).filter(r -> !r.local()).isPresent();
        }

        @Override
        public void count(String counter) {
            c.counters().increment(counter);
        }

        private void count(boolean sent, String counter) {
            c.counters().increment(sent ? counter : counter + "_failed");
        }
    }
}
