package org.jbabel.runtime;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jbabel.engine.Action;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.EngineLimits;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.InterfaceType;
import org.jbabel.engine.Time;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;

/**
 * Measures the live heap one learned route costs the daemon: an engine learns N host routes from one neighbour on
 * eth0 (as in the route flood of issue 8), selects and installs them, announces them on eth1 (so each gets its
 * feasibility distance), and the daemon's {@link FibWriter} keeps the kernel route of each. The heap in use after a
 * full collection, before and after, divided by N. Run by {@code RouteFootprintTest} in a JVM with the daemon's
 * collector and object layout; {@code java -cp ... org.jbabel.runtime.RouteFootprint [N]} by hand.
 *
 * <p>Prints {@code bytes_per_route B} and {@code bytes_per_retracted_route B} (the same routes after the neighbour
 * retracted them all: the routes held retracted, the kernel routes gone, the seqno requests and update resends the
 * loss started, at their caps).
 */
public final class RouteFootprint {

    private RouteFootprint() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        EngineLimits limits = EngineLimits.defaults().withRoutes(n, n).withSources(n);
        BabelEngine engine = new BabelEngine(new RouterId(1), 1, EngineConfig.defaults().withLimits(limits),
                new SplittableRandom(1));
        FibWriter writer = new FibWriter(KernelMetric.DEFAULT, 254, name -> name.equals("eth0") ? 2 : 3,
                PlacementChoice.plain());
        IpAddress ours = IpAddress.parse("fe80::1");
        IpAddress peer = IpAddress.parse("fe80::2");
        long now = Time.seconds(1000);
        engine.interfaceUp(now, InterfaceConfig.of("eth0", 2, ours, 1500, InterfaceType.WIRED));
        engine.interfaceUp(now, InterfaceConfig.of("eth1", 3, IpAddress.parse("fe80::3"), 1500, InterfaceType.WIRED));
        engine.receive(now, "eth0", peer, IpAddress.BABEL_GROUP, Packet.of(List.of(
                new Tlv.Hello(0, 100, 400, List.of()),
                new Tlv.Ihu(AddressEncoding.IPV6_LINK_LOCAL, 96, 1200, ours, List.of()))));
        engine.receive(now, "eth0", peer, IpAddress.BABEL_GROUP,
                Packet.of(List.of(new Tlv.Hello(0, 101, 400, List.of()))));
        now = settle(engine, writer, now);
        long before = usedAfterGc();

        RouterId source = new RouterId(0x0BAD_0000_0000_0001L);
        List<Tlv> packet = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Prefix p = Prefix.host(IpAddress.v6(0x2001_0db8_f000_0000L, k));
            packet.add(new Tlv.Update(AddressEncoding.IPV6, 0, p, Prefix.zero(p.family()), 400, 1, 0, source, null,
                    List.of()));
            if (packet.size() == 50 || k == n - 1) {
                engine.receive(now, "eth0", peer, IpAddress.BABEL_GROUP, Packet.of(packet));
                packet = new ArrayList<>();
                carryOut(engine, writer);
            }
        }
        now = settle(engine, writer, now);
        long learned = usedAfterGc();
        if (writer.installed().size() != n || engine.selectedRoutes().size() != n) {
            throw new IllegalStateException("expected " + n + " installed routes, got " + writer.installed().size());
        }

        engine.receive(now, "eth0", peer, IpAddress.BABEL_GROUP, Packet.of(List.of(new Tlv.Update(
                AddressEncoding.WILDCARD, 0, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, 0xFFFF, 2, 0xFFFF, source, null,
                List.of()))));
        now = settle(engine, writer, now);
        long retracted = usedAfterGc();

        System.out.println("routes " + n);
        System.out.println("bytes_per_route " + (learned - before) / n);
        System.out.println("bytes_per_retracted_route " + (retracted - before) / n);
        System.out.println("heap_max " + Runtime.getRuntime().maxMemory());
        Reference.reachabilityFence(engine);
        Reference.reachabilityFence(writer);
    }

    /** Lets the engine flush what it buffered (announcements set the feasibility distances) and the writer take it. */
    private static long settle(BabelEngine engine, FibWriter writer, long now) {
        long t = now + Time.millis(100);
        engine.tick(t);
        carryOut(engine, writer);
        return t;
    }

    private static void carryOut(BabelEngine engine, FibWriter writer) {
        for (Action a : engine.pollActions()) {
            if (a instanceof Action.FibUpdate u) {
                writer.changesFor(u);
            }
        }
    }

    private static long usedAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int k = 0; k < 5; k++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
