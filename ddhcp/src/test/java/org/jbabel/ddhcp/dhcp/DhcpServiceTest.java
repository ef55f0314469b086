package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jbabel.extension.ExtensionContext;
import org.jbabel.extension.Network;
import org.jbabel.extension.UdpSocket;
import org.jbabel.wire.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DhcpService} on a recording {@link Network}: what it opens, sends, and when it writes the state file. */
class DhcpServiceTest {

    record Sent(IpAddress to, int port, int ifindex, byte[] data, String stateFileThen) {}

    @TempDir
    Path dir;

    final List<Sent> sent = new ArrayList<>();
    UdpSocket.Options opened;
    Consumer<Network.Datagram> receiver;
    long now = 5_000_000_000L;

    final class RecordingNetwork implements Network {
        final Path state;

        RecordingNetwork(Path state) {
            this.state = state;
        }

        @Override
        public UdpSocket udp(UdpSocket.Options options, Consumer<Datagram> r) {
            opened = options;
            receiver = r;
            return new UdpSocket() {
                @Override
                public void join(IpAddress group, int ifindex) {}

                @Override
                public void leave(IpAddress group, int ifindex) {}

                @Override
                public boolean send(IpAddress destination, int port, int ifindex, byte[] data) {
                    String then;
                    try {
                        then = Files.exists(state) ? Files.readString(state) : "";
                    } catch (java.io.IOException e) {
                        then = e.toString();
                    }
                    sent.add(new Sent(destination, port, ifindex, data, then));
                    return true;
                }

                @Override
                public int localPort() {
                    return 67;
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public PacketDevice tun(String name, int mtu, Consumer<byte[]> r) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PacketDevice tap(String name, int mtu, Consumer<byte[]> r) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LinkSocket packet(String ifname, int ethertype, byte[] bpf, Consumer<LinkFrame> r) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UdpSocket icmp6(String ifname, Set<Integer> types, Consumer<Datagram> r) {
            throw new UnsupportedOperationException();
        }
    }

    static final ExtensionContext.Log LOG = new ExtensionContext.Log() {
        @Override
        public void info(String message) {}

        @Override
        public void debug(String message) {}

        @Override
        public void error(String message, Throwable cause) {}
    };

    DhcpService service(Path state, FixedBlocks blocks) {
        DhcpServer server = new DhcpServer(DhcpSettings.of(DhcpServerTest.SERVER, 300, List.of()), blocks,
                new Leases(blocks), new TestCounters());
        DhcpService.Peers peers = new DhcpService.Peers() {
            @Override
            public void forward(DhcpAction.ForwardRenewal renewal) {}

            @Override
            public void release(DhcpAction.ForwardRelease release) {}

            @Override
            public void needAddresses() {}
        };
        return new DhcpService(server, blocks, peers, () -> now, () -> 1_765_000_000L, new TestCounters(), LOG, state,
                "10.116.224.0/20", 4);
    }

    private void receive(DhcpMessage m, int ciaddr) {
        receiver.accept(new Network.Datagram(IpAddress.v4(ciaddr), 68, IpAddress.v4(DhcpAction.BROADCAST), 7,
                DhcpWriter.write(m)));
    }

    @Test
    void servesPort67OnTheClientInterfaceAndWritesTheStateFileBeforeTheAckLeaves() throws Exception {
        Path state = dir.resolve("ddhcp.state");
        FixedBlocks blocks = FixedBlocks.specRange().own(5);
        DhcpService s = service(state, blocks);
        s.open(new RecordingNetwork(state), "br-client");
        assertThat(opened).isEqualTo(new UdpSocket.Options(IpAddress.V4_UNSPECIFIED, 67, "br-client", 1, false));
        TestClient c = new TestClient(1);
        receive(c.discover(), 0);
        receive(c.select(blocks.address(5, 0), DhcpServerTest.SERVER), 0);
        assertThat(sent).hasSize(2);
        assertThat(sent).allSatisfy(x -> assertThat(x.to()).isEqualTo(IpAddress.parse("255.255.255.255")))
                .allSatisfy(x -> assertThat(x.port()).isEqualTo(68))
                .allSatisfy(x -> assertThat(x.ifindex()).isEqualTo(7));
        assertThat(sent.get(0).stateFileThen()).isEmpty();
        assertThat(sent.get(1).stateFileThen()).contains("lease 10.116.224.20 ", "block 5\n");
        // a renewal goes to the client's address and does not rewrite the file
        Files.delete(state);
        receive(c.renew(blocks.address(5, 0)), blocks.address(5, 0));
        assertThat(sent.get(2).to()).isEqualTo(IpAddress.parse("10.116.224.20"));
        assertThat(state).doesNotExist();

        // a new service on the same file (a restart) gets the blocks back and keeps the lease
        s.save();
        DhcpService again = service(state, blocks);
        assertThat(again.restore()).containsExactly(5);
        assertThat(again.server().leases().get(blocks.address(5, 0)).state()).isEqualTo(Lease.State.LEASED);
        // a file for another range is not used
        DhcpService other = new DhcpService(again.server(), blocks, null, () -> now, () -> 0L, new TestCounters(),
                LOG, state, "10.0.0.0/24", 4);
        assertThat(other.restore()).isEmpty();
    }
}
