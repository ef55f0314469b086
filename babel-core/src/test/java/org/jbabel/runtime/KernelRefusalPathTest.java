package org.jbabel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jbabel.engine.Action;
import org.jbabel.engine.BabelEngine;
import org.jbabel.engine.EngineConfig;
import org.jbabel.engine.EngineCounters;
import org.jbabel.engine.InterfaceConfig;
import org.jbabel.engine.InterfaceType;
import org.jbabel.wire.RouteKey;
import org.jbabel.engine.RouteView;
import org.jbabel.engine.Time;
import org.jbabel.kernel.Errno;
import org.jbabel.kernel.FibChange;
import org.jbabel.kernel.KernelChanges;
import org.jbabel.kernel.KernelMetric;
import org.jbabel.kernel.KernelRoute;
import org.jbabel.kernel.Link;
import org.jbabel.kernel.LinkKind;
import org.jbabel.kernel.MemoryKernel;
import org.jbabel.kernel.PlacementChoice;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Packet;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's path for routes the kernel refuses, as {@code EngineDriver.endOfTurn} drives it: the engine's FIB updates go
 * through {@link KernelWriter} into an in-memory kernel that refuses like Linux, the refusals go back to the engine
 * ({@link BabelEngine#kernelRefused}), and what the engine does then is carried out in turn.
 */
class KernelRefusalPathTest {

    private static final IpAddress OURS = IpAddress.parse("fe80::1");
    private static final IpAddress OUR_GLOBAL = IpAddress.parse("2001:db8::1");
    private static final IpAddress PEER = IpAddress.parse("fe80::2");
    private static final RouterId PEER_ID = RouterId.parse("02:00:00:ff:fe:00:00:02");
    private static final Prefix P = Prefix.parse("2001:db8:77::/48");

    @TempDir
    Path dir;

    private MemoryKernel kernel;
    private KernelWriter writer;
    private BabelEngine engine;
    private Path log;
    private long now = Time.seconds(100);
    private long clock;
    private final List<Action.Send> sent = new ArrayList<>();

    private void start() throws IOException {
        kernel = new MemoryKernel();
        int eth0 = kernel.addLink("eth0", LinkKind.WIRED, 1500);
        kernel.setLinkState(eth0, true, true);
        kernel.addAddress(eth0, OURS, 64);
        kernel.addAddress(eth0, OUR_GLOBAL, 64);
        log = dir.resolve("jbabeld.log");
        writer = new KernelWriter(kernel, kernel, new DaemonLog(log.toString(), 0), KernelMetric.DEFAULT,
                KernelRoute.TABLE_MAIN, name -> kernel.links().stream().filter(l -> l.name().equals(name))
                        .mapToInt(Link::ifindex).findFirst().orElse(0), fib -> PlacementChoice.plain(), () -> clock);
        writer.start();
        engine = new BabelEngine(RouterId.parse("02:00:00:ff:fe:00:00:01"), 1, EngineConfig.defaults(),
                new SplittableRandom(7));
        engine.interfaceUp(now, InterfaceConfig.of("eth0", eth0, OURS, 1500, InterfaceType.WIRED));
        // Where the route would be announced (split horizon keeps it off eth0).
        int eth1 = kernel.addLink("eth1", LinkKind.WIRED, 1500);
        kernel.setLinkState(eth1, true, true);
        engine.interfaceUp(now, InterfaceConfig.of("eth1", eth1, IpAddress.parse("fe80::11"), 1500,
                InterfaceType.WIRED));
        for (int i = 0; i < 3; i++) {
            receive(new Tlv.Hello(0, 100 + i, 400, List.of()),
                    new Tlv.Ihu(AddressEncoding.IPV6_LINK_LOCAL, 96, 1200, OURS, List.of()));
            run(Time.seconds(4));
        }
    }

    /** One turn of the daemon's loop: actions carried out, kernel changes applied, refusals handed back. */
    private void endOfTurn() {
        for (int turns = 0; turns < 10; turns++) {
            for (Action a : engine.pollActions()) {
                switch (a) {
                    case Action.Send s -> sent.add(s);
                    case Action.FibUpdate u -> writer.update(u);
                    case Action.StateChanged c -> { }
                }
            }
            writer.flush();
            List<Action.FibUpdate> refused = writer.takeRefused();
            if (refused.isEmpty()) {
                return;
            }
            refused.forEach(u -> engine.kernelRefused(now, u));
        }
    }

    private void receive(Tlv... tlvs) {
        engine.receive(now, "eth0", PEER, IpAddress.BABEL_GROUP, Packet.of(List.of(tlvs)));
        endOfTurn();
    }

    private void run(long duration) {
        long end = now + duration;
        while (engine.nextWakeup() <= end) {
            now = Math.max(now, engine.nextWakeup());
            engine.tick(now);
            endOfTurn();
        }
        now = end;
    }

    private static Tlv.Update update(IpAddress nextHop) {
        return new Tlv.Update(AddressEncoding.IPV6, 0, P, Prefix.V6_DEFAULT, 400, 5, 0, PEER_ID, nextHop, List.of());
    }

    private List<Tlv.Update> updatesFor(Prefix p, int from) {
        List<Tlv.Update> out = new ArrayList<>();
        for (Action.Send s : sent.subList(from, sent.size())) {
            s.tlvs().stream().filter(t -> t instanceof Tlv.Update u && u.prefix().equals(p))
                    .forEach(t -> out.add((Tlv.Update) t));
        }
        return out;
    }

    private RouteView route() {
        return engine.routes().stream().filter(r -> r.key().prefix().equals(P)).findFirst().orElseThrow();
    }

    @Test
    void aRouteThroughOurOwnAddressIsRefusedByTheKernelShownNotInstalledLoggedAndNeverAnnounced() throws IOException {
        start();
        int mark = sent.size();
        // The neighbour gives one of our own addresses as next hop: Linux answers EINVAL.
        receive(new Tlv.NextHop(AddressEncoding.IPV6, OUR_GLOBAL, List.of()), update(OUR_GLOBAL));
        run(Time.seconds(1));

        assertThat(kernel.routes(KernelRoute.PROTOCOL_BABEL)).isEmpty();
        assertThat(writer.counters()).containsEntry("fib_add_EINVAL", 1L);
        assertThat(engine.counters().get(EngineCounters.Counter.KERNEL_REFUSED)).isEqualTo(1);
        assertThat(route().installed()).isFalse();
        assertThat(engine.selectedRoutes()).isEmpty();
        assertThat(updatesFor(P, mark)).as("never announced with a finite metric").isNotEmpty()
                .allMatch(Tlv.Update::retraction);
        assertThat(Files.readString(log))
                .contains("route 2001:db8:77::/48 via 2001:db8::1 dev eth0 metric 96 not installed: EINVAL for add");

        // Refreshed through the same next hop: still refused, not tried again.
        receive(new Tlv.NextHop(AddressEncoding.IPV6, OUR_GLOBAL, List.of()), update(OUR_GLOBAL));
        run(Time.seconds(1));
        assertThat(writer.counters()).containsEntry("fib_add_EINVAL", 1L);
        assertThat(route().installed()).isFalse();

        // Through its own address (no Next Hop TLV): installed and announced.
        mark = sent.size();
        receive(update(null));
        run(Time.seconds(1));
        assertThat(kernel.routes(KernelRoute.PROTOCOL_BABEL)).singleElement()
                .satisfies(r -> assertThat(r.nextHop()).isEqualTo(PEER));
        assertThat(route().installed()).isTrue();
        assertThat(engine.selectedRoute(RouteKey.of(P))).isPresent();
        assertThat(updatesFor(P, mark)).isNotEmpty().noneMatch(Tlv.Update::retraction);
    }

    @Test
    void theMemoryKernelRefusesTheGatewaysLinuxRefusesAndTakesTheOthersWhichTheEngineRefuses() throws IOException {
        start();
        int eth0 = kernel.links().stream().filter(l -> l.name().equals("eth0")).findFirst().orElseThrow().ifindex();
        // As Linux 6.1 answers `ip route add … via GW dev D onlink` (with lo up).
        List<String> refused = List.of("::", "::1", "ff02::1", "fe80::1", "2001:db8::1", "0.0.0.0", "127.0.0.1",
                "127.0.0.2", "224.0.0.1", "255.255.255.255");
        for (String gw : refused) {
            IpAddress a = IpAddress.parse(gw);
            Prefix d = a.family() == org.jbabel.wire.Family.V6 ? Prefix.parse("2001:db8:9::/48")
                    : Prefix.parse("10.9.0.0/16");
            assertThat(kernel.applyAll(List.of(FibChange.add(KernelRoute.unicast(d, null, a, eth0, 0)))))
                    .as(gw).singleElement().satisfies(r -> assertThat(r.errno()).isEqualTo(Errno.EINVAL));
        }
        List<IpAddress> taken = new ArrayList<>();
        for (String gw : List.of("240.0.0.1", "255.255.0.3", "0.1.2.3", "10.0.0.2", "2001:db8::2", "fe80::2")) {
            taken.add(IpAddress.parse(gw));
        }
        taken.add(IpAddress.v6(0, 0x0000_ffff_0a00_0001L));
        int n = 0;
        for (IpAddress gw : taken) {
            n++;
            Prefix d = gw.family() == org.jbabel.wire.Family.V6 ? Prefix.parse("2001:db8:" + n + "::/48")
                    : Prefix.parse("10." + n + ".0.0/16");
            assertThat(kernel.applyAll(List.of(FibChange.add(KernelRoute.unicast(d, null, gw, eth0, 0)))))
                    .singleElement().satisfies(r -> assertThat(r.ok()).as("%s", gw).isTrue());
        }
        assertThat(taken).as("what the engine refuses on input instead").filteredOn(IpAddress::canBeNextHop)
                .containsExactly(IpAddress.parse("10.0.0.2"), IpAddress.parse("2001:db8::2"), IpAddress.parse("fe80::2"));
    }

    @Test
    void refusalsAreLoggedAtMostTenAMinuteAndTheRestCounted() throws IOException {
        start();
        for (int i = 0; i < 15; i++) {
            writer.update(new Action.FibUpdate(Action.FibOp.ADD, RouteKey.of(Prefix.parse("2001:db8:" + (i + 1)
                    + "::/48")), IpAddress.parse("::1"), "eth0", 96));
        }
        writer.flush();
        assertThat(writer.takeRefused()).hasSize(15);
        assertThat(writer.takeRefused()).as("each handed back once").isEmpty();
        assertThat(Files.readAllLines(log)).filteredOn(l -> l.contains("not installed:")).hasSize(10);

        clock += Time.seconds(61);
        writer.flush();
        assertThat(Files.readString(log)).as("counted at the end of the minute, even with no refusal since")
                .contains("kernel refused 5 more routes in the last minute");
        writer.update(new Action.FibUpdate(Action.FibOp.ADD, RouteKey.of(Prefix.parse("2001:db8:99::/48")),
                IpAddress.parse("::1"), "eth0", 96));
        writer.flush();
        assertThat(Files.readString(log)).contains("kernel refused 5 more routes in the last minute");
        assertThat(Files.readAllLines(log)).filteredOn(l -> l.contains("not installed:")).hasSize(11);
    }

    @Test
    void onlyAnswersThatLeaveTheRouteOutOfTheKernelAreRefusals() {
        KernelRoute r = KernelRoute.unicast(P, null, PEER, 2, 0);
        assertThat(FibWriter.refusesRoute(new KernelChanges.Result(FibChange.add(r), Errno.EINVAL))).isTrue();
        assertThat(FibWriter.refusesRoute(new KernelChanges.Result(FibChange.replace(r), Errno.ENODEV))).isTrue();
        assertThat(FibWriter.refusesRoute(new KernelChanges.Result(FibChange.add(r), Errno.EEXIST))).isFalse();
        assertThat(FibWriter.refusesRoute(new KernelChanges.Result(FibChange.add(r), Errno.ENOBUFS))).isFalse();
        assertThat(FibWriter.refusesRoute(new KernelChanges.Result(FibChange.add(r), Errno.ETIMEDOUT))).isFalse();
        assertThat(FibWriter.refusesRoute(new KernelChanges.Result(FibChange.remove(r), Errno.ESRCH))).isFalse();
        assertThat(FibWriter.refusesRoute(new KernelChanges.Result(FibChange.add(r), 0))).isFalse();
    }
}
