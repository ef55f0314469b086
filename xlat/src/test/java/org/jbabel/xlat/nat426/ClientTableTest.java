package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.jbabel.wire.IpAddress;
import org.jbabel.xlat.nat426.ClientTable.Source;
import org.junit.jupiter.api.Test;

/** Learning, aging, conflicts and bounds of the client table (docs/XLAT.md decision 4). */
class ClientTableTest {

    static final long S = 1_000_000_000L;
    static final long M1 = 0x5254_0012_3456L;
    static final long M2 = 0x5254_0012_3457L;
    static final int A1 = IpAddress.parse("10.20.0.5").v4Bits();
    static final int A2 = IpAddress.parse("10.20.0.6").v4Bits();

    final Counts counts = new Counts();
    final ClientTable table = new ClientTable(4, counts);

    @Test
    void aPairIsFoundBothWays() {
        assertThat(table.learnFrame(0, M1, A1)).isTrue();
        assertThat(table.ipOf(1, M1)).isEqualTo(A1 & 0xffff_ffffL);
        assertThat(table.macOf(1, A1)).isEqualTo(M1);
        int slot = table.slotOfMac(1, M1);
        assertThat(table.slotOfIp(1, A1)).isEqualTo(slot);
        assertThat(table.source(slot)).isEqualTo(Source.FRAME);
        assertThat(table.local(slot)).isTrue();
        assertThat(table.onBridge(slot, 59 * S)).isTrue();
        assertThat(table.onBridge(slot, 60 * S)).isFalse();
        assertThat(table.macOf(1, A2)).isEqualTo(ClientTable.UNKNOWN);
        assertThat(counts.get("client_added")).isEqualTo(1);
    }

    @Test
    void aFrameKeepsItsPairTenMinutesAfterTheLastFrame() {
        table.learnFrame(0, M1, A1);
        table.learnFrame(300 * S, M1, A1);
        assertThat(table.macOf(899 * S, A1)).isEqualTo(M1);
        assertThat(table.macOf(900 * S, A1)).isEqualTo(ClientTable.UNKNOWN);
        assertThat(table.expire(900 * S)).isEqualTo(1);
        assertThat(table.size()).isZero();
        assertThat(counts.get("client_expired")).isEqualTo(1);
    }

    @Test
    void aLeaseHoldsForItsLifetimeAndAResolverAnswerTenMinutes() {
        table.learnLease(0, M1, A1, 300 * S);
        table.learnResolver(0, M2, A2);
        assertThat(table.nextExpiry()).isEqualTo(300 * S);
        assertThat(table.macOf(299 * S, A1)).isEqualTo(M1);
        assertThat(table.macOf(300 * S, A1)).isEqualTo(ClientTable.UNKNOWN);
        assertThat(table.macOf(599 * S, A2)).isEqualTo(M2);
        assertThat(table.macOf(600 * S, A2)).isEqualTo(ClientTable.UNKNOWN);
        assertThat(table.local(table.slotOfMac(1, M2))).isFalse();
    }

    @Test
    void aClientSeenHereIsLocalAndDetachMakesItRemote() {
        table.learnFrame(0, M1, A1);
        int slot = table.slotOfMac(0, M1);
        assertThat(table.local(slot)).isTrue();
        assertThat(table.source(slot)).isEqualTo(Source.FRAME);
        table.detach(1, M1);
        assertThat(table.local(slot)).isFalse();
        assertThat(table.macOf(1, A1)).isEqualTo(M1);
    }

    @Test
    void localKnowledgeReplacesWhatDisagreesWithIt() {
        table.learnResolver(0, M1, A1);
        table.learnFrame(1, M2, A1); // the address moved to another MAC
        assertThat(table.macOf(2, A1)).isEqualTo(M2);
        assertThat(table.ipOf(2, M1)).isEqualTo(ClientTable.UNKNOWN);
        table.learnLease(3, M2, A2, 600 * S); // the MAC got another address
        assertThat(table.ipOf(4, M2)).isEqualTo(A2 & 0xffff_ffffL);
        assertThat(table.macOf(4, A1)).isEqualTo(ClientTable.UNKNOWN);
        assertThat(table.size()).isEqualTo(1);
        assertThat(counts.get("client_replaced")).isEqualTo(2);
    }

    @Test
    void aResolverAnswerNeverOverridesAPairLearnedHere() {
        table.learnFrame(0, M1, A1);
        assertThat(table.learnResolver(1, M1, A2)).isFalse();
        assertThat(table.learnResolver(1, M2, A1)).isFalse();
        assertThat(counts.get("resolver_conflict")).isEqualTo(2);
        assertThat(table.macOf(2, A1)).isEqualTo(M1);
        // agreeing with it is fine: the pair stays a frame pair, local
        assertThat(table.learnResolver(2, M1, A1)).isTrue();
        assertThat(table.source(table.slotOfMac(2, M1))).isEqualTo(Source.FRAME);
        assertThat(table.local(table.slotOfMac(2, M1))).isTrue();
    }

    @Test
    void aFrameTurnsAResolverPairIntoALocalOne() {
        table.learnResolver(0, M1, A1);
        table.learnFrame(S, M1, A1);
        int slot = table.slotOfMac(S, M1);
        assertThat(table.source(slot)).isEqualTo(Source.FRAME);
        assertThat(table.local(slot)).isTrue();
    }

    @Test
    void aFullTableRefusesNewClientsAndCountsButMakesRoomFromExpiredOnes() {
        for (int i = 0; i < 4; i++) {
            assertThat(table.learnFrame(i, M1 + i, A1 + i)).isTrue();
        }
        assertThat(table.learnFrame(10, M1 + 10, A1 + 10)).isFalse();
        assertThat(counts.get("client_refused")).isEqualTo(1);
        assertThat(table.size()).isEqualTo(4);
        // the first one has run out ten minutes later: its slot is taken again
        assertThat(table.learnResolver(600 * S, M1 + 10, A1 + 10)).isTrue();
        assertThat(table.macOf(600 * S, A1 + 10)).isEqualTo(M1 + 10);
        assertThat(table.macOf(600 * S, A1)).isEqualTo(ClientTable.UNKNOWN);
        assertThat(table.size()).isEqualTo(4);
    }

    @Test
    void localClientsOfAnExit() {
        table.learnFrame(0, M1, A1);
        table.learnFrame(0, M2, A2);
        table.setExit(table.slotOfMac(0, M1), 0x0aff_0001L);
        assertThat(table.localClientsOf(1, 0x0aff0001)).containsExactly(table.slotOfMac(1, M1));
        table.detach(1, M1);
        assertThat(table.localClientsOf(1, 0x0aff0001)).isEmpty();
    }

    // ---- random sequences against a model ----

    sealed interface Op permits Learn, Detach, Forget, Expire {}

    record Learn(int mac, int ip, Source source, long dt) implements Op {}

    record Detach(int mac) implements Op {}

    record Forget(int mac) implements Op {}

    record Expire(long dt) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> key = Arbitraries.integers().between(0, 11);
        Arbitrary<Long> dt = Arbitraries.longs().between(0, 400 * S);
        Arbitrary<Op> learn = Combinators.combine(key, key, Arbitraries.of(Source.class), dt).as(Learn::new);
        return Arbitraries.oneOf(learn, learn, learn, key.map(Detach::new), key.map(Forget::new),
                dt.map(Expire::new)).list().ofMaxSize(80);
    }

    @Property
    void randomSequencesKeepTheBoundAndBothIndexesAgree(@ForAll("ops") List<Op> ops) {
        ClientTable t = new ClientTable(5, new Counts());
        long now = 0;
        for (Op op : ops) {
            switch (op) {
                case Learn l -> {
                    now += l.dt();
                    t.learn(now, M1 + l.mac(), A1 + l.ip(), l.source(), l.source() != Source.RESOLVER,
                            now + 600 * S);
                }
                case Detach d -> t.detach(now, M1 + d.mac());
                case Forget f -> t.forget(now, M1 + f.mac());
                case Expire e -> {
                    now += e.dt();
                    t.expire(now);
                }
            }
            assertThat(t.size()).isBetween(0, 5);
            Map<Long, Integer> ipByMac = new HashMap<>();
            Map<Integer, Long> macByIp = new HashMap<>();
            for (ClientTable.View v : t.views(now)) {
                assertThat(ipByMac.put(v.mac().bits(), v.ipv4().v4Bits())).isNull();
                assertThat(macByIp.put(v.ipv4().v4Bits(), v.mac().bits())).isNull();
                assertThat(t.macOf(now, v.ipv4().v4Bits())).isEqualTo(v.mac().bits());
                assertThat(t.ipOf(now, v.mac().bits())).isEqualTo(v.ipv4().v4Bits() & 0xffff_ffffL);
            }
            for (int k = 0; k < 12; k++) {
                long ip = t.ipOf(now, M1 + k);
                if (ip != ClientTable.UNKNOWN) {
                    assertThat(ipByMac).containsEntry(M1 + k, (int) ip);
                }
                long mac = t.macOf(now, A1 + k);
                if (mac != ClientTable.UNKNOWN) {
                    assertThat(macByIp).containsEntry(A1 + k, mac);
                }
            }
        }
    }
}
