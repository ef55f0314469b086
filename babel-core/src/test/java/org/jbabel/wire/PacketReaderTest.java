package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jbabel.wire.Vectors.bytes;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketReaderTest {
    private static final RouterId A = RouterId.parse("02:00:00:ff:fe:00:00:0a");
    private static final RouterId B = RouterId.parse("02:00:00:ff:fe:00:00:0b");

    /** A packet around the given TLVs (hex), with the right body length. */
    static byte[] packet(String... tlvs) {
        String body = String.join("", tlvs).replace(" ", "");
        return bytes(String.format("2a02%04x", body.length() / 2) + body);
    }

    /** A TLV of the given type around a body (hex), with the right length byte. */
    static String tlv(int type, String body) {
        String b = body.replace(" ", "");
        return String.format("%02x%02x", type, b.length() / 2) + b;
    }

    private static List<Problem.Kind> kinds(ReadResult r) {
        return r.problems().stream().map(Problem::kind).toList();
    }

    @Test
    void decodesBabeldFullUpdateWithHelloRetractionUpdatesAndRequest() {
        ReadResult r = PacketReader.read(bytes(Vectors.TV4));
        assertThat(r.problems()).isEmpty();
        List<Tlv> body = r.packet().body();
        assertThat(body).hasSize(7);
        assertThat(body.get(0)).isEqualTo(new Tlv.Hello(0, 0xb42f, 400, List.of(new SubTlv.HelloTimestamp(0x1f8db193L))));
        Tlv.Update wildcard = (Tlv.Update) body.get(1);
        assertThat(wildcard.wildcard()).isTrue();
        assertThat(wildcard.retraction()).isTrue();
        assertThat(wildcard.seqno()).isEqualTo(0x0d9d);
        assertThat(wildcard.interval()).isEqualTo(0xffff);
        assertThat(body.get(2)).isEqualTo(new Tlv.RouterIdTlv(B, List.of()));
        assertThat(body.get(3)).isEqualTo(new Tlv.Update(AddressEncoding.IPV6, 0x80, Prefix.parse("2001:db8:b::1/128"),
                Prefix.V6_DEFAULT, 1600, 0x0d9d, 0, B, null, List.of()));
        assertThat(body.get(4)).isEqualTo(new Tlv.NextHop(AddressEncoding.IPV4, IpAddress.parse("10.1.0.2"), List.of()));
        assertThat(body.get(5)).isEqualTo(new Tlv.Update(AddressEncoding.IPV4, 0, Prefix.parse("10.1.0.2/32"),
                Prefix.V4_DEFAULT, 1600, 0x0d9d, 0, B, IpAddress.parse("10.1.0.2"), List.of()));
        assertThat(body.get(6)).isEqualTo(
                new Tlv.RouteRequest(AddressEncoding.WILDCARD, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, List.of()));
    }

    @Test
    void decompressesPrefixesAndLiftsTheSourcePrefixAndReadsAe4() {
        ReadResult r = PacketReader.read(bytes(Vectors.TV5));
        assertThat(r.problems()).isEmpty();
        List<Tlv.Update> updates = r.packet().body().stream()
                .filter(t -> t instanceof Tlv.Update).map(t -> (Tlv.Update) t).toList();
        assertThat(updates).extracting(u -> u.prefix().toString()).containsExactly("2001:db8:a::1/128",
                "2001:db8:fe::/48", "2001:db8:ff::/48", "192.0.2.1/32", "198.51.100.0/24");
        assertThat(updates).extracting(Tlv.Update::routerId).containsOnly(A);
        assertThat(updates).extracting(Tlv.Update::nextHop).containsOnlyNulls();
        assertThat(updates.get(2).sourcePrefix()).isEqualTo(Prefix.parse("2001:db8:a::/48"));
        assertThat(updates.get(1).sourcePrefix()).isEqualTo(Prefix.V6_DEFAULT);
        assertThat(updates.get(3).ae()).isEqualTo(AddressEncoding.IPV4_VIA_IPV6);
        assertThat(updates.get(3).sourcePrefix()).isEqualTo(Prefix.V4_DEFAULT);
        assertThat(updates.get(4).metric()).isEqualTo(128);
    }

    @Test
    void readsPcInTheBodyAndMacInTheTrailer() {
        ReadResult r = PacketReader.read(bytes(Vectors.TV3));
        assertThat(r.problems()).isEmpty();
        assertThat(r.packet().body()).last().isEqualTo(new Tlv.Pc(0, Bytes.fromHex("9b97552a71e9b31a")));
        assertThat(r.packet().trailer()).containsExactly(
                new Tlv.Mac(Bytes.fromHex("7047426542573c164007a76bd12339925e580f3da3f11307bf730cada60021e1")));
    }

    @Test
    void readsIhuWithLinkLocalAddressAndRttTimestamps() {
        ReadResult r = PacketReader.read(bytes(Vectors.TV6));
        assertThat(r.problems()).isEmpty();
        assertThat(r.packet().body()).containsExactly(new Tlv.Ihu(AddressEncoding.IPV6_LINK_LOCAL, 96, 1200,
                IpAddress.parse("fe80::404a:ceff:fe06:d2ca"), List.of(new SubTlv.IhuTimestamp(0x202ef81aL, 0x202ef85fL))));
    }

    /** One input per problem kind, each provoking that kind (and only that one). */
    static final Map<Problem.Kind, byte[]> PROVOKE = new EnumMap<>(Problem.Kind.class);

    static {
        PROVOKE.put(Problem.Kind.BAD_MAGIC, bytes("2b020000"));
        PROVOKE.put(Problem.Kind.BAD_VERSION, bytes("2a010000"));
        PROVOKE.put(Problem.Kind.SHORT_PACKET, bytes("2a02"));
        PROVOKE.put(Problem.Kind.BODY_LENGTH_CLAMPED, bytes("2a020010" + "00"));
        PROVOKE.put(Problem.Kind.TRUNCATED_TLV, packet("0406 0000"));
        PROVOKE.put(Problem.Kind.UNKNOWN_TLV, packet(tlv(11, "0000")));
        PROVOKE.put(Problem.Kind.UNKNOWN_AE, packet(tlv(8, "05 00 00 00 0640 0001 ffff")));
        PROVOKE.put(Problem.Kind.MALFORMED_TLV, packet(tlv(4, "0000")));
        PROVOKE.put(Problem.Kind.MALFORMED_SUBTLV, packet(tlv(4, "0000 0001 0190 0305 0000")));
        PROVOKE.put(Problem.Kind.UNKNOWN_MANDATORY_SUBTLV, packet(tlv(4, "0000 0001 0190 8102 0000")));
        PROVOKE.put(Problem.Kind.NO_DEFAULT_PREFIX, packet(tlv(8, "02 00 10 01 0640 0001 ffff 01")));
        PROVOKE.put(Problem.Kind.NONZERO_RESERVED, packet(tlv(6, "0101 020000fffe00000a")));
        PROVOKE.put(Problem.Kind.BAD_TRAILER, bytes("2a020000" + tlv(4, "0000 0001 0190")));
        PROVOKE.put(Problem.Kind.NO_ROUTER_ID,
                packet(tlv(8, "02 00 80 00 0640 0001 0000 20010db8000a0000 0000000000000001")));
        PROVOKE.put(Problem.Kind.NO_NEXT_HOP,
                packet(tlv(6, "0000 020000fffe00000a"), tlv(8, "01 00 20 00 0640 0001 0000 0a010002")));
        PROVOKE.put(Problem.Kind.IGNORED_SUBTLV, packet(tlv(4, "0000 0001 0190 0302 0000")));
        PROVOKE.put(Problem.Kind.V4_MAPPED_PREFIX, packet(tlv(8, "02 00 68 00 0640 0001 0000 00000000000000000000ffff0a")));
    }

    @Test
    void everyProblemKindHasAnInputThatProvokesIt() {
        assertThat(PROVOKE.keySet()).containsExactlyInAnyOrder(Problem.Kind.values());
        PROVOKE.forEach((kind, input) -> {
            ReadResult r = PacketReader.read(input);
            assertThat(kinds(r)).as("%s", kind).containsExactly(kind);
            WireCounters counters = new WireCounters();
            counters.countAll(r.problems());
            assertThat(counters.get(kind)).isEqualTo(1);
            assertThat(counters.snapshot()).containsEntry(kind.name().toLowerCase(java.util.Locale.ROOT), 1L);
        });
    }

    @Test
    void droppedTlvsLeaveTheRestOfThePacketReadable() {
        ReadResult r = PacketReader.read(packet(tlv(11, "0000"), tlv(8, "05 00 00 00 0640 0001 ffff"),
                tlv(4, "0000 0001 0190 8102 0000"), tlv(3, "abcd")));
        assertThat(r.packet().body()).containsExactly(new Tlv.Unknown(11, Bytes.fromHex("0000")), new Tlv.Ack(0xabcd));
    }

    @Test
    void unknownMandatorySubTlvIgnoresTheUpdateButItsParserStateStillApplies() {
        // 0x80 | 0x40, prefix low 64 bits = router-id A; carries mandatory sub-TLV 0x81.
        String first = tlv(8, "02 c0 80 00 0640 0001 0000 20010db8000a0000 020000fffe00000a 8100");
        // 15 bytes omitted from that default prefix, no Router-Id TLV: both come from the ignored update.
        String second = tlv(8, "02 00 80 0f 0640 0002 0000 01");
        ReadResult r = PacketReader.read(packet(first, second));
        assertThat(kinds(r)).containsExactly(Problem.Kind.UNKNOWN_MANDATORY_SUBTLV);
        assertThat(r.packet().body()).containsExactly(new Tlv.Update(AddressEncoding.IPV6, 0,
                Prefix.parse("2001:db8:a:0:200:ff:fe00:1/128"), Prefix.V6_DEFAULT, 1600, 2, 0, A, null, List.of()));
    }

    @Test
    void unknownMandatorySubTlvInRouterIdOrNextHopStillSetsThem() {
        ReadResult r = PacketReader.read(packet(tlv(6, "0000 020000fffe00000a 8100"), tlv(7, "01 00 0a000001 8100"),
                tlv(8, "01 00 20 00 0640 0001 0000 0a010002")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.UNKNOWN_MANDATORY_SUBTLV, Problem.Kind.UNKNOWN_MANDATORY_SUBTLV);
        Tlv.Update u = (Tlv.Update) r.packet().body().getFirst();
        assertThat(u.routerId()).isEqualTo(A);
        assertThat(u.nextHop()).isEqualTo(IpAddress.parse("10.0.0.1"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "empty body, 02 00 30 00 0640 0001 ffff 20010db80001 8000",
        "source plen 0, 02 00 30 00 0640 0001 ffff 20010db80001 800100",
        "source plen beyond the family, 02 00 30 00 0640 0001 ffff 20010db80001 8002 81 00",
        "source prefix bytes missing, 02 00 30 00 0640 0001 ffff 20010db80001 8002 20 20",
        "second occurrence, 02 00 30 00 0640 0001 ffff 20010db80001 8003 10 2001 8003 10 2001",
        "IPv6 source on an IPv4 prefix, 01 00 18 00 0640 0001 ffff 0a0000 8005 28 20010db8",
        "source on a wildcard retraction, 00 00 00 00 0640 0001 ffff 8003 10 2001"
    })
    void malformedSourcePrefixDropsTheUpdate(String why, String update) {
        ReadResult r = PacketReader.read(packet(tlv(8, update)));
        assertThat(kinds(r)).containsExactly(Problem.Kind.MALFORMED_SUBTLV);
        assertThat(r.packet().body()).isEmpty();
    }

    @Test
    void sourcePrefixIsLiftedFromRouteAndSeqnoRequests() {
        ReadResult r = PacketReader.read(packet(tlv(9, "02 30 20010db80001 8003 10 2001"),
                tlv(10, "01 18 1234 7f 00 020000fffe00000a 0a0000 8002 08 0a")));
        assertThat(r.problems()).isEmpty();
        assertThat(r.packet().body()).containsExactly(
                new Tlv.RouteRequest(AddressEncoding.IPV6, Prefix.parse("2001:db8:1::/48"), Prefix.parse("2001::/16"),
                        List.of()),
                new Tlv.SeqnoRequest(AddressEncoding.IPV4, 0x1234, 127, A, Prefix.parse("10.0.0.0/24"),
                        Prefix.parse("10.0.0.0/8"), List.of()));
    }

    @Test
    void timestampsLongerThanNeededAreCutAndShorterOnesIgnored() {
        ReadResult r = PacketReader.read(packet(tlv(4, "0000 0001 0190 0306 11223344 5566"),
                tlv(5, "03 00 0060 04b0 404acefffe06d2ca 030a 11111111 22222222 3333"),
                tlv(5, "03 00 0060 04b0 404acefffe06d2ca 0304 11111111")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.IGNORED_SUBTLV);
        assertThat(((Tlv.Hello) r.packet().body().get(0)).subTlvs()).containsExactly(new SubTlv.HelloTimestamp(0x11223344L));
        assertThat(((Tlv.Ihu) r.packet().body().get(1)).subTlvs())
                .containsExactly(new SubTlv.IhuTimestamp(0x11111111L, 0x22222222L));
        assertThat(((Tlv.Ihu) r.packet().body().get(2)).subTlvs()).isEmpty();
    }

    @Test
    void routerIdFlagOnIpv4PrefixIsZeroPaddedAddress() {
        ReadResult r = PacketReader.read(packet(tlv(7, "01 00 0a000001"), tlv(8, "01 40 20 00 0640 0001 0000 c0000201")));
        Tlv.Update u = (Tlv.Update) r.packet().body().get(1);
        assertThat(u.routerId()).isEqualTo(RouterId.parse("00:00:00:00:c0:00:02:01"));
    }

    @Test
    void nextHopAe3IsLinkLocalAndAppliesToIpv6AndAe4Updates() {
        ReadResult r = PacketReader.read(packet(tlv(7, "03 00 0000000000000001"), tlv(6, "0000 020000fffe00000a"),
                tlv(8, "02 00 10 00 0640 0001 0000 2001"), tlv(8, "04 00 08 00 0640 0001 0000 0a")));
        IpAddress nh = IpAddress.parse("fe80::1");
        assertThat(r.packet().body().get(0)).isEqualTo(new Tlv.NextHop(AddressEncoding.IPV6_LINK_LOCAL, nh, List.of()));
        assertThat(((Tlv.Update) r.packet().body().get(2)).nextHop()).isEqualTo(nh);
        assertThat(((Tlv.Update) r.packet().body().get(3)).nextHop()).isEqualTo(nh);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "AE 0 update with a prefix length, 8, 00 00 10 00 0640 0001 ffff, MALFORMED_TLV",
        "AE 0 update with a finite metric, 8, 00 00 00 00 0640 0001 0000, MALFORMED_TLV",
        "AE 3 update, 8, 03 00 40 00 0640 0001 ffff 0000000000000001, UNKNOWN_AE",
        "AE 3 route request, 9, 03 40 0000000000000001, UNKNOWN_AE",
        "AE 3 seqno request, 10, 03 40 0001 7f 00 020000fffe00000a 0000000000000001, UNKNOWN_AE",
        "AE 0 seqno request, 10, 00 00 0001 7f 00 020000fffe00000a, UNKNOWN_AE",
        "AE 4 next hop, 7, 04 00 0a000001, UNKNOWN_AE",
        "AE 4 IHU, 5, 04 00 0060 04b0 0a000001, UNKNOWN_AE",
        "plen beyond IPv4, 8, 01 00 21 00 0640 0001 ffff 0a000000 00, MALFORMED_TLV",
        "prefix past the TLV end, 8, 02 00 40 00 0640 0001 ffff 2001, MALFORMED_TLV",
        "omitted beyond the prefix, 8, 02 00 08 02 0640 0001 ffff, MALFORMED_TLV",
        "IHU address short, 5, 02 00 0060 04b0 fe80, MALFORMED_TLV",
        "zero router-id, 6, 0000 0000000000000000, MALFORMED_TLV",
        "PC too short, 17, 0001, MALFORMED_TLV"
    })
    void invalidTlvsAreDroppedWithTheirProblem(String why, int type, String body, Problem.Kind kind) {
        ReadResult r = PacketReader.read(packet(tlv(type, body)));
        assertThat(kinds(r)).containsExactly(kind);
        assertThat(r.packet().body()).isEmpty();
    }

    @Test
    void malformedRouterIdClearsTheRouterIdInForce() {
        ReadResult r = PacketReader.read(packet(tlv(6, "0000 020000fffe00000a"), tlv(6, "0000 0200"),
                tlv(8, "02 00 10 00 0640 0001 0000 2001")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.MALFORMED_TLV, Problem.Kind.NO_ROUTER_ID);
        assertThat(r.packet().body()).containsExactly(new Tlv.RouterIdTlv(A, List.of()));
    }

    /** Found by fuzzing (PacketReaderFuzzTestInputs/packetReader/regression-update-flag-0x40-zero-router-id). */
    @Test
    void anUpdateWhoseRouterIdFlagGivesAZeroOrAllOnesRouterIdIsDroppedAndLeavesNoRouterId() {
        ReadResult r = PacketReader.read(packet(tlv(6, "0000 020000fffe00000a"),
                tlv(8, "02 40 80 00 0640 0001 0000 20010db8000000000000000000000000"),
                tlv(8, "02 00 10 00 0640 0001 0000 2001"),
                tlv(8, "01 40 00 00 0640 0001 ffff"),
                tlv(8, "02 40 80 00 0640 0001 0000 20010db800000000ffffffffffffffff")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.MALFORMED_TLV, Problem.Kind.NO_ROUTER_ID,
                Problem.Kind.MALFORMED_TLV, Problem.Kind.MALFORMED_TLV);
        assertThat(r.packet().body()).containsExactly(new Tlv.RouterIdTlv(A, List.of()));
    }

    @Test
    void malformedNextHopClearsTheNextHopsInForce() {
        ReadResult r = PacketReader.read(packet(tlv(6, "0000 020000fffe00000a"), tlv(7, "01 00 0a000001"),
                tlv(7, "01"), tlv(8, "01 00 20 00 0640 0001 0000 0a010002")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.MALFORMED_TLV, Problem.Kind.NO_NEXT_HOP);
    }

    @Test
    void malformedUpdateThatWouldSetTheDefaultPrefixClearsIt() {
        ReadResult r = PacketReader.read(packet(tlv(8, "02 80 30 00 0640 0001 ffff 20010db80001"),
                tlv(8, "02 80 40 00 0640 0001 ffff 2001"), tlv(8, "02 00 30 04 0640 0001 ffff 0001")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.MALFORMED_TLV, Problem.Kind.NO_DEFAULT_PREFIX);
        assertThat(r.packet().body()).hasSize(1);
    }

    @Test
    void v4MappedIpv6PrefixesAreDroppedAndPrefixesCompressedAgainstThemTooAsBabeldDoes() {
        ReadResult r = PacketReader.read(packet(tlv(6, "0000 020000fffe00000a"),
                // ::ffff:0:0/96, the new default prefix
                tlv(8, "02 80 60 00 0640 0001 0000 00000000000000000000ffff"),
                // ::ffff:10.0.0.0/104 compressed against it (12 bytes omitted)
                tlv(8, "02 00 68 0c 0640 0001 0000 0a"),
                // ::ffff:0.0.0.0/128 written out
                tlv(8, "02 00 80 00 0640 0001 0000 00000000000000000000ffff00000000"),
                // 2001:db8::/32 written out: fine
                tlv(8, "02 00 20 00 0640 0001 0000 20010db8"),
                // 2 bytes omitted: still against the v4-mapped default, which a plain Update does not replace
                tlv(8, "02 00 30 02 0640 0001 0000 0db80001"),
                // a new default prefix, and a prefix compressed against that: both fine
                tlv(8, "02 80 30 00 0640 0001 0000 20010db80002"),
                tlv(8, "02 00 30 04 0640 0001 0000 0003")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.V4_MAPPED_PREFIX, Problem.Kind.V4_MAPPED_PREFIX,
                Problem.Kind.V4_MAPPED_PREFIX, Problem.Kind.V4_MAPPED_PREFIX);
        assertThat(r.packet().body()).filteredOn(t -> t instanceof Tlv.Update)
                .extracting(t -> ((Tlv.Update) t).prefix().toString())
                .containsExactly("2001:db8::/32", "2001:db8:2::/48", "2001:db8:3::/48");
        assertThat(r.problems().getFirst().detail()).contains("::ffff:0:0/96");
    }

    @Test
    void aV4MappedDefaultPrefixStillGivesItsRouterIdAndAnIpv4DefaultIsUnaffected() {
        // Flag 0x40 takes the router-id from the dropped prefix's low 64 bits, as babeld does; AE 1 prefixes have
        // their own default.
        ReadResult r = PacketReader.read(packet(tlv(6, "0000 020000fffe00000a"), tlv(7, "01 00 0a000001"),
                tlv(8, "01 80 18 00 0640 0001 0000 0a0102"),
                tlv(8, "02 c0 80 00 0640 0001 0000 00000000000000000000ffff0a000005"),
                tlv(8, "01 00 20 03 0640 0001 0000 07"),
                tlv(8, "02 00 30 00 0640 0001 0000 20010db80001")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.V4_MAPPED_PREFIX);
        List<Tlv.Update> updates = r.packet().body().stream().filter(t -> t instanceof Tlv.Update)
                .map(t -> (Tlv.Update) t).toList();
        assertThat(updates).extracting(u -> u.prefix().toString())
                .containsExactly("10.1.2.0/24", "10.1.2.7/32", "2001:db8:1::/48");
        assertThat(updates.get(0).routerId()).isEqualTo(A);
        RouterId fromDropped = RouterId.parse("00:00:ff:ff:0a:00:00:05");
        assertThat(updates.get(1).routerId()).isEqualTo(fromDropped);
        assertThat(updates.get(2).routerId()).isEqualTo(fromDropped);
    }

    @Test
    void parserStateDoesNotOutliveItsPacket() {
        byte[] first = packet(tlv(6, "0000 020000fffe00000a"), tlv(7, "01 00 0a000001"),
                tlv(8, "02 80 30 00 0640 0001 ffff 20010db80001"));
        byte[] second = packet(tlv(8, "02 00 30 04 0640 0001 ffff 0001"), tlv(8, "02 00 10 00 0640 0001 0000 2001"),
                tlv(8, "01 00 20 00 0640 0001 0000 0a010002"));
        assertThat(PacketReader.read(first).problems()).isEmpty();
        assertThat(kinds(PacketReader.read(second)))
                .containsExactly(Problem.Kind.NO_DEFAULT_PREFIX, Problem.Kind.NO_ROUTER_ID, Problem.Kind.NO_ROUTER_ID);
    }

    @Test
    void retractionsNeedNeitherRouterIdNorNextHop() {
        ReadResult r = PacketReader.read(packet(tlv(8, "01 00 20 00 0640 0001 ffff 0a010002"),
                tlv(8, "02 00 10 00 0640 0001 ffff 2001")));
        assertThat(r.problems()).isEmpty();
        assertThat(r.packet().body()).extracting(t -> ((Tlv.Update) t).routerId()).containsOnlyNulls();
    }

    @Test
    void nonzeroReservedFieldsAreToleratedAndCounted() {
        // BIRD 2.0.12 was observed sending a random reserved byte in Next Hop TLVs.
        ReadResult r = PacketReader.read(packet(tlv(7, "01 a3 0a010002"), tlv(2, "0001 0002 0190"), tlv(1, "0001")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.NONZERO_RESERVED, Problem.Kind.NONZERO_RESERVED,
                Problem.Kind.NONZERO_RESERVED);
        assertThat(r.packet().body()).containsExactly(
                new Tlv.NextHop(AddressEncoding.IPV4, IpAddress.parse("10.1.0.2"), List.of()),
                new Tlv.AckRequest(2, 400), new Tlv.PadN(2));
    }

    @Test
    void trailerToleratesPaddingAndReportsOtherTlvs() {
        ReadResult r = PacketReader.read(bytes("2a020000" + "00" + tlv(1, "0000") + tlv(16, "aabb") + tlv(3, "0001")));
        assertThat(r.packet().trailer()).containsExactly(new Tlv.Pad1(), new Tlv.PadN(2), new Tlv.Mac(Bytes.fromHex("aabb")));
        assertThat(kinds(r)).containsExactly(Problem.Kind.BAD_TRAILER);
    }

    @Test
    void readsFromAnOffsetInALargerBuffer() {
        byte[] tv4 = bytes(Vectors.TV4);
        byte[] padded = new byte[tv4.length + 10];
        System.arraycopy(tv4, 0, padded, 7, tv4.length);
        assertThat(PacketReader.read(padded, 7, tv4.length)).isEqualTo(PacketReader.read(tv4));
    }
}
