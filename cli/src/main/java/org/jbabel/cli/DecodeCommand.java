package org.jbabel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jbabel.wire.PacketReader;
import org.jbabel.wire.Problem;
import org.jbabel.wire.ReadResult;
import org.jbabel.wire.Tlv;
import org.jbabel.wire.pcap.FrameDecoder;
import org.jbabel.wire.pcap.PcapReader;
import org.jbabel.wire.pcap.PcapRecord;
import org.jbabel.wire.pcap.UdpDatagram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jbabel decode --pcap FILE [--json]}: prints every Babel packet (UDP port 6696, or the historic 6697) of a
 * classic pcap capture with all its TLVs, as text or as one JSON object per line. A packet that cannot be parsed
 * is printed with the reason and decoding goes on; a truncated or corrupt capture ends with an error message and
 * exit code 1, after the packets before the damage.
 */
@Command(name = "decode", mixinStandardHelpOptions = true, description = "Print the Babel packets of a capture.")
final class DecodeCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Spec
    private CommandSpec spec;

    @Option(names = "--pcap", required = true, paramLabel = "FILE", description = "Capture file (classic pcap).")
    private Path pcap;

    @Option(names = "--json", description = "One JSON object per packet per line.")
    private boolean json;

    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (PcapReader reader = PcapReader.open(pcap)) {
            for (PcapRecord record = reader.next(); record != null; record = reader.next()) {
                UdpDatagram udp = FrameDecoder.decode(reader.linkType(), record.data());
                if (udp != null && udp.isBabel()) {
                    print(out, record, udp);
                }
            }
            out.flush();
            return 0;
        } catch (NoSuchFileException e) {
            return fail(out, err, "no such file");
        } catch (IOException e) {
            return fail(out, err, e.getMessage());
        }
    }

    private int fail(PrintWriter out, PrintWriter err, String message) {
        out.flush();
        err.println("jbabel decode: " + pcap + ": " + message);
        err.flush();
        return 1;
    }

    private void print(PrintWriter out, PcapRecord record, UdpDatagram udp) throws JsonProcessingException {
        ReadResult result = PacketReader.read(udp.payload());
        if (json) {
            out.println(mapper.writeValueAsString(jsonPacket(record, udp, result)));
            return;
        }
        out.printf("%d %s %s.%d > %s.%d length %d%s%n", record.number(),
                TIME.format(Instant.ofEpochSecond(0, record.epochNanos())), udp.source(), udp.sourcePort(),
                udp.destination(), udp.destinationPort(), udp.payload().length,
                udp.truncated() ? " (capture truncated)" : "");
        if (result.dropped()) {
            Problem p = result.problems().getFirst();
            out.println("  unparsable: " + kind(p) + ": " + p.detail());
            return;
        }
        for (Tlv tlv : result.packet().body()) {
            out.println("  " + TlvFields.text(TlvFields.of(tlv)));
        }
        for (Tlv tlv : result.packet().trailer()) {
            out.println("  trailer " + TlvFields.text(TlvFields.of(tlv)));
        }
        for (Problem p : result.problems()) {
            out.println("  problem " + kind(p) + " at " + p.offset() + ": " + p.detail());
        }
    }

    private static Map<String, Object> jsonPacket(PcapRecord record, UdpDatagram udp, ReadResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", record.number());
        m.put("time", Instant.ofEpochSecond(0, record.epochNanos()).toString());
        m.put("source", udp.source().toString());
        m.put("sourcePort", udp.sourcePort());
        m.put("destination", udp.destination().toString());
        m.put("destinationPort", udp.destinationPort());
        m.put("length", udp.payload().length);
        m.put("captureTruncated", udp.truncated());
        m.put("parsed", !result.dropped());
        if (!result.dropped()) {
            m.put("tlvs", tlvs(result.packet().body()));
            m.put("trailer", tlvs(result.packet().trailer()));
        }
        List<Map<String, Object>> problems = new ArrayList<>();
        for (Problem p : result.problems()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("kind", kind(p));
            pm.put("offset", p.offset());
            pm.put("detail", p.detail());
            problems.add(pm);
        }
        m.put("problems", problems);
        return m;
    }

    private static List<Map<String, Object>> tlvs(List<Tlv> tlvs) {
        List<Map<String, Object>> list = new ArrayList<>();
        tlvs.forEach(t -> list.add(TlvFields.of(t)));
        return list;
    }

    /** The counter name of a problem kind, as {@link org.jbabel.wire.WireCounters#snapshot()} names it. */
    private static String kind(Problem p) {
        return p.kind().name().toLowerCase(Locale.ROOT);
    }
}
