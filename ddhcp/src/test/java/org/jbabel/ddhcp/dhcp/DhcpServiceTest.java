package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

/**
 * {@link DhcpService} on a recording {@link Network}: what it opens, sends, and when it writes the state file. Every
 * send records the state file as it was then, so a reply that left before its lease was written fails a test. The
 * host's loop is a queue run by hand ({@link #runLoop}), so a test sees what is held until the group commit.
 */
class DhcpServiceTest {

    /** A datagram sent, with the state file as it was then and as it was when its channel was last forced. */
    record Sent(IpAddress to, int port, int ifindex, byte[] data, String stateFileThen, String forcedThen) {}

    @TempDir
    Path dir;

    final List<Sent> sent = new ArrayList<>();
    /** The state file's content at each force of the journal's channel, and whether metadata was asked for. */
    final List<String> forced = new ArrayList<>();
    final List<Boolean> forcedMetadata = new ArrayList<>();
    UdpSocket.Options opened;
    Consumer<Network.Datagram> receiver;
    long now = 5_000_000_000L;
    final List<Runnable> loop = new ArrayList<>();
    TestCounters counters = new TestCounters();

    void runLoop() {
        while (!loop.isEmpty()) {
            loop.removeFirst().run();
        }
    }

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
                    sent.add(new Sent(destination, port, ifindex, data, then, forced.isEmpty() ? "" : forced.getLast()));
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

    /** The journal's channel, recording the file's content whenever it is forced. */
    final class ForceRecording extends FileChannel {
        final FileChannel c;
        final Path file;

        ForceRecording(Path file) throws IOException {
            this.c = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            this.file = file;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            c.force(metaData);
            forced.add(Files.readString(file));
            forcedMetadata.add(metaData);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return c.write(src);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return c.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return c.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return c.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return c.position();
        }

        @Override
        public FileChannel position(long p) throws IOException {
            c.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return c.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            c.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return c.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return c.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return c.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return c.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return c.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return c.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return c.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            c.close();
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

            @Override
            public void askOwner(int block) {}
        };
        counters = new TestCounters();
        return new DhcpService(server, blocks, peers, () -> now, () -> 1_765_000_000L, counters, LOG, state,
                "10.116.224.0/20", 4, loop::add);
    }

    /** A service on {@code state} with its socket open on the recording network. */
    DhcpService opened(Path state, FixedBlocks blocks) throws Exception {
        DhcpService s = service(state, blocks);
        s.open(new RecordingNetwork(state), "br-client");
        return s;
    }

    private void receive(DhcpMessage m, int ciaddr) {
        receiver.accept(new Network.Datagram(IpAddress.v4(ciaddr), 68, IpAddress.v4(DhcpAction.BROADCAST), 7,
                DhcpWriter.write(m)));
    }

    @Test
    void servesPort67OnTheClientInterfaceAndWritesTheStateFileBeforeTheAckLeaves() throws Exception {
        Path state = dir.resolve("ddhcp.state");
        FixedBlocks blocks = FixedBlocks.specRange().own(5);
        DhcpService s = opened(state, blocks);
        assertThat(opened).isEqualTo(new UdpSocket.Options(IpAddress.V4_UNSPECIFIED, 67, "br-client", 1, false));
        TestClient c = new TestClient(1);
        receive(c.discover(), 0);
        receive(c.select(blocks.address(5, 0), DhcpServerTest.SERVER), 0);
        assertThat(sent).hasSize(1);
        runLoop();
        assertThat(sent).hasSize(2);
        assertThat(sent).allSatisfy(x -> assertThat(x.to()).isEqualTo(IpAddress.parse("255.255.255.255")))
                .allSatisfy(x -> assertThat(x.port()).isEqualTo(68))
                .allSatisfy(x -> assertThat(x.ifindex()).isEqualTo(7));
        assertThat(sent.get(0).stateFileThen()).isEmpty();
        assertThat(sent.get(1).stateFileThen()).contains("lease 10.116.224.20 ", "block 5\n");
        // a renewal goes to the client's address and does not rewrite the file
        Files.delete(state);
        receive(c.renew(blocks.address(5, 0)), blocks.address(5, 0));
        assertThat(loop).isEmpty();
        assertThat(sent.get(2).to()).isEqualTo(IpAddress.parse("10.116.224.20"));
        assertThat(state).doesNotExist();

        // a new service on the same file (a restart) gets the blocks back and keeps the lease
        s.save();
        DhcpService again = service(state, blocks);
        assertThat(again.restore()).containsExactly(5);
        assertThat(again.server().leases().get(blocks.address(5, 0)).state()).isEqualTo(Lease.State.LEASED);
        // a file for another range is not used
        DhcpService other = new DhcpService(again.server(), blocks, null, () -> now, () -> 0L, new TestCounters(),
                LOG, state, "10.0.0.0/24", 4, loop::add);
        assertThat(other.restore()).isEmpty();
    }

    private static DhcpMessage parse(Sent s) {
        return ((DhcpReader.Result.Parsed) DhcpReader.read(s.data())).message();
    }

    private static MessageType type(Sent s) {
        return parse(s).messageType();
    }

    /** DISCOVER and REQUEST of {@code n} clients, the REQUESTs all in one turn of the loop; returns their addresses. */
    private List<Integer> leaseInOneTurn(List<TestClient> clients) {
        List<Integer> addresses = new ArrayList<>();
        for (TestClient c : clients) {
            receive(c.discover(), 0);
            runLoop();
            addresses.add(parse(sent.getLast()).yiaddr());
        }
        for (int i = 0; i < clients.size(); i++) {
            receive(clients.get(i).select(addresses.get(i), DhcpServerTest.SERVER), 0);
        }
        return addresses;
    }

    @Test
    void theRequestsOfOneTurnShareOneDurableWriteAndNoReplyLeavesBeforeIt() throws Exception {
        Path state = dir.resolve("ddhcp.state");
        FixedBlocks blocks = FixedBlocks.specRange().own(5, 6);
        DhcpService s = opened(state, blocks);
        s.journal().opener(ForceRecording::new);
        List<TestClient> first = List.of(new TestClient(1), new TestClient(2), new TestClient(3));
        List<Integer> a = leaseInOneTurn(first);
        // the retransmitted REQUEST of a client whose lease is not on disk yet: its ACK waits as well
        receive(first.getFirst().select(a.getFirst(), DhcpServerTest.SERVER), 0);
        assertThat(sent).hasSize(3).allSatisfy(x -> assertThat(type(x)).isEqualTo(MessageType.OFFER));
        assertThat(loop).hasSize(1);
        runLoop();
        assertThat(sent).hasSize(7);
        for (Sent x : sent.subList(3, 7)) {
            assertThat(type(x)).isEqualTo(MessageType.ACK);
            String lease = "lease " + DhcpOptions.format(parse(x).yiaddr()) + " ";
            assertThat(x.stateFileThen()).contains(lease);
        }
        // the first commit wrote the whole file; the next turn's two leases are one appended write
        assertThat(counters.get("dhcp.state_rewrites")).isEqualTo(1);
        String before = Files.readString(state);
        List<Integer> b = leaseInOneTurn(List.of(new TestClient(4), new TestClient(5)));
        runLoop();
        assertThat(counters.get("dhcp.state_rewrites")).isEqualTo(1);
        assertThat(counters.get("dhcp.state_commits")).isEqualTo(1);
        assertThat(counters.get("dhcp.state_records")).isEqualTo(2);
        String after = Files.readString(state);
        assertThat(after).startsWith(before);
        assertThat(after.substring(before.length()).lines()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("lease "));
        // the appended records were forced (fdatasync: no metadata asked for) before either ACK left
        assertThat(forced).containsExactly(after);
        assertThat(forcedMetadata).containsExactly(false);
        assertThat(sent.subList(sent.size() - 2, sent.size())).allSatisfy(x -> {
            assertThat(type(x)).isEqualTo(MessageType.ACK);
            assertThat(x.stateFileThen()).isEqualTo(after);
            assertThat(x.forcedThen()).isEqualTo(after);
        });

        // a release is a "free" record; a restart reads the four leases left and no other
        receive(first.get(1).release(a.get(1), DhcpServerTest.SERVER), a.get(1));
        runLoop();
        assertThat(Files.readString(state)).endsWith("free " + DhcpOptions.format(a.get(1)) + "\n");
        StateFile.Loaded l = StateFile.read(state);
        assertThat(l.problems()).isEmpty();
        assertThat(l.state().leases()).extracting(SavedState.SavedLease::address)
                .containsExactlyInAnyOrder(a.get(0), a.get(2), b.get(0), b.get(1));
        DhcpService again = service(state, blocks);
        assertThat(again.restore()).containsExactly(5, 6);
        assertThat(again.server().leases().acknowledged(now)).extracting(Lease::address)
                .containsExactlyInAnyOrder(a.get(0), a.get(2), b.get(0), b.get(1));
    }

    @Test
    void aRenewLeaseAnsweredAtOnceIsOnDiskWhenTheAnswerReturns() throws Exception {
        Path state = dir.resolve("ddhcp.state");
        FixedBlocks blocks = FixedBlocks.specRange().own(5);
        DhcpService s = opened(state, blocks);
        byte[] chaddr = java.util.Arrays.copyOf(new byte[] {0x52, 0x54, 0, 0, 0, 9}, 16);
        assertThat(s.renewLease(blocks.address(5, 1), 77, chaddr)).isTrue();
        assertThat(Files.readString(state)).contains("lease 10.116.224.21 01525400000009 525400000009 300 ");
        runLoop();
        assertThat(counters.get("dhcp.state_rewrites") + counters.get("dhcp.state_commits")).isEqualTo(1);
    }

    @Test
    void theJournalIsRewrittenWholeWhenItHasGrownAndAfterARestartWithATornRecord() throws Exception {
        Path state = dir.resolve("ddhcp.state");
        FixedBlocks blocks = FixedBlocks.specRange().own(5, 6, 7);
        DhcpService s = opened(state, blocks);
        s.compactAfterRecords(4);
        List<TestClient> first = List.of(new TestClient(1), new TestClient(2));
        List<Integer> gone = leaseInOneTurn(first);
        runLoop(); // the whole file (two leases)
        for (int i = 0; i < 2; i++) {
            receive(first.get(i).release(gone.get(i), DhcpServerTest.SERVER), gone.get(i));
            runLoop(); // appended: "free" (records 1, 2)
        }
        List<Integer> all = new ArrayList<>();
        for (int n = 3; n <= 5; n++) {
            all.addAll(leaseInOneTurn(List.of(new TestClient(n))));
            runLoop(); // appended (records 3, 4), then the whole file again: 4 records, more than the 2 leases
        }
        assertThat(counters.get("dhcp.state_rewrites")).isEqualTo(2);
        assertThat(counters.get("dhcp.state_commits")).isEqualTo(4);
        assertThat(Files.readString(state).lines().filter(l -> l.startsWith("lease "))).hasSize(3);
        assertThat(Files.readString(state)).doesNotContain("free ");
        assertThat(StateFile.read(state).state().leases()).extracting(SavedState.SavedLease::address)
                .containsExactlyInAnyOrderElementsOf(all);

        // killed while a record was being appended: the torn record is ignored, and the next commit rewrites the
        // file before it appends anything (no record is glued to the torn one)
        Files.writeString(state, "lease 10.116.224.40 0152540000", java.nio.file.StandardOpenOption.APPEND);
        DhcpService again = service(state, blocks);
        assertThat(again.restore()).containsExactly(5, 6, 7);
        assertThat(counters.get("dhcp.state_torn")).isEqualTo(1);
        assertThat(counters.get("dhcp.state_skipped")).isZero();
        again.open(new RecordingNetwork(state), "br-client");
        all.addAll(leaseInOneTurn(List.of(new TestClient(6))));
        runLoop();
        assertThat(counters.get("dhcp.state_rewrites")).isEqualTo(1);
        StateFile.Loaded l = StateFile.read(state);
        assertThat(l.torn()).isFalse();
        assertThat(l.problems()).isEmpty();
        assertThat(l.state().leases()).extracting(SavedState.SavedLease::address)
                .containsExactlyInAnyOrderElementsOf(all);
    }
}
