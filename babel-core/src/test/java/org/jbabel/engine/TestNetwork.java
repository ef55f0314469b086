package org.jbabel.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/**
 * A tiny deterministic network of engines for behaviour tests: a virtual clock, links that deliver each Send's TLVs
 * as {@code Packet.of(tlvs)} after a delay (1 ms unless the link says otherwise) to the engines on the same link (multicast to all others, unicast to the
 * addressed one), optional loss and per-node filters, and a FIB mirror per node built from the FibUpdates.
 */
final class TestNetwork {
    static final long DELAY = Time.millis(1);

    final class Node {
        final String name;
        final int index;
        final BabelEngine engine;
        final Map<String, InterfaceConfig> ifaces = new LinkedHashMap<>();
        final Map<RouteKey, Action.FibUpdate> fib = new LinkedHashMap<>();
        final List<Action> log = new ArrayList<>();
        /** TLVs this node sends pass this filter (default: all). */
        Predicate<Tlv> outgoing = t -> true;
        /** The FIB entries (ADD or REPLACE) this node's kernel refuses: the engine hears of it (default: none). */
        Predicate<Action.FibUpdate> kernelRefuses = f -> false;
        boolean running = true;
        /** The engine's nextWakeup(), refreshed after every call into it. */
        long wakeup = Long.MIN_VALUE;
        /** The errors the engine survived (TLVs and observers that threw), with their exceptions (see drain). */
        final List<RuntimeException> survived = new ArrayList<>();

        Node(String name, int index, long seed, EngineConfig config) {
            this.name = name;
            this.index = index;
            this.engine = new BabelEngine(new RouterId(0x0200_0000_0000_0000L | index), 1000 + index,
                    config, new SplittableRandom(seed));
            engine.setErrorReporter((what, e) -> survived.add(new IllegalStateException(what, e)));
        }

        IpAddress linkLocal(String ifname) {
            return ifaces.get(ifname).linkLocal();
        }

        Action.FibUpdate fib(String prefix) {
            return fib.get(RouteKey.of(Prefix.parse(prefix)));
        }

        /** The FIB entry for the prefix when it routes somewhere; null when there is none or it is unreachable. */
        Action.FibUpdate routes(String prefix) {
            Action.FibUpdate f = fib(prefix);
            return f == null || f.unreachable() ? null : f;
        }

        /** Whether the FIB holds the prefix as unreachable (a retracted route's hold time). */
        boolean held(String prefix) {
            Action.FibUpdate f = fib(prefix);
            return f != null && f.unreachable();
        }

        void originate(String prefix) {
            engine.originate(now, RouteKey.of(Prefix.parse(prefix)), 0);
            drain(this);
        }

        void withdraw(String prefix) {
            engine.withdraw(now, RouteKey.of(Prefix.parse(prefix)));
            drain(this);
        }

        /** Delivers a packet to this node as if {@code from} had sent it on the given link. */
        void inject(Node from, String link, IpAddress destination, Tlv... tlvs) {
            engine.receive(now, link, from.linkLocal(link), destination, Packet.of(List.of(tlvs)));
            drain(this);
        }

        List<Action.Send> sends() {
            List<Action.Send> result = new ArrayList<>();
            for (Action a : log) {
                if (a instanceof Action.Send s) {
                    result.add(s);
                }
            }
            return result;
        }

        List<Tlv> sentTlvs() {
            List<Tlv> result = new ArrayList<>();
            for (Action.Send s : sends()) {
                result.addAll(s.tlvs());
            }
            return result;
        }

        NeighbourView neighbour(Node other, String link) {
            for (NeighbourView v : engine.neighbours()) {
                if (v.address().equals(other.linkLocal(link))) {
                    return v;
                }
            }
            return null;
        }

        /** Stops this node without a goodbye (power cut). */
        void crash() {
            running = false;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    final class Link {
        final String name;
        final InterfaceType type;
        final List<Node> nodes = new ArrayList<>();
        double loss;
        boolean up = true;
        /** False for links that deliver no multicast (WireGuard-like): only unicast packets arrive. */
        boolean multicast = true;
        /** One-way delay of every packet on this link. */
        long delay = DELAY;

        Link(String name, InterfaceType type) {
            this.name = name;
            this.type = type;
        }
    }

    private record Delivery(long time, long order, Node to, String ifname, IpAddress source, IpAddress destination,
            Packet packet) {}

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Link> links = new LinkedHashMap<>();
    private final PriorityQueue<Delivery> inFlight = new PriorityQueue<>(
            Comparator.comparingLong(Delivery::time).thenComparingLong(Delivery::order));
    private final SplittableRandom lossRandom;
    private final long seed;
    private long order;
    long now = Time.seconds(1000);

    TestNetwork(long seed) {
        this.seed = seed;
        this.lossRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    Node node(String name) {
        return node(name, EngineConfig.defaults());
    }

    /** A node with its own engine settings (the settings only count when the node is created). */
    Node node(String name, EngineConfig config) {
        return nodes.computeIfAbsent(name, n -> new Node(n, nodes.size() + 1, seed * 31 + nodes.size(), config));
    }

    Node get(String name) {
        return nodes.get(name);
    }

    /** Creates a link (interface name = link name on every node) and brings the interfaces up now. */
    Link link(String name, InterfaceType type, Node... members) {
        return link(name, type, c -> c, members);
    }

    /** As {@link #link(String, InterfaceType, Node...)}, each member's interface configuration passed through tweak. */
    Link link(String name, InterfaceType type, UnaryOperator<InterfaceConfig> tweak, Node... members) {
        Link l = new Link(name, type);
        links.put(name, l);
        for (Node n : members) {
            l.nodes.add(n);
            IpAddress ll = IpAddress.v6(0xfe80_0000_0000_0000L, ((long) n.index << 16) | links.size());
            InterfaceConfig cfg = new InterfaceConfig(name, links.size(), ll, null, 1500, type,
                    InterfaceConfig.DEFAULT_HELLO_INTERVAL, 4 * InterfaceConfig.DEFAULT_HELLO_INTERVAL);
            n.ifaces.put(name, tweak.apply(cfg));
        }
        for (Node n : members) {
            n.engine.interfaceUp(now, n.ifaces.get(name));
            drain(n);
        }
        return l;
    }

    Link link(String name) {
        return links.get(name);
    }

    /** Runs the network for {@code duration} of virtual time. */
    void run(long duration) {
        runUntil(now + duration);
    }

    void runUntil(long end) {
        // Tests may have called an engine directly: take its actions and its wakeup time first.
        for (Node n : nodes.values()) {
            drain(n);
        }
        int stalled = 0;
        while (true) {
            long next = Long.MAX_VALUE;
            if (!inFlight.isEmpty()) {
                next = inFlight.peek().time();
            }
            for (Node n : nodes.values()) {
                if (n.running) {
                    next = Math.min(next, n.wakeup);
                }
            }
            if (next > end) {
                now = end;
                return;
            }
            if (next <= now && ++stalled > 100_000) {
                throw new AssertionError("an engine keeps asking to be woken at " + now + " without progress");
            }
            if (next > now) {
                stalled = 0;
            }
            now = Math.max(now, next);
            while (!inFlight.isEmpty() && inFlight.peek().time() <= now) {
                Delivery d = inFlight.poll();
                if (d.to().running) {
                    d.to().engine.receive(now, d.ifname(), d.source(), d.destination(), d.packet());
                    drain(d.to());
                }
            }
            for (Node n : nodes.values()) {
                if (n.running && n.wakeup <= now) {
                    n.engine.tick(now);
                    drain(n);
                }
            }
        }
    }

    /** Takes a node's actions: Sends go on the wire, FibUpdates into its FIB mirror. */
    void drain(Node n) {
        if (n.engine.counters().get(EngineCounters.Counter.TLV_ERROR) != 0) {
            AssertionError failure = new AssertionError(n + ": processing a TLV threw inside the engine");
            n.survived.forEach(failure::addSuppressed);
            throw failure;
        }
        n.wakeup = n.engine.nextWakeup();
        List<Action.FibUpdate> refused = new ArrayList<>();
        for (Action a : n.engine.pollActions()) {
            n.log.add(a);
            switch (a) {
                case Action.Send s -> transmit(n, s);
                case Action.FibUpdate f -> {
                    if (f.op() == Action.FibOp.REMOVE) {
                        n.fib.remove(f.key());
                    } else if (n.kernelRefuses.test(f)) {
                        refused.add(f);
                    } else {
                        n.fib.put(f.key(), f);
                    }
                }
                case Action.StateChanged c -> { }
            }
        }
        for (Action.FibUpdate f : refused) {
            n.engine.kernelRefused(now, f);
        }
        if (!refused.isEmpty()) {
            drain(n);
        }
    }

    private void transmit(Node from, Action.Send s) {
        Link l = links.get(s.ifname());
        if (l == null || !l.up || !from.running) {
            return;
        }
        List<Tlv> tlvs = s.tlvs().stream().filter(from.outgoing).toList();
        if (tlvs.isEmpty()) {
            return;
        }
        IpAddress source = from.linkLocal(s.ifname());
        for (Node to : l.nodes) {
            if (to == from) {
                continue;
            }
            boolean addressed = s.destination().isMulticast()
                    ? l.multicast
                    : s.destination().equals(to.linkLocal(s.ifname()));
            if (!addressed || (l.loss > 0 && lossRandom.nextDouble() < l.loss)) {
                continue;
            }
            inFlight.add(new Delivery(now + l.delay, order++, to, s.ifname(), source, s.destination(), Packet.of(tlvs)));
        }
    }
}
