package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;

/**
 * Random sequences of every input, with small bounds so that refusals happen: the engine never throws, and what it
 * has announced, routed and put on lo is always exactly what its clients need.
 */
class EngineInvariantsTest {

    static final long MS = 1_000_000L;
    static final IpAddress OTHER = IpAddress.parse("fd00::b");

    @Property(tries = 300)
    void effectsAlwaysMatchTheClients(@ForAll long seed) {
        Random r = new Random(seed);
        RecordingOutput out = new RecordingOutput();
        Set<IpAddress> elsewhere = new HashSet<>();
        out.elsewhere = elsewhere::contains;
        L3roamdSettings.Bounds bounds = new L3roamdSettings.Bounds(4, 3, 3, Duration.ofSeconds(300), 2, 2, 16, 3,
                2000, Duration.ofSeconds(5), 3);
        L3roamdEngine engine = new L3roamdEngine(L3roamdSettings.of(L3roamdEngineTest.PREFIXES,
                IpAddress.parse("fd00::a"), MacAddress.parse("02:00:00:00:00:0a")).withBounds(bounds), r, out);
        long now = 0;
        for (int step = 0; step < 300; step++) {
            now += r.nextInt(400) * MS;
            MacAddress mac = new MacAddress(r.nextInt(6));
            IpAddress address = address(r);
            switch (r.nextInt(16)) {
                case 0 -> engine.macSeen(now, mac);
                case 1, 2, 3 -> engine.addressSeen(now, mac, address);
                case 4 -> engine.neighbourGone(now, address);
                case 5 -> engine.neighbourProbeFailed(now, address);
                case 6 -> engine.dadSeen(now, address);
                case 7 -> engine.stationGone(now, mac);
                case 8 -> engine.datagram(now, L3roamdEngineTest.claim(OTHER, r.nextInt(8), mac));
                case 9 -> engine.datagram(now, L3roamdEngineTest.info(OTHER, r.nextInt(8), mac, address(r),
                        address(r)));
                case 10 -> engine.datagram(now, L3roamdEngineTest.ack(OTHER, r.nextInt(8), mac));
                case 11 -> engine.datagram(now, L3roamdEngineTest.seek(1 + r.nextInt(3), r.nextInt(8), OTHER,
                        address));
                case 12 -> engine.tunPacket(now, address.family() == org.jbabel.wire.Family.V6
                        ? L3roamdEngineTest.ipv6Packet(IpAddress.parse("2001:db8:99::1"), address, 40 + r.nextInt(600))
                        : new byte[] {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 9, 0, 1, 10, 0, 0,
                            (byte) address.v4Bits()});
                case 13 -> engine.hostRouteAppeared(now, address);
                case 14 -> {
                    IpAddress n = NodeClientAddress.of(mac, NodeClientAddress.DEFAULT_PREFIX);
                    if (!elsewhere.remove(n)) {
                        elsewhere.add(n);
                    }
                }
                default -> {
                    byte[] junk = new byte[r.nextInt(60)];
                    r.nextBytes(junk);
                    engine.datagram(now, junk);
                }
            }
            for (long d = engine.nextDeadline(); d <= now; d = engine.nextDeadline()) {
                engine.tick(d);
            }
            check(engine, out, bounds);
        }
        engine.stop(now);
        assertThat(out.originated).isEmpty();
        assertThat(out.routes).isEmpty();
        assertThat(out.onLo).isEmpty();
    }

    static IpAddress address(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> IpAddress.v6(0x2001_0db8_0000_0000L, r.nextInt(8));
            case 1 -> IpAddress.v4(0x0a00_0000 | r.nextInt(4));
            default -> IpAddress.v6(0xfe80_0000_0000_0000L, r.nextInt(3));
        };
    }

    static void check(L3roamdEngine engine, RecordingOutput out, L3roamdSettings.Bounds bounds) {
        Set<Prefix> announced = new HashSet<>();
        Set<IpAddress> routed = new HashSet<>();
        Set<IpAddress> lo = new HashSet<>();
        List<L3roamdEngine.ClientView> clients = engine.clients();
        assertThat(clients.size()).isLessThanOrEqualTo(bounds.clients());
        for (L3roamdEngine.ClientView c : clients) {
            assertThat(c.addresses().size()).isLessThanOrEqualTo(bounds.addressesPerClient());
            if (c.ownsNodeClientAddress()) {
                lo.add(c.nodeClientAddress());
                announced.add(Prefix.host(c.nodeClientAddress()));
            }
            for (IpAddress a : c.addresses().keySet()) {
                assertThat(routed.add(a)).as("an address belongs to one client").isTrue();
                if (!a.isLinkLocal()) {
                    announced.add(Prefix.host(a));
                }
                assertThat(out.routes).containsEntry(a, c.mac().toString());
            }
        }
        announced.addAll(engine.handingOver()); // make before break: until the claimer's ACK
        assertThat(out.originated).isEqualTo(announced);
        assertThat(out.routes.keySet()).isEqualTo(routed);
        assertThat(out.onLo).isEqualTo(lo);
        assertThat(engine.oldClients()).isLessThanOrEqualTo(bounds.oldClients());
        assertThat(engine.queuedPackets()).isLessThanOrEqualTo(bounds.sought() * bounds.queuedPerDestination());
    }
}
