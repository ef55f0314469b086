package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jbabel.wire.pcap.LinkType;
import org.jbabel.wire.pcap.PcapWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our OFFER, ACK (new, renewal, INFORM) and NAK, answering the captured udhcpc and dhclient messages, go into a pcap
 * as IPv4/UDP 67 → 68 and through tshark's DHCP dissector: nothing malformed, no expert error, and the fields it
 * shows are what we meant. Skipped without tshark, except under {@code CI=true}, where it fails.
 */
class TsharkDecodesOurRepliesTest {

    static final String TSHARK = "/usr/bin/tshark";

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTshark() {
        if (!Files.isExecutable(Path.of(TSHARK))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("tshark is not installed: apt-get install -y tshark");
            }
            Assumptions.abort("tshark is not installed (apt-get install -y tshark)");
        }
    }

    /** An IPv4 packet with one UDP datagram (UDP checksum 0: none, allowed over IPv4). */
    static byte[] ipv4Udp(int src, int srcPort, int dst, int dstPort, byte[] payload) {
        ByteBuffer p = ByteBuffer.allocate(28 + payload.length);
        p.put((byte) 0x45).put((byte) 0x10).putShort((short) (28 + payload.length)).putInt(0);
        p.put((byte) 64).put((byte) 17).putShort((short) 0).putInt(src).putInt(dst);
        p.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0);
        p.put(payload);
        byte[] b = p.array();
        long sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        b[10] = (byte) (~sum >>> 8);
        b[11] = (byte) ~sum;
        return b;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tshark failed: %s", err).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void ourRepliesDecodeCleanlyWithTheFieldsWeMeant() throws Exception {
        FixedBlocks blocks = FixedBlocks.specRange().own(8);
        TestCounters counters = new TestCounters();
        DhcpServer server = new DhcpServer(DhcpSettings.of(DhcpServerTest.SERVER, 300, DhcpServerTest.OPTIONS),
                blocks, new Leases(blocks), counters);
        long now = 1;
        List<DhcpAction.Reply> replies = new ArrayList<>();
        for (String capture : List.of("udhcpc-discover", "udhcpc-request-selecting", "udhcpc-request-renewing",
                "dhclient-discover", "dhclient-request-init-reboot")) {
            server.onDatagram(ClientCaptures.bytes(capture), now).stream()
                    .filter(a -> a instanceof DhcpAction.Reply).forEach(a -> replies.add((DhcpAction.Reply) a));
        }
        replies.add(DhcpServerTest.reply(server.onMessage(new TestClient(5).reboot(blocks.address(8, 0)), now)));
        replies.add(DhcpServerTest.reply(server.onMessage(new TestClient(6).inform(0x0a74e0f0), now)));
        assertThat(replies).extracting(r -> r.message().messageType()).containsExactly(MessageType.OFFER,
                MessageType.ACK, MessageType.ACK, MessageType.OFFER, MessageType.ACK, MessageType.NAK,
                MessageType.ACK);
        Path pcap = dir.resolve("replies.pcap");
        try (PcapWriter w = new PcapWriter(Files.newOutputStream(pcap), LinkType.RAW)) {
            long t = 1_765_000_000_000_000_000L;
            for (DhcpAction.Reply r : replies) {
                w.write(t += 1_000_000, ipv4Udp(DhcpServerTest.SERVER, 67, r.destination(), 68,
                        DhcpWriter.write(r.message())));
            }
        }
        assertThat(run(TSHARK, "-r", pcap.toString(), "-Y", "_ws.malformed || _ws.expert.severity >= error"))
                .isBlank();
        String fields = run(TSHARK, "-r", pcap.toString(), "-T", "fields", "-E", "separator=|", "-E",
                "occurrence=a", "-E", "aggregator=,", "-e", "dhcp.option.dhcp", "-e", "dhcp.ip.your", "-e",
                "dhcp.ip.client", "-e", "ip.dst", "-e", "dhcp.option.dhcp_server_id", "-e",
                "dhcp.option.ip_address_lease_time", "-e", "dhcp.option.renewal_time_value", "-e",
                "dhcp.option.rebinding_time_value", "-e", "dhcp.option.subnet_mask", "-e", "dhcp.option.router", "-e",
                "dhcp.option.domain_name_server", "-e", "dhcp.option.interface_mtu", "-e",
                "dhcp.option.domain_name", "-e", "dhcp.option.classless_static_route", "-e", "dhcp.option.type");
        List<String> lines = fields.lines().toList();
        assertThat(lines).hasSize(7);
        // tshark 4.0 lists the END option as type 0; option 121 shows as its raw bytes (0/0 via 10.116.254.254)
        String options = "255.255.240.0|10.116.254.254|10.116.254.254,8.8.8.8|1280|mesh.example|000a74fefe|";
        assertThat(lines.get(0)).startsWith("2|10.116.224.32|0.0.0.0|255.255.255.255|10.116.224.1|300|150|262|"
                + options).endsWith("|53,54,51,58,59,1,3,6,15,26,121,0");
        assertThat(lines.get(1)).startsWith("5|10.116.224.32|0.0.0.0|255.255.255.255|10.116.224.1|300|150|262|");
        assertThat(lines.get(2)).startsWith("5|10.116.224.32|10.116.224.32|10.116.224.32|10.116.224.1|300|");
        assertThat(lines.get(3)).startsWith("2|10.116.224.33|")
                .endsWith("|53,54,51,58,59,1,3,15,6,26,121,0");
        // dhclient sends no client identifier and has udhcpc's MAC: by hardware address it is the client of .32
        assertThat(lines.get(4)).startsWith("5|10.116.224.32|0.0.0.0|255.255.255.255|");
        assertThat(lines.get(5)).isEqualTo("6|0.0.0.0|0.0.0.0|255.255.255.255|10.116.224.1||||||||||53,54,0");
        assertThat(lines.get(6)).startsWith("5|0.0.0.0|10.116.224.240|10.116.224.240|10.116.224.1||||" + options);
    }
}
