package org.jbabel.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jbabel.engine.InterfaceType;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;
import org.jbabel.wire.WireCounters;

/**
 * The link model of a {@link Simulation}: the ports (one per node and topology link, {@link Simulation#linkLocalOf
 * addressed}), the links joining them with their state and per-direction loss, and the datagrams on them. A send is
 * encoded with the {@link PacketCodec}, lost or delayed per link direction and scheduled as a {@link
 * SimEvent.Deliver}; at arrival it is decoded (the reader's problems counted). Counts what it carries and loses, and
 * remembers for each link end whether it can know yet that the node at the other end restarted.
 */
final class LinkLayer {

    /** One end of a link: the interface of node {@code node} on link {@code link}, its {@code slot}-th port. */
    record Port(int node, int link, String ifname, int ifindex, IpAddress linkLocal, InterfaceType type, int slot) {}

    /**
     * A topology link joining two ports, with its state and per-direction loss, and for each end whether it can know
     * that the other end restarted.
     */
    private static final class Link extends SimLink {
        final Port a;
        final Port b;
        /** Node b restarted and node a has received neither a Hello nor a wildcard retraction from it since. */
        boolean aUnheard;
        /** Node a restarted and node b has received neither a Hello nor a wildcard retraction from it since. */
        boolean bUnheard;

        Link(Port a, Port b, double lossAtoB, double lossBtoA) {
            super(lossAtoB, lossBtoA);
            this.a = a;
            this.b = b;
        }

        Port peer(Port p) {
            return p == a ? b : a;
        }

        /** Whether the node at end {@code p} cannot know yet that the other end restarted. */
        boolean unheardAt(Port p) {
            return p == a ? aUnheard : bUnheard;
        }

        void setUnheardAt(Port p, boolean unheard) {
            if (p == a) {
                aUnheard = unheard;
            } else {
                bUnheard = unheard;
            }
        }
    }

    private final Timeline timeline;
    private final SimConfig config;
    private final SplittableRandom random;
    private final PacketCodec codec;
    private final List<List<Port>> ports;
    private final List<Map<String, Port>> portsByName;
    private final Map<IpAddress, Port> portsByAddress = new HashMap<>();
    private final Link[] links;
    private final WireCounters problems = new WireCounters();
    private long packetsSent;
    private long bytesSent;
    private long packetsLost;
    private long packetsDelivered;
    private long problemsCounted;
    private int linkFailures;

    /** {@code random} draws the losses (shared with the other parts: one generator per run). */
    LinkLayer(Topology topology, SimConfig config, PacketCodec codec, SplittableRandom random, Timeline timeline) {
        this.timeline = timeline;
        this.config = config;
        this.random = random;
        this.codec = codec;
        int n = topology.nodeCount();
        ports = new ArrayList<>(n);
        portsByName = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ports.add(new ArrayList<>());
            portsByName.add(new HashMap<>());
        }
        links = new Link[topology.links().size()];
        for (int k = 0; k < links.length; k++) {
            Topology.Link l = topology.links().get(k);
            InterfaceType type = config.typeFor(l.type());
            Port a = addPort(l.a(), k, type);
            Port b = addPort(l.b(), k, type);
            links[k] = new Link(a, b, config.lossFor(l.tqAtoB()), config.lossFor(l.tqBtoA()));
        }
    }

    private Port addPort(int node, int link, InterfaceType type) {
        List<Port> own = ports.get(node);
        Port p = new Port(node, link, "l" + link, link + 2, Simulation.linkLocalOf(node, link), type, own.size());
        own.add(p);
        portsByName.get(node).put(p.ifname(), p);
        portsByAddress.put(p.linkLocal(), p);
        return p;
    }

    // ---------------------------------------------------------------- structure

    int nodeCount() {
        return ports.size();
    }

    int linkCount() {
        return links.length;
    }

    /** Node {@code node}'s ports, in the order of their links. */
    List<Port> ports(int node) {
        return ports.get(node);
    }

    /** Node {@code node}'s port named {@code ifname}, or null. */
    Port port(int node, String ifname) {
        return portsByName.get(node).get(ifname);
    }

    /** Node {@code node}'s port with interface index {@code ifindex}, or null. */
    Port portByIndex(int node, int ifindex) {
        for (Port p : ports.get(node)) {
            if (p.ifindex() == ifindex) {
                return p;
            }
        }
        return null;
    }

    /** The port whose link-local address is {@code address}, or null. */
    Port portByAddress(IpAddress address) {
        return portsByAddress.get(address);
    }

    /** The port at the other end of {@code p}'s link. */
    Port peer(Port p) {
        return links[p.link()].peer(p);
    }

    /** Node {@code node}'s end of link {@code link} (which it must be on). */
    Port end(int link, int node) {
        Link l = links[link];
        return l.a.node() == node ? l.a : l.b;
    }

    /** Both ends of link {@code link}, a first. */
    List<Port> ends(int link) {
        return List.of(links[link].a, links[link].b);
    }

    /** The topology index of the (first) link between nodes {@code a} and {@code b}, or -1. */
    int linkBetween(int a, int b) {
        for (Port p : ports.get(a)) {
            if (links[p.link()].peer(p).node() == b) {
                return p.link();
            }
        }
        return -1;
    }

    int checkNode(int node) {
        if (node < 0 || node >= ports.size()) {
            throw new IllegalArgumentException("no node " + node);
        }
        return node;
    }

    int checkLink(int link) {
        if (link < 0 || link >= links.length) {
            throw new IllegalArgumentException("no link " + link);
        }
        return link;
    }

    /** {@code link}, after checking that node {@code node} is on it. */
    int checkPort(int node, int link) {
        checkLink(link);
        if (links[link].a.node() != node && links[link].b.node() != node) {
            throw new IllegalArgumentException("node " + node + " is not on link " + link);
        }
        return link;
    }

    // ---------------------------------------------------------------- state

    boolean up(int link) {
        return links[link].up();
    }

    /** Takes link {@code link} down or up; false when it already was so. Counts the failures. */
    boolean setUp(int link, boolean up) {
        Link l = links[link];
        if (l.up() == up) {
            return false;
        }
        l.setUp(up);
        if (!up) {
            linkFailures++;
        }
        return true;
    }

    void setLoss(int link, double lossAtoB, double lossBtoA) {
        links[link].setLoss(lossAtoB, lossBtoA);
    }

    /** Node {@code node} restarted: its neighbours cannot know it until they hear a Hello or wildcard retraction. */
    void restarted(int node) {
        for (Port p : ports.get(node)) {
            Link link = links[p.link()];
            link.setUnheardAt(link.peer(p), true);
        }
    }

    /** Whether node {@code u} has not heard yet that its neighbour {@code v} restarted (false when no neighbour). */
    boolean unheardRestart(int u, int v) {
        int link = linkBetween(u, v);
        return link >= 0 && links[link].unheardAt(end(link, u));
    }

    // ---------------------------------------------------------------- traffic

    /**
     * Node {@code node} sends {@code tlvs} out of interface {@code ifname} to {@code destination}: each datagram
     * reaches the peer after {@link SimConfig#delay()} unless the link loses it, or the interface is unknown, or the
     * destination is neither multicast nor the peer's address.
     */
    void send(int node, String ifname, IpAddress destination, List<Tlv> tlvs) {
        Port port = portsByName.get(node).get(ifname);
        Link link = port == null ? null : links[port.link()];
        Port peer = link == null ? null : link.peer(port);
        boolean reachesPeer = peer != null && (destination.isMulticast() || destination.equals(peer.linkLocal()));
        for (byte[] datagram : codec.encode(tlvs)) {
            packetsSent++;
            bytesSent += datagram.length;
            if (!reachesPeer || link.drops(port == link.a, random)) {
                packetsLost++;
                continue;
            }
            timeline.at(timeline.now() + config.delay(),
                    new SimEvent.Deliver(peer.node(), peer, destination, datagram));
        }
    }

    /**
     * One packet of an extension leaves by {@code port}: counted with Babel's packets; true when the link is down or
     * loses it.
     */
    boolean loses(Port port) {
        Link link = links[port.link()];
        packetsSent++;
        if (link.drops(port == link.a, random)) {
            packetsLost++;
            return true;
        }
        return false;
    }

    /**
     * Datagram {@code d} arrives, at a node whose engine is {@code running}: what the reader makes of it, or null when
     * it is lost (the link went down meanwhile, or nobody listens). Changes and counts nothing ({@link #arrived} does):
     * the receives of one instant may call it from several threads ({@link Simulation#setThreads}).
     */
    ReadResult read(SimEvent.Deliver d, boolean running) {
        if (!links[d.port().link()].up() || !running) {
            return null;
        }
        return codec.decode(d.datagram());
    }

    /**
     * Counts datagram {@code d}, which {@link #read} made {@code r} of: the packet it carries, or null when it was lost
     * or the reader dropped it. Remembers when it told its receiver that the sender restarted.
     */
    Packet arrived(SimEvent.Deliver d, ReadResult r) {
        if (r == null) {
            packetsLost++;
            return null;
        }
        packetsDelivered++;
        problems.countAll(r.problems());
        problemsCounted += r.problems().size();
        if (r.dropped()) {
            return null;
        }
        if (tellsOfARestart(r.packet())) {
            links[d.port().link()].setUnheardAt(d.port(), false);
        }
        return r.packet();
    }

    /**
     * Whether a packet can tell its receiver that its sender restarted: it carries a Hello (a new seqno sequence) or a
     * wildcard retraction. Nothing else a node sends says which incarnation it is.
     */
    private static boolean tellsOfARestart(Packet packet) {
        for (Tlv tlv : packet.body()) {
            switch (tlv) {
                case Tlv.Hello h -> {
                    return true;
                }
                case Tlv.Update u when u.wildcard() && u.retraction() -> {
                    return true;
                }
                default -> { }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- counters

    long packetsSent() {
        return packetsSent;
    }

    long bytesSent() {
        return bytesSent;
    }

    long packetsLost() {
        return packetsLost;
    }

    long packetsDelivered() {
        return packetsDelivered;
    }

    long problemsCounted() {
        return problemsCounted;
    }

    /** The reader's problem counters over all received datagrams. */
    WireCounters problems() {
        return problems;
    }

    int linkFailures() {
        return linkFailures;
    }
}
