package org.jbabel.ddhcp.dhcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jbabel.wire.Family;
import org.jbabel.wire.IpAddress;

/**
 * The DDHCP state file: own blocks and acknowledged leases, so that a restarted node never hands out an address it
 * acknowledged before. Text, one record per line, versioned (docs/DDHCP.md "State file"):
 *
 * <pre>
 * jbabel-ddhcp-state 1
 * range 10.116.224.0/20 4
 * block 5
 * lease 10.116.224.20 01525400123456 525400123456 300 1765013790
 * </pre>
 *
 * {@code lease} is address, client identifier (hex), hardware address (hex, may be {@code -} for none), lease
 * seconds, end (Unix seconds). Lines starting with {@code #} and blank lines are ignored. Written to a temporary
 * file in the same directory, forced to disk and renamed over the old one, so a crash leaves the old or the new
 * file, never half of one. Reading never throws: a file that is not ours, or of a newer version, is refused whole
 * with a message; a bad line is skipped with a message naming it.
 */
public final class StateFile {

    public static final String MAGIC = "jbabel-ddhcp-state";
    public static final int VERSION = 1;

    /**
     * What reading found.
     *
     * @param state the state (empty when there was no file or it was refused)
     * @param problems one clear message per refused file or skipped line
     * @param skipped how many lines were skipped
     * @param refused whether the whole file was refused
     */
    public record Loaded(SavedState state, List<String> problems, int skipped, boolean refused) {
        public Loaded {
            problems = List.copyOf(problems);
        }
    }

    private StateFile() {}

    /** Writes {@code state} to {@code file} atomically. */
    public static void write(Path file, SavedState state) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append(MAGIC).append(' ').append(VERSION).append('\n');
        b.append("# written by jbabel's ddhcp; own blocks and acknowledged leases (docs/DDHCP.md)\n");
        b.append("range ").append(state.range()).append(' ').append(state.blockSize()).append('\n');
        for (int block : state.ownBlocks()) {
            b.append("block ").append(block).append('\n');
        }
        HexFormat hex = HexFormat.of();
        for (SavedState.SavedLease l : state.leases()) {
            b.append("lease ").append(DhcpOptions.format(l.address())).append(' ')
                    .append(hex.formatHex(l.client().bytes())).append(' ')
                    .append(l.hardware().length == 0 ? "-" : hex.formatHex(l.hardware())).append(' ')
                    .append(l.leaseSeconds()).append(' ').append(l.expiresEpochSeconds()).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer data = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.US_ASCII));
            while (data.hasRemaining()) {
                c.write(data);
            }
            c.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot rename " + tmp + " over " + file + " atomically: " + e.getMessage(), e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }

    /** Reads {@code file}; a missing file is an empty state without problems. */
    public static Loaded read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return new Loaded(SavedState.empty("", 0), List.of(), 0, false);
        } catch (IOException | RuntimeException e) {
            return refused(file + ": cannot read the DDHCP state file: " + e);
        }
        if (lines.isEmpty() || !lines.getFirst().startsWith(MAGIC + " ")) {
            return refused(file + ": not a jbabel DDHCP state file (its first line is not '" + MAGIC + " "
                    + VERSION + "')");
        }
        String version = lines.getFirst().substring(MAGIC.length() + 1).strip();
        if (!version.equals(Integer.toString(VERSION))) {
            return refused(file + ": state file version '" + version + "', this jbabel reads version " + VERSION);
        }
        List<String> problems = new ArrayList<>();
        String range = null;
        int blockSize = 0;
        List<Integer> blocks = new ArrayList<>();
        List<SavedState.SavedLease> leases = new ArrayList<>();
        for (int n = 2; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split("\\s+");
            try {
                switch (w[0]) {
                    case "range" -> {
                        words(w, 3);
                        if (range != null) {
                            throw new IllegalArgumentException("a second range line");
                        }
                        range = w[1];
                        blockSize = Integer.parseInt(w[2]);
                    }
                    case "block" -> {
                        words(w, 2);
                        int index = Integer.parseInt(w[1]);
                        if (index < 0) {
                            throw new IllegalArgumentException("negative block index " + index);
                        }
                        blocks.add(index);
                    }
                    case "lease" -> {
                        words(w, 6);
                        IpAddress a = IpAddress.parse(w[1]);
                        if (a.family() != Family.V4) {
                            throw new IllegalArgumentException("not an IPv4 address: " + w[1]);
                        }
                        HexFormat hex = HexFormat.of();
                        ClientId client = new ClientId(hex.parseHex(w[2]));
                        byte[] hw = w[3].equals("-") ? new byte[0] : hex.parseHex(w[3]);
                        if (hw.length > 16) {
                            throw new IllegalArgumentException("hardware address of " + hw.length + " bytes");
                        }
                        int seconds = Integer.parseInt(w[4]);
                        if (seconds < 1) {
                            throw new IllegalArgumentException("lease seconds " + seconds);
                        }
                        leases.add(new SavedState.SavedLease(a.v4Bits(), client, hw, seconds, Long.parseLong(w[5])));
                    }
                    default -> throw new IllegalArgumentException("unknown record '" + w[0] + "'");
                }
            } catch (IllegalArgumentException e) {
                problems.add(file + ":" + n + ": skipped: " + e.getMessage());
            }
        }
        if (range == null) {
            return refused(file + ": no range line; the file is ignored");
        }
        return new Loaded(new SavedState(range, blockSize, blocks, leases), problems, problems.size(), false);
    }

    private static void words(String[] w, int n) {
        if (w.length != n) {
            throw new IllegalArgumentException("'" + w[0] + "' takes " + (n - 1) + " values, not " + (w.length - 1));
        }
    }

    private static Loaded refused(String message) {
        return new Loaded(SavedState.empty("", 0), List.of(message), 0, true);
    }
}
