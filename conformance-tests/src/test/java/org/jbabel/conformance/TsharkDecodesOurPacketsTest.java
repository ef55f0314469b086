package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jbabel.wire.AddressEncoding;
import org.jbabel.wire.Bytes;
import org.jbabel.wire.IpAddress;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.PacketWriter;
import org.jbabel.wire.Prefix;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.RouterId;
import org.jbabel.wire.SubTlv;
import org.jbabel.wire.Tlv;
import org.jbabel.wire.pcap.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Packets from our {@link PacketWriter} (every TLV and sub-TLV kind, AE 0 to 4, prefix compression, the router-id
 * flag, source prefixes, PC and a MAC trailer, a split into several packets) are written to a pcap as IPv6/UDP 6696
 * with correct checksums and decoded by the real tshark: it must find nothing malformed and no expert error, and
 * every field it shows must equal what we wrote. tshark is required: install the {@code tshark} package.
 */
class TsharkDecodesOurPacketsTest {
    private static final RouterId A = RouterId.parse("02:00:00:ff:fe:00:00:0a");
    private static final RouterId B = RouterId.parse("02:00:00:ff:fe:00:00:0b");
    private static final IpAddress SELF = IpAddress.parse("fe80::1");
    private static final Tlv.Mac MAC =
            new Tlv.Mac(Bytes.fromHex("7047426542573c164007a76bd12339925e580f3da3f11307bf730cada60021e1"));

    @TempDir
    Path dir;

    private static Tlv.Update update(AddressEncoding ae, String prefix, String source, int metric, RouterId id,
            String nextHop, List<SubTlv> subs) {
        Prefix p = Prefix.parse(prefix);
        return new Tlv.Update(ae, 0, p, source == null ? Prefix.zero(p.family()) : Prefix.parse(source), 1600, 0x67fa,
                metric, id, nextHop == null ? null : IpAddress.parse(nextHop), subs);
    }

    /** The packets of the capture: each is written with a MAC trailer when it ends with a PC TLV. */
    private static List<byte[]> packets() {
        List<byte[]> packets = new ArrayList<>();
        PacketWriter writer = new PacketWriter(PacketWriter.maxPacketSizeForMtu(1500));
        packets.addAll(writer.write(List.of(
                new Tlv.Hello(0, 0xb42f, 400, List.of(new SubTlv.HelloTimestamp(0x1f8db193L))),
                new Tlv.Ihu(AddressEncoding.IPV6_LINK_LOCAL, 96, 1200, IpAddress.parse("fe80::404a:ceff:fe06:d2ca"),
                        List.of(new SubTlv.IhuTimestamp(0x202ef81aL, 0x202ef85fL))),
                update(AddressEncoding.IPV6, "2001:db8:a::1/128", null, 0, A, null, List.of()),
                update(AddressEncoding.IPV6, "2001:db8:fe::/48", null, 128, A, null, List.of()),
                update(AddressEncoding.IPV6, "2001:db8:ff::/48", "2001:db8:a::/48", 128, A, null, List.of()),
                update(AddressEncoding.IPV6, "2001:db8:ff:1::/64", null, 256, A, null, List.of()),
                update(AddressEncoding.IPV4_VIA_IPV6, "192.0.2.1/32", null, 0, A, null, List.of()),
                update(AddressEncoding.IPV4_VIA_IPV6, "198.51.100.0/24", null, 128, A, "fe80::2", List.of()),
                update(AddressEncoding.IPV6, "2001:db8:b:0:200:ff:fe00:b/128", null, 0, B, null, List.of()),
                new Tlv.SeqnoRequest(AddressEncoding.IPV6, 0x67fb, 127, B, Prefix.parse("2001:db8:b::/48"),
                        Prefix.V6_DEFAULT, List.of()),
                new Tlv.Pc(3, Bytes.fromHex("1450a2a84902d0a8")))));
        packets.addAll(writer.write(List.of(
                new Tlv.Hello(Tlv.Hello.FLAG_UNICAST, 7, 0, List.of()),
                new Tlv.AckRequest(0x1234, 300),
                new Tlv.Ack(0x1234),
                new Tlv.PadN(3),
                new Tlv.Pad1(),
                new Tlv.Ihu(AddressEncoding.WILDCARD, 96, 1200, null, List.of()),
                new Tlv.Ihu(AddressEncoding.IPV6, 256, 1200, IpAddress.parse("2001:db8::5"),
                        List.of(new SubTlv.Pad1(), new SubTlv.PadN(2))),
                new Tlv.ChallengeRequest(Bytes.fromHex("a7ba25b9c048886d")),
                new Tlv.ChallengeReply(Bytes.fromHex("f2d5cd830d354a82")),
                new Tlv.RouteRequest(AddressEncoding.WILDCARD, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, List.of()),
                new Tlv.RouteRequest(AddressEncoding.IPV4, Prefix.parse("10.0.0.0/8"), Prefix.V4_DEFAULT, List.of()),
                new Tlv.RouteRequest(AddressEncoding.IPV6, Prefix.parse("2001:db8::/32"), Prefix.parse("2001:db8:1::/48"),
                        List.of()),
                new Tlv.SeqnoRequest(AddressEncoding.IPV4, 9, 64, A, Prefix.parse("10.1.0.0/16"), Prefix.V4_DEFAULT,
                        List.of()),
                update(AddressEncoding.IPV4, "10.1.0.0/16", null, 0, A, "10.1.0.2",
                        List.of(new SubTlv.Unknown(SubTlv.DIVERSITY, Bytes.fromHex("06")))),
                update(AddressEncoding.IPV4, "10.2.0.0/16", null, 96, B, "10.1.0.3", List.of()),
                update(AddressEncoding.IPV6, "2001:db8:c::/48", null, 300, B, "2001:db8::9", List.of()),
                new Tlv.Update(AddressEncoding.WILDCARD, 0, Prefix.V6_DEFAULT, Prefix.V6_DEFAULT, 0xffff, 0x67fa,
                        Tlv.INFINITY, null, null, List.of()))));
        List<Tlv> many = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            many.add(update(AddressEncoding.IPV6, "2001:db8:" + Integer.toHexString(0x100 + i) + "::/48", null, i,
                    i % 2 == 0 ? A : B, null, List.of()));
            many.add(update(AddressEncoding.IPV4, "10.3." + i + ".0/24", null, i, A, "10.1.0.2", List.of()));
        }
        List<byte[]> split = new PacketWriter(200).write(many);
        assertThat(split).hasSizeGreaterThan(3);
        packets.addAll(split);
        List<byte[]> signed = new ArrayList<>();
        for (byte[] p : packets) {
            List<Tlv> body = PacketReader.read(p).packet().body();
            signed.add(body.getLast() instanceof Tlv.Pc ? PacketWriter.withTrailer(p, List.of(MAC)) : p);
        }
        return signed;
    }

    private Path capture(List<byte[]> packets) throws IOException {
        Path file = dir.resolve("jbabel.pcap");
        try (PcapWriter w = PcapWriter.create(file)) {
            long t = 1_700_000_000_000_000_000L;
            for (byte[] p : packets) {
                w.writeUdp(t, SELF, 6696, IpAddress.BABEL_GROUP, 6696, p);
                t += 1_000_000;
            }
        }
        return file;
    }

    private static String tshark(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tshark"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            fail("tshark is not installed: install the `tshark` package (apt-get install tshark)", e);
            throw e;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tshark did not finish");
        }
        assertThat(p.exitValue()).as("tshark exit code for %s", command).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void tsharkFindsNothingMalformedAndNoExpertError() throws Exception {
        Path file = capture(packets());
        assertThat(tshark("-r", file.toString(), "-Y", "babel").lines()).hasSize(packets().size());
        assertThat(tshark("-r", file.toString(), "-Y", "_ws.malformed || _ws.expert.severity >= error")).isEmpty();
        assertThat(tshark("-r", file.toString(), "-Y", "udp.checksum.status != 1 && udp", "-o",
                "udp.check_checksum:TRUE")).isEmpty();
    }

    @Test
    void tsharkShowsTheFieldValuesWeWrote() throws Exception {
        List<byte[]> packets = packets();
        String pdml = tshark("-r", capture(packets).toString(), "-T", "pdml");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(pdml.getBytes(StandardCharsets.UTF_8)));
        List<Element> protos = new ArrayList<>();
        NodeList all = doc.getElementsByTagName("proto");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("name").equals("babel")) {
                protos.add(e);
            }
        }
        assertThat(protos).hasSameSizeAs(packets);
        int kinds = 0;
        for (int i = 0; i < packets.size(); i++) {
            ReadResult ours = PacketReader.read(packets.get(i));
            assertThat(ours.problems()).isEmpty();
            List<Tlv> tlvs = new ArrayList<>(ours.packet().body());
            tlvs.addAll(ours.packet().trailer());
            List<Element> messages = descendants(protos.get(i), "babel.message");
            assertThat(messages).as("packet %d", i + 1).hasSameSizeAs(tlvs);
            for (int j = 0; j < tlvs.size(); j++) {
                compare(tlvs.get(j), messages.get(j), "packet " + (i + 1) + " TLV " + (j + 1));
            }
            kinds += tlvs.size();
        }
        assertThat(kinds).isGreaterThan(60);
    }

    private static void compare(Tlv tlv, Element m, String where) {
        assertThat(num(m, "babel.message.type")).as(where).isEqualTo(typeOf(tlv));
        switch (tlv) {
            case Tlv.Pad1 p -> { }
            case Tlv.PadN p -> assertThat(num(m, "babel.message.length")).as(where).isEqualTo(p.length());
            case Tlv.AckRequest a -> {
                assertThat(num(m, "babel.message.nonce")).as(where).isEqualTo(a.opaque());
                assertThat(num(m, "babel.message.interval")).as(where).isEqualTo(a.interval());
            }
            case Tlv.Ack a -> assertThat(num(m, "babel.message.nonce")).as(where).isEqualTo(a.opaque());
            case Tlv.Hello h -> {
                // tshark 4.0 prints "Unicast : 0" whatever the flag says; compare the raw flags field it shows.
                assertThat(Integer.parseInt(textItem(m, "Unicast : ").getAttribute("value"), 16)).as(where)
                        .isEqualTo(h.flags());
                assertThat(num(m, "babel.message.seqno")).as(where).isEqualTo(h.seqno());
                assertThat(num(m, "babel.message.interval")).as(where).isEqualTo(h.interval());
                assertSubTlvs(h.subTlvs(), null, m, where);
                for (SubTlv s : h.subTlvs()) {
                    if (s instanceof SubTlv.HelloTimestamp t) {
                        assertThat(text(m, "Timestamp : ")).as(where).isEqualTo(seconds(t.transmit()));
                    }
                }
            }
            case Tlv.Ihu i -> {
                assertThat(num(m, "babel.message.rxcost")).as(where).isEqualTo(i.rxcost());
                assertThat(num(m, "babel.message.interval")).as(where).isEqualTo(i.interval());
                assertThat(num(m, "babel.message.ae")).as(where).isEqualTo(i.ae().code());
                assertThat(text(m, "Address: ")).as(where).isEqualTo(i.address() == null ? "::" : i.address().toString());
                assertSubTlvs(i.subTlvs(), null, m, where);
                for (SubTlv s : i.subTlvs()) {
                    if (s instanceof SubTlv.IhuTimestamp t) {
                        assertThat(text(m, "Timestamp origin : ")).as(where).isEqualTo(seconds(t.origin()));
                        assertThat(text(m, "Timestamp receive: ")).as(where).isEqualTo(seconds(t.receive()));
                    }
                }
            }
            case Tlv.RouterIdTlv r -> assertThat(raw(m, "babel.message.routerid")).as(where).isEqualTo(hex(r.routerId()));
            case Tlv.NextHop n -> {
                assertThat(num(m, "babel.message.ae")).as(where).isEqualTo(n.ae().code());
                assertThat(text(m, "NH: ")).as(where).isEqualTo(n.address().toString());
            }
            case Tlv.Update u -> {
                assertThat(num(m, "babel.message.flags")).as(where).isEqualTo(u.flags());
                assertThat(num(m, "babel.message.interval")).as(where).isEqualTo(u.interval());
                assertThat(num(m, "babel.message.seqno")).as(where).isEqualTo(u.seqno());
                assertThat(num(m, "babel.message.metric")).as(where).isEqualTo(u.metric());
                assertThat(num(m, "babel.message.ae")).as(where).isEqualTo(u.ae().code());
                assertThat(num(m, "babel.message.plen")).as(where).isEqualTo(u.prefix().length());
                if (u.ae() == AddressEncoding.IPV4_VIA_IPV6) {
                    // tshark 4.0 predates RFC 9229 and prints an AE 4 prefix as "corrupt": compare its raw bytes.
                    assertThat(raw(m, "babel.message.prefix")).as(where).startsWith(HexFormat.of()
                            .formatHex(u.prefix().address().toBytes(), 0, (u.prefix().length() + 7) / 8));
                } else if (!u.wildcard()) {
                    assertThat(text(m, "Prefix: ")).as(where).isEqualTo(u.prefix().toString());
                }
                assertSubTlvs(u.subTlvs(), u.sourcePrefix(), m, where);
            }
            case Tlv.RouteRequest r -> {
                assertThat(num(m, "babel.message.ae")).as(where).isEqualTo(r.ae().code());
                assertThat(num(m, "babel.message.plen")).as(where).isEqualTo(r.prefix().length());
                if (!r.wildcard()) {
                    assertThat(text(m, "Prefix: ")).as(where).isEqualTo(r.prefix().toString());
                }
            }
            case Tlv.SeqnoRequest s -> {
                assertThat(num(m, "babel.message.seqno")).as(where).isEqualTo(s.seqno());
                assertThat(num(m, "babel.message.hopcount")).as(where).isEqualTo(s.hopCount());
                assertThat(raw(m, "babel.message.routerid")).as(where).isEqualTo(hex(s.routerId()));
                assertThat(num(m, "babel.message.ae")).as(where).isEqualTo(s.ae().code());
                assertThat(text(m, "Prefix: ")).as(where).isEqualTo(s.prefix().toString());
            }
            // tshark 4.0 labels the packet counter of a PC TLV "Index".
            case Tlv.Pc p -> assertThat((long) num(m, "babel.message.index")).as(where).isEqualTo(p.pc());
            case Tlv.ChallengeRequest c -> assertThat(num(m, "babel.message.length")).as(where).isEqualTo(c.nonce().length());
            case Tlv.ChallengeReply c -> assertThat(num(m, "babel.message.length")).as(where).isEqualTo(c.nonce().length());
            case Tlv.Mac x -> assertThat(num(m, "babel.message.length")).as(where).isEqualTo(x.mac().length());
            case Tlv.Unknown x -> assertThat(num(m, "babel.message.length")).as(where).isEqualTo(x.body().length());
        }
    }

    /** The sub-TLV types tshark lists equal ours, the lifted Source Prefix (128) last. */
    private static void assertSubTlvs(List<SubTlv> subs, Prefix source, Element m, String where) {
        List<Integer> expected = new ArrayList<>();
        for (SubTlv s : subs) {
            expected.add(switch (s) {
                case SubTlv.Pad1 p -> SubTlv.PAD1;
                case SubTlv.PadN p -> SubTlv.PADN;
                case SubTlv.HelloTimestamp t -> SubTlv.TIMESTAMP;
                case SubTlv.IhuTimestamp t -> SubTlv.TIMESTAMP;
                case SubTlv.Unknown u -> u.type();
            });
        }
        if (source != null && !source.isZeroLength()) {
            expected.add(SubTlv.SOURCE_PREFIX);
        }
        List<Integer> shown = descendants(m, "babel.subtlv.type").stream().map(e -> hexValue(e)).toList();
        assertThat(shown).as(where + " sub-TLVs").isEqualTo(expected);
    }

    private static int typeOf(Tlv tlv) {
        return switch (tlv) {
            case Tlv.Pad1 p -> Tlv.PAD1;
            case Tlv.PadN p -> Tlv.PADN;
            case Tlv.AckRequest a -> Tlv.ACK_REQUEST;
            case Tlv.Ack a -> Tlv.ACK;
            case Tlv.Hello h -> Tlv.HELLO;
            case Tlv.Ihu i -> Tlv.IHU;
            case Tlv.RouterIdTlv r -> Tlv.ROUTER_ID;
            case Tlv.NextHop n -> Tlv.NEXT_HOP;
            case Tlv.Update u -> Tlv.UPDATE;
            case Tlv.RouteRequest r -> Tlv.ROUTE_REQUEST;
            case Tlv.SeqnoRequest s -> Tlv.SEQNO_REQUEST;
            case Tlv.Mac x -> Tlv.MAC;
            case Tlv.Pc p -> Tlv.PC;
            case Tlv.ChallengeRequest c -> Tlv.CHALLENGE_REQUEST;
            case Tlv.ChallengeReply c -> Tlv.CHALLENGE_REPLY;
            case Tlv.Unknown x -> x.type();
        };
    }

    private static List<Element> descendants(Element root, String name) {
        List<Element> found = new ArrayList<>();
        collect(root, name, found);
        return found;
    }

    private static void collect(Element e, String name, List<Element> found) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                if (c.getAttribute("name").equals(name)) {
                    found.add(c);
                } else {
                    collect(c, name, found);
                }
            }
        }
    }

    private static Element field(Element m, String name) {
        List<Element> f = descendants(m, name);
        assertThat(f).as("field %s in %s", name, m.getAttribute("showname")).isNotEmpty();
        return f.getFirst();
    }

    private static int num(Element m, String name) {
        return hexValue(field(m, name));
    }

    private static int hexValue(Element e) {
        return (int) Long.parseLong(e.getAttribute("value"), 16);
    }

    private static String raw(Element m, String name) {
        return field(m, name).getAttribute("value");
    }

    /** The rest of the first text item (a field without name) whose text starts with {@code label}. */
    private static String text(Element m, String label) {
        return textItem(m, label).getAttribute("show").substring(label.length());
    }

    private static Element textItem(Element m, String label) {
        for (Element e : descendants(m, "")) {
            if (e.getAttribute("show").startsWith(label)) {
                return e;
            }
        }
        return fail("no '" + label + "' in " + m.getAttribute("showname"));
    }

    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%d.%06ds", micros / 1_000_000, micros % 1_000_000);
    }

    private static String hex(RouterId id) {
        byte[] b = new byte[8];
        id.writeTo(b, 0);
        return HexFormat.of().formatHex(b);
    }
}
