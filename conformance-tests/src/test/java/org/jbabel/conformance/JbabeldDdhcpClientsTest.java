package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jbabeld's {@code ddhcp} with its DHCP side: one node claims a block of 10.116.224.0/22 and a real busybox udhcpc on
 * its client interface gets an address of that block, with the router, DNS and lease time of the statement.
 */
class JbabeldDdhcpClientsTest {

    @Test
    void udhcpcGetsAnAddressOfTheNodesOwnBlock(@TempDir Path dir) throws Exception {
        String udhcpc = Lab.tool("udhcpc", "udhcpc");
        try (Lab lab = new Lab(dir)) {
            String node = lab.ns("dn");
            String other = lab.ns("do");
            String client = lab.ns("dc");
            MmfdLab.noDad(lab, node);
            lab.link(node, "bab0", other, "bab1");
            lab.link(node, "cli0", client, "eth0");
            lab.ip(node, "addr", "add", "10.116.224.1/22", "dev", "cli0");
            Lab.Daemon d = lab.jbabeld(node, "n", List.of("-C", "ddhcp client-interface cli0 range 10.116.224.0/22"
                    + " block-size 4 router 10.116.224.1 dns 10.116.224.1 lease-time 600", "-C", "ddhcp learning false",
                    "-C", "ddhcp tentative-timeout 3", "-C", "ddhcp spare-leases 1", "bab0"));
            Path out = dir.resolve("udhcpc.out");
            Path script = lab.udhcpcRecorder(out);
            // the first DISCOVERs come before the node owns a block: udhcpc keeps trying
            int status = lab.exec(client, udhcpc, "-f", "-q", "-n", "-i", "eth0", "-t", "15", "-T", "1", "-s",
                    script.toString());
            String ctl = MmfdLab.ctl(d.socket(), "ddhcp", "blocks", "--text");
            assertThat(status).as("udhcpc exit status; blocks:%n%s%nlog:%n%s", ctl, Files.readString(d.log())).isZero();
            List<String> bound = Files.readAllLines(out).stream().filter(l -> l.startsWith("bound: ")).toList();
            String ip = bound.stream().filter(l -> l.startsWith("bound: ip=")).findFirst().orElseThrow()
                    .substring("bound: ip=".length());
            assertThat(bound).contains("bound: router=10.116.224.1", "bound: dns=10.116.224.1", "bound: lease=600",
                    "bound: subnet=255.255.252.0");
            int last = Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
            int block = ((Integer.parseInt(ip.split("\\.")[2]) - 224) * 256 + last) / 4;
            assertThat(ctl).as("block %d of %s is ours", block, ip).containsPattern("(?m)^" + block + "\\t4\\t");
            assertThat(MmfdLab.counter(d.socket(), "ddhcp.dhcp.tx.ack")).isEqualTo(1);
        }
    }
}
