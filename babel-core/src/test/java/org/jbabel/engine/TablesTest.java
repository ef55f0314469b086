package org.jbabel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.RouteKey;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.Tlv;
import org.junit.jupiter.api.Test;

/** Unit tests of the tables' own invariants. */
class TablesTest {

    static final RouteKey KEY = RouteKey.of(Prefix.parse("2001:db8::/32"));
    static final RouterId ID = new RouterId(42);
    static final RouteKey OTHER = RouteKey.of(Prefix.parse("2001:db8:1::/48"));

    private static Neighbour neighbour() {
        Interfaces.Iface eth0 = new Interfaces(new SplittableRandom(1)).bringUp(
                InterfaceConfig.of("eth0", 1, IpAddress.parse("fe80::1"), 1500, InterfaceType.WIRED));
        return new Neighbour(1, eth0, IpAddress.parse("fe80::2"), 0);
    }

    @Test
    void helloHistoryShiftsInReceivedAndMissedHellos() {
        HelloHistory h = new HelloHistory();
        h.receive(0, 10, Time.seconds(4));
        assertThat(h.reach()).isEqualTo(0x8000);
        h.receive(Time.seconds(4), 11, Time.seconds(4));
        assertThat(h.reach()).isEqualTo(0xC000);
        h.receive(Time.seconds(12), 13, Time.seconds(4));
        assertThat(h.reach()).as("one Hello lost in between").isEqualTo(0xB000);
        assertThat(h.accountMissed(Time.seconds(12) + Time.millis(6700))).isFalse();
        assertThat(h.accountMissed(Time.seconds(12) + Time.millis(6800))).isTrue();
        assertThat(h.reach()).isEqualTo(0x5800);
        h.accountMissed(Time.seconds(12) + Time.millis(10800));
        assertThat(h.reach()).isEqualTo(0x2C00);
    }

    @Test
    void lateHelloTakesBackItsSlotAndAFarOlderOneMeansARestart() {
        HelloHistory h = new HelloHistory();
        h.receive(0, 100, Time.seconds(4));
        h.receive(1, 102, Time.seconds(4));
        assertThat(h.reach()).isEqualTo(0xA000);
        h.receive(2, 101, Time.seconds(4));
        assertThat(h.reach()).isEqualTo(0xE000);
        h.receive(3, 50, Time.seconds(4));
        assertThat(h.reach()).isEqualTo(0x8000);
    }

    @Test
    void aHistoryTellsARestartFromASeqnoFarBehindOrTooFarAhead() {
        HelloHistory h = new HelloHistory();
        assertThat(h.receive(0, 100, Time.seconds(4))).as("a first Hello").isFalse();
        assertThat(h.receive(1, 101, Time.seconds(4))).isFalse();
        assertThat(h.receive(2, 94, Time.seconds(4))).as("late, within the window").isFalse();
        assertThat(h.receive(3, 117, Time.seconds(4))).as("15 Hellos missed").isFalse();
        assertThat(h.receive(4, 134, Time.seconds(4))).as("16 Hellos missed: a new sequence").isTrue();
        assertThat(h.reach()).isEqualTo(0x8000);
        assertThat(h.receive(5, 60_000, Time.seconds(4))).as("far behind").isTrue();
        assertThat(h.reach()).isEqualTo(0x8000);
    }

    @Test
    void anEmptiedHistoryTellsNoRestart() {
        HelloHistory h = new HelloHistory();
        h.receive(0, 100, Time.seconds(4));
        h.accountMissed(Time.seconds(80));
        assertThat(h.reach()).isZero();
        assertThat(h.receive(Time.seconds(81), 5_000, Time.seconds(4))).isFalse();
    }

    @Test
    void missedHelloCountedThenReceivedLateIsNotCountedTwice() {
        HelloHistory h = new HelloHistory();
        h.receive(0, 1, Time.seconds(4));
        h.receive(Time.seconds(4), 2, Time.seconds(4));
        h.accountMissed(Time.millis(4000 + 6800));
        assertThat(h.reach()).isEqualTo(0x6000);
        h.receive(Time.millis(4000 + 6900), 3, Time.seconds(4));
        assertThat(h.reach()).isEqualTo(0xE000);
    }

    @Test
    void feasibilityRequiresANewerSeqnoOrAStrictlySmallerMetric() {
        Sources s = new Sources(new Slots());
        assertThat(s.feasible(KEY, ID, 5, 1000)).as("no source yet").isTrue();
        s.announced(KEY, ID, 5, 200, 0);
        assertThat(s.feasible(KEY, ID, 5, 199)).isTrue();
        assertThat(s.feasible(KEY, ID, 5, 200)).isFalse();
        assertThat(s.feasible(KEY, ID, 4, 0)).isFalse();
        assertThat(s.feasible(KEY, ID, 6, 5000)).isTrue();
        assertThat(s.feasible(KEY, ID, 5, 0xFFFF)).as("retractions are always feasible").isTrue();
        assertThat(s.feasible(KEY, new RouterId(43), 1, 5000)).as("another source").isTrue();
        s.announced(KEY, ID, 5, 300, 0);
        assertThat(s.get(KEY, ID).metric).as("the distance never grows within a seqno").isEqualTo(200);
        s.announced(KEY, ID, 6, 300, 0);
        assertThat(s.get(KEY, ID).metric).isEqualTo(300);
    }

    @Test
    void unusedSourcesAreCollectedAfterTheirLifetime() {
        Sources s = new Sources(new Slots());
        s.announced(KEY, ID, 5, 200, 0);
        s.collectGarbage(Time.seconds(199), (k, id) -> false);
        assertThat(s.size()).isEqualTo(1);
        s.collectGarbage(Time.seconds(200), (k, id) -> true);
        assertThat(s.size()).as("still referenced by a route").isEqualTo(1);
        s.collectGarbage(Time.seconds(200), (k, id) -> false);
        assertThat(s.size()).isZero();
    }

    @Test
    void aKeyLearnedAgainWhileItsSourceIsRememberedComesAfterTheKeysLearnedMeanwhile() {
        Slots slots = new Slots();
        Routes routes = new Routes(slots);
        Sources sources = new Sources(slots);
        Neighbour n = neighbour();
        Route first = routes.add(KEY, n);
        sources.announced(KEY, ID, 5, 200, 0);
        routes.add(OTHER, n);
        routes.remove(first);
        assertThat(slots.get(KEY)).as("kept for its feasibility distance").isNotNull();
        assertThat(routes.slots()).extracting(s -> s.key).containsExactly(OTHER);

        routes.add(KEY, n);

        assertThat(routes.slots()).extracting(s -> s.key).containsExactly(OTHER, KEY);
        assertThat(sources.get(KEY, ID).metric).isEqualTo(200);
    }

    @Test
    void aSecondNeighbourAnnouncingAKeyIsChainedBehindTheFirstAndBothShareTheSlotsKey() {
        Slots slots = new Slots();
        Routes routes = new Routes(slots);
        Neighbour n = neighbour();
        Neighbour m = new Neighbour(2, n.iface, IpAddress.parse("fe80::3"), 0);
        Route viaN = routes.add(KEY, n);
        Route viaM = routes.add(RouteKey.of(Prefix.parse("2001:db8::/32")), m);

        assertThat(Routes.of(slots.get(KEY))).containsExactly(viaN, viaM);
        assertThat(viaM.key).isSameAs(viaN.key);
        routes.remove(viaN);
        assertThat(Routes.of(slots.get(KEY))).containsExactly(viaM);
    }

    @Test
    void aSlotIsForgottenOnceNothingIsKeptForItsKey() {
        Slots slots = new Slots();
        Routes routes = new Routes(slots);
        Sources sources = new Sources(slots);
        Route r = routes.add(KEY, neighbour());
        sources.announced(KEY, ID, 5, 200, 0);
        routes.remove(r);
        sources.collectGarbage(Time.seconds(200), (slot, id) -> false);

        assertThat(slots.get(KEY)).isNull();
        assertThat(slots.all()).isEmpty();
    }

    @Test
    void keysWithASharedIndexAreFoundByItAndAKeyWithAnotherKeysIndexFallsBackToTheMap() {
        Slots slots = new Slots();
        Routes routes = new Routes(slots);
        Neighbour n = neighbour();
        Neighbour m = new Neighbour(2, n.iface, IpAddress.parse("fe80::3"), 0);
        RouteKey indexed = KEY.withIndex(7);
        RouteKey sameIndexOtherKey = OTHER.withIndex(7);
        assertThat(indexed).as("the index is not part of the value").isEqualTo(KEY).hasSameHashCodeAs(KEY);

        Route viaN = routes.add(indexed, n);
        Route viaM = routes.add(indexed, m);
        Route other = routes.add(sameIndexOtherKey, n);

        assertThat(slots.owner(slots.get(indexed))).isTrue();
        assertThat(slots.owner(slots.get(OTHER))).as("the index was taken").isFalse();
        assertThat(routes.find(KEY, n)).as("an equal key without index").isSameAs(viaN);
        assertThat(routes.find(indexed, m)).isSameAs(viaM);
        assertThat(routes.find(sameIndexOtherKey, n)).isSameAs(other);
        assertThat(routes.find(sameIndexOtherKey, m)).isNull();

        routes.remove(viaN);
        routes.remove(viaM);
        assertThat(slots.get(indexed)).isNull();
        // The released slot's own number is given to the next owner: m's array entry must have been cleared.
        Route again = routes.add(RouteKey.of(Prefix.parse("2001:db8:2::/48")).withIndex(3), n);
        assertThat(routes.find(again.key, m)).isNull();
        assertThat(routes.find(again.key, n)).isSameAs(again);
        assertThat(routes.find(KEY, n)).isNull();
    }

    @Test
    void pendingRequestsSuppressDuplicatesAndAreSatisfiedByANewEnoughUpdate() {
        PendingRequests p = new PendingRequests();
        p.record(new PendingRequests.Pending(KEY, ID, 10, 127, "eth0", null), 0, Time.seconds(2), 3);
        assertThat(p.duplicate(KEY, ID, 10, Time.millis(1))).isTrue();
        assertThat(p.duplicate(KEY, ID, 9, Time.millis(1))).isTrue();
        assertThat(p.duplicate(KEY, ID, 11, Time.millis(1))).isFalse();
        assertThat(p.satisfy(KEY, ID, 9)).isNull();
        assertThat(p.satisfy(KEY, ID, 10)).isNotNull();
        assertThat(p.size()).isZero();
    }

    @Test
    void pendingRequestsAreResentWithDoublingDelaysThenDropped() {
        PendingRequests p = new PendingRequests();
        p.record(new PendingRequests.Pending(KEY, ID, 10, 127, "eth0", null), 0, Time.seconds(2), 3);
        assertThat(p.due(Time.seconds(1))).isEmpty();
        assertThat(p.due(Time.seconds(2))).hasSize(1);
        assertThat(p.nextDeadline()).isEqualTo(Time.seconds(6));
        assertThat(p.due(Time.seconds(6))).hasSize(1);
        assertThat(p.due(Time.seconds(14))).hasSize(1);
        assertThat(p.due(Time.seconds(30))).isEmpty();
        assertThat(p.size()).isZero();
    }

    /**
     * Dropping a neighbour with 100,000 routes must take milliseconds, so removing one of its routes must not search
     * its other routes: each route is linked both ways to its neighbours in the neighbour's chain, and removal joins
     * those two directly. Checked on the structure (no clock): before and after removals in the order a dropped
     * neighbour takes (oldest first, the worst case of the former per-neighbour list), every link has its mirror,
     * and the removed route is unlinked.
     */
    @Test
    void aNeighboursRoutesAreChainedBothWaysSoThatRemovingOneTouchesOnlyItsTwoNeighboursInTheChain() {
        Slots slots = new Slots();
        Routes routes = new Routes(slots);
        Neighbour n = neighbour();
        int count = 100_000;
        for (int k = 0; k < count; k++) {
            routes.add(RouteKey.of(Prefix.host(IpAddress.v6(0x2001_0db8_0000_0000L, k))), n);
        }
        assertChainedBothWays(n, count);

        List<Route> oldestFirst = Routes.via(n);
        Route second = oldestFirst.get(1);
        Route before = second.previousOfNeighbour;
        Route after = second.nextOfNeighbour;
        routes.remove(second);
        assertThat(before.nextOfNeighbour).as("its newer neighbour in the chain now skips it").isSameAs(after);
        assertThat(after.previousOfNeighbour).as("its older neighbour in the chain now skips it").isSameAs(before);
        assertThat(second.previousOfNeighbour).isNull();
        assertThat(second.nextOfNeighbour).isNull();
        assertChainedBothWays(n, count - 1);

        for (Route r : Routes.via(n).subList(0, count / 2)) {
            routes.remove(r);
        }
        assertChainedBothWays(n, count - 1 - count / 2);
        assertThat(routes.size()).isEqualTo(count - 1 - count / 2);
    }

    /** The neighbour's chain holds {@code count} routes, each the mirror of its successor's back link. */
    private static void assertChainedBothWays(Neighbour n, int count) {
        assertThat(Routes.count(n)).isEqualTo(count);
        assertThat(n.routes.previousOfNeighbour).as("the newest route heads the chain").isNull();
        int seen = 0;
        for (Route r = n.routes; r != null; r = r.nextOfNeighbour) {
            seen++;
            if (r.nextOfNeighbour != null && r.nextOfNeighbour.previousOfNeighbour != r) {
                throw new AssertionError("route " + r + " is not its successor's predecessor");
            }
        }
        assertThat(seen).isEqualTo(count);
    }

    /**
     * Our whole table owed to many destinations at once (welcomes, wildcard answers, a periodic update) is held as a
     * mark per buffer, not as its keys, and one flush composes it for one destination only: the others stay due for
     * the next flushes. A hostile flood had four neighbours' unicast buffers and two interfaces' group buffers hold
     * the whole 64,880-route table each, and the daemon's heap ran out (HostileNeighbourTest under load).
     */
    @Test
    void aWholeTableIsComposedAtFlushTimeForOneDestinationPerFlush() {
        Interfaces.Iface eth0 = new Interfaces(new SplittableRandom(1)).bringUp(
                InterfaceConfig.of("eth0", 1, IpAddress.parse("fe80::1"), 1500, InterfaceType.WIRED));
        Set<RouteKey> table = new LinkedHashSet<>(List.of(KEY, OTHER));
        RouteKey gone = RouteKey.of(Prefix.parse("2001:db8:2::/48"));
        List<Action> out = new ArrayList<>();
        SendBuffers buffers = sendBuffers(out, table, SendBuffers.WHOLE_TABLE_KEYS_PER_FLUSH);
        List<IpAddress> neighbours = List.of(IpAddress.parse("fe80::2"), IpAddress.parse("fe80::3"),
                IpAddress.parse("fe80::4"));
        for (IpAddress n : neighbours) {
            buffers.addWholeTable(eth0, n, 10);
        }
        buffers.addUpdate(eth0, neighbours.get(0), KEY, 10);
        buffers.addUpdate(eth0, neighbours.get(0), gone, 10);
        table.add(RouteKey.of(Prefix.parse("2001:db8:3::/48"))); // learned after the dump was queued

        buffers.flushDue(10);
        assertThat(out).as("one whole table per flush").hasSize(1);
        Action.Send first = (Action.Send) out.getFirst();
        assertThat(first.tlvs()).as("the table at flush time, a key queued on its own sent once, and a key no longer"
                + " in the table still sent").hasSize(4);
        assertThat(buffers.nextDeadline()).as("the others are still due").isLessThanOrEqualTo(10);
        buffers.flushDue(11);
        buffers.flushDue(12);
        assertThat(out).hasSize(3);
        assertThat(out.stream().map(a -> ((Action.Send) a).destination()).toList())
                .containsExactlyInAnyOrderElementsOf(neighbours);
        assertThat(buffers.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    /** Small tables owed to many destinations (a hub's welcomes) go out in one flush. */
    @Test
    void smallWholeTablesForManyDestinationsGoOutInOneFlush() {
        Interfaces.Iface eth0 = new Interfaces(new SplittableRandom(1)).bringUp(
                InterfaceConfig.of("eth0", 1, IpAddress.parse("fe80::1"), 1500, InterfaceType.WIRED));
        List<Action> out = new ArrayList<>();
        SendBuffers buffers = sendBuffers(out, Set.of(KEY, OTHER), 2);
        for (int n = 2; n < 12; n++) {
            buffers.addWholeTable(eth0, IpAddress.parse("fe80::" + n), 10);
        }
        buffers.flushDue(10);
        assertThat(out).hasSize(10);
        assertThat(buffers.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    /** Send buffers over {@code table}, composing a plain update per key and claiming the table has {@code size} keys. */
    private static SendBuffers sendBuffers(List<Action> out, Set<RouteKey> table, int size) {
        return new SendBuffers(out,
                (i, key) -> new Tlv.Update(AddressEncoding.IPV6, 0, key.prefix(), key.source(), 400, 1, 128, ID, null,
                        List.of()),
                (i, d, tlvs) -> tlvs, new SendBuffers.Table() {
                    @Override
                    public void forEachKey(Consumer<RouteKey> action) {
                        table.forEach(action);
                    }

                    @Override
                    public boolean contains(RouteKey key) {
                        return table.contains(key);
                    }

                    @Override
                    public int sizeBound() {
                        return size;
                    }
                });
    }
}
