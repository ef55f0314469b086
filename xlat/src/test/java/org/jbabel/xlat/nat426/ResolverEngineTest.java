package org.jbabel.xlat.nat426;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;

/** The resolver engine: answers, retries, the held packets' bound and expiry, unsolicited answers, rate limits. */
class ResolverEngineTest {

    static final long MS = 1_000_000L;
    static final long Y = 0x5254_0000_0002L;
    static final int YA = IpAddress.parse("10.20.0.6").v4Bits();
    static final IpAddress PEER = IpAddress.parse("fd00::2");

    /** Records every effect. */
    static final class Recording implements ResolverOutput {
        final List<ResolverMessage> flooded = new ArrayList<>();
        final List<ResolverMessage> unicast = new ArrayList<>();
        final List<IpAddress> unicastTo = new ArrayList<>();
        final List<byte[]> released = new ArrayList<>();
        final Counts counts = new Counts();

        @Override
        public void flood(byte[] d) {
            flooded.add(ResolverMessage.decode(d, 0, d.length).message());
        }

        @Override
        public void unicast(IpAddress to, byte[] d) {
            unicastTo.add(to);
            unicast.add(ResolverMessage.decode(d, 0, d.length).message());
        }

        @Override
        public void release(byte[] packet) {
            released.add(packet);
        }

        @Override
        public void count(String counter) {
            counts.accept(counter);
        }
    }

    final Recording out = new Recording();
    final ClientTable table = new ClientTable(64, out.counts);
    final ResolverEngine engine = new ResolverEngine(table, out, RandomGenerator.of("L64X128MixRandom"));

    void receive(long now, ResolverMessage m) {
        byte[] b = m.encode();
        engine.received(now, b, 0, b.length, PEER);
    }

    @Test
    void aQueryIsAnsweredFromAPairLearnedHere() {
        table.learnLease(0, Y, YA, 300_000 * MS);
        receive(1, ResolverMessage.queryIpv4(7, YA));
        receive(2, ResolverMessage.queryMac(8, Y));
        assertThat(out.unicast).containsExactly(ResolverMessage.answer(7, Y, YA), ResolverMessage.answer(8, Y, YA));
        assertThat(out.unicastTo).containsExactly(PEER, PEER);
        assertThat(out.counts.get("resolver_answer_sent")).isEqualTo(2);
    }

    @Test
    void unknownPairsAndResolverAnswersAreNotAnswered() {
        receive(1, ResolverMessage.queryIpv4(7, YA));
        table.learnResolver(2, Y, YA);
        receive(3, ResolverMessage.queryIpv4(8, YA));
        assertThat(out.unicast).isEmpty();
        assertThat(out.counts.get("resolver_query_unknown")).isEqualTo(2);
    }

    @Test
    void aQueryIsSentThreeTimes300msApartAndGivenUpAfterTwoSeconds() {
        engine.resolveIpv4(0, YA, null);
        engine.resolveIpv4(10 * MS, YA, null); // already pending: no new query
        assertThat(out.flooded).hasSize(1);
        assertThat(engine.nextDeadline()).isEqualTo(300 * MS);
        engine.tick(300 * MS);
        engine.tick(600 * MS);
        engine.tick(900 * MS);
        assertThat(out.flooded).hasSize(3).allMatch(m -> m.equals(out.flooded.get(0)));
        assertThat(out.flooded.get(0).type()).isEqualTo(ResolverMessage.QUERY_IPV4);
        assertThat(engine.nextDeadline()).isEqualTo(2000 * MS);
        engine.tick(2000 * MS);
        assertThat(engine.pending()).isZero();
        assertThat(out.counts.get("resolver_unanswered")).isEqualTo(1);
        assertThat(out.counts.get("resolver_query_retry")).isEqualTo(2);
        assertThat(engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theAnswerIsLearnedAndReleasesTheHeldPacketsInOrder() {
        byte[] p1 = {1};
        byte[] p2 = {2};
        engine.resolveIpv4(0, YA, p1);
        engine.resolveIpv4(MS, YA, p2);
        int nonce = out.flooded.get(0).nonce();
        receive(100 * MS, ResolverMessage.answer(nonce, Y, YA));
        assertThat(out.released).containsExactly(p1, p2);
        assertThat(table.macOf(100 * MS, YA)).isEqualTo(Y);
        assertThat(table.source(table.slotOfIp(100 * MS, YA))).isEqualTo(ClientTable.Source.RESOLVER);
        assertThat(engine.pending()).isZero();
        assertThat(engine.held()).isZero();
        // a late duplicate answer is unsolicited now
        receive(200 * MS, ResolverMessage.answer(nonce, Y, YA));
        assertThat(out.counts.get("resolver_answer_unsolicited")).isEqualTo(1);
    }

    @Test
    void aQueryByMacIsAnsweredToo() {
        engine.resolveMac(0, Y, new byte[] {9});
        assertThat(out.flooded.get(0).type()).isEqualTo(ResolverMessage.QUERY_MAC);
        receive(MS, ResolverMessage.answer(out.flooded.get(0).nonce(), Y, YA));
        assertThat(out.released).hasSize(1);
        assertThat(table.ipOf(MS, Y)).isEqualTo(YA & 0xffff_ffffL);
    }

    @Test
    void anAnswerWithoutThePendingNonceOrPairIsRefused() {
        engine.resolveIpv4(0, YA, new byte[] {1});
        int nonce = out.flooded.get(0).nonce();
        receive(MS, ResolverMessage.answer(nonce + 1, Y, YA));
        receive(MS, ResolverMessage.answer(nonce, Y, YA + 1));
        assertThat(out.counts.get("resolver_answer_unsolicited")).isEqualTo(2);
        assertThat(table.size()).isZero();
        assertThat(out.released).isEmpty();
    }

    @Test
    void heldPacketsAreBoundedAndExpireAfterTwoSeconds() {
        for (int i = 0; i < ResolverEngine.MAX_WAITING + 5; i++) {
            engine.resolveIpv4(i * MS, YA + (i % 3), new byte[] {(byte) i});
        }
        assertThat(engine.held()).isEqualTo(ResolverEngine.MAX_WAITING);
        assertThat(out.counts.get("resolver_queue_full")).isEqualTo(5);
        assertThat(out.counts.get("resolver_queued")).isEqualTo(ResolverEngine.MAX_WAITING);
        engine.tick(1999 * MS);
        assertThat(engine.held()).isEqualTo(ResolverEngine.MAX_WAITING);
        engine.tick(2000 * MS); // the first key's query is given up: its packets go
        assertThat(engine.held()).isLessThan(ResolverEngine.MAX_WAITING);
        engine.tick(2100 * MS);
        assertThat(engine.held()).isZero();
        assertThat(out.counts.get("resolver_queue_expired")).isEqualTo(ResolverEngine.MAX_WAITING);
        assertThat(out.released).isEmpty();
    }

    @Test
    void aPacketQueuedLateForAPendingQueryGoesWithTheQuery() {
        engine.resolveIpv4(0, YA, new byte[] {1});
        engine.resolveIpv4(1900 * MS, YA, new byte[] {2});
        engine.tick(2000 * MS);
        assertThat(engine.held()).isZero();
        assertThat(out.counts.get("resolver_queue_expired")).isEqualTo(2);
    }

    @Test
    void aFloodOfQueriesGetsAtMostTheBucketOfAnswers() {
        table.learnLease(0, Y, YA, 3_600_000 * MS);
        for (int i = 0; i < 1000; i++) {
            receive(MS, ResolverMessage.queryIpv4(i, YA));
        }
        assertThat(out.unicast).hasSize(ResolverEngine.BURST);
        assertThat(out.counts.get("resolver_answer_limited")).isEqualTo(1000 - ResolverEngine.BURST);
        // a second later the bucket has refilled by the rate
        for (int i = 0; i < 1000; i++) {
            receive(1001 * MS, ResolverMessage.queryIpv4(i, YA));
        }
        assertThat(out.unicast).hasSize(ResolverEngine.BURST + ResolverEngine.RATE);
    }

    @Test
    void aClientSendingToManyUnknownAddressesGetsAtMostTheBucketOfQueries() {
        for (int i = 0; i < 1000; i++) {
            engine.resolveIpv4(MS, YA + i, null);
        }
        assertThat(out.flooded).hasSize(ResolverEngine.BURST);
        assertThat(out.counts.get("resolver_query_limited")).isEqualTo(1000 - ResolverEngine.BURST);
        assertThat(engine.pending()).isEqualTo(ResolverEngine.BURST);
    }

    @Test
    void aSustainedFloodOfUnknownAddressesKeepsThePendingQueriesBounded() {
        int most = 0;
        for (long now = 0; now < 10_000 * MS; now += MS) {
            engine.resolveIpv4(now, YA + (int) (now / MS), new byte[] {1});
            engine.tick(now);
            most = Math.max(most, engine.pending());
            assertThat(engine.held()).isLessThanOrEqualTo(ResolverEngine.MAX_WAITING);
        }
        assertThat(most).isLessThanOrEqualTo(ResolverEngine.BURST + 2 * ResolverEngine.RATE);
        // 10 s of it: the burst and 50 new queries a second, each sent three times
        assertThat(out.flooded.size()).isLessThanOrEqualTo(3 * (ResolverEngine.BURST + 10 * ResolverEngine.RATE));
    }

    @Test
    void everyMalformedDatagramIsCounted() {
        byte[][] bad = {
            {1}, {2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, {1, 9, 0, 0, 0, 0, 0, 0}, {1, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0},
            {1, 1, 0, 1, 0, 0, 0, 0, 10, 0, 0, 1}, {1, 2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0},
            {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
        };
        for (byte[] b : bad) {
            engine.received(0, b, 0, b.length, PEER);
        }
        assertThat(out.counts.counts).containsOnlyKeys("resolver_malformed_short", "resolver_malformed_version",
                "resolver_malformed_type", "resolver_malformed_length", "resolver_malformed_reserved",
                "resolver_malformed_mac", "resolver_malformed_address");
    }
}
