package org.jbabel.roaming.l3roamd;

import org.jbabel.wire.MacAddress;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jbabel.roaming.l3roamd.Intercom.Header;
import org.jbabel.roaming.l3roamd.L3roamdEngine.AddressState;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.Prefix;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class L3roamdEngineTest {

    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;
    static final IpAddress NODE = IpAddress.parse("fd00::a");
    static final IpAddress OTHER = IpAddress.parse("fd00::b");
    static final MacAddress OWN = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress MAC = MacAddress.parse("00:11:22:33:44:55");
    static final MacAddress MAC2 = MacAddress.parse("00:11:22:33:44:66");
    static final IpAddress N = IpAddress.parse("fec0::211:22ff:fe33:4455");
    static final IpAddress ADDRESS = IpAddress.parse("2001:db8::c");
    static final IpAddress ADDRESS2 = IpAddress.parse("2001:db8::d");
    static final IpAddress V4 = IpAddress.parse("10.0.0.5");
    static final List<Prefix> PREFIXES = List.of(Prefix.parse("2001:db8::/64"), Prefix.parse("10.0.0.0/8"));

    static L3roamdSettings settings() {
        return L3roamdSettings.of(PREFIXES, NODE, OWN);
    }

    RecordingOutput out;
    L3roamdEngine engine;

    @BeforeEach
    void setUp() {
        out = new RecordingOutput();
        engine = new L3roamdEngine(settings(), new Random(1), out);
    }

    void make(L3roamdSettings.Bounds bounds) {
        engine = new L3roamdEngine(settings().withBounds(bounds), new Random(1), out);
    }

    static L3roamdSettings.Bounds bounds(int clients, int addresses, int old, int claims, int infos, int recent,
            int perDestination, int bytes, int sought) {
        return new L3roamdSettings.Bounds(clients, addresses, old, Duration.ofSeconds(300), claims, infos, recent,
                perDestination, bytes, Duration.ofSeconds(5), sought);
    }

    /** Runs the engine's timers up to {@code until}, each at its deadline. */
    void runUntil(long until) {
        for (long d = engine.nextDeadline(); d <= until; d = engine.nextDeadline()) {
            engine.tick(d);
        }
    }

    static byte[] claim(IpAddress sender, int nonce, MacAddress mac) {
        return Intercom.encode(new Intercom.Claim(new Header(1, nonce, sender), mac));
    }

    static byte[] ack(IpAddress sender, int nonce, MacAddress mac) {
        return Intercom.encode(new Intercom.Ack(new Header(1, nonce, sender), mac));
    }

    static byte[] info(IpAddress sender, int nonce, MacAddress mac, IpAddress... addresses) {
        List<IpAddress> wire = new ArrayList<>();
        for (IpAddress a : addresses) {
            wire.add(Ipv4Mapping.DEFAULT.toWire(a));
        }
        return Intercom.encode(new Intercom.Info(new Header(1, nonce, sender), 0, IpAddress.V6_UNSPECIFIED, mac,
                wire));
    }

    static byte[] seek(int ttl, int nonce, IpAddress sender, IpAddress... addresses) {
        List<IpAddress> wire = new ArrayList<>();
        for (IpAddress a : addresses) {
            wire.add(Ipv4Mapping.DEFAULT.toWire(a));
        }
        return Intercom.encode(new Intercom.Seek(new Header(ttl, nonce, sender), wire));
    }

    static Intercom.Packet decode(byte[] b) {
        return ((Intercom.Decoded.Ok) Intercom.decode(b)).packet();
    }

    static byte[] ipv6Packet(IpAddress source, IpAddress destination, int size) {
        byte[] p = new byte[size];
        p[0] = 0x60;
        p[4] = (byte) ((size - 40) >>> 8);
        p[5] = (byte) (size - 40);
        p[6] = 17;
        p[7] = 64;
        System.arraycopy(source.toBytes16(), 0, p, 8, 16);
        System.arraycopy(destination.toBytes16(), 0, p, 24, 16);
        return p;
    }

    // ---- learning ---------------------------------------------------------------------------------------------

    @Test
    void aClientNewToTheMeshGetsItsNodeClientAddressAtOnce() {
        engine.macSeen(0, MAC);
        assertThat(out.events).containsExactly("lo+ " + N, "originate " + N + "/128");
        assertThat(out.unicasts).isEmpty();
        engine.macSeen(MS, MAC);
        assertThat(out.counter("client_added")).isEqualTo(1);
    }

    @Test
    void learnedAddressesAreRoutedAndAnnouncedLinkLocalOnlyRouted() {
        assertThat(engine.addressSeen(0, MAC, ADDRESS)).isTrue();
        assertThat(engine.addressSeen(0, MAC, V4)).isTrue();
        IpAddress linkLocal = NodeClientAddress.linkLocal(MAC);
        assertThat(engine.addressSeen(0, MAC, linkLocal)).isTrue();
        assertThat(engine.addressSeen(0, MAC, IpAddress.parse("2001:db9::1"))).isFalse();
        assertThat(engine.addressSeen(0, MAC, IpAddress.parse("192.168.1.1"))).isFalse();
        assertThat(out.counter("address_outside")).isEqualTo(2);
        assertThat(out.originated).containsExactlyInAnyOrder(Prefix.host(N), Prefix.host(ADDRESS), Prefix.host(V4));
        assertThat(Prefix.host(V4).toString()).isEqualTo("10.0.0.5/32");
        assertThat(out.routes).containsOnlyKeys(ADDRESS, V4, linkLocal).containsValue("00:11:22:33:44:55");
        var view = engine.clients().getFirst();
        assertThat(view.mac()).isEqualTo(MAC);
        assertThat(view.nodeClientAddress()).isEqualTo(N);
        assertThat(view.ownsNodeClientAddress()).isTrue();
        assertThat(view.claiming()).isFalse();
        assertThat(view.addresses()).containsEntry(ADDRESS, AddressState.ACTIVE).hasSize(3);
        assertThat(AddressState.ACTIVE.code()).isEqualTo(1);
        assertThat(AddressState.TENTATIVE.code()).isEqualTo(2);
    }

    @Test
    void probesGoToTheClientsLinkLocalAddressWhenKnown() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.neighbourProbeFailed(0, ADDRESS);
        assertThat(out.probes.getLast()).isEqualTo(new RecordingOutput.Probe(ADDRESS,
                IpAddress.parse("ff02::1:ff00:c")));
        engine.addressSeen(0, MAC, NodeClientAddress.linkLocal(MAC));
        engine.neighbourProbeFailed(0, ADDRESS);
        assertThat(out.probes.getLast()).isEqualTo(new RecordingOutput.Probe(ADDRESS,
                NodeClientAddress.linkLocal(MAC)));
        engine.addressSeen(0, MAC, V4);
        engine.neighbourProbeFailed(0, V4);
        assertThat(out.arps).containsExactly(V4);
    }

    @Test
    void anAddressMovesToTheClientThatHasItNow() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.addressSeen(0, MAC, ADDRESS2);
        engine.addressSeen(S, MAC2, ADDRESS);
        assertThat(out.counter("address_moved")).isEqualTo(1);
        assertThat(out.routes).containsEntry(ADDRESS, "00:11:22:33:44:66");
        assertThat(engine.clients()).hasSize(2);
        // the first client loses its last address: it is deleted
        engine.addressSeen(S, MAC2, ADDRESS2);
        assertThat(engine.clients()).extracting(L3roamdEngine.ClientView::mac).containsExactly(MAC2);
        assertThat(out.onLo).containsExactly(NodeClientAddress.of(MAC2, NodeClientAddress.DEFAULT_PREFIX));
        assertThat(engine.oldClients()).isEqualTo(1);
    }

    @Test
    void aFailedNeighbourIsProbedAndRemovedAfter120sUnlessSeenAgain() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.addressSeen(0, MAC, ADDRESS2);
        out.clear();
        engine.neighbourProbeFailed(0, ADDRESS);
        runUntil(2 * S);
        assertThat(out.probes).hasSize(5).allMatch(p -> p.target().equals(ADDRESS));
        runUntil(119 * S);
        assertThat(out.routes).containsKey(ADDRESS);
        runUntil(120 * S);
        assertThat(out.routes).doesNotContainKey(ADDRESS);
        assertThat(out.originated).doesNotContain(Prefix.host(ADDRESS));

        // seen again in between: kept
        engine.neighbourProbeFailed(121 * S, ADDRESS2);
        engine.addressSeen(122 * S, MAC, ADDRESS2);
        runUntil(400 * S);
        assertThat(out.routes).containsKey(ADDRESS2);
        assertThat(engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aGoneNeighbourReprobesEveryAddressOfItsClientAndTheLastAddressTakesTheClient() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.addressSeen(0, MAC, V4);
        out.clear();
        engine.neighbourGone(0, ADDRESS);
        assertThat(out.probes).extracting(RecordingOutput.Probe::target).containsExactly(ADDRESS);
        assertThat(out.arps).containsExactly(V4);
        engine.neighbourGone(0, V4);
        runUntil(120 * S);
        assertThat(engine.clients()).isEmpty();
        assertThat(out.onLo).isEmpty();
        assertThat(out.originated).isEmpty();
        assertThat(engine.oldClients()).isEqualTo(1);
    }

    @Test
    void aDadProbeCycleRunsUntilTheAddressIsKnown() {
        engine.dadSeen(0, ADDRESS);
        engine.dadSeen(0, IpAddress.parse("2001:db9::1"));
        runUntil(S);
        assertThat(out.probes).hasSize(4).allMatch(p -> p.target().equals(ADDRESS)
                && p.destination().equals(IpAddress.parse("ff02::1:ff00:c")));
        engine.addressSeen(S + 1, MAC, ADDRESS);
        runUntil(10 * S);
        assertThat(out.probes).hasSize(4);

        out.clear();
        engine.dadSeen(20 * S, ADDRESS2);
        runUntil(30 * S);
        assertThat(out.probes).hasSize(L3roamdEngine.DAD_PROBES);
        engine.dadSeen(40 * S, ADDRESS); // known: nothing
        assertThat(out.probes).hasSize(L3roamdEngine.DAD_PROBES);
    }

    /**
     * After a kill -9 the new run knows the addresses the old one served (their neighbour entries) but not whether
     * the clients are still here: only an address whose client answers a probe is routed and announced again; one
     * that nobody answers for is sought in the mesh, so that the node its client went to (which got no INFO from the
     * dead run) learns it.
     */
    @Test
    void anAddressServedBeforeARestartIsAnnouncedOnlyWhenItsClientAnswersAndSoughtWhileItDoesNot() {
        engine.macSeen(0, MAC); // the client bridge still knows the station
        out.clear();
        IpAddress linkLocal = NodeClientAddress.linkLocal(MAC2);
        engine.servedBeforeRestart(0, ADDRESS);
        engine.servedBeforeRestart(0, ADDRESS2);
        engine.servedBeforeRestart(0, linkLocal);
        engine.servedBeforeRestart(0, IpAddress.parse("2001:db9::1")); // outside the client prefixes: not probed
        assertThat(out.probes).extracting(RecordingOutput.Probe::target).containsExactly(ADDRESS, ADDRESS2, linkLocal);
        assertThat(out.originated).containsExactly(Prefix.host(N));
        assertThat(out.routes).isEmpty();

        engine.addressSeen(MS, MAC, ADDRESS); // the client answered for ADDRESS: it is still here
        runUntil(30 * S);
        assertThat(out.originated).containsExactlyInAnyOrder(Prefix.host(N), Prefix.host(ADDRESS));
        assertThat(out.routes).containsOnlyKeys(ADDRESS);
        assertThat(out.probes).filteredOn(p -> p.target().equals(ADDRESS)).hasSize(1);
        assertThat(out.probes).filteredOn(p -> p.target().equals(ADDRESS2)).hasSize(L3roamdEngine.DAD_PROBES);
        assertThat(engine.owner(ADDRESS2)).as("nobody answered for it here").isEmpty();
        // sought at 300 ms and 3.3 s, while the probes went on (4.5 s); never the answered or the link-local address
        assertThat(out.multicasts).hasSize(2).allSatisfy(d -> {
            Intercom.Seek seek = (Intercom.Seek) decode(d);
            assertThat(seek.header().ttl()).isEqualTo(Intercom.FLOOD_TTL);
            assertThat(seek.addresses()).containsExactly(ADDRESS2);
        });
        assertThat(out.counter("restart_probe")).isEqualTo(3);
    }

    @Test
    void aStationThatLeavesIsDeletedAtOnce() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.stationGone(S, MAC);
        assertThat(out.events).endsWith("unroute " + ADDRESS, "withdraw " + ADDRESS + "/128", "lo- " + N,
                "withdraw " + N + "/128");
        assertThat(engine.clients()).isEmpty();
    }

    // ---- CLAIM ------------------------------------------------------------------------------------------------

    @Test
    void aClaimCycleSends16ClaimsAndTakesTheNodeClientAddressWhenNobodyAnswers() {
        out.elsewhere = a -> a.equals(N);
        engine.macSeen(0, MAC);
        assertThat(engine.clients().getFirst().claiming()).isTrue();
        List<Long> times = new ArrayList<>();
        out.unicastHook = (to, d) -> {
            assertThat(to).isEqualTo(N);
            assertThat(decode(d)).isInstanceOf(Intercom.Claim.class);
        };
        times.add(0L);
        for (long d = engine.nextDeadline(); d < 4_790 * MS; d = engine.nextDeadline()) {
            int before = out.unicasts.size();
            engine.tick(d);
            if (out.unicasts.size() > before) {
                times.add(d);
            }
        }
        assertThat(out.unicasts).hasSize(16);
        assertThat(times).hasSize(16).startsWith(0L, 300 * MS).endsWith(4_500 * MS);
        assertThat(out.unicasts).extracting(u -> decode(u.datagram()).header())
                .allMatch(h -> h.ttl() == 1 && h.sender().equals(NODE))
                .extracting(Header::nonce).containsOnly(decode(out.unicasts.getFirst().datagram()).header().nonce());
        assertThat(out.onLo).isEmpty();
        engine.tick(4_800 * MS);
        assertThat(out.counter("claim_exhausted")).isEqualTo(1);
        assertThat(out.onLo).containsExactly(N);
        assertThat(out.originated).containsExactly(Prefix.host(N));
        assertThat(engine.clients().getFirst().claiming()).isFalse();
        assertThat(engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aClaimIsCancelledWhenTheClientLeavesWithinTheWindow() {
        out.elsewhere = a -> a.equals(N);
        engine.macSeen(0, MAC);
        engine.addressSeen(0, MAC, ADDRESS);
        runUntil(S);
        int claims = out.unicasts.size();
        engine.stationGone(S + 1, MAC);
        assertThat(out.counter("claim_cancelled")).isEqualTo(1);
        runUntil(10 * S);
        assertThat(out.unicasts).hasSize(claims);
        assertThat(out.onLo).isEmpty();
        assertThat(out.originated).isEmpty();
        assertThat(out.counter("claim_exhausted")).isZero();
    }

    @Test
    void aClaimForACurrentClientIsAnsweredWithInfoUntilAcknowledged() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.addressSeen(0, MAC, V4);
        out.clear();
        engine.datagram(S, claim(OTHER, 77, MAC));
        // the client is let go, but its host routes stay announced until the claimer has its own (ACK)
        assertThat(engine.clients()).isEmpty();
        assertThat(out.routes).isEmpty();
        assertThat(out.originated).containsExactlyInAnyOrder(Prefix.host(ADDRESS), Prefix.host(V4),
                Prefix.host(NodeClientAddress.of(MAC, NodeClientAddress.DEFAULT_PREFIX)));
        assertThat(out.onLo).isEmpty();
        assertThat(out.unicasts(Intercom.INFO)).hasSize(1);
        var first = out.unicasts(Intercom.INFO).getFirst();
        assertThat(first.destination()).isEqualTo(OTHER);
        Intercom.Info info = (Intercom.Info) decode(first.datagram());
        assertThat(info.mac()).isEqualTo(MAC);
        assertThat(info.addresses()).containsExactly(ADDRESS, Ipv4Mapping.DEFAULT.toWire(V4));
        assertThat(info.header().ttl()).isEqualTo(1);
        // and one SEEK for them to the claimer, which a C l3roamd needs to learn them (roaming.md §1.12-B)
        assertThat(out.unicasts(Intercom.SEEK)).hasSize(1).allSatisfy(u -> {
            assertThat(u.destination()).isEqualTo(OTHER);
            Intercom.Seek seek = (Intercom.Seek) decode(u.datagram());
            assertThat(seek.header().ttl()).isEqualTo(1);
            assertThat(seek.addresses()).containsExactly(ADDRESS, Ipv4Mapping.DEFAULT.toWire(V4));
        });
        assertThat(out.multicasts).isEmpty();

        runUntil(S + 1_200 * MS);
        assertThat(out.unicasts(Intercom.INFO)).hasSize(3)
                .allMatch(u -> decode(u.datagram()).header().nonce() == info.header().nonce());
        assertThat(out.originated).hasSize(3);
        engine.datagram(S + 1_300 * MS, ack(OTHER, 5, MAC));
        assertThat(out.originated).as("withdrawn on the ACK").isEmpty();
        assertThat(out.counter("handed_over")).isEqualTo(1);
        runUntil(20 * S);
        assertThat(out.unicasts(Intercom.INFO)).hasSize(3);
        assertThat(out.counter("ack_received")).isEqualTo(1);
    }

    @Test
    void anUnacknowledgedInfoIsSent16TimesThenGivenUp() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.datagram(0, claim(OTHER, 77, MAC));
        runUntil(20 * S);
        assertThat(out.unicasts(Intercom.INFO)).hasSize(16);
        assertThat(out.counter("info_unacknowledged")).isEqualTo(1);
        assertThat(out.originated).as("withdrawn when the INFO cycle gives up").isEmpty();
    }

    @Test
    void oldClientsAnswerClaimsFor300Seconds() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.stationGone(S, MAC);
        engine.datagram(300 * S, claim(OTHER, 1, MAC));
        assertThat(out.unicasts(Intercom.INFO)).hasSize(1);
        Intercom.Info info = (Intercom.Info) decode(out.unicasts(Intercom.INFO).getFirst().datagram());
        assertThat(info.addresses()).containsExactly(ADDRESS);
        engine.datagram(300 * S + 1, ack(OTHER, 2, MAC));
        runUntil(301 * S);
        engine.datagram(301 * S, claim(OTHER, 3, MAC));
        assertThat(out.unicasts(Intercom.INFO)).hasSize(1);
        assertThat(out.counter("claim_unknown")).isEqualTo(1);
        assertThat(engine.oldClients()).isZero();
        // a CLAIM carries ttl 1: nothing is forwarded
        assertThat(out.multicasts).isEmpty();
    }

    @Test
    void ourOwnPacketsAreIgnored() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.datagram(0, claim(NODE, 1, MAC));
        assertThat(out.counter("own_packet")).isEqualTo(1);
        assertThat(engine.clients()).hasSize(1);
    }

    // ---- INFO -------------------------------------------------------------------------------------------------

    @Test
    void anInfoIsAppliedThenAcknowledgedAndARepeatChangesNothingButIsAcknowledged() {
        out.elsewhere = a -> a.equals(N);
        engine.macSeen(0, MAC);
        engine.addressSeen(0, MAC, ADDRESS2);
        out.clear();
        engine.datagram(100 * MS, info(OTHER, 42, MAC, ADDRESS, ADDRESS2, V4, IpAddress.parse("2001:db9::1")));
        assertThat(out.counter("claim_answered")).isEqualTo(1);
        assertThat(out.counter("info_address_outside")).isEqualTo(1);
        assertThat(out.routes).containsKeys(ADDRESS, V4);
        assertThat(out.originated).contains(Prefix.host(ADDRESS), Prefix.host(V4), Prefix.host(N));
        assertThat(out.onLo).containsExactly(N);
        // the ACK comes after everything was applied
        assertThat(out.events.getLast()).isEqualTo("unicast ACK to " + OTHER);
        assertThat(((Intercom.Ack) decode(out.unicasts.getLast().datagram())).mac()).isEqualTo(MAC);
        var states = engine.clients().getFirst().addresses();
        assertThat(states).containsEntry(ADDRESS, AddressState.TENTATIVE).containsEntry(V4, AddressState.TENTATIVE)
                .containsEntry(ADDRESS2, AddressState.ACTIVE);
        // the tentative ones are probed at once
        assertThat(out.probes).extracting(RecordingOutput.Probe::target).containsExactly(ADDRESS);
        assertThat(out.arps).containsExactly(V4);

        int events = out.events.size();
        engine.datagram(600 * MS, info(OTHER, 42, MAC, ADDRESS, ADDRESS2, V4));
        assertThat(out.events.subList(events, out.events.size())).containsExactly("unicast ACK to " + OTHER);
        assertThat(out.counter("duplicate")).isZero();

        // the client answers for one; the other is removed after 120 s
        engine.addressSeen(S, MAC, ADDRESS);
        assertThat(engine.clients().getFirst().addresses()).containsEntry(ADDRESS, AddressState.ACTIVE);
        runUntil(121 * S);
        assertThat(engine.clients().getFirst().addresses()).containsOnlyKeys(ADDRESS, ADDRESS2);
        assertThat(out.originated).doesNotContain(Prefix.host(V4));
    }

    @Test
    void anInfoForAClientWeDoNotHaveIsAcknowledgedAnyway() {
        engine.datagram(0, info(OTHER, 42, MAC, ADDRESS));
        assertThat(out.counter("info_unknown")).isEqualTo(1);
        assertThat(out.unicasts(Intercom.ACK)).hasSize(1);
        assertThat(out.routes).isEmpty();
        assertThat(out.multicasts).isEmpty(); // ttl 1
    }

    // ---- SEEK -------------------------------------------------------------------------------------------------

    @Test
    void aSeekIsProbedLocallyAndFloodedWithItsTtlDecrementedOnce() {
        byte[] s = seek(255, 9, OTHER, ADDRESS, V4, IpAddress.parse("2001:db9::1"));
        engine.datagram(0, s);
        assertThat(out.probes).extracting(RecordingOutput.Probe::target).containsExactly(ADDRESS);
        assertThat(out.arps).containsExactly(V4);
        assertThat(out.multicasts).hasSize(1);
        Intercom.Seek forwarded = (Intercom.Seek) decode(out.multicasts.getFirst());
        assertThat(forwarded.header()).isEqualTo(new Header(254, 9, OTHER));
        assertThat(forwarded.addresses()).hasSize(3);
        engine.datagram(MS, s);
        engine.datagram(MS, Intercom.encode(forwarded));
        assertThat(out.multicasts).hasSize(1);
        assertThat(out.counter("duplicate")).isEqualTo(2);
        // a SEEK at the end of its life is probed but not forwarded
        engine.datagram(MS, seek(1, 10, OTHER, ADDRESS));
        assertThat(out.multicasts).hasSize(1);
        assertThat(out.probes).hasSize(2);
        // the same nonce with another type is not a duplicate
        engine.datagram(MS, claim(OTHER, 9, MAC2));
        assertThat(out.counter("claim_unknown")).isEqualTo(1);
    }

    @Test
    void duplicateSuppressionRemembersTheLast256Headers() {
        for (int i = 0; i < 257; i++) {
            engine.datagram(0, seek(2, i, OTHER, ADDRESS));
        }
        assertThat(out.multicasts).hasSize(257);
        engine.datagram(0, seek(2, 256, OTHER, ADDRESS));
        assertThat(out.multicasts).hasSize(257);
        engine.datagram(0, seek(2, 0, OTHER, ADDRESS)); // forgotten
        assertThat(out.multicasts).hasSize(258);
        assertThat(out.counter("recent_evicted")).as("forgotten within the window: the bound reached").isEqualTo(2);
        engine.datagram(3 * S, seek(2, 1_000, OTHER, ADDRESS));
        assertThat(out.counter("recent_evicted")).as("entries past the window just expire").isEqualTo(2);
    }

    @Test
    void aRepeatedNonceIsADuplicateOnlyWithinTheWindowPerSenderAndForTheSameTlvs() {
        // the C l3roamd's nonces come from the stack (roaming.md §1.12-A): one value for all its packets
        engine.datagram(0, seek(2, 77, OTHER, ADDRESS));
        engine.datagram(S, seek(3, 77, OTHER, ADDRESS)); // the same flood, another ttl
        assertThat(out.counter("duplicate")).isEqualTo(1);
        engine.datagram(S + MS, seek(2, 77, IpAddress.parse("fd00::c"), ADDRESS)); // another sender
        engine.datagram(S + 2 * MS, seek(2, 77, OTHER, ADDRESS2)); // another address sought
        engine.datagram(3 * S, seek(2, 77, OTHER, ADDRESS)); // the C peer's repetition 3 s later
        assertThat(out.counter("duplicate")).isEqualTo(1);
        assertThat(out.probes).extracting(RecordingOutput.Probe::target)
                .containsExactly(ADDRESS, ADDRESS, ADDRESS2, ADDRESS);
    }

    @Test
    void infosOfTwoHandOversWithTheSameNonceAreBothApplied() {
        // a C peer hands the client over, gets it back and hands it over again within seconds, with one nonce
        out.elsewhere = a -> a.equals(N);
        engine.addressSeen(0, MAC, ADDRESS);
        engine.datagram(100 * MS, info(OTHER, 0x55f4, MAC, ADDRESS));
        assertThat(out.onLo).containsExactly(N);
        engine.datagram(S, claim(OTHER, 0x55f4, MAC));
        engine.datagram(S + MS, ack(OTHER, 0x55f4, MAC));
        assertThat(engine.clients()).isEmpty();
        assertThat(out.onLo).isEmpty();
        engine.addressSeen(2 * S, MAC, ADDRESS);
        assertThat(engine.clients().getFirst().claiming()).isTrue();
        engine.datagram(2 * S + 100 * MS, info(OTHER, 0x55f4, MAC, ADDRESS));
        assertThat(out.counter("claim_answered")).isEqualTo(2);
        assertThat(engine.clients().getFirst().claiming()).isFalse();
        assertThat(out.onLo).containsExactly(N);
        assertThat(out.counter("duplicate")).isZero();
        int claims = out.unicasts(Intercom.CLAIM).size();
        runUntil(10 * S);
        assertThat(out.unicasts(Intercom.CLAIM)).as("no CLAIM after the INFO").hasSize(claims);
    }

    @Test
    void aClientBackBeforeItsClaimersAnnouncementIsClaimedFromThatClaimer() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.datagram(S, claim(OTHER, 7, MAC));
        engine.datagram(S + MS, ack(OTHER, 8, MAC));
        out.clear();
        // N is not routed here yet (our announcement is withdrawn, the claimer's has not come): not new to the mesh
        engine.addressSeen(S + 300 * MS, MAC, ADDRESS);
        assertThat(out.counter("claim_from_holder")).isEqualTo(1);
        assertThat(out.unicasts(Intercom.CLAIM)).hasSize(1).allMatch(u -> u.destination().equals(OTHER));
        assertThat(out.onLo).isEmpty();
        assertThat(out.originated).containsExactly(Prefix.host(ADDRESS));
        engine.datagram(S + 400 * MS, info(OTHER, 9, MAC, ADDRESS));
        assertThat(out.onLo).containsExactly(N);
        assertThat(engine.clients().getFirst().claiming()).isFalse();

        // a client that left on its own (no claimer) and comes back takes N at once
        engine.stationGone(2 * S, MAC);
        out.clear();
        engine.addressSeen(3 * S, MAC, ADDRESS);
        assertThat(out.unicasts(Intercom.CLAIM)).isEmpty();
        assertThat(out.onLo).containsExactly(N);
    }

    @Test
    void unicastClaimsSkipTheDuplicateCheckAndARetransmissionChangesNothing() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.datagram(S, claim(OTHER, 77, MAC));
        engine.datagram(S + 300 * MS, claim(OTHER, 77, MAC)); // a retransmission: the INFO cycle goes on
        assertThat(out.unicasts(Intercom.INFO)).hasSize(1);
        engine.datagram(S + 400 * MS, ack(OTHER, 5, MAC));
        engine.addressSeen(2 * S, MAC, ADDRESS); // the client came back
        out.clear();
        engine.datagram(3 * S, claim(OTHER, 77, MAC)); // and left again at once: the same nonce, a new CLAIM
        assertThat(out.counter("duplicate")).isZero();
        assertThat(engine.clients()).isEmpty();
        assertThat(out.unicasts(Intercom.INFO)).hasSize(1);
    }

    @Test
    void malformedDatagramsAreCountedAndDropped() {
        engine.datagram(0, new byte[10]);
        byte[] bad = seek(2, 1, OTHER, ADDRESS);
        bad[0] = 1;
        engine.datagram(0, bad);
        assertThat(out.counter("malformed")).isEqualTo(2);
        assertThat(out.counter("malformed_short_header")).isEqualTo(1);
        assertThat(out.counter("malformed_version")).isEqualTo(1);
        assertThat(out.events).isEmpty();
    }

    // ---- unknown destinations ---------------------------------------------------------------------------------

    @Test
    void anUnknownDestinationIsProbedSoughtAndExpiresWithAnIcmpError() {
        IpAddress source = IpAddress.parse("2001:db8:99::1");
        byte[] packet = ipv6Packet(source, ADDRESS, 100);
        engine.tunPacket(0, packet);
        assertThat(out.events).containsExactly("ns " + ADDRESS + " to ff02::1:ff00:c");
        runUntil(299 * MS);
        assertThat(out.multicasts).isEmpty();
        runUntil(300 * MS);
        assertThat(out.multicasts).hasSize(1);
        Intercom.Seek seek = (Intercom.Seek) decode(out.multicasts.getFirst());
        assertThat(seek.header().ttl()).isEqualTo(255);
        assertThat(seek.header().sender()).isEqualTo(NODE);
        assertThat(seek.addresses()).containsExactly(ADDRESS);
        engine.tunPacket(MS * 1000, ipv6Packet(source, ADDRESS, 80));
        runUntil(3_000 * MS);
        assertThat(out.probes).hasSize(2);
        runUntil(3_300 * MS);
        assertThat(out.multicasts).hasSize(2);
        runUntil(4_999 * MS);
        assertThat(out.tun).isEmpty();
        runUntil(5_000 * MS);
        assertThat(out.tun).hasSize(1);
        assertThat(out.counter("queue_expired")).isEqualTo(1);
        byte[] error = out.tun.getFirst();
        assertThat(error[40]).isEqualTo((byte) 1);
        assertThat(IpAddress.of(java.util.Arrays.copyOfRange(error, 24, 40))).isEqualTo(source);
        assertThat(IpAddress.of(java.util.Arrays.copyOfRange(error, 8, 24))).isEqualTo(NODE);
        runUntil(6_000 * MS);
        assertThat(out.tun).hasSize(2);
        assertThat(engine.queuedPackets()).isZero();
        runUntil(60 * S);
        assertThat(out.multicasts).hasSize(2);
        assertThat(engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        // our own SEEK coming back is a duplicate
        engine.datagram(60 * S, out.multicasts.getFirst());
        assertThat(out.counter("own_packet")).isEqualTo(1);
    }

    @Test
    void theQueueDrainsInOrderWhenAHostRouteAppears() {
        byte[] a = ipv6Packet(IpAddress.parse("2001:db8:99::1"), ADDRESS, 60);
        byte[] b = ipv6Packet(IpAddress.parse("2001:db8:99::2"), ADDRESS, 61);
        engine.tunPacket(0, a);
        engine.tunPacket(MS, b);
        engine.hostRouteAppeared(2 * MS, ADDRESS2);
        assertThat(out.reinjected).isEmpty();
        engine.hostRouteAppeared(2 * MS, ADDRESS);
        assertThat(out.reinjected).containsExactly(a, b);
        assertThat(engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        // the client turns up here: our own route drains the queue
        engine.tunPacket(3 * MS, a);
        engine.addressSeen(4 * MS, MAC, ADDRESS);
        assertThat(out.reinjected).hasSize(3);
        assertThat(out.events.getLast()).isEqualTo("reinject");
        // a packet that slipped into the TUN device for a known address drains when the client answers the probe
        engine.tunPacket(5 * MS, b);
        assertThat(out.probes.getLast().target()).isEqualTo(ADDRESS);
        engine.addressSeen(6 * MS, MAC, ADDRESS);
        assertThat(out.reinjected).hasSize(4);
        assertThat(engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void ipv4PacketsAreSoughtByArpAndMappedSeekAndGetAnIcmpErrorWhenASourceIsSet() {
        engine = new L3roamdEngine(settings().withIcmpV4Source(IpAddress.parse("10.255.0.1")), new Random(1), out);
        byte[] p = new byte[40];
        p[0] = 0x45;
        p[3] = 40;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(IpAddress.parse("10.9.0.1").toBytes(), 0, p, 12, 4);
        System.arraycopy(V4.toBytes(), 0, p, 16, 4);
        engine.tunPacket(0, p);
        assertThat(out.arps).containsExactly(V4);
        runUntil(300 * MS);
        assertThat(((Intercom.Seek) decode(out.multicasts.getFirst())).addresses())
                .containsExactly(Ipv4Mapping.DEFAULT.toWire(V4));
        runUntil(5 * S);
        assertThat(out.tun).hasSize(1);
        assertThat(out.tun.getFirst()[20]).isEqualTo((byte) 3);
    }

    @Test
    void packetsTheQueueMustNotTakeAreCounted() {
        engine.tunPacket(0, new byte[3]);
        engine.tunPacket(0, ipv6Packet(NODE, IpAddress.parse("ff02::1"), 40));
        engine.tunPacket(0, ipv6Packet(NODE, IpAddress.parse("2001:db9::1"), 40));
        engine.tunPacket(0, ipv6Packet(NODE, IpAddress.parse("fe80::1"), 40));
        assertThat(out.counters).containsEntry("tun_malformed", 1L).containsEntry("tun_multicast", 1L)
                .containsEntry("tun_outside", 2L);
        assertThat(engine.queuedPackets()).isZero();
    }

    // ---- bounds -----------------------------------------------------------------------------------------------

    @Test
    void queueBoundsRefuseAndCount() {
        make(bounds(10, 2, 10, 10, 10, 256, 3, 1000, 2));
        for (int i = 0; i < 4; i++) {
            engine.tunPacket(0, ipv6Packet(NODE, ADDRESS, 100));
        }
        assertThat(out.counter("queue_full")).isEqualTo(1);
        engine.tunPacket(0, ipv6Packet(NODE, ADDRESS2, 100));
        engine.tunPacket(0, ipv6Packet(NODE, IpAddress.parse("2001:db8::e"), 100));
        assertThat(out.counter("seek_refused")).isEqualTo(1);
        engine.tunPacket(0, ipv6Packet(NODE, ADDRESS2, 700));
        assertThat(out.counter("queue_bytes_full")).isEqualTo(1);
        assertThat(engine.queuedPackets()).isEqualTo(4);
        engine.hostRouteAppeared(MS, ADDRESS);
        engine.tunPacket(MS, ipv6Packet(NODE, ADDRESS2, 600));
        assertThat(engine.queuedPackets()).isEqualTo(2);
    }

    @Test
    void clientAndAddressBoundsRefuseAndCount() {
        make(bounds(2, 2, 10, 10, 10, 256, 3, 1000, 2));
        engine.addressSeen(0, MAC, ADDRESS);
        engine.addressSeen(0, MAC, ADDRESS2);
        assertThat(engine.addressSeen(0, MAC, V4)).isFalse();
        assertThat(out.counter("address_refused")).isEqualTo(1);
        engine.macSeen(0, MAC2);
        engine.macSeen(0, MacAddress.parse("00:00:00:00:00:03"));
        assertThat(engine.addressSeen(0, MacAddress.parse("00:00:00:00:00:04"), IpAddress.parse("2001:db8::f")))
                .isFalse();
        assertThat(out.counter("client_refused")).isEqualTo(2);
        assertThat(engine.clients()).hasSize(2);
        // an INFO beyond the address bound applies what fits and is acknowledged
        engine.datagram(0, info(OTHER, 1, MAC2, IpAddress.parse("2001:db8::21"), IpAddress.parse("2001:db8::22"),
                IpAddress.parse("2001:db8::23")));
        assertThat(out.counter("address_refused")).isEqualTo(2);
        assertThat(out.unicasts(Intercom.ACK)).hasSize(1);
    }

    @Test
    void claimInfoOldClientAndProbeBoundsRefuseAndCount() {
        make(bounds(10, 2, 1, 1, 1, 256, 3, 1000, 1));
        out.elsewhere = a -> true;
        engine.macSeen(0, MAC);
        engine.macSeen(0, MAC2);
        assertThat(out.counter("claim_refused")).isEqualTo(1);
        // refused a CLAIM cycle, the client is taken at once
        assertThat(out.onLo).containsExactly(NodeClientAddress.of(MAC2, NodeClientAddress.DEFAULT_PREFIX));
        engine.addressSeen(0, MAC, ADDRESS);
        engine.addressSeen(0, MAC2, ADDRESS2);
        engine.datagram(0, claim(OTHER, 1, MAC));
        engine.datagram(0, claim(OTHER, 2, MAC2));
        assertThat(out.counter("info_refused")).isEqualTo(1);
        assertThat(out.counter("old_client_refused")).isEqualTo(1);
        assertThat(engine.oldClients()).isEqualTo(1);
        engine.dadSeen(0, IpAddress.parse("2001:db8::31"));
        engine.dadSeen(0, IpAddress.parse("2001:db8::32"));
        assertThat(out.counter("probe_refused")).isEqualTo(1);
    }

    @Test
    void aClaimFloodForRandomMacsStaysBounded() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            engine.datagram(i * MS, claim(OTHER, r.nextInt(), new MacAddress(r.nextLong() & 0xffff_ffff_ffffL)));
            engine.macSeen(i * MS, new MacAddress(r.nextLong() & 0xffff_ffff_ffffL));
        }
        assertThat(engine.clients()).hasSize(L3roamdSettings.Bounds.DEFAULT.clients());
        assertThat(out.counter("client_refused")).isEqualTo(20_000 - 4096);
        assertThat(out.counter("claim_unknown")).isEqualTo(20_000);
    }

    // ---- control ----------------------------------------------------------------------------------------------

    @Test
    void prefixesCanBeAddedAndRemoved() {
        Prefix extra = Prefix.parse("2001:db8:1::/64");
        assertThat(engine.addressSeen(0, MAC, IpAddress.parse("2001:db8:1::1"))).isFalse();
        assertThat(engine.addPrefix(extra)).isTrue();
        assertThat(engine.addPrefix(extra)).isFalse();
        assertThat(engine.addressSeen(0, MAC, IpAddress.parse("2001:db8:1::1"))).isTrue();
        assertThat(engine.prefixes()).endsWith(extra);
        assertThat(engine.removePrefix(extra)).isTrue();
        assertThat(engine.addressSeen(0, MAC, IpAddress.parse("2001:db8:1::2"))).isFalse();
        assertThat(engine.clients().getFirst().addresses()).containsKey(IpAddress.parse("2001:db8:1::1"));
        assertThat(engine.deleteAddress(0, MAC2, IpAddress.parse("2001:db8:1::1"))).isFalse();
        assertThat(engine.deleteAddress(0, MAC, IpAddress.parse("2001:db8:1::1"))).isTrue();
        assertThat(engine.clients()).isEmpty();
    }

    @Test
    void stopRemovesAndWithdrawsEverything() {
        engine.addressSeen(0, MAC, ADDRESS);
        engine.addressSeen(0, MAC, V4);
        out.elsewhere = a -> true;
        engine.addressSeen(0, MAC2, ADDRESS2);
        engine.tunPacket(0, ipv6Packet(NODE, IpAddress.parse("2001:db8::99"), 60));
        engine.datagram(0, claim(OTHER, 1, MAC));
        engine.stop(S);
        assertThat(out.originated).isEmpty();
        assertThat(out.routes).isEmpty();
        assertThat(out.onLo).isEmpty();
        assertThat(engine.clients()).isEmpty();
        assertThat(engine.oldClients()).isZero();
        assertThat(engine.queuedPackets()).isZero();
        assertThat(engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }
}
