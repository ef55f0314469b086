package org.jbabel.xlat.nat426;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.NetInterface;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.xlat.nat64.ExitPrefix;
import org.jbabel.xlat.translate.AddressMapper;
import org.jbabel.xlat.translate.Flow;
import org.jbabel.xlat.translate.Result;
import org.jbabel.xlat.translate.Translator;
import org.jbabel.xlat.translate.TranslatorConfig;

/**
 * NAT426 on a node (docs/XLAT.md): a TAP port {@code nat426} on the client bridge answers ARP and takes the IPv4
 * frames clients send to an exit MAC (or to another client's MAC); their packets become IPv6 from the client's
 * node-client address and go into the kernel through the TUN device {@code nat426t}, which routes them by Babel's
 * routes. The IPv6 packets to the node-client addresses of this node's clients come from the roaming extension
 * ({@link #fromMesh}, joined in cli) and leave as frames to the client. Everything runs on the host's thread.
 */
public final class Nat426 implements Extension {

    /** The TAP port on the client bridge. */
    public static final String TAP = "nat426";
    /** The TUN device the translated IPv6 packets enter the kernel through. */
    static final String TUN = "nat426t";
    static final int ETHERNET_MTU = 1500;
    static final int ETHERTYPE_IPV4 = 0x0800;
    /** RFC 7600: the source of ICMPv4 errors translated from IPv6 routers that have no IPv4 address. */
    static final int DUMMY_IPV4 = 0xc0000008;
    private static final long TICK = 100_000_000L;
    private static final int DHCP_SERVER_PORT = 67;
    private static final long LEASE_KEEP = 300_000_000_000L;

    /** What NAT426 asks of DDHCP on the node (joined in cli). */
    public interface Leases {
        /** The address this node's DHCP side acknowledged to the client with this MAC, held now. */
        Optional<IpAddress> leasedAddress(byte[] mac);

        /** The MAC of the client this node's DHCP side acknowledged {@code address} to, held now. */
        Optional<byte[]> holder(IpAddress address);

        /** The router option DDHCP hands out (the default gateway G), if any. */
        Optional<IpAddress> router();

        /**
         * A DHCP message a client sent to G's port 67 by unicast (udhcpc's and dhclient's RENEWING request goes to
         * the server identifier, which is G): for this node's DHCP server; false when there is none.
         */
        boolean toServer(byte[] message);
    }

    private final Nat426Settings settings;
    private final RandomGenerator random;
    private Leases leases;
    private Prefix nodeClientPrefix;
    private boolean fromRoaming;

    private ExtensionContext c;
    private ExitPrefix plan;
    private long ncpHigh;
    private int gateway;
    private ClientTable table;
    private Exits exits;
    private ArpResponder arp;
    private ResolverEngine resolver;
    private Translator translator;
    private Network.PacketDevice tap;
    private Network.PacketDevice tun;
    private UdpSocket resolverSocket;
    private UdpSocket sourceSocket;
    private IpAddress nodeAddress;
    private int mmfdIndex;
    private final Result result = new Result();
    private final Context context = new Context();

    public Nat426(Nat426Settings settings) {
        this(settings, new SecureRandom());
    }

    public Nat426(Nat426Settings settings, RandomGenerator random) {
        this.settings = settings;
        this.random = random;
    }

    /** DDHCP's leases and router on this node (joined in cli; without DDHCP only frames and the mesh tell). */
    public void leasesFrom(Leases source) {
        this.leases = source;
    }

    /**
     * The roaming extension's node-client prefix: the roaming extension routes this node's node-client addresses to
     * NAT426 ({@link #fromMesh}). Joined in cli; NAT426 does not start without it.
     */
    public void nodeClients(Prefix prefix) {
        this.nodeClientPrefix = prefix;
        this.fromRoaming = true;
    }

    @Override
    public void start(ExtensionContext context) throws IOException {
        this.c = context;
        if (!fromRoaming) {
            throw new IOException("nat426 needs the roaming extension on the node (its node-client addresses carry the"
                    + " clients' traffic): add 'roaming client-interface " + settings.clientInterface() + "'");
        }
        IpAddress g = settings.gateway() != null ? settings.gateway()
                : leases != null ? leases.router().orElse(null) : null;
        if (g == null) {
            throw new IOException("nat426 needs a gateway address: 'nat426 ... gateway A4', or 'ddhcp ... router A4'");
        }
        gateway = g.v4Bits();
        plan = settings.exitPrefix();
        ncpHigh = nodeClientPrefix.address().hi();
        nodeAddress = loopbackAddress();
        if (nodeAddress == null) {
            throw new IOException("nat426 needs a routable IPv6 address on lo (the node's address)");
        }
        c.counters().limit("client_refused", "IPv4 clients refused: the client table is full (limit "
                + ClientTable.DEFAULT_MAX + ")");
        c.counters().limit("exit_refused", "exits ignored: the exit table is full (limit " + Exits.DEFAULT_MAX + ")");
        c.counters().limit("resolver_queue_full", "packets waiting for the resolver dropped: "
                + ResolverEngine.MAX_WAITING + " wait");
        table = new ClientTable(ClientTable.DEFAULT_MAX, c.counters()::increment);
        exits = new Exits(plan, settings.exitRange(), Exits.DEFAULT_MAX, c.counters()::increment);
        arp = new ArpResponder(gateway, settings.exitMac(), table, exits, c.counters()::increment,
                mac -> leases != null && leases.leasedAddress(macBytes(mac)).isPresent());
        resolver = new ResolverEngine(table, new Resolving(), random);
        translator = new Translator(TranslatorConfig.of(g, nodeAddress)
                .withMtus(settings.mtu(), ETHERNET_MTU, settings.mtu())
                .withMssClamp(settings.mtu() - 60), new Mapper());

        exits.reset(c.babel().selectedRoutes());
        c.babel().onRouteChange(change -> exits.changed(change).forEach(this::exitEvent));

        tun = c.network().tun(TUN, ETHERNET_MTU, p -> c.counters().increment("tun_unexpected"));
        tap = c.network().tap(TAP, ETHERNET_MTU, this::frame);
        c.kernel().joinBridge(tap.ifindex(), settings.clientInterface());
        openResolver();
        c.every(TICK, TICK, this::tick);
        c.control().command("clients", "clients [--json]: the IPv4 clients NAT426 knows",
                args -> Nat426Control.clients(table, c.now(), nodeClientPrefix, args));
        c.log().info("client interface " + settings.clientInterface() + ", gateway " + g + ", metaprefix "
                + settings.metaprefix() + ", exit range " + settings.exitRange() + ", node-client prefix "
                + nodeClientPrefix);
    }

    private void openResolver() throws IOException {
        resolverSocket = c.network().udp(UdpSocket.Options.any(ResolverMessage.PORT), this::resolverDatagram);
        sourceSocket = c.network().udp(new UdpSocket.Options(nodeAddress, ResolverMessage.PORT, null, 1, false),
                this::resolverDatagram);
        try {
            mmfdIndex = c.kernel().ifindex("mmfd0");
            resolverSocket.join(ResolverMessage.GROUP, mmfdIndex);
        } catch (IOException e) {
            mmfdIndex = 0;
            c.interfaces().forEach(this::follow);
            c.onInterfaceChange(this::follow);
        }
    }

    private void follow(NetInterface i) {
        if (i.up()) {
            resolverSocket.join(ResolverMessage.GROUP, i.ifindex());
        }
    }

    /** The first routable IPv6 address on lo. */
    private IpAddress loopbackAddress() throws IOException {
        int lo = c.kernel().ifindex("lo");
        for (InterfaceAddress a : c.kernel().addresses()) {
            IpAddress ip = a.address();
            if (a.ifindex() == lo && ip.family() == Family.V6 && !ip.isLinkLocal() && !ip.isMulticast()
                    && !ip.equals(IpAddress.parse("::1"))) {
                return ip;
            }
        }
        return null;
    }

    private void tick() {
        long now = c.now();
        resolver.tick(now);
        table.expire(now);
    }

    private void exitEvent(Exits.Event event) {
        if (event.kind() == Exits.Event.Kind.GONE) {
            for (ArpFrame f : arp.exitGone(c.now(), event.exit())) {
                tapWrite(f.encode());
            }
        }
    }

    // ---- from the clients ----

    /** A frame the bridge gave the TAP port. */
    private void frame(byte[] f) {
        if (f.length < 14) {
            c.counters().increment("frame_short");
            return;
        }
        int type = ((f[12] & 0xff) << 8) | (f[13] & 0xff);
        if (type == ArpFrame.ETHERTYPE) {
            arpFrame(f);
        } else if (type == ETHERTYPE_IPV4) {
            ipv4Frame(f);
        }
        // anything else (IPv6, other ethertypes) is not NAT426's
    }

    private void arpFrame(byte[] f) {
        ArpFrame.Result decoded = ArpFrame.decode(f, f.length);
        if (decoded.reason() != null) {
            c.counters().increment("arp_" + decoded.reason().name().toLowerCase(java.util.Locale.ROOT));
            return;
        }
        long now = c.now();
        switch (arp.handle(now, decoded.frame())) {
            case ArpResponder.Answer a -> tapWrite(a.reply().encode());
            case ArpResponder.Resolve r -> resolver.resolveIpv4(now, r.address(), null);
            case ArpResponder.AskExit a -> resolver.resolveMac(now, a.mac(), null);
            case ArpResponder.Silent s -> { }
        }
    }

    private void ipv4Frame(byte[] f) {
        long dstMac = ArpFrame.mac(f, 0);
        long srcMac = ArpFrame.mac(f, 6);
        int length = f.length - 14;
        if (length < 20 || (f[14] & 0xf0) != 0x40) {
            c.counters().increment("ipv4_malformed");
            return;
        }
        int total = ((f[16] & 0xff) << 8) | (f[17] & 0xff);
        if (total >= 20 && total < length) {
            length = total; // Ethernet padding after a short packet
        }
        int srcIp = ArpFrame.i32(f, 26);
        if (dhcpToGateway(f, length)) {
            return;
        }
        long now = c.now();
        if (arp.isExitMac(dstMac)) {
            long e = arp.exitForFrame(now, srcMac, srcIp, ExitMac.exitOf(dstMac), this::tapWrite);
            if (e == Exits.NONE) {
                return;
            }
            context.toExit(srcMac, dstMac, (int) e);
        } else {
            int slot = table.slotOfMac(now, dstMac);
            if (slot < 0 || table.onBridge(slot, now)) {
                return; // for a station on this bridge (flooded to every port), or broadcast
            }
            table.learnFrame(now, srcMac, srcIp);
            context.toClient(srcMac, dstMac);
        }
        translator.translate4to6(f, 14, length, result);
        switch (result.kind()) {
            case PACKETS -> {
                for (int i = 0; i < result.count(); i++) {
                    if (!tun.write(result.buffer(), result.offset(i), result.length(i))) {
                        c.counters().increment("tun_write_failed");
                    }
                }
            }
            case ERROR -> {
                c.counters().increment("error_" + result.drop().counter());
                tapWrite(frameOf(srcMac, dstMac, result.buffer(), result.offset(0), result.length(0)));
            }
            case DROPPED -> c.counters().increment("dropped_" + result.drop().counter());
        }
    }

    /**
     * A client renewing its lease by unicast to its server identifier, G: G is no address of the node, and its frames
     * come to NAT426 (G's ARP answer names an exit), so without this the request went towards an exit and was lost,
     * and a client renewed only by broadcast when rebinding. Handed to the node's DHCP server (counted
     * {@code dhcp_to_gateway}; {@code dhcp_to_gateway_no_server} without one); true when it was such a datagram.
     */
    private boolean dhcpToGateway(byte[] f, int length) {
        byte[] message = dhcpMessageTo(f, length, gateway);
        if (message == null) {
            return false;
        }
        if (message.length == 0) {
            c.counters().increment("ipv4_malformed");
        } else if (leases != null && leases.toServer(message)) {
            c.counters().increment("dhcp_to_gateway");
        } else {
            c.counters().increment("dhcp_to_gateway_no_server");
        }
        return true;
    }

    /**
     * The DHCP message of an Ethernet frame carrying an unfragmented IPv4 packet of {@code length} bytes (after the
     * 14-byte header) to {@code address}'s UDP port 67; null when the frame is no such datagram, an empty array when
     * its UDP length does not fit the packet.
     */
    static byte[] dhcpMessageTo(byte[] f, int length, int address) {
        if (f.length < 14 + 20 || length < 20 || length > f.length - 14) {
            return null;
        }
        int ihl = (f[14] & 0x0f) * 4;
        boolean fragment = (ArpFrame.i32(f, 18) & 0x3fff) != 0; // more-fragments flag or an offset
        if (ArpFrame.i32(f, 30) != address || f[23] != 17 || ihl < 20 || fragment || length < ihl + 8) {
            return null;
        }
        int udp = 14 + ihl;
        int port = ((f[udp + 2] & 0xff) << 8) | (f[udp + 3] & 0xff);
        if (port != DHCP_SERVER_PORT) {
            return null;
        }
        int udpLength = ((f[udp + 4] & 0xff) << 8) | (f[udp + 5] & 0xff);
        if (udpLength <= 8 || udpLength > length - ihl) {
            return new byte[0];
        }
        return java.util.Arrays.copyOfRange(f, udp + 8, udp + udpLength);
    }

    // ---- from the mesh ----

    /** An IPv6 packet to the node-client address of a client of this node, from the roaming extension. */
    public void fromMesh(byte[] p) {
        if (p.length < 40 || (p[0] & 0xf0) != 0x60) {
            c.counters().increment("ipv6_malformed");
            return;
        }
        long now = c.now();
        long mac = NodeClients.macOf(word(p, 24), word(p, 32), ncpHigh);
        if (mac == NodeClients.NOT_A_CLIENT) {
            c.counters().increment("ipv6_not_a_client");
            return;
        }
        long ip = ipOf(now, mac);
        if (ip == ClientTable.UNKNOWN) {
            resolver.resolveMac(now, mac, p);
            return;
        }
        long from;
        long srcMac = NodeClients.macOf(word(p, 8), word(p, 16), ncpHigh);
        if (plan.contains(p, 8)) {
            from = settings.exitMac().of(plan.exit(p, 8));
        } else if (srcMac != NodeClients.NOT_A_CLIENT) {
            if (ipOf(now, srcMac) == ClientTable.UNKNOWN) {
                resolver.resolveMac(now, srcMac, p);
                return;
            }
            from = srcMac;
        } else {
            // an error from a mesh router: it seems to come from the client's exit (its gateway)
            int slot = table.slotOfMac(now, mac);
            long e = slot >= 0 && table.exit(slot) != ClientTable.NO_EXIT ? table.exit(slot) : exits.nearest();
            from = e == Exits.NONE ? settings.exitMac().of(gateway) : settings.exitMac().of((int) e);
        }
        context.fromMesh(mac, (int) ip);
        translator.translate6to4(p, 0, p.length, result);
        switch (result.kind()) {
            case PACKETS -> {
                for (int i = 0; i < result.count(); i++) {
                    tapWrite(frameOf(mac, from, result.buffer(), result.offset(i), result.length(i)));
                }
            }
            case ERROR -> {
                c.counters().increment("error_" + result.drop().counter());
                if (!tun.write(result.buffer(), result.offset(0), result.length(0))) {
                    c.counters().increment("tun_write_failed");
                }
            }
            case DROPPED -> c.counters().increment("dropped_" + result.drop().counter());
        }
    }

    /** The IPv4 address of a client: the table's, else DDHCP's lease (learned then). */
    private long ipOf(long now, long mac) {
        long ip = table.ipOf(now, mac);
        if (ip != ClientTable.UNKNOWN || leases == null) {
            return ip;
        }
        Optional<IpAddress> leased = leases.leasedAddress(macBytes(mac));
        if (leased.isEmpty()) {
            return ClientTable.UNKNOWN;
        }
        table.learnLease(now, mac, leased.get().v4Bits(), now + LEASE_KEEP);
        return table.ipOf(now, mac);
    }

    // ---- the resolver ----

    private void resolverDatagram(Network.Datagram d) {
        if (d.source().equals(nodeAddress)) {
            return; // our own flood, looped back
        }
        long now = c.now();
        ResolverMessage.Result r = ResolverMessage.decode(d.data(), 0, d.data().length);
        if (r.reason() == null && leases != null) {
            // a client that got its address here and has sent nothing since is known to DDHCP only
            ResolverMessage m = r.message();
            if (m.type() == ResolverMessage.QUERY_IPV4 && table.slotOfIp(now, m.ipv4()) < 0) {
                leases.holder(IpAddress.v4(m.ipv4())).ifPresent(
                        mac -> table.learnLease(now, ArpFrame.mac(mac, 0), m.ipv4(), now + LEASE_KEEP));
            } else if (m.type() == ResolverMessage.QUERY_MAC) {
                ipOf(now, m.mac());
            }
        }
        resolver.received(now, d.data(), 0, d.data().length, d.source());
    }

    private final class Resolving implements ResolverOutput {
        @Override
        public void flood(byte[] datagram) {
            if (mmfdIndex != 0) {
                sourceSocket.send(ResolverMessage.GROUP, ResolverMessage.PORT, mmfdIndex, datagram);
                return;
            }
            for (NetInterface i : c.interfaces()) {
                if (i.up()) {
                    sourceSocket.send(ResolverMessage.GROUP, ResolverMessage.PORT, i.ifindex(), datagram);
                }
            }
        }

        @Override
        public void unicast(IpAddress destination, byte[] datagram) {
            sourceSocket.send(destination, ResolverMessage.PORT, 0, datagram);
        }

        @Override
        public void release(byte[] packet) {
            c.execute(() -> fromMesh(packet));
        }

        @Override
        public void count(String counter) {
            c.counters().increment(counter);
        }
    }

    // ---- frames ----

    private void tapWrite(byte[] frame) {
        if (!tap.write(frame)) {
            c.counters().increment("tap_write_failed");
        }
    }

    private static byte[] frameOf(long dst, long src, byte[] buffer, int offset, int length) {
        byte[] f = new byte[14 + length];
        ArpFrame.putMac(f, 0, dst);
        ArpFrame.putMac(f, 6, src);
        f[12] = 0x08;
        f[13] = 0x00;
        System.arraycopy(buffer, offset, f, 14, length);
        return f;
    }

    private static byte[] macBytes(long mac) {
        byte[] b = new byte[6];
        ArpFrame.putMac(b, 0, mac);
        return b;
    }

    private static long word(byte[] b, int at) {
        long w = 0;
        for (int i = 0; i < 8; i++) {
            w = (w << 8) | (b[at + i] & 0xff);
        }
        return w;
    }

    public Nat426Settings settings() {
        return settings;
    }

    /** The client table, for tests. */
    public ClientTable table() {
        return table;
    }

    @Override
    public void stop() {
        // the host closes the devices (the TAP port leaves the bridge with its device) and the sockets
    }

    // ---- the translator's mapping ----

    /** What the packet being translated is about (set before each call, read by the mapping). */
    private static final class Context {
        long clientMac;
        long otherMac;
        int exit;
        boolean toExit;
        int clientIp;

        void toExit(long srcMac, long dstMac, int e) {
            clientMac = srcMac;
            otherMac = dstMac;
            exit = e;
            toExit = true;
        }

        void toClient(long srcMac, long dstMac) {
            clientMac = srcMac;
            otherMac = dstMac;
            toExit = false;
        }

        void fromMesh(long mac, int ip) {
            clientMac = mac;
            clientIp = ip;
        }
    }

    private final class Mapper implements AddressMapper {

        /** From a client: from its node-client address, to the exit's /96 or to the other client's address. */
        @Override
        public Mapping map4to6(Flow f) {
            writeNodeClient(f.src6, context.clientMac);
            if (context.toExit) {
                plan.write(f.dst6, 0, context.exit, f.dst4);
            } else {
                writeNodeClient(f.dst6, context.otherMac);
            }
            return Mapping.MAPPED;
        }

        /** To a client: from the IPv4 an exit's /96 embeds, another client's address, or RFC 7600's dummy. */
        @Override
        public Mapping map6to4(Flow f) {
            long now = c.now();
            long dstMac = NodeClients.macOf(word(f.dst6, 0), word(f.dst6, 8), ncpHigh);
            long dst = dstMac == context.clientMac ? context.clientIp : table.ipOf(now, dstMac);
            if (dst == ClientTable.UNKNOWN) {
                return Mapping.DROP;
            }
            f.dst4 = (int) dst;
            if (plan.contains(f.src6, 0)) {
                f.src4 = ExitPrefix.ipv4(f.src6, 0);
                return Mapping.MAPPED;
            }
            long srcMac = NodeClients.macOf(word(f.src6, 0), word(f.src6, 8), ncpHigh);
            long src = srcMac == NodeClients.NOT_A_CLIENT ? ClientTable.UNKNOWN : table.ipOf(now, srcMac);
            if (src != ClientTable.UNKNOWN) {
                f.src4 = (int) src;
                return Mapping.MAPPED;
            }
            if (f.icmpError) {
                f.src4 = DUMMY_IPV4;
                return Mapping.MAPPED;
            }
            return Mapping.DROP;
        }

        /** NCA(mac): the node-client prefix and the modified EUI-64 of {@code mac}. */
        private void writeNodeClient(byte[] out, long mac) {
            for (int i = 0; i < 8; i++) {
                out[i] = (byte) (ncpHigh >>> (56 - 8 * i));
            }
            out[8] = (byte) ((mac >>> 40) ^ 0x02);
            out[9] = (byte) (mac >>> 32);
            out[10] = (byte) (mac >>> 24);
            out[11] = (byte) 0xff;
            out[12] = (byte) 0xfe;
            out[13] = (byte) (mac >>> 16);
            out[14] = (byte) (mac >>> 8);
            out[15] = (byte) mac;
        }
    }
}
