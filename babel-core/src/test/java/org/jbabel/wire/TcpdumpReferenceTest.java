package org.jbabel.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jbabel.wire.pcap.FrameDecoder;
import org.jbabel.wire.pcap.PcapReader;
import org.jbabel.wire.pcap.PcapRecord;
import org.jbabel.wire.pcap.UdpDatagram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decodes every Babel packet of tcpdump's Babel captures and compares it, field by field, with what tcpdump
 * printed for it ({@code src/test/resources/pcaps/*.out}). Our decode is rendered in tcpdump's own line format by
 * {@link #tcpdumpLine}, so each TLV line (kind, seqno, interval, prefix, metric, router-id, next hop, sub-TLVs, PC,
 * MAC) must match exactly, and so must the packet header (number, time, addresses, ports, body length).
 */
class TcpdumpReferenceTest {
    private static final Pattern HEADER = Pattern.compile(
            "^\\s*(\\d+)\\s+(\\S+ \\S+) IP6 .*?(\\S+)\\.(\\d+) > (\\S+)\\.(\\d+): .*?babel 2 \\((\\d+)\\)(.*)$");
    private static final Pattern ANY_HEADER = Pattern.compile("^\\s*\\d+\\s+\\d{4}-");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** What tcpdump printed for one Babel packet. */
    private record Expected(int number, String header, List<String> lines, String terse) {}

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "babel.pcap, babel1v.out, 16",
        "babel_pad1.pcap, babel_pad1.out, 2",
        "babel_rtt.pcap, babel_rtt.out, 9",
        "babel_rfc6126bis.pcap, babel_rfc6126bis.out, 130"
    })
    void everyBabelPacketDecodesAsTcpdumpPrintsIt(String pcap, String out, int babelPackets) throws IOException {
        Map<Integer, Expected> expected = parseOut(resource(out));
        Map<Integer, String> headers = new LinkedHashMap<>();
        Map<Integer, ReadResult> decoded = new LinkedHashMap<>();
        try (PcapReader reader = PcapReader.of(resourceStream(pcap))) {
            for (PcapRecord r = reader.next(); r != null; r = reader.next()) {
                UdpDatagram udp = FrameDecoder.decode(reader.linkType(), r.data());
                if (udp == null || !udp.isBabel()) {
                    continue;
                }
                int bodyLength = ((udp.payload()[2] & 0xff) << 8) | (udp.payload()[3] & 0xff);
                headers.put(r.number(), TIME.format(Instant.ofEpochSecond(0, r.epochNanos())) + " "
                        + udp.source() + "." + udp.sourcePort() + " > " + udp.destination() + "."
                        + udp.destinationPort() + " (" + bodyLength + ")");
                decoded.put(r.number(), PacketReader.read(udp.payload()));
            }
        }
        assertThat(decoded.keySet()).containsExactlyElementsOf(expected.keySet()).hasSize(babelPackets);
        for (Expected e : expected.values()) {
            ReadResult result = decoded.get(e.number());
            assertThat(headers.get(e.number())).as("packet %d header", e.number()).isEqualTo(e.header());
            assertThat(result.problems()).as("packet %d problems", e.number()).isEmpty();
            Packet p = result.packet();
            if (e.terse() != null) {
                // Plain tcpdump (no -v) lists the TLV kinds only.
                assertThat(p.body().stream().map(TcpdumpReferenceTest::terseName).collect(Collectors.joining(" ")))
                        .as("packet %d", e.number()).isEqualTo(e.terse());
                continue;
            }
            List<String> ours = new ArrayList<>();
            p.body().forEach(t -> ours.add(tcpdumpLine(t)));
            if (!p.trailer().isEmpty()) {
                ours.add("----");
                p.trailer().forEach(t -> ours.add(tcpdumpLine(t)));
            }
            assertThat(ours).as("packet %d TLVs", e.number()).containsExactlyElementsOf(e.lines());
        }
    }

    private static Map<Integer, Expected> parseOut(String text) {
        Map<Integer, Expected> packets = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : text.split("\n")) {
            if (ANY_HEADER.matcher(line).find()) {
                Matcher m = HEADER.matcher(line);
                if (!m.matches()) {
                    current = null; // not Babel (AHCP, ICMPv6 in babel.pcap)
                    continue;
                }
                int number = Integer.parseInt(m.group(1));
                String header = m.group(2) + " " + m.group(3) + "." + m.group(4) + " > " + m.group(5) + "."
                        + m.group(6) + " (" + m.group(7) + ")";
                String rest = m.group(8).trim();
                current = new ArrayList<>();
                packets.put(number, new Expected(number, header, current, rest.isEmpty() ? null : rest));
            } else if (current != null && line.startsWith("\t")) {
                current.add(line.substring(1).strip());
            }
        }
        return packets;
    }

    /** A TLV as tcpdump -v prints it (print-babel.c's wording, reproduced from its output). */
    static String tcpdumpLine(Tlv tlv) {
        return switch (tlv) {
            case Tlv.Hello h -> "Hello seqno " + h.seqno() + " interval " + seconds(h.interval()) + subs(h.subTlvs());
            case Tlv.Ihu i -> "IHU " + i.address() + " rxcost " + i.rxcost() + " interval " + seconds(i.interval())
                    + subs(i.subTlvs());
            case Tlv.RouterIdTlv r -> "Router Id " + r.routerId();
            case Tlv.NextHop n -> "Next Hop " + n.address();
            case Tlv.Update u -> "Update" + ((u.flags() & 0x80) != 0 ? "/prefix" : "")
                    + ((u.flags() & 0x40) != 0 ? "/id" : "") + " " + u.prefix() + " metric " + u.metric() + " seqno "
                    + u.seqno() + " interval " + seconds(u.interval()) + subs(u.subTlvs());
            case Tlv.SeqnoRequest s -> "Seqno Request (" + s.hopCount() + " hops) for " + s.prefix() + " seqno "
                    + s.seqno() + " id " + s.routerId();
            case Tlv.Pc p -> "PC value " + p.pc() + " index len " + p.index().length();
            case Tlv.Mac m -> "MAC len " + m.mac().length();
            default -> tlv.toString();
        };
    }

    private static String subs(List<SubTlv> subs) {
        StringBuilder sb = new StringBuilder();
        for (SubTlv s : subs) {
            switch (s) {
                case SubTlv.HelloTimestamp t -> sb.append(" sub-timestamp ").append(micros(t.transmit()));
                case SubTlv.IhuTimestamp t ->
                    sb.append(" sub-timestamp ").append(micros(t.origin())).append('|').append(micros(t.receive()));
                case SubTlv.Unknown u when u.type() == SubTlv.DIVERSITY -> {
                    sb.append(" sub-diversity ");
                    if (u.body().length() == 0) {
                        sb.append("empty");
                    } else {
                        List<String> channels = new ArrayList<>();
                        for (int i = 0; i < u.body().length(); i++) {
                            channels.add(Integer.toString(u.body().get(i) & 0xff));
                        }
                        sb.append(String.join("-", channels));
                    }
                }
                default -> sb.append(' ').append(s);
            }
        }
        return sb.toString();
    }

    private static String terseName(Tlv tlv) {
        return switch (tlv) {
            case Tlv.Pad1 p -> "pad1";
            case Tlv.Hello h -> "hello";
            case Tlv.NextHop n -> "nh";
            case Tlv.RouterIdTlv r -> "router-id";
            case Tlv.Update u -> "update";
            default -> tlv.toString();
        };
    }

    private static String seconds(int centiseconds) {
        return String.format(Locale.ROOT, "%d.%02ds", centiseconds / 100, centiseconds % 100);
    }

    private static String micros(long us) {
        return String.format(Locale.ROOT, "%d.%06ds", us / 1_000_000, us % 1_000_000);
    }

    private static InputStream resourceStream(String name) {
        return TcpdumpReferenceTest.class.getResourceAsStream("/pcaps/" + name);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = resourceStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
