package org.jbabel.xlat.nat64;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import org.jbabel.extension.Extension;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.KernelAccess;
import org.jbabel.extension.Network;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.RouteType;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.xlat.translate.AddressMapper;
import org.jbabel.xlat.translate.Flow;
import org.jbabel.xlat.translate.Result;
import org.jbabel.xlat.translate.Translator;
import org.jbabel.xlat.translate.TranslatorConfig;

/**
 * A NAT64 exit (docs/XLAT.md, decision 9): takes the outside address A4 (given, or the exit address DDHCP claims),
 * routes A4/32 and its /96 {@code XP(A4)} into the TUN device {@code nat64}, answers ARP for A4 on the uplink (a
 * proxy entry), originates {@code XP(A4)} in Babel, and translates statefully: {@link Nat64Sessions} decides the
 * outside port of each inside flow and the inside end of each packet from outside, the stateless {@link Translator}
 * rewrites the packets. Everything runs on the host's thread.
 */
public final class Nat64 implements Extension {

    /** The kernel protocol number of the routes this extension writes. */
    public static final int PROTOCOL = 160;
    /** The TUN device. */
    static final String DEVICE = "nat64";
    /** The device's MTU: the larger of the two sides (IPv4 Ethernet uplinks); the mesh side is the config's. */
    static final int DEVICE_MTU = 1500;
    /** The IPv6 side's path MTU (the mesh, as NAT426's default). */
    static final int MESH_MTU = 1280;
    private static final long SECOND = 1_000_000_000L;

    private final Nat64Settings settings;
    private Supplier<Optional<IpAddress>> exitAddress = Optional::empty;
    private Prefix metaprefix;

    private ExtensionContext c;
    private ExitPrefix plan;
    private Nat64Sessions tables;
    private Network.PacketDevice tun;
    private KernelAccess.OwnRoutes own;
    private int uplinkIndex;
    private IpAddress outside;
    private int e;
    private Prefix exitPrefix;
    private Translator translator;
    private final Result result = new Result();
    private boolean waitingLogged;

    public Nat64(Nat64Settings settings) {
        this.settings = settings;
        this.metaprefix = settings.metaprefix();
    }

    /** Where the outside address comes from when none is configured: DDHCP's exit address (joined in cli). */
    public void exitAddressFrom(Supplier<Optional<IpAddress>> source) {
        this.exitAddress = source;
    }

    /** The metaprefix when the {@code nat64} lines give none: the {@code nat426} line's (joined in cli). */
    public void defaultMetaprefix(Prefix prefix) {
        if (metaprefix == null) {
            metaprefix = prefix;
        }
    }

    @Override
    public void start(ExtensionContext context) throws IOException {
        this.c = context;
        if (metaprefix == null) {
            throw new IOException("nat64 needs a metaprefix: 'nat64 metaprefix PREFIX', or a nat426 line");
        }
        plan = new ExitPrefix(metaprefix);
        uplinkIndex = c.kernel().ifindex(settings.uplink());
        tables = Nat64Sessions.of(settings, c.counters());
        own = c.kernel().ownRoutes(PROTOCOL);
        tun = settings.tunDevice() ? c.network().tun(DEVICE, DEVICE_MTU, this::packet)
                : c.network().bulkTun(DEVICE, DEVICE_MTU, this::packet);
        c.every(SECOND, SECOND, this::tick);
        c.control().command("sessions", "sessions [--json]: the NAT64 sessions",
                args -> Nat64Control.sessions(tables, outside, c.now(), args));
        if (settings.address() != null) {
            take(settings.address());
        } else {
            tick();
        }
    }

    /** Every second: expired sessions go; the outside address follows DDHCP's exit address. */
    private void tick() {
        tables.poll(c.now());
        if (settings.address() != null) {
            return;
        }
        Optional<IpAddress> now = exitAddress.get();
        if (now.isEmpty() && outside == null && !waitingLogged) {
            waitingLogged = true;
            c.log().info("waiting for DDHCP's exit address ('ddhcp exit', or give 'nat64 exit uplink IF address A4')");
        }
        if (!now.equals(Optional.ofNullable(outside))) {
            if (outside != null) {
                release();
            }
            if (now.isPresent()) {
                try {
                    take(now.get());
                } catch (IOException ex) {
                    c.counters().increment("kernel_error");
                    c.log().info("cannot take exit address " + now.get() + ": " + ex.getMessage());
                    release();
                }
            }
        }
    }

    /** Takes {@code a} as the outside address: routes, proxy entry, translator, the /96 originated. */
    private void take(IpAddress a) throws IOException {
        if (a.family() != Family.V4) {
            throw new IOException("the NAT64 outside address must be IPv4: " + a);
        }
        outside = a;
        e = a.v4Bits();
        exitPrefix = plan.exitPrefix(e);
        own.add(route(exitPrefix));
        own.add(route(Prefix.host(a)));
        c.kernel().putProxyNeighbour(uplinkIndex, a);
        translator = new Translator(TranslatorConfig.of(a, plan.address(e, e))
                .withMtus(MESH_MTU, DEVICE_MTU, MESH_MTU), new Mapper());
        c.babel().originate(exitPrefix, 0);
        c.log().info("exit " + a + " on " + settings.uplink() + ", prefix " + exitPrefix);
    }

    /** Gives the outside address up (DDHCP lost it or changed it): its sessions end with it. */
    private void release() {
        c.babel().withdraw(exitPrefix);
        try {
            own.remove(route(exitPrefix));
            own.remove(route(Prefix.host(outside)));
            c.kernel().removeProxyNeighbour(uplinkIndex, outside);
        } catch (IOException ex) {
            c.counters().increment("kernel_error");
            c.log().info("releasing " + outside + ": " + ex.getMessage());
        }
        c.log().info("exit address " + outside + " given up");
        outside = null;
        translator = null;
        tables = Nat64Sessions.of(settings, c.counters());
    }

    private KernelRoute route(Prefix p) {
        return new KernelRoute(p, null, null, tun.ifindex(), 0, KernelRoute.TABLE_MAIN, PROTOCOL, RouteType.UNICAST,
                null);
    }

    /** A packet the kernel routed into the device: IPv6 from the mesh for XP(A4), or IPv4 from outside for A4. */
    private void packet(byte[] p) {
        if (translator == null || p.length == 0) {
            c.counters().increment("dropped_no_address");
            return;
        }
        int version = (p[0] & 0xff) >>> 4;
        if (version == 6) {
            translator.translate6to4(p, 0, p.length, result);
        } else if (version == 4) {
            translator.translate4to6(p, 0, p.length, result);
        } else {
            c.counters().increment("dropped_not_ip");
            return;
        }
        switch (result.kind()) {
            case PACKETS, ERROR -> {
                // translated packets go on; an error goes back towards the sender: the kernel routes both
                for (int i = 0; i < result.count(); i++) {
                    if (!tun.write(result.buffer(), result.offset(i), result.length(i))) {
                        c.counters().increment("device_write_failed");
                    }
                }
                if (result.kind() == Result.Kind.ERROR) {
                    c.counters().increment("error_" + result.drop().counter());
                }
            }
            case DROPPED -> c.counters().increment("dropped_" + result.drop().counter());
        }
    }

    /** The sessions, for tests. */
    public Nat64Sessions tables() {
        return tables;
    }

    @Override
    public void stop() {
        if (outside != null) {
            try {
                c.kernel().removeProxyNeighbour(uplinkIndex, outside);
            } catch (IOException ex) {
                c.log().info("removing the proxy entry for " + outside + ": " + ex.getMessage());
            }
        }
        // the host withdraws the /96, removes the routes and closes the device
    }

    /** The translator's address and port mapping, backed by the sessions. */
    private final class Mapper implements AddressMapper {

        /** From inside (the mesh) out: the session of the flow, made when new (never for a quoted packet). */
        @Override
        public Mapping map6to4(Flow f) {
            if (!plan.inExit(e, hi(f.dst6), lo(f.dst6))) {
                return Mapping.DESTINATION_UNMAPPABLE;
            }
            int remote = ExitPrefix.ipv4(lo(f.dst6));
            if (f.icmpError) {
                // an error from inside (the client or a mesh router) about a packet from outside: from A4
                f.src4 = e;
                f.dst4 = remote;
                return Mapping.MAPPED;
            }
            Nat64Sessions.Protocol protocol = protocol(f);
            if (protocol == null) {
                return Mapping.DROP;
            }
            int port = protocol == Nat64Sessions.Protocol.ICMP ? f.queryId : f.srcPort;
            int s;
            if (f.inner) {
                s = tables.findInside(protocol, hi(f.src6), lo(f.src6), port, remote, f.dstPort);
                if (s < 0) {
                    return Mapping.DROP;
                }
            } else {
                s = tables.outbound(c.now(), protocol, hi(f.src6), lo(f.src6), port, remote, f.dstPort, f.tcpFlags);
                if (Nat64Sessions.isDrop(s)) {
                    Nat64Sessions.Drop d = Nat64Sessions.drop(s);
                    return d == Nat64Sessions.Drop.SESSIONS_MAX || d == Nat64Sessions.Drop.PORTS_EXHAUSTED
                            ? Mapping.PROHIBITED : Mapping.DROP;
                }
            }
            f.src4 = e;
            f.dst4 = remote;
            if (protocol == Nat64Sessions.Protocol.ICMP) {
                f.queryId = tables.outsidePort(s);
            } else {
                f.srcPort = tables.outsidePort(s);
            }
            return Mapping.MAPPED;
        }

        /** From outside in: only to the sessions' inside ends. */
        @Override
        public Mapping map4to6(Flow f) {
            if (f.icmpError) {
                // an error from an outside router about a packet of a session: to that session's inside end
                if (f.quoted == null) {
                    return Mapping.DROP;
                }
                plan.write(f.src6, 0, e, f.src4);
                System.arraycopy(f.quoted.src6, 0, f.dst6, 0, 16); // the error goes where the quoted packet came from
                return Mapping.MAPPED;
            }
            if (f.dst4 != e) {
                return Mapping.DESTINATION_UNMAPPABLE;
            }
            Nat64Sessions.Protocol protocol = protocol(f);
            if (protocol == null) {
                return Mapping.DROP;
            }
            int port = protocol == Nat64Sessions.Protocol.ICMP ? f.queryId : f.dstPort;
            int s = f.inner ? tables.findOutside(protocol, port, f.src4, f.srcPort)
                    : tables.inbound(c.now(), protocol, f.src4, f.srcPort, port, f.tcpFlags);
            if (s < 0) {
                return Mapping.DROP;
            }
            plan.write(f.src6, 0, e, f.src4);
            long insideHigh = tables.insideHigh(s);
            long insideLow = tables.insideLow(s);
            for (int i = 0; i < 8; i++) {
                f.dst6[i] = (byte) (insideHigh >>> (56 - 8 * i));
                f.dst6[8 + i] = (byte) (insideLow >>> (56 - 8 * i));
            }
            if (protocol == Nat64Sessions.Protocol.ICMP) {
                f.queryId = tables.insidePort(s);
            } else {
                f.dstPort = tables.insidePort(s);
            }
            return Mapping.MAPPED;
        }

        private static Nat64Sessions.Protocol protocol(Flow f) {
            return switch (f.protocol) {
                case Flow.TCP -> f.hasPorts ? Nat64Sessions.Protocol.TCP : null;
                case Flow.UDP -> f.hasPorts ? Nat64Sessions.Protocol.UDP : null;
                case Flow.ICMP -> f.queryId >= 0 ? Nat64Sessions.Protocol.ICMP : null;
                default -> null;
            };
        }
    }

    private static long hi(byte[] a) {
        return word(a, 0);
    }

    private static long lo(byte[] a) {
        return word(a, 8);
    }

    private static long word(byte[] a, int at) {
        long w = 0;
        for (int i = 0; i < 8; i++) {
            w = (w << 8) | (a[at + i] & 0xff);
        }
        return w;
    }
}
