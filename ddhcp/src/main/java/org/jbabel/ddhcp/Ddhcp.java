package org.jbabel.ddhcp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.jbabel.ddhcp.block.BlockEngine;
import org.jbabel.ddhcp.block.BlockMessage;
import org.jbabel.ddhcp.block.BlockReader;
import org.jbabel.ddhcp.block.LeaseUsage;
import org.jbabel.ddhcp.block.NodeId;
import org.jbabel.ddhcp.block.Peer;
import org.jbabel.ddhcp.block.Swarm;
import org.jbabel.extension.ControlRegistry;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.NetInterface;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.kernel.InterfaceAddress;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * DDHCP as an extension (docs/DDHCP.md): one {@link BlockEngine} over the range (and a second one over the exit range)
 * run over nothing but the {@link ExtensionContext}. Block messages go to {@code [ff02::1234]:1234} on the server
 * interface (mmfd0 floods them across a routed mesh), lease messages by unicast to port 1235 of the owner, at the
 * address its block messages came from. Control: {@code ddhcp blocks}, {@code ddhcp exit}; counters for every drop.
 */
public final class Ddhcp implements Extension {

    public static final IpAddress GROUP = IpAddress.parse("ff02::1234");
    public static final int BLOCK_PORT = 1234;
    public static final int LEASE_PORT = 1235;
    /** The flooding device of the mmfd extension, the default server interface when it exists. */
    public static final String MMFD_DEVICE = "mmfd0";
    private static final IpAddress LOOPBACK = IpAddress.parse("::1");
    private static final long WAKE_INTERVAL = 1_000_000_000L;

    private final DdhcpSettings settings;
    private final RandomGenerator random;
    private final DhcpSide.Factory dhcpFactory;
    private final List<Swarm> swarms = new ArrayList<>();
    private final Map<Swarm, Running> engines = new LinkedHashMap<>();

    private ExtensionContext context;
    private BlockReader reader;
    private UdpSocket blockSocket;
    private UdpSocket sourceSocket;
    private UdpSocket leaseSocket;
    /** The server interfaces we joined the group on: name to ifindex. */
    private final Map<String, Integer> servers = new LinkedHashMap<>();
    private boolean followBabelInterfaces;
    private ExtensionContext.Timer timer;
    private long timerDue = Long.MAX_VALUE;
    private DhcpSide dhcp;
    private NodeId node;
    /** The address block messages are sent from (null: the kernel's choice, the link-local address). */
    private IpAddress source;
    private long lastWake = Long.MIN_VALUE;

    /** One engine and its output (counter prefix {@code exit.} for the exit range's). */
    private final class Running implements BlockEngine.Output {
        final BlockEngine engine;
        final String prefix;
        final boolean exit;

        Running(BlockEngine engine, String prefix, boolean exit) {
            this.engine = engine;
            this.prefix = prefix;
            this.exit = exit;
            context.counters().limit(prefix + "no_free_blocks", "housekeeping rounds that wanted more blocks than the "
                    + (prefix.isEmpty() ? "" : "exit ") + "range has free");
        }

        @Override
        public void multicast(byte[] datagram) {
            sendBlockMessage(datagram, this);
        }

        @Override
        public void unicast(Peer to, byte[] datagram) {
            sendLeaseMessage(to, datagram, this);
        }

        @Override
        public void count(String counter) {
            context.counters().increment(prefix + counter);
        }

        @Override
        public void ownership(int block, boolean ours) {
            if (dhcp != null && engine == engine()) {
                dhcp.ownershipChanged(block, ours);
            }
            if (exit) {
                context.log().info("exit address " + exitAddress().map(Object::toString).orElse("none"));
            }
        }
    }

    public Ddhcp(DdhcpSettings settings, RandomGenerator random, DhcpSide.Factory dhcpFactory) {
        this.settings = settings;
        this.random = random;
        this.dhcpFactory = dhcpFactory;
    }

    @Override
    public void start(ExtensionContext context) throws Exception {
        this.context = context;
        node = settings.node() != null ? settings.node() : NodeId.ofRouterId(context.babel().routerId().value());
        long now = context.now();
        Swarm main = settings.swarm();
        boolean exitInMain = settings.exit() && settings.exitRange() == null;
        Running range = new Running(new BlockEngine(
                settings.blockSettings(main, node, exitInMain ? 0 : settings.spareLeases()), random, now), "",
                exitInMain);
        swarms.add(main);
        engines.put(main, range);
        if (exitInMain) {
            range.engine.usage(exitUsage(range.engine));
        }
        if (settings.exitRange() != null) {
            Swarm exit = settings.exitSwarm();
            BlockEngine e = new BlockEngine(settings.blockSettings(exit, node, 0), random, now);
            // without 'ddhcp exit' this node takes part in the exit range (knows its owners) but claims nothing
            e.usage(settings.exit() ? exitUsage(e) : zeroDemand());
            swarms.add(exit);
            engines.put(exit, new Running(e, "exit.", settings.exit()));
        }
        reader = new BlockReader(swarms);
        openSockets();
        if (dhcpFactory != null && settings.clientInterface() != null) {
            dhcp = dhcpFactory.start(context, settings, this);
            range.engine.usage(dhcp.usage());
            range.engine.leases(dhcp.leases());
        }
        ControlRegistry control = context.control();
        control.command("blocks", "the block table (ddhcpdctl -b)", args -> DdhcpControl.blocks(this, args));
        control.command("exit", "this node's exit address", args -> DdhcpControl.exit(this, args));
        control.changingCommand("renew", "ADDRESS MAC: ask the owner of ADDRESS's block for it (RENEWLEASE), as a"
                + " forwarded DHCP REQUEST would", args -> DdhcpControl.renew(this, args, random));
        control.changingCommand("give-back", "INDEX: give own block INDEX of the range back now (not while in use)",
                args -> DdhcpControl.giveBack(this, args));
        control.section("ddhcp-block", () -> DdhcpControl.ownBlocks(this));
        arm();
        context.log().info("node id " + node + ", range " + main
                + (settings.exitRange() != null ? ", exit range " + settings.exitSwarm() : "")
                + ", server interface " + (followBabelInterfaces ? "every Babel interface" : servers.keySet())
                + (source != null ? " from " + source : "")
                + (settings.learning() ? ", learning for " + settings.blockTimeout().toSeconds() + " s" : ""));
    }

    private void openSockets() throws IOException {
        blockSocket = context.network().udp(UdpSocket.Options.any(BLOCK_PORT), this::blockDatagram);
        leaseSocket = context.network().udp(new UdpSocket.Options(IpAddress.V6_UNSPECIFIED, LEASE_PORT, null, 1, false),
                this::leaseDatagram);
        String server = settings.serverInterface();
        int serverIndex = 0;
        if (server == null) {
            try {
                serverIndex = context.kernel().ifindex(MMFD_DEVICE);
                server = MMFD_DEVICE;
            } catch (IOException e) {
                followBabelInterfaces = true;
            }
        } else {
            serverIndex = context.kernel().ifindex(server);
        }
        source = settings.source();
        String name = server;
        boolean babelInterface = context.interfaces().stream().anyMatch(i -> i.name().equals(name));
        if (source == null && server != null && !babelInterface) {
            source = loopbackAddress();
        }
        if (source != null) {
            sourceSocket = context.network().udp(new UdpSocket.Options(source, BLOCK_PORT, null, 1, false),
                    d -> context.counters().increment("unicast_on_block_port"));
        }
        if (followBabelInterfaces) {
            for (NetInterface i : context.interfaces()) {
                follow(i);
            }
            context.onInterfaceChange(this::follow);
        } else {
            join(server, serverIndex);
            if (babelInterface) {
                // a Babel interface that goes down, or comes back with another index, is left and joined again
                context.onInterfaceChange(i -> {
                    if (i.name().equals(name)) {
                        follow(i);
                    }
                });
            }
            if (source == null && !babelInterface) {
                context.log().info("block messages leave " + server + " from its link-local address (no"
                        + " routable address on lo): other nodes can forward to this one only on one link; 'ddhcp"
                        + " server-interface IF source ADDR' gives one");
            }
        }
    }

    /** The first routable IPv6 address on the loopback interface (a mesh node's own address), or null. */
    private IpAddress loopbackAddress() {
        int lo;
        try {
            lo = context.kernel().ifindex("lo");
        } catch (IOException e) {
            return null;
        }
        for (InterfaceAddress a : context.kernel().addresses()) {
            IpAddress ip = a.address();
            if (a.ifindex() == lo && ip.family() == Family.V6 && !ip.isLinkLocal() && !ip.isMulticast()
                    && !ip.equals(LOOPBACK)) {
                return ip;
            }
        }
        return null;
    }

    private void join(String name, int ifindex) {
        blockSocket.join(GROUP, ifindex);
        servers.put(name, ifindex);
    }

    private void follow(NetInterface i) {
        Integer had = servers.get(i.name());
        if (i.up() && had != null && had == i.ifindex()) {
            return;
        }
        if (had != null) {
            blockSocket.leave(GROUP, had);
            servers.remove(i.name());
        }
        if (i.up()) {
            join(i.name(), i.ifindex());
        }
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.cancel();
        }
        if (dhcp != null) {
            dhcp.stop();
        }
    }

    // ---- I/O

    private void blockDatagram(Network.Datagram d) {
        if (!d.destination().equals(GROUP)) {
            context.counters().increment("unicast_on_block_port");
            return;
        }
        if (!servers.containsValue(d.ifindex())) {
            context.counters().increment("not_server_interface");
            return;
        }
        dispatch(d, true);
    }

    private void leaseDatagram(Network.Datagram d) {
        dispatch(d, false);
    }

    private void dispatch(Network.Datagram d, boolean blockPort) {
        switch (reader.read(d.data())) {
            case BlockReader.Dropped dropped -> context.counters().increment(dropped.reason());
            case BlockReader.Read r -> {
                BlockMessage m = r.message();
                boolean leaseMessage = m instanceof BlockMessage.LeaseMessage;
                if (leaseMessage == blockPort) {
                    context.counters().increment("wrong_port");
                    return;
                }
                Running running = engines.get(m.header().swarm());
                Peer from = new Peer(d.source(), d.source().isLinkLocal() ? d.ifindex() : 0);
                running.engine.receive(context.now(), from, m, running);
                arm();
            }
        }
    }

    private void sendBlockMessage(byte[] datagram, Running r) {
        UdpSocket s = sourceSocket != null ? sourceSocket : blockSocket;
        if (servers.isEmpty()) {
            r.count("no_server_interface");
        }
        for (int ifindex : servers.values()) {
            if (!s.send(GROUP, BLOCK_PORT, ifindex, datagram)) {
                r.count("send_failed");
            }
        }
    }

    private void sendLeaseMessage(Peer to, byte[] datagram, Running r) {
        int ifindex = to.ifindex();
        if (!to.address().isLinkLocal()) {
            if (context.babel().lookup(to.address()).isEmpty()) {
                r.count("forward_no_route");
                return;
            }
            ifindex = 0;
        }
        if (!leaseSocket.send(to.address(), LEASE_PORT, ifindex, datagram)) {
            r.count("send_failed");
        }
    }

    /** Keeps one timer at the engines' earliest housekeeping. */
    private void arm() {
        long due = Long.MAX_VALUE;
        for (Running r : engines.values()) {
            due = Math.min(due, r.engine.nextWakeup());
        }
        if (timer != null && due >= timerDue) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timerDue = due;
        timer = context.schedule(Math.max(0, due - context.now()), () -> {
            timer = null;
            timerDue = Long.MAX_VALUE;
            for (Running r : engines.values()) {
                r.engine.poll(context.now(), r);
            }
            arm();
        });
    }

    private static LeaseUsage exitUsage(BlockEngine e) {
        return new LeaseUsage() {
            @Override
            public int freeAddressesInOwnBlocks() {
                return e.ownBlockCount() * e.swarm().blockSize() - 1; // one address for this node
            }

            @Override
            public boolean blockInUse(int blockIndex) {
                return e.ownBlocks().length > 0 && e.ownBlocks()[0] == blockIndex;
            }
        };
    }

    private static LeaseUsage zeroDemand() {
        return new LeaseUsage() {
            @Override
            public int freeAddressesInOwnBlocks() {
                return 0;
            }

            @Override
            public boolean blockInUse(int blockIndex) {
                return false;
            }
        };
    }

    // ---- what the DHCP side and the control socket use

    public DdhcpSettings settings() {
        return settings;
    }

    public NodeId node() {
        return node;
    }

    /** The engine of the main range. */
    public BlockEngine engine() {
        return engines.values().iterator().next().engine;
    }

    /** The engine of the exit range, if one is configured. */
    public Optional<BlockEngine> exitEngine() {
        return engines.values().stream().filter(r -> r.prefix.equals("exit.")).map(r -> r.engine).findFirst();
    }

    /** The engines, main range first. */
    List<BlockEngine> engines() {
        return engines.values().stream().map(r -> r.engine).toList();
    }

    /** The address block messages are sent from, or null for the server interface's link-local one. */
    public IpAddress source() {
        return source;
    }

    ExtensionContext context() {
        return context;
    }

    /** This node's own address ({@code ddhcp exit}): the first address of its first block of the exit range. */
    public Optional<IpAddress> exitAddress() {
        for (Running r : engines.values()) {
            if (r.exit) {
                int[] own = r.engine.ownBlocks();
                return own.length == 0 ? Optional.empty()
                        : Optional.of(IpAddress.v4(r.engine.swarm().firstAddress(own[0])));
            }
        }
        return Optional.empty();
    }

    /**
     * The IPv4 address this node's DHCP side acknowledged to the client with hardware address {@code mac}, held now;
     * empty without a DHCP side or such a lease.
     */
    public Optional<IpAddress> leasedAddress(byte[] mac) {
        if (dhcp == null) {
            return Optional.empty();
        }
        OptionalInt a = dhcp.leasedAddress(mac);
        return a.isPresent() ? Optional.of(IpAddress.v4(a.getAsInt())) : Optional.empty();
    }

    /**
     * A DHCP message of a client that reached the node outside the DHCP socket ({@link DhcpSide#clientMessage});
     * false without a DHCP side.
     */
    public boolean clientMessage(byte[] message) {
        if (dhcp == null) {
            return false;
        }
        dhcp.clientMessage(message);
        return true;
    }

    /** The hardware address of the client this node's DHCP side acknowledged {@code address} to, held now. */
    public Optional<byte[]> leaseHolder(IpAddress address) {
        return dhcp == null || address.family() != org.jbabel.wire.Family.V4 ? Optional.empty()
                : dhcp.leaseHolder(address.v4Bits());
    }

    /** Asks the owner of {@code address}'s block for it (RENEWLEASE); false when the block is not another node's. */
    public boolean renewLease(int address, int xid, byte[] chaddr) {
        Running r = engines.get(settings.swarm());
        return r.engine.renewLease(address, xid, chaddr, r);
    }

    /** Asks the swarm who owns block {@code index} of the range ({@link BlockEngine#askOwner}). */
    public boolean askOwner(int index) {
        Running r = engines.get(settings.swarm());
        return r.engine.askOwner(index, r);
    }

    /**
     * Takes these blocks of the range as ours at once (a DHCP side restoring the blocks it had acknowledged leases
     * from before a restart); they are announced when the learning phase ends and kept or lost by the conflict rule.
     */
    public void restoreOwnBlocks(int[] blocks) {
        Running r = engines.get(settings.swarm());
        r.engine.restore(context.now(), blocks, r);
        arm();
    }

    /** Gives own block {@code index} of the range back now; false when it is not ours or in use. */
    public boolean giveBack(int index) {
        Running r = engines.get(settings.swarm());
        return r.engine.giveBack(index, r);
    }

    /**
     * The DHCP side has no free address left: housekeeping of the range runs now (claiming as many blocks as the
     * demand needs) instead of at its next turn; at most once a second, never in the learning phase.
     */
    public void needAddresses() {
        long now = context.now();
        if (lastWake != Long.MIN_VALUE && now - lastWake < WAKE_INTERVAL) {
            return;
        }
        lastWake = now;
        engine().wake(now);
        arm();
    }

    /** Tells the owner of {@code address}'s block that a client released it (RELEASE). */
    public boolean releaseLease(int address, int xid, byte[] chaddr) {
        Running r = engines.get(settings.swarm());
        return r.engine.releaseLease(address, xid, chaddr, r);
    }

    /** The blocks of the range that two or more of {@code nodes} hold as their own now (a simulation's check). */
    public static List<Integer> ownedTwice(java.util.Collection<Ddhcp> nodes) {
        Map<Integer, Integer> owners = new java.util.HashMap<>();
        List<Integer> twice = new ArrayList<>();
        for (Ddhcp d : nodes) {
            for (int b : d.engine().ownBlocks()) {
                if (owners.merge(b, 1, Integer::sum) == 2) {
                    twice.add(b);
                }
            }
        }
        return twice;
    }
}
