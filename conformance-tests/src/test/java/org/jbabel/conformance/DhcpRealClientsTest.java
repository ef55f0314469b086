package org.jbabel.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jbabel.ddhcp.block.BlockState;
import org.jbabel.ddhcp.block.Standing;
import org.jbabel.ddhcp.dhcp.AddressBlocks;
import org.jbabel.ddhcp.dhcp.DhcpAction;
import org.jbabel.ddhcp.dhcp.DhcpOptions;
import org.jbabel.ddhcp.dhcp.DhcpServer;
import org.jbabel.ddhcp.dhcp.DhcpService;
import org.jbabel.ddhcp.dhcp.DhcpSettings;
import org.jbabel.ddhcp.dhcp.Lease;
import org.jbabel.ddhcp.dhcp.Leases;
import org.jbabel.ddhcp.dhcp.StateFile;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.linux.IoCounters;
import org.jbabel.linux.LinuxNetwork;
import org.jbabel.linux.NetworkNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DDHCP's DHCP server on a real socket ({@link DhcpService} over {@link LinuxNetwork}, in a network namespace, on
 * the loop thread of a small harness whose {@link AddressBlocks} owns blocks 5 and 6 of 10.116.224.0/20) serves real
 * clients on a veth: busybox udhcpc and ISC dhclient get addresses and every configured option, a release frees the
 * address, the client that released gets it back, the state file holds what was acknowledged, and garbage sent to
 * port 67 is counted and dropped while the server goes on.
 */
class DhcpRealClientsTest {

    static final int PREFIX = 0x0a74e000;
    static final int SERVER = 0x0a74e001;
    static final String MAC1 = "52:54:00:12:34:56";
    static final String MAC2 = "52:54:00:ab:cd:ef";

    @TempDir
    Path dir;

    private Lab lab;
    private ExecutorService loop;
    private LinuxNetwork network;
    private DhcpService service;
    private String serverNs;
    private String clientNs;
    private final Map<String, Long> counters = new TreeMap<>();

    /** Blocks of 4; blocks 5 and 6 (10.116.224.20–27) are ours, the rest nobody's. */
    static final class OwnTwo implements AddressBlocks {
        @Override
        public Standing standing(int address) {
            int i = blockIndex(address);
            return i < 0 ? new Standing.Outside() : i == 5 || i == 6 ? new Standing.Ours(i)
                    : new Standing.Unowned(i, BlockState.FREE);
        }

        @Override
        public List<OwnBlock> ownBlocks() {
            return List.of(new OwnBlock(5, PREFIX + 20, 4), new OwnBlock(6, PREFIX + 24, 4));
        }

        @Override
        public int blockIndex(int address) {
            long offset = Integer.toUnsignedLong(address - PREFIX);
            return offset < 4096 ? (int) (offset / 4) : -1;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Lab.tool("udhcpc", "udhcpc");
        Lab.tool("dhclient", "isc-dhcp-client");
        lab = new Lab(dir);
        serverNs = lab.ns("dhs");
        clientNs = lab.ns("dhc");
        lab.link(serverNs, "srv0", clientNs, "cli0");
        lab.ip(serverNs, "addr", "add", "10.116.224.1/20", "dev", "srv0");
        loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "dhcp-loop"));
        network = new LinuxNetwork(loop, new IoCounters());
        AddressBlocks blocks = new OwnTwo();
        ExtensionContext.Counters c = new ExtensionContext.Counters() {
            @Override
            public void increment(String name) {
                add(name, 1);
            }

            @Override
            public void add(String name, long delta) {
                counters.merge(name, delta, Long::sum);
            }
        };
        ExtensionContext.Log log = new ExtensionContext.Log() {
            @Override
            public void info(String message) {
                System.out.println("dhcp: " + message);
            }

            @Override
            public void debug(String message) {}

            @Override
            public void error(String message, Throwable cause) {
                System.out.println("dhcp: " + message + ": " + cause);
            }
        };
        DhcpSettings settings = DhcpSettings.of(SERVER, 600, List.of(
                DhcpOptions.int32(DhcpOptions.SUBNET_MASK, DhcpOptions.mask(20)),
                DhcpOptions.addresses(DhcpOptions.ROUTER, List.of(SERVER)),
                DhcpOptions.addresses(DhcpOptions.DNS, List.of(SERVER, 0x09090909)),
                DhcpOptions.domain("mesh.example"),
                DhcpOptions.mtu(1400)));
        DhcpServer server = new DhcpServer(settings, blocks, new Leases(blocks), c);
        DhcpService.Peers peers = new DhcpService.Peers() {
            @Override
            public void forward(DhcpAction.ForwardRenewal renewal) {}

            @Override
            public void release(DhcpAction.ForwardRelease release) {}

            @Override
            public void needAddresses() {}

            @Override
            public void askOwner(int block) {}
        };
        service = new DhcpService(server, blocks, peers, System::nanoTime,
                () -> System.currentTimeMillis() / 1000, c, log, dir.resolve("ddhcp.state"), "10.116.224.0/20", 4,
                loop);
        onLoop(() -> {
            NetworkNamespace.runIn(serverNs, () -> {
                service.open(network, "srv0");
                return null;
            });
            return null;
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (loop != null) {
                onLoop(() -> {
                    service.close();
                    return null;
                });
                network.close();
                loop.shutdownNow();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(20, TimeUnit.SECONDS);
    }

    private Lease leaseOf(String mac) throws Exception {
        byte[] hw = HexFormat.ofDelimiter(":").parseHex(mac);
        return onLoop(() -> service.server().leases().all().stream()
                .filter(l -> java.util.Arrays.equals(l.hardware(), hw)).findFirst().orElse(null));
    }

    private Path script(String name) throws Exception {
        Path out = dir.resolve(name + ".out");
        Path s = dir.resolve(name + ".sh");
        Files.writeString(s, "#!/bin/sh\nenv | sort | sed 's/^/'\"$1$reason\"': /' >> " + out + "\nexit 0\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    /** The variables the script saw for one event. */
    private Map<String, String> event(String name, String event) throws Exception {
        Map<String, String> vars = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve(name + ".out"))) {
            if (line.startsWith(event + ": ")) {
                String kv = line.substring(event.length() + 2);
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    vars.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return vars;
    }

    private int udhcpc(String name, String... more) throws Exception {
        List<String> c = new java.util.ArrayList<>(List.of(Lab.tool("udhcpc", "udhcpc"), "-f", "-q", "-n", "-i",
                "cli0", "-t", "5", "-T", "1", "-s", script(name).toString()));
        c.addAll(List.of(more));
        return lab.exec(clientNs, c.toArray(String[]::new));
    }

    @Test
    void udhcpcAndDhclientGetAddressesAndTheConfiguredOptions() throws Exception {
        lab.ip(clientNs, "link", "set", "cli0", "address", MAC1);
        assertThat(udhcpc("u1")).isZero();
        Map<String, String> bound = event("u1", "bound");
        assertThat(bound).containsEntry("ip", "10.116.224.20").containsEntry("subnet", "255.255.240.0")
                .containsEntry("router", "10.116.224.1").containsEntry("dns", "10.116.224.1 9.9.9.9")
                .containsEntry("domain", "mesh.example").containsEntry("mtu", "1400")
                .containsEntry("lease", "600").containsEntry("serverid", "10.116.224.1");
        assertThat(leaseOf(MAC1).state()).isEqualTo(Lease.State.LEASED);
        assertThat(Files.readString(dir.resolve("ddhcp.state"))).contains("lease 10.116.224.20 ")
                .contains("block 5\nblock 6\n");

        // a release (udhcpc -R on exit) frees it; the address stays remembered for that client
        lab.ip(clientNs, "addr", "add", "10.116.224.20/20", "dev", "cli0");
        lab.exec(clientNs, "sh", "-c", "timeout -s TERM 3 " + Lab.tool("udhcpc", "udhcpc") + " -f -R -i cli0 -r "
                + "10.116.224.20 -s " + script("u2"));
        assertThat(leaseOf(MAC1).state()).isEqualTo(Lease.State.FREE);
        // the state file (a journal) ends with a "free" record for it: read, it holds no lease of the address
        assertThat(Files.readString(dir.resolve("ddhcp.state"))).endsWith("free 10.116.224.20\n");
        assertThat(StateFile.read(dir.resolve("ddhcp.state")).state().leases())
                .noneMatch(l -> l.address() == 0x0a74e014);
        lab.ip(clientNs, "addr", "flush", "dev", "cli0");

        // dhclient with another MAC: the next address nobody had
        lab.ip(clientNs, "link", "set", "cli0", "address", MAC2);
        Path pid = dir.resolve("dhclient.pid");
        String dhclient = Lab.tool("dhclient", "isc-dhcp-client");
        assertThat(lab.exec(clientNs, dhclient, "-1", "-sf", script("d1").toString(), "-lf",
                dir.resolve("dhclient.leases").toString(), "-pf", pid.toString(), "cli0")).isZero();
        lab.exec(clientNs, dhclient, "-x", "-sf", "/bin/true", "-pf", pid.toString(), "cli0");
        Map<String, String> dh = event("d1", "BOUND");
        assertThat(dh).containsEntry("new_ip_address", "10.116.224.21")
                .containsEntry("new_subnet_mask", "255.255.240.0").containsEntry("new_routers", "10.116.224.1")
                .containsEntry("new_domain_name_servers", "10.116.224.1 9.9.9.9")
                .containsEntry("new_domain_name", "mesh.example").containsEntry("new_interface_mtu", "1400")
                .containsEntry("new_dhcp_lease_time", "600").containsEntry("new_dhcp_renewal_time", "300")
                .containsEntry("new_dhcp_rebinding_time", "525");

        Map<String, Long> clean = onLoop(() -> new TreeMap<>(counters));
        assertThat(clean.keySet()).noneMatch(k -> k.startsWith("dhcp.malformed"));
        assertThat(clean).containsEntry("dhcp.rx.release", 1L);

        // garbage to port 67 is counted and dropped; the server goes on
        lab.ip(clientNs, "addr", "add", "10.116.224.99/20", "dev", "cli0");
        lab.exec(clientNs, "bash", "-c", "printf garbage > /dev/udp/10.116.224.1/67; "
                + "head -c 300 /dev/zero > /dev/udp/10.116.224.1/67; "
                + "head -c 300 /dev/urandom > /dev/udp/10.116.224.1/67");
        lab.ip(clientNs, "addr", "flush", "dev", "cli0");

        // the first client comes back and gets its old address
        lab.ip(clientNs, "link", "set", "cli0", "address", MAC1);
        assertThat(udhcpc("u3")).isZero();
        assertThat(event("u3", "bound")).containsEntry("ip", "10.116.224.20");
        Map<String, Long> after = onLoop(() -> new TreeMap<>(counters));
        assertThat(after).containsEntry("dhcp.malformed.short", 1L).containsKey("dhcp.malformed.bad_op");
        assertThat(after.entrySet().stream().filter(e -> e.getKey().startsWith("dhcp.malformed"))
                .mapToLong(Map.Entry::getValue).sum()).isEqualTo(3);
        System.out.println("counters: " + after);
    }
}
