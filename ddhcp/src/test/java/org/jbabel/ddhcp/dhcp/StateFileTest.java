package org.jbabel.ddhcp.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
    static final long S = 1_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aWrittenStateReadsBackEqualAndTheTemporaryFileIsGone() throws Exception {
        Path f = dir.resolve("ddhcp.state");
        SavedState s = new SavedState("10.116.224.0/20", 4, List.of(5, 8), List.of(
                new SavedState.SavedLease(0x0a74e014, new ClientId(new byte[] {1, 2, 3}), new byte[] {1, 2}, 300,
                        1_765_013_790L),
                new SavedState.SavedLease(0x0a74e015, new ClientId(new byte[] {9}), new byte[0], 60, 5L)));
        StateFile.write(f, s);
        StateFile.Loaded l = StateFile.read(f);
        assertThat(l.problems()).isEmpty();
        assertThat(l.state()).isEqualTo(s);
        assertThat(Files.readString(f)).startsWith("jbabel-ddhcp-state 1\n")
                .contains("lease 10.116.224.20 010203 0102 300 1765013790\n", "lease 10.116.224.21 09 - 60 5\n");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).containsExactly(f);
        }
        StateFile.write(f, SavedState.empty("10.116.224.0/20", 4));
        assertThat(StateFile.read(f).state().leases()).isEmpty();
    }

    @Test
    void appendedRecordsReplaceAndFreeEarlierLeasesAndATornLastRecordIsIgnored() throws Exception {
        Path f = dir.resolve("ddhcp.state");
        SavedState.SavedLease a = new SavedState.SavedLease(0x0a74e014, new ClientId(new byte[] {1}), new byte[] {1},
                300, 100L);
        SavedState.SavedLease b = new SavedState.SavedLease(0x0a74e015, new ClientId(new byte[] {2}), new byte[] {2},
                300, 100L);
        StateFile.write(f, new SavedState("10.116.224.0/20", 4, List.of(5), List.of(a, b)));
        StringBuilder more = new StringBuilder();
        SavedState.SavedLease a2 = new SavedState.SavedLease(a.address(), new ClientId(new byte[] {7}),
                new byte[] {7}, 600, 200L);
        StateFile.appendLease(more, a2);
        StateFile.appendFree(more, b.address());
        Files.writeString(f, more, StandardOpenOption.APPEND);
        StateFile.Loaded l = StateFile.read(f);
        assertThat(l.problems()).isEmpty();
        assertThat(l.torn()).isFalse();
        assertThat(l.state().leases()).containsExactly(a2);

        // a crash in the middle of an append: the part of a record without its newline, whatever it looks like
        for (String torn : List.of("lease 10.116.224.22 0152540012", "lease 10.116.224.22 01 - 300 100", "fr",
                "\0\0\0\0")) {
            Path g = dir.resolve("torn");
            Files.copy(f, g, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(g, torn, StandardOpenOption.APPEND);
            StateFile.Loaded t = StateFile.read(g);
            assertThat(t.torn()).isTrue();
            assertThat(t.refused()).isFalse();
            assertThat(t.skipped()).isZero();
            assertThat(t.state().leases()).containsExactly(a2);
            assertThat(t.problems()).singleElement().asString().contains(":9: ignored: the last record has no newline");
        }
    }

    @Test
    void aMissingFileIsAnEmptyStateWithoutComplaint() {
        StateFile.Loaded l = StateFile.read(dir.resolve("none"));
        assertThat(l.refused()).isFalse();
        assertThat(l.problems()).isEmpty();
        assertThat(l.state().leases()).isEmpty();
    }

    @Test
    void foreignNewerAndRangelessFilesAreRefusedWithAClearMessage() throws Exception {
        Path f = dir.resolve("s");
        Files.writeString(f, "{\"json\": true}\n");
        assertThat(StateFile.read(f).problems()).singleElement().asString().contains("not a jbabel DDHCP state file");
        Files.writeString(f, "jbabel-ddhcp-state 2\nrange 10.0.0.0/24 32\n");
        assertThat(StateFile.read(f).problems()).singleElement().asString()
                .contains("version '2', this jbabel reads version 1");
        Files.writeString(f, "jbabel-ddhcp-state 1\nblock 1\n");
        assertThat(StateFile.read(f).refused()).isTrue();
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThat(StateFile.read(f).refused()).isTrue();
        Files.createDirectory(dir.resolve("d"));
        assertThat(StateFile.read(dir.resolve("d")).problems()).singleElement().asString().contains("cannot read");
    }

    @Test
    void everyBadLineIsSkippedAndNamedTheRestIsKept() throws Exception {
        Path f = dir.resolve("s");
        Files.writeString(f, String.join("\n", "jbabel-ddhcp-state 1", "range 10.116.224.0/20 4", "block 5",
                "block -1", "block x", "lease 10.116.224.20 01 0102 300 100", "lease 2001:db8::1 01 - 300 100",
                "lease 10.116.224.21 zz - 300 100", "lease 10.116.224.22 01 - 0 100", "lease 10.116.224.23 01 -",
                "lease 10.116.224.24 01 " + "00".repeat(17) + " 300 1", "frobnicate", "range 10.0.0.0/8 4",
                "# a comment", "", "block 6", ""), StandardCharsets.US_ASCII);
        StateFile.Loaded l = StateFile.read(f);
        assertThat(l.refused()).isFalse();
        assertThat(l.state().ownBlocks()).containsExactly(5, 6);
        assertThat(l.state().leases()).extracting(SavedState.SavedLease::address).containsExactly(0x0a74e014);
        assertThat(l.skipped()).isEqualTo(9);
        assertThat(l.problems()).allSatisfy(p -> assertThat(p).matches(".*:\\d+: skipped: .+"));
        assertThat(l.problems().get(0)).contains(":4: skipped: negative block index -1");
    }

    @Test
    void aRestartedNodeNeverHandsOutAnAddressItAcknowledged() throws Exception {
        Path f = dir.resolve("ddhcp.state");
        FixedBlocks blocks = FixedBlocks.specRange().own(5);
        long wall = 1_765_000_000L;
        long now = 50 * S;
        DhcpServer before = new DhcpServer(DhcpSettings.of(DhcpServerTest.SERVER, 300, List.of()), blocks,
                new Leases(blocks), new TestCounters());
        TestClient[] clients = {new TestClient(1), new TestClient(2)};
        int[] addresses = new int[2];
        for (int i = 0; i < 2; i++) {
            int offered = DhcpServerTest.reply(before.onMessage(clients[i].discover(), now)).message().yiaddr();
            List<DhcpAction> acts = before.onMessage(clients[i].select(offered, DhcpServerTest.SERVER), now);
            assertThat(acts.getFirst()).isEqualTo(new DhcpAction.LeasesChanged());
            // as the service does on LeasesChanged, before the ACK leaves
            StateFile.write(f, new SavedState("10.116.224.0/20", 4, List.of(5), before.leases().saved(now, wall)));
            addresses[i] = DhcpServerTest.reply(acts).message().yiaddr();
        }
        // client 0 renews 250 s later (not written); the node crashes 100 s after that and restarts
        now += 250 * S;
        before.onMessage(clients[0].renew(addresses[0]), now);
        long restart = 7 * S; // a new process: a new monotonic clock
        long restartWall = wall + 350;
        StateFile.Loaded l = StateFile.read(f);
        Leases restored = new Leases(blocks);
        assertThat(restored.restore(l.state().leases(), restart, restartWall)).isEqualTo(2);
        DhcpServer after = new DhcpServer(DhcpSettings.of(DhcpServerTest.SERVER, 300, List.of()), blocks, restored,
                new TestCounters());
        // newcomers get the two other addresses and then nothing, for a whole lease time after the restart
        for (int i = 3; i < 5; i++) {
            int a = DhcpServerTest.reply(after.onMessage(new TestClient(i).discover(), restart + 299 * S)).message()
                    .yiaddr();
            assertThat(a).isNotIn(addresses[0], addresses[1]);
        }
        assertThat(after.onMessage(new TestClient(9).discover(), restart + 299 * S))
                .containsExactly(new DhcpAction.NeedAddresses());
        assertThat(DhcpServerTest.reply(after.onMessage(new TestClient(9).reboot(addresses[0]), restart + 299 * S))
                .message().messageType()).isEqualTo(MessageType.NAK);
        // the clients keep theirs
        assertThat(DhcpServerTest.reply(after.onMessage(clients[0].renew(addresses[0]), restart + 100 * S))
                .message().yiaddr()).isEqualTo(addresses[0]);
        assertThat(DhcpServerTest.reply(after.onMessage(clients[1].discover(), restart + 100 * S)).message()
                .yiaddr()).isEqualTo(addresses[1]);
    }
}
