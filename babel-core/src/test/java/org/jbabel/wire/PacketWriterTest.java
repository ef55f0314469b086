package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jbabel.wire.Vectors.bytes;
import static org.jbabel.wire.Vectors.hex;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketWriterTest {
    private static final RouterId A = RouterId.parse("02:00:00:ff:fe:00:00:0a");
    private static final RouterId B = RouterId.parse("02:00:00:ff:fe:00:00:0b");
    private static final PacketWriter WRITER = new PacketWriter(1452);

    private static Tlv.Update update(AddressEncoding ae, String prefix, String source, int seqno, int metric,
            RouterId id, String nextHop) {
        Prefix p = Prefix.parse(prefix);
        return new Tlv.Update(ae, 0, p, source == null ? Prefix.zero(p.family()) : Prefix.parse(source), 1600, seqno,
                metric, id, nextHop == null ? null : IpAddress.parse(nextHop), List.of());
    }

    private static Tlv.Update wildcardRetraction(int interval, int seqno) {
        return new Tlv.Update(AddressEncoding.WILDCARD, 0, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, interval, seqno,
                Tlv.INFINITY, null, null, List.of());
    }

    @Test
    void writesBabeldsFullUpdateByteForByte() {
        List<byte[]> packets = WRITER.write(List.of(
                new Tlv.Hello(0, 0xb42f, 400, List.of(new SubTlv.HelloTimestamp(0x1f8db193L))),
                wildcardRetraction(0xffff, 0x0d9d),
                update(AddressEncoding.IPV6, "2001:db8:b::1/128", null, 0x0d9d, 0, B, null),
                update(AddressEncoding.IPV4, "10.1.0.2/32", null, 0x0d9d, 0, B, "10.1.0.2"),
                new Tlv.RouteRequest(AddressEncoding.WILDCARD, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, List.of())));
        assertThat(packets).hasSize(1);
        assertThat(hex(packets.getFirst())).isEqualTo(hex(bytes(Vectors.TV4)));
    }

    @Test
    void compressesIpv6PrefixesAndWritesSourcePrefixAndAe4LikeBabeld() {
        List<byte[]> packets = WRITER.write(List.of(
                update(AddressEncoding.IPV6, "2001:db8:a::1/128", null, 0x67fa, 0, A, null),
                update(AddressEncoding.IPV6, "2001:db8:fe::/48", null, 0x67fa, 128, A, null),
                update(AddressEncoding.IPV6, "2001:db8:ff::/48", "2001:db8:a::/48", 0x67fa, 128, A, null),
                update(AddressEncoding.IPV4_VIA_IPV6, "192.0.2.1/32", null, 0x67fa, 0, A, null),
                update(AddressEncoding.IPV4_VIA_IPV6, "198.51.100.0/24", null, 0x67fa, 128, A, null)));
        assertThat(packets).hasSize(1);
        assertThat(hex(packets.getFirst())).isEqualTo(hex(bytes(Vectors.TV5)));
    }

    @Test
    void martianUpdatesAreLeftOutAndCountedAndTheRestIsWritten() {
        PacketWriter writer = new PacketWriter(1452);
        List<Tlv> tlvs = new ArrayList<>();
        tlvs.add(update(AddressEncoding.IPV6, "2001:db8:1::/48", null, 1, 96, A, null));
        for (Prefix v4Mapped : List.of(PrefixTest.v4Mapped(0, 96), PrefixTest.v4Mapped(0x0a00_0000, 104))) {
            tlvs.add(new Tlv.Update(AddressEncoding.IPV6, 0, v4Mapped, Prefix.V6_DEFAULT, 1600, 1, 96, A, null,
                    List.of()));
        }
        for (String martian : List.of("ff02::/16", "fe80::/64", "::1/128")) {
            tlvs.add(update(AddressEncoding.IPV6, martian, null, 1, 96, A, null));
        }
        tlvs.add(update(AddressEncoding.IPV6, "2001:db8:2::/48", "fe80::/64", 1, 96, A, null));
        for (String martian : List.of("127.0.0.0/8", "224.0.0.0/4", "255.255.255.255/32", "0.0.0.0/8")) {
            tlvs.add(update(AddressEncoding.IPV4_VIA_IPV6, martian, null, 1, 96, A, null));
        }
        tlvs.add(update(AddressEncoding.IPV6, "2001:db8:3::/48", null, 1, Tlv.INFINITY, A, null));
        tlvs.add(wildcardRetraction(0, 1));
        List<byte[]> packets = writer.write(tlvs);
        assertThat(writer.martianUpdatesRefused()).isEqualTo(10);
        ReadResult r = PacketReader.read(packets.getFirst());
        assertThat(r.problems()).isEmpty();
        assertThat(r.packet().body()).filteredOn(t -> t instanceof Tlv.Update)
                .extracting(t -> ((Tlv.Update) t).prefix().toString())
                .containsExactly("2001:db8:1::/48", "2001:db8:3::/48", "::/0");
        assertThat(writer.write(List.of(update(AddressEncoding.IPV6, "ff02::/16", null, 1, 96, A, null))))
                .as("nothing left to send").isEmpty();
    }

    @Test
    void appendsMacTrailerAfterTheBody() {
        List<byte[]> packets = WRITER.write(List.of(
                new Tlv.Hello(0, 0xff74, 400, List.of(new SubTlv.HelloTimestamp(0x1a7af85dL))),
                new Tlv.RouteRequest(AddressEncoding.WILDCARD, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, List.of()),
                new Tlv.Pc(0, Bytes.fromHex("9b97552a71e9b31a"))));
        byte[] signed = PacketWriter.withTrailer(packets.getFirst(), List.of(
                new Tlv.Mac(Bytes.fromHex("7047426542573c164007a76bd12339925e580f3da3f11307bf730cada60021e1"))));
        assertThat(hex(signed)).isEqualTo(hex(bytes(Vectors.TV3)));
        assertThatThrownBy(() -> PacketWriter.withTrailer(signed, List.of(new Tlv.Ack(1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void routerIdFlagReplacesTheRouterIdTlvWhenThePrefixEmbedsIt() {
        byte[] p = WRITER.write(List.of(update(AddressEncoding.IPV6, "2001:db8:a:0:200:ff:fe00:a/128", null, 1, 0, A, null)))
                .getFirst();
        assertThat(hex(p)).isEqualTo("2a02001c" + "081a02c08000064000010000" + "20010db8000a0000020000fffe00000a");
    }

    @Test
    void routerIdTlvIsWrittenOncePerRouterIdAndNextHopOncePerChange() {
        List<Tlv> in = List.of(update(AddressEncoding.IPV4, "10.0.1.0/24", null, 1, 0, A, "10.0.0.1"),
                update(AddressEncoding.IPV4, "10.0.2.0/24", null, 1, 0, A, "10.0.0.1"),
                update(AddressEncoding.IPV4, "10.0.3.0/24", null, 1, 0, B, "10.0.0.1"),
                update(AddressEncoding.IPV4, "10.0.4.0/24", null, 1, 0, B, "10.0.0.2"));
        List<Tlv> body = PacketReader.read(WRITER.write(in).getFirst()).packet().body();
        assertThat(body).filteredOn(t -> t instanceof Tlv.RouterIdTlv).hasSize(2);
        assertThat(body).filteredOn(t -> t instanceof Tlv.NextHop).hasSize(2);
    }

    @Test
    void splitPacketsStartWithFreshStateAndReestablishRouterIdAndNextHop() {
        List<Tlv> in = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            in.add(update(AddressEncoding.IPV4, "10.0." + i + ".0/24", null, 1, 0, A, "10.0.0.1"));
            in.add(update(AddressEncoding.IPV6, "2001:db8:" + i + "::/48", null, 1, 0, A, null));
        }
        List<byte[]> packets = new PacketWriter(100).write(in);
        assertThat(packets).hasSizeGreaterThan(1);
        for (byte[] p : packets) {
            assertThat(p.length).isLessThanOrEqualTo(100);
            ReadResult r = PacketReader.read(p);
            assertThat(r.problems()).isEmpty();
            assertThat(r.packet().body().getFirst()).isInstanceOfAny(Tlv.RouterIdTlv.class, Tlv.NextHop.class);
        }
        RoundTripTest.assertRoundTrip(in, 100);
    }

    @Test
    void anUpdateFromTheSenderAfterAnExplicitIpv6NextHopStartsANewPacket() {
        List<byte[]> packets = WRITER.write(List.of(
                update(AddressEncoding.IPV6, "2001:db8:1::/48", null, 1, 0, A, "fe80::1"),
                update(AddressEncoding.IPV6, "2001:db8:2::/48", null, 1, 0, A, null)));
        assertThat(packets).hasSize(2);
        assertThat(PacketReader.read(packets.get(0)).packet().body().getFirst())
                .isEqualTo(new Tlv.NextHop(AddressEncoding.IPV6_LINK_LOCAL, IpAddress.parse("fe80::1"), List.of()));
        Tlv.Update second = (Tlv.Update) PacketReader.read(packets.get(1)).packet().body().getLast();
        assertThat(second.nextHop()).isNull();
    }

    @Test
    void ipv4RequestsAreWrittenWithAe1() {
        byte[] p = WRITER.write(List.of(new Tlv.RouteRequest(AddressEncoding.IPV4_VIA_IPV6, Prefix.parse("192.0.2.0/24"),
                Prefix.V4_DEFAULT, List.of()))).getFirst();
        assertThat(hex(p)).isEqualTo("2a020007" + "090501 18 c00002".replace(" ", ""));
    }

    @Test
    void ipv6NextHopsOutsideFe80Slash64UseAe2() {
        byte[] p = WRITER.write(List.of(update(AddressEncoding.IPV4_VIA_IPV6, "192.0.2.0/24", null, 1, 0, A,
                "2001:db8::1"))).getFirst();
        assertThat(PacketReader.read(p).packet().body().getFirst())
                .isEqualTo(new Tlv.NextHop(AddressEncoding.IPV6, IpAddress.parse("2001:db8::1"), List.of()));
    }

    @Test
    void aTlvThatCannotFitAnEmptyPacketIsAProgrammingError() {
        Tlv big = new Tlv.Hello(0, 1, 400, List.of(new SubTlv.PadN(100)));
        assertThatThrownBy(() -> new PacketWriter(100).write(List.of(big))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new PacketWriter(120).write(List.of(big))).hasSize(1);
    }

    @Test
    void invalidTlvsAreProgrammingErrors() {
        List<Tlv> invalid = List.of(
                update(AddressEncoding.IPV6, "2001:db8::/32", null, 1, 0, null, null),
                update(AddressEncoding.IPV4, "10.0.0.0/8", null, 1, 0, A, null),
                update(AddressEncoding.IPV4, "10.0.0.0/8", null, 1, 0, A, "fe80::1"),
                update(AddressEncoding.IPV6, "2001:db8::/32", null, 1, 0, A, "10.0.0.1"),
                update(AddressEncoding.IPV6_LINK_LOCAL, "2001:db8::/64", null, 1, 0, A, null),
                update(AddressEncoding.IPV4, "2001:db8::/32", null, 1, 0, A, "10.0.0.1"),
                update(AddressEncoding.IPV6, "2001:db8::/32", null, 0x10000, 0, A, null),
                new Tlv.Update(AddressEncoding.WILDCARD, 0, Prefix.V6_DEFAULT, Prefix.parse("2001::/16"), 0, 0,
                        Tlv.INFINITY, null, null, List.of()),
                new Tlv.SeqnoRequest(AddressEncoding.WILDCARD, 1, 1, A, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, List.of()),
                new Tlv.Ihu(AddressEncoding.IPV6_LINK_LOCAL, 96, 1200, IpAddress.parse("2001:db8::1"), List.of()),
                new Tlv.NextHop(AddressEncoding.IPV4_VIA_IPV6, IpAddress.parse("10.0.0.1"), List.of()),
                new Tlv.RouterIdTlv(new RouterId(0), List.of()),
                new Tlv.Pc(-1, Bytes.EMPTY));
        for (Tlv t : invalid) {
            assertThatThrownBy(() -> WRITER.write(List.of(t))).as("%s", t).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void maxPacketSizeLeavesRoomForIpv6AndUdpHeadersAndHonoursTheMinimumMtu() {
        assertThat(PacketWriter.maxPacketSizeForMtu(1500)).isEqualTo(1452);
        assertThat(PacketWriter.maxPacketSizeForMtu(300)).isEqualTo(464);
        assertThat(WRITER.write(List.of())).isEmpty();
    }
}
