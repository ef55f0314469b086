package org.jbabel.roaming.mmfd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MmfdEngineTest {

    private static final IpAddress A = IpAddress.parse("fe80::a");
    private static final IpAddress B = IpAddress.parse("fe80::b");
    private static final IpAddress C = IpAddress.parse("fe80::c");
    private static final IpAddress OWN = IpAddress.parse("fe80::1");
    private static final long S = 1_000_000_000L;

    private MmfdEngine engine;
    private RecordingOutput out;

    @BeforeEach
    void setUp() {
        engine = new MmfdEngine(new SplittableRandom(1));
        engine.addInterface(2, "eth0");
        engine.addInterface(3, "eth1");
        out = new RecordingOutput();
    }

    private void hello(long now, IpAddress from, int ifindex) {
        engine.receive(now, from, MmfdEngine.GROUP, ifindex, Packets.hello(from.lo() * 31 + now), out);
    }

    @Test
    void aHelloAddsANeighbourThatAnotherHelloKeepsAndSilenceRemovesAfterFiftySeconds() {
        hello(0, A, 2);
        assertThat(engine.neighbours()).singleElement().satisfies(n -> {
            assertThat(n.address()).isEqualTo(A);
            assertThat(n.ifindex()).isEqualTo(2);
            assertThat(n.ifname()).isEqualTo("eth0");
            assertThat(n.expires()).isEqualTo(50 * S);
        });
        long id = engine.neighbours().getFirst().id();
        hello(30 * S, A, 2);
        assertThat(engine.neighbours()).singleElement().satisfies(n -> {
            assertThat(n.id()).isEqualTo(id);
            assertThat(n.expires()).isEqualTo(80 * S);
        });
        engine.expire(80 * S - 1, out);
        assertThat(engine.neighbours()).hasSize(1);
        engine.expire(80 * S, out);
        assertThat(engine.neighbours()).isEmpty();
        assertThat(out.counter("neighbour_added")).isEqualTo(1);
        assertThat(out.counter("neighbour_expired")).isEqualTo(1);
        assertThat(out.counter("hello_received")).isEqualTo(2);
        assertThat(engine.nextExpiry()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theSameAddressOnTwoInterfacesIsTwoNeighbours() {
        hello(0, A, 2);
        hello(0, A, 3);
        assertThat(engine.neighbours()).extracting(MmfdEngine.Neighbour::ifname).containsExactly("eth0", "eth1");
    }

    @Test
    void helloGoesToTheGroupOnEveryInterfaceWithOneEightByteNonceThatIsNotTakenBackAsANeighbour() {
        engine.hello(out);
        assertThat(out.sends).hasSize(2);
        assertThat(out.sends).allSatisfy(s -> {
            assertThat(s.destination()).isEqualTo(MmfdEngine.GROUP);
            assertThat(s.datagram()).hasSize(8);
        });
        assertThat(out.sends).extracting(RecordingOutput.Send::ifindex).containsExactly(2, 3);
        assertThat(out.sends.get(0).datagram()).isEqualTo(out.sends.get(1).datagram());
        // our own HELLO coming back (a loop-back, or two of our interfaces on one link)
        engine.receive(0, OWN, MmfdEngine.GROUP, 3, out.sends.get(0).datagram(), out);
        assertThat(engine.neighbours()).isEmpty();
        assertThat(out.counter("hello_own")).isEqualTo(1);
        assertThat(MmfdEngine.GROUP.toString()).isEqualTo("ff02::6a8b");
    }

    @Test
    void aPacketFromTheTunGoesToEveryNeighbourAsNoncePlusThePacketUnchanged() {
        hello(0, A, 2);
        hello(0, B, 3);
        out.clear();
        byte[] packet = Packets.multicast(7);
        engine.originate(packet, out);
        assertThat(out.sends).hasSize(2);
        assertThat(out.sends).extracting(RecordingOutput.Send::destination).containsExactly(A, B);
        assertThat(out.sends).extracting(RecordingOutput.Send::ifindex).containsExactly(2, 3);
        byte[] first = out.sends.get(0).datagram();
        assertThat(first).hasSize(8 + packet.length);
        assertThat(Arrays.copyOfRange(first, 8, first.length)).isEqualTo(packet);
        assertThat(out.sends.get(1).datagram()).isEqualTo(first);
        assertThat(out.delivered).as("the originator does not deliver its own packet").isEmpty();
        // a copy coming back to us through the mesh is a duplicate
        engine.receive(S, B, B, 3, first, out);
        assertThat(out.counter("duplicate")).isEqualTo(1);
        assertThat(out.delivered).isEmpty();
    }

    @Test
    void dataIsForwardedWithTheSameNonceToAllButItsSenderAndDeliveredOnce() {
        hello(0, A, 2);
        hello(0, B, 2);
        hello(0, A, 3);
        hello(0, C, 3);
        out.clear();
        byte[] packet = Packets.multicast(1);
        byte[] data = Packets.data(0x1122334455667788L, packet);
        engine.receive(S, A, OWN, 2, data, out);
        assertThat(out.sends).extracting(s -> s.destination() + "%" + s.ifindex())
                .containsExactly("fe80::b%2", "fe80::a%3", "fe80::c%3");
        assertThat(out.sends).allSatisfy(s -> assertThat(s.datagram()).isEqualTo(data));
        assertThat(out.delivered).singleElement().isEqualTo(packet);
        engine.receive(S, C, OWN, 3, data, out);
        assertThat(out.sends).hasSize(3);
        assertThat(out.delivered).hasSize(1);
        assertThat(out.counter("duplicate")).isEqualTo(1);
    }

    @Test
    void dataFromAnUnknownSenderIsStillForwardedAndDelivered() {
        hello(0, B, 2);
        out.clear();
        engine.receive(S, C, OWN, 3, Packets.data(5, Packets.multicast(1)), out);
        assertThat(out.sends).extracting(RecordingOutput.Send::destination).containsExactly(B);
        assertThat(out.delivered).hasSize(1);
    }

    @Test
    void malformedDatagramsAndTunPacketsAreCountedAndDroppedWithoutTouchingTheCache() {
        hello(0, A, 2);
        out.clear();
        int cached = engine.cached();
        engine.receive(S, B, OWN, 2, new byte[7], out);
        engine.receive(S, B, OWN, 2, Packets.data(1, new byte[39]), out);
        byte[] v4 = Packets.multicast(1);
        v4[0] = 0x45;
        engine.receive(S, B, OWN, 2, Packets.data(2, v4), out);
        engine.receive(S, B, OWN, 2, Packets.data(3, Packets.ipv6(IpAddress.parse("2001:db8::1"), 4, 0)), out);
        byte[] badLength = Packets.multicast(1);
        badLength[5]++;
        engine.receive(S, B, OWN, 2, Packets.data(4, badLength), out);
        engine.receive(S, B, OWN, 9, Packets.data(5, Packets.multicast(1)), out);
        engine.receive(S, IpAddress.parse("ff02::1"), OWN, 2, Packets.data(6, Packets.multicast(1)), out);
        assertThat(out.counter("drop_short")).isEqualTo(1);
        assertThat(out.counter("drop_invalid")).isEqualTo(4);
        assertThat(out.counter("drop_interface")).isEqualTo(1);
        assertThat(out.counter("drop_source")).isEqualTo(1);

        engine.originate(new byte[39], out);
        engine.originate(v4, out);
        engine.originate(Packets.ipv6(IpAddress.parse("2001:db8::1"), 4, 0), out);
        assertThat(out.counter("tun_drop_short")).isEqualTo(1);
        assertThat(out.counter("tun_drop_version")).isEqualTo(1);
        assertThat(out.counter("tun_drop_unicast")).isEqualTo(1);

        assertThat(out.sends).isEmpty();
        assertThat(out.delivered).isEmpty();
        assertThat(engine.cached()).isEqualTo(cached);
        assertThat(engine.neighbours()).hasSize(1);
        // a valid DATA with a nonce used by a dropped one is not a duplicate
        engine.receive(S, B, OWN, 2, Packets.data(4, Packets.multicast(1)), out);
        assertThat(out.delivered).hasSize(1);
    }

    @Test
    void withoutNeighboursATunPacketIsCountedAsUndeliverable() {
        engine.originate(Packets.multicast(1), out);
        assertThat(out.sends).isEmpty();
        assertThat(out.counter("no_neighbour")).isEqualTo(1);
    }

    @Test
    void anInterfaceThatGoesAwayTakesItsNeighboursAndIsNoLongerListenedTo() {
        hello(0, A, 2);
        hello(0, B, 3);
        engine.removeInterface(2, out);
        assertThat(engine.neighbours()).extracting(MmfdEngine.Neighbour::address).containsExactly(B);
        assertThat(out.counter("neighbour_lost")).isEqualTo(1);
        hello(S, A, 2);
        assertThat(out.counter("drop_interface")).isEqualTo(1);
        assertThat(engine.interfaces()).containsOnlyKeys(3);
    }

    @Test
    void aHelloFloodFromForgedAddressesIsRefusedBeyondTheBoundAndTheKnownNeighboursStay() {
        hello(0, A, 2);
        for (int i = 0; i < 10_000; i++) {
            hello(S, IpAddress.v6(0xfe80_0000_0000_0000L, 0x1_0000L + i), 2 + i % 2);
        }
        assertThat(engine.neighbours()).hasSize(MmfdEngine.MAX_NEIGHBOURS);
        assertThat(engine.neighbours().getFirst().address()).isEqualTo(A);
        assertThat(out.counter("neighbour_added")).isEqualTo(MmfdEngine.MAX_NEIGHBOURS);
        assertThat(out.counter("neighbour_refused")).isEqualTo(10_001 - MmfdEngine.MAX_NEIGHBOURS);
        hello(2 * S, A, 2);
        assertThat(engine.neighbours().getFirst().expires()).as("a known neighbour is refreshed").isEqualTo(52 * S);
        engine.expire(51 * S, out);
        hello(51 * S, B, 2);
        assertThat(engine.neighbours()).extracting(MmfdEngine.Neighbour::address).containsExactly(A, B);
    }

    @Test
    void theDuplicateCacheForgetsTheOldestNonceOnceFull() {
        MmfdEngine small = new MmfdEngine(new SplittableRandom(2), 3, MmfdEngine.MAX_NEIGHBOURS);
        small.addInterface(2, "eth0");
        byte[] packet = Packets.multicast(1);
        for (long nonce = 1; nonce <= 4; nonce++) {
            small.receive(0, A, OWN, 2, Packets.data(nonce, packet), out);
        }
        assertThat(small.cached()).isEqualTo(3);
        assertThat(out.delivered).hasSize(4);
        small.receive(0, A, OWN, 2, Packets.data(4, packet), out);
        assertThat(out.delivered).as("4 is still known").hasSize(4);
        small.receive(0, A, OWN, 2, Packets.data(1, packet), out);
        assertThat(out.delivered).as("1 was forgotten").hasSize(5);
        assertThat(new MmfdEngine(new SplittableRandom(3)).cached()).isZero();
        assertThat(MmfdEngine.CACHE_SIZE).isEqualTo(2000);
    }
}
