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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * free 10.116.224.20
 * </pre>
 *
 * {@code lease} is address, client identifier (hex), hardware address (hex, may be {@code -} for none), lease
 * seconds, end (Unix seconds); a later {@code lease} of the same address replaces an earlier one, {@code free}
 * forgets it. Lines starting with {@code #} and blank lines are ignored. {@link #write} writes the whole state to a
 * temporary file in the same directory, forces it to disk and renames it over the old one, so a crash leaves the old
 * or the new file, never half of one; {@link StateJournal} appends {@code lease} and {@code free} records to it
 * between such rewrites. A last line without its newline is a record a crash tore while it was appended: it is
 * ignored (its ACK never left). Reading never throws: a file that is not ours, or of a newer version, is refused
 * whole with a message; a bad line is skipped with a message naming it.
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
     * @param torn whether the last line lacked its newline (a record torn by a crash) and was ignored
     */
    public record Loaded(SavedState state, List<String> problems, int skipped, boolean refused, boolean torn) {
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
        for (SavedState.SavedLease l : state.leases()) {
            appendLease(b, l);
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

    /** Appends the {@code lease} record of {@code l}, with its newline. */
    static void appendLease(StringBuilder b, SavedState.SavedLease l) {
        HexFormat hex = HexFormat.of();
        b.append("lease ").append(DhcpOptions.format(l.address())).append(' ')
                .append(hex.formatHex(l.client().bytes())).append(' ')
                .append(l.hardware().length == 0 ? "-" : hex.formatHex(l.hardware())).append(' ')
                .append(l.leaseSeconds()).append(' ').append(l.expiresEpochSeconds()).append('\n');
    }

    /** Appends the {@code free} record of an address, with its newline. */
    static void appendFree(StringBuilder b, int address) {
        b.append("free ").append(DhcpOptions.format(address)).append('\n');
    }

    /** Reads {@code file}; a missing file is an empty state without problems. */
    public static Loaded read(Path file) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return new Loaded(SavedState.empty("", 0), List.of(), 0, false, false);
        } catch (IOException | RuntimeException e) {
            return refused(file + ": cannot read the DDHCP state file: " + e);
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        // split leaves "" after a final newline; anything else there is a record torn by a crash
        boolean torn = !lines.removeLast().isEmpty();
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
        Map<Integer, SavedState.SavedLease> leases = new LinkedHashMap<>();
        if (torn) {
            problems.add(file + ":" + (lines.size() + 1) + ": ignored: the last record has no newline (torn by a"
                    + " crash while it was written; its answer never left)");
        }
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
                        int a = v4(w[1]);
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
                        leases.remove(a); // the latest record of an address comes last
                        leases.put(a, new SavedState.SavedLease(a, client, hw, seconds, Long.parseLong(w[5])));
                    }
                    case "free" -> {
                        words(w, 2);
                        leases.remove(v4(w[1]));
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
        int skipped = problems.size() - (torn ? 1 : 0);
        return new Loaded(new SavedState(range, blockSize, blocks, List.copyOf(leases.values())), problems, skipped,
                false, torn);
    }

    private static int v4(String word) {
        IpAddress a = IpAddress.parse(word);
        if (a.family() != Family.V4) {
            throw new IllegalArgumentException("not an IPv4 address: " + word);
        }
        return a.v4Bits();
    }

    private static void words(String[] w, int n) {
        if (w.length != n) {
            throw new IllegalArgumentException("'" + w[0] + "' takes " + (n - 1) + " values, not " + (w.length - 1));
        }
    }

    private static Loaded refused(String message) {
        return new Loaded(SavedState.empty("", 0), List.of(message), 0, true, false);
    }
}
